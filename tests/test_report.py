"""The blocks the notebook calls, built in-process on the shipped data and synthetic copies."""

import csv

import pytest

from report_utils import sections
from report_utils.errors import DataValidationError, ParameterError
from report_utils.indicators import AsOf
from report_utils.load import load_dataset
from report_utils.paths import DATA_DIR
from report_utils.report import Briefing


@pytest.fixture(scope="module")
def brief():
    return Briefing()


def test_title_names_region_and_month(brief):
    text = repr(brief.title())
    assert brief.asof.home in text
    year, month = brief.asof.month.split("-")
    assert f"{int(year)}年{int(month)}月" in text


def test_headlines_show_the_as_of_figures(brief):
    html = brief.headlines().html
    a = AsOf(load_dataset(DATA_DIR))
    for indicator in sections.HEADLINES:
        f = a.latest(indicator)
        assert f is not None
        assert f">{f.number()}</a>" in html
    assert html.count('class="card"') == len(sections.HEADLINES)


@pytest.mark.parametrize("name", list(sections.BUILDERS))
def test_every_section_renders(brief, name):
    html = brief.section(name).html
    assert f'id="sec-{name}"' in html
    assert "<h2>" in html
    if 'class="chart"' in html:
        assert 'alt=""' not in html and " alt=" in html
        assert "资料来源" in html


def test_unknown_section(brief):
    with pytest.raises(ParameterError, match="unknown section"):
        brief.section("nope")


def test_sections_without_figures_are_left_out_with_a_note():
    early = Briefing(period="2021-09")
    html = early.section("projects").html
    assert "omitted" in html and "尚无数据" in html
    assert "2578" not in html
    # figures of later periods do not leak into earlier briefings
    assert "1—11月" not in early.section("investment").html


def test_derived_figures_are_marked_in_text(brief):
    a = AsOf(load_dataset(DATA_DIR))
    fai = a.latest("fai_growth")
    assert fai.derived and fai.value < 0
    text = repr(brief.section("investment"))
    assert f"同比下降{fai.number(absolute=True)}%（推算）" in text
    assert "增长-" not in text


def test_sources_list_every_figure_shown(brief):
    for name in sections.BUILDERS:
        brief.section(name)
    html = brief.sources().html
    assert len(brief.lineage.figures) > 20
    for number, f in enumerate(brief.lineage.figures, start=1):
        assert f'id="ref-F{number}"' in html
        assert f.quote.replace("**", "") in html.unescape()


def test_bad_data_stops_before_the_briefing(data_copy):
    (data_copy / "meta" / "regions.csv").write_text("id,name_en,role\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"regions\.csv"):
        Briefing(data_dir=data_copy)


def test_text_from_data_is_escaped(data_copy):
    path = data_copy / "events" / "guizhou-industry-2021.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["title_zh"] = '<script>alert("x")</script><img src=x onerror=alert(1)>{{ 7*7 }}'
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    html = Briefing(data_dir=data_copy).section("events").html
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html  # not evaluated as a template
