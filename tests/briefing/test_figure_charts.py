"""The figures' charts: lines of a series drawn the right way up, bars coloured and read in
their alt text, one measure per chart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from conftest import append_rows, kind_context, synthetic_figure

from report_utils.briefing import charts
from report_utils.briefing.figure_charts import _colours, bar_chart, mixed_measure, series_lines
from report_utils.briefing.kinds import Context
from report_utils.briefing.report import Briefing

HEADER = (
    "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,quote\n"
)


def add_figures(data: Path, *rows: str) -> None:
    path = data / "figures" / "zz-synthetic.csv"
    if not path.exists():
        path.write_text(HEADER, encoding="utf-8")
    append_rows(path, *(synthetic_figure(data, r) for r in rows))


def test_a_growth_rate_better_when_lower_is_not_drawn_upside_down(data_copy: Path):
    append_rows(
        data_copy / "meta" / "indicators.csv",
        "energy_use_growth,能源消费量,Energy use,growth,lower,,,,%,%,1,SYNTHETIC,",
    )
    add_figures(
        data_copy,
        *(
            f"energy_use_growth,贵州省,2021-01,{end},{v},%,,reported,"
            for end, v in (("2021-06", "3.1"), ("2021-09", "2.5"), ("2021-11", "2.0"))
        ),
    )
    brief = Briefing(data_dir=data_copy, period="2021-11")
    spec = brief.spec.sections[1]
    ctx = Context(spec, brief.asof, brief.phrases, brief.names, brief.meaning)
    energy = series_lines(ctx, ["energy_use_growth"], 3)
    ranks = series_lines(ctx, ["ind_va_growth_rank"], 2)
    assert energy is not None and not energy.invert
    assert ranks is not None and ranks.invert


INDICATORS = pd.DataFrame(
    {
        "kind": ["growth", "growth", "growth", "share"],
        "unit": ["%", "%", "%", "%"],
        "concept": ["output", "output", "tax", ""],
    },
    index=["va_growth", "va_growth_2yr", "tax_growth", "va_share"],
)


def test_a_chart_of_one_measure_is_fine_and_a_mixed_one_is_named():
    assert mixed_measure(["va_growth", "va_growth_2yr"], INDICATORS) is None
    assert mixed_measure(["va_growth", "unknown"], INDICATORS) is None  # one known: nothing to mix
    assert mixed_measure(["va_growth", "va_share"], INDICATORS) == (
        "a chart draws one measure, but its indicators differ in kind: "
        "va_growth (growth), va_share (share)"
    )
    assert mixed_measure(["va_growth", "tax_growth"], INDICATORS) == (
        "a chart draws one measure, but its indicators differ in concept: "
        "va_growth (output), tax_growth (tax)"
    )


def test_bars_of_the_region_and_its_comparison_are_in_the_house_colours_and_read_aloud():
    ctx = kind_context("2021-11", id="x", kind="figures")
    view = ctx.view
    home, national = view.latest("ind_va_growth_2yr"), view.latest("ind_va_growth_2yr", "全国")
    assert home is not None and national is not None
    chart = bar_chart(ctx, [national, home], "region", "两年平均增速", "%")
    assert charts.HOME.lower().encode() in chart.svg.lower()
    assert charts.COMPARISON.lower().encode() in chart.svg.lower()
    # the alt text reads every bar with its region and value, a derived one marked so
    assert chart.alt.startswith("两年平均增速。柱状图：")
    assert "两年平均增速（全国） 6.4%（推算）" in chart.alt
    assert "两年平均增速（贵州省） 7.1%。" in chart.alt


def test_bars_of_several_periods_are_labelled_with_their_period():
    ctx = kind_context("2021-09", id="x", kind="figures")
    ranks = ctx.view.series("ind_va_growth_rank")
    assert len(ranks) == 2
    chart = bar_chart(ctx, ranks, "region", "位次", "位")
    assert "2021年上半年" in chart.alt and "2021年1—9月" in chart.alt


def test_the_house_colours_come_first_then_as_many_as_needed():
    assert _colours(2) == [charts.HOME, charts.COMPARISON]
    many = _colours(7)
    assert many[:3] == [charts.HOME, charts.COMPARISON, charts.OTHER]
    assert len(set(many)) == 7
