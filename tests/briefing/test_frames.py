"""The analyst's pandas and matplotlib view of a briefing: one row per as-of figure with its
appendix reference once shown, and each section's charts as new matplotlib figures."""

from __future__ import annotations

from matplotlib.figure import Figure as MplFigure

from report_utils.briefing.frames import COLUMNS, chart_figures, figures_table
from report_utils.briefing.report import Briefing


def test_a_row_per_latest_figure_of_the_region_and_its_comparisons():
    brief = Briefing(period="2021-11")
    table = figures_table(brief)
    assert tuple(table.columns) == COLUMNS
    assert set(table["region"]) == {brief.asof.home, *brief.asof.comparison}
    assert not table.duplicated(["indicator", "region"]).any()
    for row in table.itertuples():
        latest = brief.asof.latest(row.indicator, row.region)
        assert latest is not None
        assert (row.period_end, row.value, row.line) == (
            latest.period.end,
            latest.value,
            latest.line,
        )
    growth = table[(table["indicator"] == "ind_va_growth") & (table["region"] == "贵州省")]
    assert growth[["period", "value", "unit"]].values.tolist() == [["2021年1—9月", 11.7, "%"]]


def test_a_figure_is_given_its_appendix_reference_once_a_section_shows_it():
    brief = Briefing(period="2021-11")
    assert set(figures_table(brief)["shown"]) == {""}
    brief.section("growth")
    table = figures_table(brief)
    shown = table[table["shown"] != ""]
    assert sorted(shown["shown"], key=lambda ref: int(ref[1:])) == [
        f"F{n}" for n in range(1, len(shown) + 1)
    ]
    assert table.loc[table["indicator"] == "ind_va_growth", "shown"].tolist()[0] == "F1"
    assert "projects_introduced" not in set(shown["indicator"])  # not in that section


def test_the_charts_are_new_matplotlib_figures_by_section():
    brief = Briefing(period="2021-11")
    first = chart_figures(brief)
    assert list(first) == [s.id for s in brief.spec.sections]
    assert len(first["growth"]) == 1 and isinstance(first["growth"][0], MplFigure)
    assert first["events"] == [] and first["notes"] == []  # no chart in those
    again = chart_figures(brief)
    assert again["growth"][0] is not first["growth"][0]  # the analyst's to restyle
