"""A second spec and data folder, made by the tests (SYNTHETIC, see synthetic_prefecture.py): a
prefecture as home region, an indicator set that shares nothing with the Guizhou one, a kind
reused twice, five periods of five indicators, a county with a single figure. The sentences are
checked for what they mean (directions, bases, region words), not only for being there.
Expected values are read from the synthetic tables, never typed here."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import synthetic_prefecture as synthetic
from markupsafe import Markup

from report_utils.batch import runner
from report_utils.briefing.figure_charts import series_lines
from report_utils.briefing.kinds import Context
from report_utils.briefing.report import Briefing
from report_utils.tables.load import load_dataset


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.make(tmp_path_factory.mktemp("second-spec"))


@pytest.fixture(scope="module")
def city(data: Path) -> dict[str, Briefing]:
    return {lang: Briefing(data_dir=data, lang=lang) for lang in ("zh", "en")}


def text(block) -> str:
    return Markup(block.html).striptags()


def value(indicator: str, region: str, end: str) -> str:
    [found] = [
        v
        for ind, reg, _, e, v, *_ in synthetic.FIGURES
        if (ind, reg, e) == (indicator, region, end)
    ]
    return found


def test_the_spec_and_sentences_check_clean(data: Path):
    from report_utils.briefing.checks import check_briefing

    spec, problems = check_briefing(load_dataset(data), data)
    assert spec is not None and problems == []
    assert [s.kind for s in spec.sections].count("figures") == 2  # a kind reused twice
    assert [s.kind for s in spec.sections].count("series") == 2


def test_the_home_region_is_a_prefecture_in_its_own_words(city):
    zh, en = text(city["zh"].section("retail")), text(city["en"].section("retail"))
    assert "全市社会消费品零售总额" in zh and "全省社会" not in zh
    assert "retail sales in the city" in en
    assert text(city["zh"].title()).startswith(synthetic.HOME)


def test_a_rank_is_placed_among_the_parents_regions_and_an_improvement_moves_it_up(city):
    """The city's rank among the province's cities went from 5 to 3: 居全省第3位, moved up."""
    before, after = synthetic.RANKS["2023-03"], synthetic.RANKS["2023-06"]
    assert int(after) < int(before)
    zh = text(city["zh"].section("retail"))
    places = int(before) - int(after)
    assert f"居全省第{after}位，比2023年1—3月前移{places}位" in zh
    en = text(city["en"].section("retail"))
    words = city["en"].phrases.message("number.words")  # under ten: in words
    assert f"ranked {after}rd in the province, up {words[places]} places from Jan–Mar 2023" in en
    assert "后移" not in zh and "down" not in en.split("ranked")[1].split(".")[0]


def test_a_gap_names_the_region_it_is_measured_against(city):
    gap = value("retail_gap", synthetic.HOME, "2023-06")
    assert f"高于全省{gap}个百分点" in text(city["zh"].section("retail"))
    assert f"{gap} percentage points above the provincial rate" in text(
        city["en"].section("retail")
    )
    # the compared region's own figure is said to be the province's, not the city's
    other = value("retail_growth", synthetic.PROVINCE, "2023-06")
    assert f"全省零售额增速为{other}%" in text(city["zh"].section("retail"))


def test_changes_since_last_month_are_in_the_words_of_what_changed(city):
    """Growth rates of 1—5月 and 1—6月: slower is 回落, faster is 加快, by the difference in
    percentage points, marked as worked out; the export share against a year earlier."""
    zh = text(city["zh"].section("changes"))
    en = text(city["en"].section("changes"))
    assert "与上期简报（数据截至2023年5月）相比" in zh  # a briefing that exists, named
    for indicator, values in synthetic.SERIES.items():
        old, new = float(values[-2]), float(values[-1])
        name = next(row[1] for row in synthetic.INDICATORS if row[0] == indicator)
        word = "加快" if new > old else "回落"
        points = f"{abs(new - old):.1f}"
        # the period once for the moves of one period (2023年上半年，A…；B…)
        assert f"{name}增速比2023年1—5月{word}{points}个百分点（推算）" in zh, name
        assert f"2023年上半年，{name}" in zh or f"；{name}" in zh, name
        en_word = "faster" if new > old else "slower"
        assert f"{points} percentage points (derived) {en_word} than in Jan–May 2023" in en
    share_change = value("export_share_change", synthetic.HOME, "2023-06")
    assert f"出口占地区生产总值比重比上年同期提高{share_change}个百分点" in zh


def test_events_belong_to_their_region(city):
    zh = text(city["zh"].section("events"))
    own = [e for e in synthetic.EVENTS if e[1] == synthetic.HOME]
    others = [e for e in synthetic.EVENTS if e[1] != synthetic.HOME]
    assert own and others
    for event in own:
        assert event[3] in zh
    for event in others:
        assert event[3] not in zh


def test_five_indicators_five_periods_one_chart(city):
    brief = city["en"]
    spec = next(s for s in brief.spec.sections if s.id == "trends")
    ctx = Context(spec, brief.asof, brief.phrases, brief.names, brief.meaning)
    lines = series_lines(ctx, list(spec.indicators), 2)
    assert lines is not None and not lines.invert
    assert len(lines.palette) == len(synthetic.SERIES) == 5
    assert len(set(lines.palette.values())) == 5  # a colour each, not a fixed list of three
    assert len(lines.points) == 25
    for indicator, values in synthetic.SERIES.items():
        for v in values:
            assert v in lines.alt, (indicator, v)


def test_a_rank_chart_has_the_best_on_top(city):
    brief = city["zh"]
    spec = next(s for s in brief.spec.sections if s.id == "ranks")
    ctx = Context(spec, brief.asof, brief.phrases, brief.names, brief.meaning)
    lines = series_lines(ctx, list(spec.indicators), 2)
    assert lines is not None and lines.invert
    import matplotlib as mpl

    from report_utils.briefing import charts

    with mpl.rc_context(charts.house_rc()):
        figure = charts.draw_lines(lines.points, lines.title, lines.axis, lines.palette, True)
    ax = figure.axes[0]
    assert ax.yaxis_inverted()
    assert ax.get_ylim()[1] < ax.get_ylim()[0]  # the smallest rank at the top


def test_a_region_with_a_single_figure_gets_a_short_briefing(data: Path):
    county = Briefing(data_dir=data, region=synthetic.COUNTY)
    shown = [text(b) for b in county.sections()]
    full = "\n".join(shown)
    firms = value("firms_new", synthetic.COUNTY, "2023-06")
    assert f"全县新登记企业{firms}户" in full
    assert full.count("本节从略") == len(shown) - 2  # all but the changes and the count
    # nothing about another region: not the city's figures nor its events
    city_firms = value("firms_new", synthetic.HOME, "2023-06")
    assert city_firms not in full and synthetic.EVENTS[0][3] not in full
    assert len(county.lineage.figures) == 1


@pytest.fixture(scope="module")
def built(data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every region that can be briefed, zh and en, HTML and PDF: real kernel and exports."""
    out = tmp_path_factory.mktemp("second-spec-out")
    plan = runner.plan(data, out, [], [], ["html", "pdf"], all_regions=True)
    results = runner.run(plan, workers=2)
    assert [r.error for r in results] == [""] * 4
    return {r.name: r.folder for r in results}


def pdf_text(pdf: Path) -> str:
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", raw.stdout)


@pytest.mark.e2e
def test_every_region_and_language_builds_html_and_pdf(built):
    assert set(built) == {
        f"{region}/2023-06/{lang}"
        for region in (synthetic.HOME, synthetic.COUNTY)
        for lang in ("zh", "en")
    }
    for folder in built.values():
        assert (folder / "briefing.html").stat().st_size > 0
        assert (folder / "briefing.pdf").read_bytes().startswith(b"%PDF")
    city = pdf_text(built[f"{synthetic.HOME}/2023-06/zh"] / "briefing.pdf")
    assert f"居全省第{synthetic.RANKS['2023-06']}位" in city and "全市" in city
    assert synthetic.EVENTS[1][3] not in city  # the province's event
    county = pdf_text(built[f"{synthetic.COUNTY}/2023-06/en"] / "briefing.pdf")
    assert "ExampleCounty" in county and "ExampleCity" not in county.split("Sources")[0]
