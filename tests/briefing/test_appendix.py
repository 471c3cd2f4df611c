"""The appendix rows: what each figure is (a rate named as a rate), its value, reported or worked
out from a formula spelled in words, and the data rows it is quoted from."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from report_utils.briefing import appendix
from report_utils.briefing.kinds.projects import capacity_figure
from report_utils.briefing.report import Briefing
from report_utils.paths import DATA_DIR

SHARE_FORMULA = (
    "ind_va_gdp_share[贵州省,2021-01..2021-09] - ind_va_gdp_share_change[贵州省,2021-01..2021-09]"
)


def describe(brief: Briefing, f) -> str:
    return appendix.describe(f, brief.phrases, brief.names, brief.meaning)


def test_a_figure_is_described_by_what_it_measures_where_and_when():
    zh, en = Briefing(period="2021-12"), Briefing(period="2021-12", lang="en")
    growth = zh.asof.latest("ind_va_growth")
    assert growth is not None
    assert describe(zh, growth) == "规模以上工业增加值增速（贵州省，2021年1—9月）"  # a rate
    assert describe(en, growth) == (
        "Growth of value added of industrial enterprises above designated size "
        "(Guizhou Province, Jan–Sep 2021)"
    )


def test_a_case_and_a_capacity_are_described_by_their_subject():
    brief = Briefing(period="2021-12")
    case = brief.asof.cases("company").iloc[0]
    subject, measure = describe(brief, brief.asof.case_figure(case)).split("：")
    assert subject == case["subject"] and measure == case["measure_zh"]
    project = brief.asof.projects().iloc[0]
    assert describe(brief, capacity_figure(project)) == f"{project['name_zh']}：规模"


def test_a_formula_is_spelled_as_names_regions_and_periods():
    zh = Briefing(period="2021-12")
    assert appendix.readable(SHARE_FORMULA, zh.phrases, zh.names) == (
        "全部工业增加值占地区生产总值比重（贵州省，2021年1—9月） − "
        "全部工业增加值比重同比变化（贵州省，2021年1—9月）"
    )
    en = Briefing(period="2021-12", lang="en")
    spelled = appendix.readable(SHARE_FORMULA, en.phrases, en.names)
    assert "[" not in spelled and "ind_" not in spelled
    assert spelled.count("(Guizhou Province, Jan–Sep 2021)") == 2 and " − " in spelled


def test_a_derived_row_says_how_it_was_worked_out_and_cites_its_data_row():
    brief = Briefing(period="2021-12")
    share = brief.asof.latest("ind_va_gdp_share")
    assert share is not None
    earlier = brief.asof.at("ind_va_gdp_share", share.period.year_earlier())
    assert earlier is not None and earlier.derived
    p = brief.phrases
    html = appendix.row(
        3,
        earlier,
        "WHAT",
        p,
        lambda formula: appendix.readable(formula, p, brief.names),
        lambda file: appendix.relative(file, DATA_DIR),
    )
    text = Markup(html).striptags()
    assert html.startswith('<tr id="ref-F3">')
    assert "26.1%" in text
    assert "推算：全部工业增加值占地区生产总值比重（贵州省，2021年1—9月） − " in text
    assert f"figures/guizhou-industry-2021.csv:{earlier.line}" in text


def test_a_file_is_cited_relative_to_the_data_folder(tmp_path: Path):
    inside = DATA_DIR / "figures" / "guizhou-industry-2021.csv"
    assert appendix.relative(str(inside), DATA_DIR) == str(
        Path("figures/guizhou-industry-2021.csv")
    )
    assert appendix.relative(str(tmp_path / "elsewhere.csv"), DATA_DIR) == "elsewhere.csv"
