"""What generated sentences mean, on copies of data/ with SYNTHETIC rows a reviewer would try: a
figure that did not change, a reported change measured from another period than the data's
latest, a rate whose name says it is a rate, an approximate figure, an autonomous prefecture,
a better-when-lower growth rate, a sentence that shows a figure its region lacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    append_rows,
    synthetic_figure,
)
from markupsafe import Markup

from report_utils.briefing.report import Briefing
from report_utils.errors import DataValidationError

HEADER = (
    "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,quote\n"
)


def text(block) -> str:
    return Markup(block.html).striptags()


def add_figures(data: Path, *rows: str) -> None:
    path = data / "figures" / "zz-synthetic.csv"
    if not path.exists():
        path.write_text(HEADER, encoding="utf-8")
    append_rows(path, *(synthetic_figure(data, r) for r in rows))


def test_an_unchanged_figure_is_said_to_be_unchanged(data_copy: Path):
    add_figures(data_copy, "ind_va_growth,贵州省,2021-01,2021-11,11.7,%,,reported,")
    zh = text(Briefing(data_dir=data_copy, period="2021-11").section("changes"))
    assert "2021年1—11月，规模以上工业增加值增速比2021年1—9月持平，为11.7%" in zh
    assert "降至11.7%" not in zh and "升至11.7%" not in zh
    en = text(Briefing(data_dir=data_copy, period="2021-11", lang="en").section("changes"))
    assert "industrial enterprises above designated size was 11.7%, unchanged from Jan–Sep" in en
    assert "rose from 11.7%" not in en and "fell from 11.7%" not in en


def test_a_reported_change_is_measured_from_the_period_it_is_the_change_from(data_copy: Path):
    """The data's rank change (前移2位) is from the first half (14 → 12). With a rank for 1—8月
    (13) in the data, it is still said to be from the first half; the move since the August
    briefing (13 → 12) is one place, worked out, not the data's two."""
    add_figures(data_copy, "ind_va_growth_rank,贵州省,2021-01,2021-08,13,位,,reported,")
    brief = Briefing(data_dir=data_copy, period="2021-09")
    card = text(brief.headlines())
    assert "居全国第12位，比2021年上半年前移2位" in card
    changes = text(brief.section("changes"))
    assert "位次比2021年1—8月前移1位（推算），由第13位升至第12位" in changes
    assert "比2021年1—8月前移2位" not in changes


def test_a_rate_named_as_a_rate_is_stated_as_its_level():
    """规模以上工业增加值两年平均增速 is not "同比增长" (it is not year on year) nor "增速增速"."""
    brief = Briefing(period="2021-09")
    two_year = brief.asof.latest("ind_va_growth_2yr")
    zh = Markup(brief.meaning.item(two_year)).striptags()
    assert zh == "规模以上工业增加值两年平均增速为7.1%"
    en_brief = Briefing(period="2021-09", lang="en")
    en = Markup(en_brief.meaning.item(two_year, inner=False)).striptags()
    assert en == "Two-year average growth of above-size industrial value added was 7.1%"


def test_a_change_worked_out_from_approximate_figures_is_not_stated(data_copy: Path):
    """80%左右 then 82%左右: neither is known to a stated precision, so no change is stated;
    both figures are, and the record says why."""
    add_figures(data_copy, "zone_output_share,贵州省,2021-01,2021-11,82,%,左右,reported,")
    brief = Briefing(data_dir=data_copy, period="2021-11")
    zh = text(brief.section("changes"))
    assert "开发区占规模以上工业总产值比重为82%左右（2021年1—9月为80%左右）" in zh
    assert "提高约2个百分点" not in zh and "提高2个百分点" not in zh
    notes = brief.build_section("changes").notes
    assert any("开发区占规模以上工业总产值比重" in n and "约数" in n for n in notes)


def test_an_autonomous_prefecture_is_in_its_own_words(data_copy: Path):
    append_rows(
        data_copy / "meta" / "regions.csv",
        "黔南州,Qiannan Prefecture,autonomous_prefecture,贵州省,贵州省,region",
    )
    add_figures(data_copy, "ind_va_growth,黔南州,2021-01,2021-09,10.2,%,,reported,")
    zh = text(Briefing(data_dir=data_copy, region="黔南州").section("growth"))
    assert "2021年1—9月，全州规模以上工业增加值同比增长10.2%" in zh
    en = text(Briefing(data_dir=data_copy, region="黔南州", lang="en").section("growth"))
    assert "in Qiannan Prefecture was up 10.2%" in en


def test_a_sentence_that_shows_a_missing_figure_names_its_slot(data_copy: Path):
    """An unguarded amt() of a slot the region has no figure for: the error names the slot and
    the headline's key, before it ever reaches a reader as a broken sentence."""
    zh = data_copy / "messages" / "zh.yml"
    content = zh.read_text(encoding="utf-8")
    guarded = (
        "{% if started %}开工项目{{ amt(started) }}{% if started_rate %}，开工率"
        "{{ amt(started_rate) }}{% endif %}{% endif %}"
    )
    assert guarded in content
    zh.write_text(content.replace(guarded, "开工项目{{ amt(started) }}"), encoding="utf-8")
    path = data_copy / "figures" / "guizhou-industry-2021.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(r for r in rows if not r.startswith("projects_started,")) + "\n",
        encoding="utf-8",
    )
    # found by the checks before any section is built (trials: each slot tried empty)
    with pytest.raises(
        DataValidationError, match=r"zh.yml:\d+: headlines.projects.comparison: .*slot 'started'"
    ):
        Briefing(data_dir=data_copy).headlines()
