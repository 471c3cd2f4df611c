"""What an analyst adds without Python: on a copy of data/, only files under it change (a new
indicator in an existing section, a new section of an existing kind, a second region). The new
figures are SYNTHETIC and cite the synthetic source; the sentences are the analyst's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HOME, append_rows, synthetic_figure
from markupsafe import Markup

from report_utils.briefing.checks import check_briefing
from report_utils.briefing.report import Briefing
from report_utils.tables.load import load_dataset

FIGURES_HEADER = (
    "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,quote\n"
)


def text(block) -> str:
    return Markup(block.html).striptags()


def insert_after(path: Path, anchor: str, addition: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert content.count(anchor) == 1, anchor
    path.write_text(content.replace(anchor, anchor + addition), encoding="utf-8")


def add_indicator(data: Path, row: str) -> None:
    append_rows(data / "meta" / "indicators.csv", row)


def add_figures(data: Path, *rows: str) -> None:
    path = data / "figures" / "zz-synthetic.csv"
    if not path.exists():
        path.write_text(FIGURES_HEADER, encoding="utf-8")
    append_rows(path, *(synthetic_figure(data, r) for r in rows))


def warnings_of(data: Path) -> list[str]:
    _, problems = check_briefing(load_dataset(data), data)
    assert [p for p in problems if p.severity == "error"] == []
    return [str(p) for p in problems]


def test_a_new_indicator_in_an_existing_section(data_copy: Path):
    add_indicator(
        data_copy,
        "ind_profit_growth,规模以上工业企业利润,Profits of above-size industrial enterprises,"
        "growth,higher,,,,%,%,1,SYNTHETIC,",
    )
    add_figures(data_copy, "ind_profit_growth,贵州省,2021-01,2021-09,23.4,%,,reported,")
    # before the spec shows it: a warning, and the briefing does not show it
    [warning] = warnings_of(data_copy)
    assert "indicator 'ind_profit_growth' has figures but no section" in warning
    assert "23.4" not in text(Briefing(data_dir=data_copy).section("growth"))
    # the analyst adds a slot to the growth section and a sentence in each language
    insert_after(
        data_copy / "briefing.yml",
        "      tax: ind_tax_growth\n",
        "      profit: ind_profit_growth\n",
    )
    insert_after(
        data_copy / "messages" / "zh.yml",
        "{%- if tax %}工业税收{{ phrase('growth', tax) }}。{% endif %}",
        "\n      {%- if profit %}规模以上工业企业利润{{ phrase('growth', profit) }}。{% endif %}",
    )
    insert_after(
        data_copy / "messages" / "en.yml",
        "{%- if tax %} Industrial tax revenue was {{ phrase('growth', tax) }}.{% endif %}",
        "\n      {%- if profit %} Profits were {{ phrase('growth', profit) }}.{% endif %}",
    )
    assert warnings_of(data_copy) == []
    assert "规模以上工业企业利润同比增长23.4%。" in text(
        Briefing(data_dir=data_copy).section("growth")
    )
    assert "Profits were up 23.4% year on year." in text(
        Briefing(data_dir=data_copy, lang="en").section("growth")
    )


def test_a_new_section_of_an_existing_kind(data_copy: Path):
    """The issue's example: an energy section, with a builder nobody writes."""
    add_indicator(
        data_copy,
        "energy_use_growth,规模以上工业能源消费量,Energy use of above-size industry,growth,"
        "lower,,,,%,%,1,SYNTHETIC,",
    )
    add_figures(data_copy, "energy_use_growth,贵州省,2021-01,2021-11,-2.5,%,,reported,")
    insert_after(
        data_copy / "briefing.yml",
        "    chart: [i, s, p]\n",
        "\n  - id: energy\n    kind: figures\n    figures:\n      e: energy_use_growth\n"
        "    chart: [e]\n",
    )
    for lang, words in (
        (
            "zh",
            (
                "能源",
                "{{ period(e) }}，{{ scope }}规模以上工业能源消费量{{ phrase('growth', e) }}。",
                "能耗增速（%）",
            ),
        ),
        (
            "en",
            (
                "Energy",
                "In {{ period(e) }}, energy use of above-size industry was "
                "{{ phrase('growth', e) }}.",
                "Energy use (%)",
            ),
        ),
    ):
        title, sentence, chart = words
        append_rows(
            data_copy / "messages" / f"{lang}.yml",
            f'  energy:\n    title: "{title}"\n    text: "{sentence}"\n'
            f'    chart_title: "{chart}"\n    axis: "%"',
        )
    assert warnings_of(data_copy) == []
    brief = Briefing(data_dir=data_copy)
    ids = [s.id for s in brief.spec.sections]
    assert ids.index("energy") == ids.index("projects") + 1
    zh = text(brief.section("energy"))
    assert zh.startswith("能源") and "2021年1—11月，全省规模以上工业能源消费量同比下降2.5%。" in zh
    en = text(Briefing(data_dir=data_copy, lang="en").section("energy"))
    assert "energy use of above-size industry was down 2.5% year on year" in en


def add_city(data: Path) -> None:
    """A second region in the Guizhou data: a prefecture with a few SYNTHETIC figures."""
    append_rows(
        data / "meta" / "regions.csv",
        "贵阳市,Guiyang,prefecture,贵州省,贵州省;全国,region",
    )
    add_figures(
        data,
        "ind_va_growth,贵阳市,2021-01,2021-09,9.8,%,,reported,",
        "ind_va_growth_2yr,贵阳市,2021-01,2021-09,6.9,%,,reported,",
    )


def test_a_second_region_in_the_same_data(data_copy: Path):
    """A prefecture beside the province: its own words (全市), compared with the province as
    declared, and none of the province's events, projects or counts shown as its own."""
    add_city(data_copy)
    province = Briefing(data_dir=data_copy).asof
    national_2yr = province.at("ind_va_growth_2yr", province.latest("ind_va_growth").period, "全国")
    city = Briefing(data_dir=data_copy, region="贵阳市")
    assert city.asof.month == "2021-09"  # the city's own latest month
    growth = text(city.section("growth"))
    assert "2021年1—9月，全市规模以上工业增加值同比增长9.8%。" in growth
    # the spec compares the two-year growth with the national figure, named as such
    assert f"两年平均增长6.9%，全国两年平均增速为{national_2yr.number()}%（推算）。" in growth
    assert "全省两年平均增速" not in growth
    for section in ("events", "major_projects", "innovation", "company_cases", "investment"):
        assert "本节从略" in text(city.section(section)), section
    # the province's briefing is unchanged by the city
    province = text(Briefing(data_dir=data_copy, period="2021-09").section("growth"))
    assert "9.8" not in province and "全省规模以上工业增加值同比增长11.7%" in province


@pytest.mark.e2e
def test_build_a_region_from_the_command_line(data_copy: Path, tmp_path: Path):
    add_city(data_copy)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "report_utils", "build", "--data", str(data_copy)]
    result = subprocess.run(
        [*command, "--out", str(out), "--region", "贵阳市", "--lang", "zh", "--format", "html"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    html = (out / "贵阳市" / "2021-09" / "zh" / "briefing.html").read_text(encoding="utf-8")
    assert "贵阳市工业经济简报" in html and "全市规模以上工业增加值" in html
    assert not (out / HOME).exists()  # only the region asked for
    unknown = subprocess.run(
        [*command, "--out", str(out), "--region", "遵义市"], capture_output=True, text=True
    )
    assert unknown.returncode == 1 and "no briefing for region '遵义市'" in unknown.stderr
