"""``kinds.series``: an indicator's values over time as lines, built only when there are two
periods or more to draw."""

from __future__ import annotations

from conftest import kind_context

from report_utils.briefing.kinds import series


def test_a_rank_with_two_periods_is_drawn_as_a_line_oldest_first():
    ctx = kind_context("2021-09", id="trend", kind="series", indicators=["ind_va_growth_rank"])
    section = series.build(ctx)
    assert section is not None and section.series is not None
    assert [(str(f.period), f.value) for f in section.chart_figures] == [
        ("2021-01..2021-06", 14),
        ("2021-01..2021-09", 12),
    ]
    assert section.title == "历期数值"
    assert section.paragraphs == []  # the kind's sentence is empty unless the analyst writes one
    assert section.sources == {f.source for f in section.chart_figures}
    assert b"<svg" in section.series.svg
    # the chart's text alternative reads the line: both values, oldest first
    alt = section.series.alt
    assert "折线图" in alt and alt.index("2021年上半年 14位") < alt.index("2021年1—9月 12位")


def test_a_single_period_is_no_line_and_the_section_is_left_out():
    ctx = kind_context("2021-11", id="trend", kind="series", indicators=["ind_va_growth"])
    assert series.build(ctx) is None


def test_the_title_is_in_the_briefing_language():
    ctx = kind_context(
        "2021-09", "en", id="trend", kind="series", indicators=["ind_va_growth_rank"]
    )
    section = series.build(ctx)
    assert section is not None and section.title == "Over time"
