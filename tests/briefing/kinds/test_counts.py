"""``kinds.counts``: counts of one period in one sentence, each with its name, and a bar chart of
them; a sentence per period when the counts are of different periods."""

from __future__ import annotations

from conftest import kind_context
from markupsafe import Markup

from report_utils.briefing.kinds import counts

INNOVATION = ["innov_national_platforms", "innov_little_giants", "innov_design_centers"]


def text(paragraph) -> str:
    return Markup(paragraph.html).striptags()


def test_counts_of_one_period_are_one_sentence_naming_each():
    ctx = kind_context("2021-12", id="innovation", kind="counts", indicators=INNOVATION)
    section = counts.build(ctx)
    assert section is not None
    [sentence] = section.paragraphs
    assert text(sentence) == (
        "2021年，全省新增国家产业技术基础公共服务平台1个、新增专精特新“小巨人”企业36户、"
        "新增工业设计中心14个。"
    )
    assert [f.indicator for f in section.figures] == INNOVATION
    assert section.chart is not None and section.chart_figures == section.figures


def test_counts_of_two_periods_are_two_sentences_each_stating_its_period():
    ctx = kind_context(
        "2021-12",
        id="innovation",
        kind="counts",
        indicators=["innov_little_giants", "projects_introduced"],
    )
    section = counts.build(ctx)
    assert section is not None
    first, second = (text(p) for p in section.paragraphs)
    assert first.startswith("2021年，") and "36户" in first and "项目" not in first
    assert second.startswith("2021年1—11月，") and "36户" not in second


def test_counts_read_as_english_sentences():
    ctx = kind_context("2021-12", "en", id="innovation", kind="counts", indicators=INNOVATION)
    section = counts.build(ctx)
    assert section is not None
    [sentence] = section.paragraphs
    said = text(sentence)
    assert said.startswith("The counts for 2021 were as follows: ")
    assert "public service platforms, one;" in said  # a small count is spelt out
    assert '"little giant" enterprises, 36;' in said
    assert said.endswith("design centres, 14.")


def test_counts_not_yet_known_leave_the_section_out():
    ctx = kind_context("2021-11", id="innovation", kind="counts", indicators=INNOVATION)
    assert counts.build(ctx) is None
