"""The blocks the notebook calls, built in-process on the shipped data and synthetic copies."""

import calendar
import csv
import re
from pathlib import Path

import pytest
from conftest import headline_indicators, section_ids, shipped_spec
from markupsafe import Markup

from report_utils.briefing.figures import AsOf
from report_utils.briefing.kinds.projects import capacity_figure
from report_utils.briefing.report import Briefing
from report_utils.errors import DataValidationError, ParameterError
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset


@pytest.fixture(scope="module")
def brief():
    return Briefing()


@pytest.fixture(scope="module")
def brief_en():
    return Briefing(lang="en")


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


def rewrite(path: Path, change) -> None:
    """Rewrite a CSV table of a data copy, changing each row (a dict) in place."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        change(row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_title_names_region_and_month(brief):
    text = repr(brief.title())
    assert brief.asof.home in text
    year, month = brief.asof.month.split("-")
    assert f"{int(year)}年{int(month)}月" in text


def test_headlines_show_the_as_of_figures(brief):
    html = brief.headlines().html
    a = AsOf(load_dataset(DATA_DIR))
    for indicator in headline_indicators():
        f = a.latest(indicator)
        assert f is not None
        assert f">{f.number()}</a>" in html
    assert html.count('class="card"') == len(headline_indicators())


@pytest.mark.parametrize("name", section_ids())
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
    for name in section_ids():
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
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>{{ 7*7 }}'
    first = []

    def change(row):
        if not first:
            first.append(row["id"])
            row["title_zh"] = evil

    rewrite(path, change)
    html = Briefing(data_dir=data_copy).section("events").html
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html  # not evaluated as a template


# --- lineage of the text -----------------------------------------------------------------------


@pytest.mark.parametrize("name", section_ids())
def test_paragraphs_come_with_their_figures(name):
    """Each paragraph lists exactly the figures whose numbers it links, and the HTML says so."""
    b = Briefing(lang="en")
    built = b.build_section(name)
    assert built is not None
    for paragraph in built.paragraphs:
        linked = re.findall(r'data-ref="(F\d+)"', paragraph.html)
        assert list(dict.fromkeys(linked)) == [b.lineage.ref(f) for f in paragraph.figures]
    html = str(b.section(name).html)  # a second build: the same figures, the same references
    for refs, body in re.findall(r'<p class="narrative" data-refs="([^"]*)">(.*?)</p>', html):
        assert refs.split() == list(dict.fromkeys(re.findall(r'data-ref="(F\d+)"', body)))


def test_headline_cards_come_with_their_figures(brief_en):
    cards = brief_en.headline_cards()
    assert len(cards) == len(shipped_spec().headlines)
    for card in cards:
        refs = re.search(r'data-refs="([^"]*)"', card.html).group(1).split()
        assert refs == [brief_en.lineage.ref(f) for f in card.figures] and refs


def test_appendix_tells_reported_from_derived(brief_en, dataset):
    for name in section_ids():
        brief_en.section(name)
    html = brief_en.sources().html
    for number, f in enumerate(brief_en.lineage.figures, start=1):
        row = re.search(rf'<tr id="ref-F{number}">(.*?)</tr>', html).group(1)
        status = re.search(r'<span class="status">(.*?)</span>', row).group(1)
        if f.derived:
            assert status.startswith("Derived: ")
            # the formula names its inputs by their English names, not by their ids
            for ref in re.findall(r"([a-z_0-9]+)\[", f.formula):
                assert dataset.indicators.loc[ref, "name_en"] in Markup(status).unescape()
                assert f"{ref}[" not in status
        else:
            assert status == "Reported"


# --- English -----------------------------------------------------------------------------------


def test_title_en(brief_en, dataset):
    text = repr(brief_en.title())
    assert dataset.regions.loc[brief_en.asof.home, "name_en"] in text
    year, month = brief_en.asof.month.split("-")
    assert f"Data as of {calendar.month_name[int(month)]} {year}" in text
    assert "年" not in text


def test_headlines_en(brief_en):
    html = brief_en.headlines().html
    for indicator in headline_indicators():
        f = brief_en.asof.latest(indicator)
        assert f">{brief_en.phrases.number(f)}</a>" in html
    va = brief_en.asof.latest("ind_va_growth")
    places = int(brief_en.asof.at("ind_va_growth_rank_change", va.period).value)
    words = brief_en.phrases.message("number.words")  # under ten: in words, as a release has it
    assert f"up {words[places]} places" in repr(brief_en.headlines())


@pytest.mark.parametrize("name", section_ids())
def test_every_section_renders_in_english(brief_en, name):
    html = brief_en.section(name).html
    assert f'id="sec-{name}"' in html and "<h2>" in html
    if 'class="chart"' in html:
        assert 'alt=""' not in html and " alt=" in html
        assert "Source: " in html
    narrative = " ".join(re.findall(r'<p class="narrative"[^>]*>(.*?)</p>', html))
    kind = next(s.kind for s in shipped_spec().sections if s.id == name)
    assert narrative or kind == "cases"  # a table of cases has no paragraph
    # The narrative is English: Chinese appears only inside proper names kept in Chinese.
    outside_names = re.sub(r'<span class="name">.*?</span>', "", narrative)
    assert not re.search(r"[\u4e00-\u9fff；，。（）：]", Markup(outside_names).striptags())


def test_names_come_from_the_metadata(brief_en, dataset):
    html = "".join(str(brief_en.section(n).html) for n in section_ids())
    text = Markup(html).unescape()
    counts = next(s for s in shipped_spec().sections if s.kind == "counts")
    for indicator in counts.indicators:
        assert dataset.indicators.loc[indicator, "name_en"] in text
    for title in dataset.events["title_en"]:
        assert title in text
    for name in dataset.projects["name_en"]:
        assert name in text
    for measure in dataset.cases[dataset.cases["subject_kind"] == "company"]["measure_en"]:
        assert measure in text
    sources = Markup(brief_en.sources().html).unescape()
    for s in dataset.sources.itertuples():
        assert s.title_en in sources and s.publisher_en in sources
    visible = Markup(html).striptags()  # (titles quote the Chinese source: not visible text)
    assert "Under construction" in visible and "在建" not in visible  # status codes translated


def test_chinese_names_without_english_form_are_kept(data_copy, dataset):
    """A project, event, company, place or case subject without an English form falls back to
    its Chinese name; all still render, in Chinese."""
    project = dataset.projects.iloc[0]
    event = dataset.events.iloc[-1]
    companies = dataset.cases[dataset.cases["subject_kind"] == "company"]["subject"]

    def drop_project_en(row):
        if row["id"] == project["id"]:
            row["name_en"] = row["company_en"] = row["place_en"] = ""

    def drop_event_en(row):
        if row["id"] == event["id"]:
            row["title_en"] = ""

    def drop_subject_en(row):
        row["subject_en"] = ""

    rewrite(data_copy / "projects" / "guizhou-industry-2021.csv", drop_project_en)
    rewrite(data_copy / "events" / "guizhou-industry-2021.csv", drop_event_en)
    rewrite(data_copy / "cases" / "guizhou-industry-2021.csv", drop_subject_en)
    b = Briefing(data_dir=data_copy, lang="en")
    projects = Markup(b.section("major_projects").html).unescape()
    assert project["name_zh"] in projects and project["name_en"] not in projects
    assert project["company"] in projects and project["place"] in projects
    events = Markup(b.section("events").html).unescape()
    assert event["title_zh"] in events
    cases = Markup(b.section("company_cases").html).unescape()
    assert len(companies) > 0
    for company in companies:
        assert company in cases


def test_companies_places_and_expected_dates_have_english_forms(brief_en, dataset):
    """Where the data gives an English form it is shown, and the Chinese one is not."""
    # Visible text only: a figure's link carries its Chinese quote in its title attribute.
    projects = Markup(brief_en.section("major_projects").html).striptags()
    shown = dataset.projects[dataset.projects["as_of"] <= brief_en.asof.month]
    for column in ("company", "place", "expected"):
        given = shown[shown[f"{column}_en"] != ""]
        assert len(given) > 0, column
        for _, row in given.iterrows():
            assert row[f"{column}_en"] in projects
            assert row[column] not in projects
    shown = Markup(brief_en.section("company_cases").html).striptags()
    cases = dataset.cases[dataset.cases["subject_kind"] == "company"]
    for _, row in cases.iterrows():
        assert row["subject_en"] in shown and row["subject"] not in shown


def test_units_of_the_data_have_english_forms(brief_en, dataset):
    """Every unit the tables use renders in English (an untranslated one is an error)."""
    p = brief_en.phrases
    a = brief_en.asof
    figures = [a._figure(row) for _, row in dataset.figures.iterrows()]
    figures += [a.case_figure(row) for _, row in dataset.cases.iterrows()]
    figures += [
        capacity_figure(row) for _, row in dataset.projects.iterrows() if row["capacity_unit"]
    ]
    for f in figures:
        assert not re.search(r"[\u4e00-\u9fff]", p.unit(f)), (f.unit, p.unit(f))


def test_english_sentences_are_built_from_the_tables(brief_en):
    a = brief_en.asof
    fai = a.latest("fai_growth")
    assert fai.derived and fai.value < 0
    text = repr(brief_en.section("investment"))
    assert f"down {fai.number(absolute=True)}% (derived) year on year" in text
    assert "up -" not in text and "up " + fai.number() not in text
    share = a.latest("ind_va_gdp_share")
    change = a.at("ind_va_gdp_share_change", share.period)
    assert (
        f"{share.number()}% of the province's GDP, {change.number()} percentage points higher "
        "than a year earlier"
    ) in repr(brief_en.section("shares"))


def test_sections_without_figures_are_left_out_with_a_note_en():
    early = Briefing(period="2021-09", lang="en")
    html = early.section("projects").html
    assert "omitted" in html and "no data as of September 2021" in Markup(html).striptags()


# --- what the headline cards and charts say -----------------------------------------------------


def test_a_headline_older_than_the_latest_release_says_so():
    """As of 2021-12 the latest release is December's (the year's counts); a card whose figure
    is of 1—9月 says it is the latest available, not December's. As of 2021-09 it is current."""
    december = Briefing(period="2021-12")
    latest_release = december.asof.latest_release()
    assert latest_release == "2021-12"
    cards = {c.figures[0].indicator: Markup(c.html).striptags() for c in december.headline_cards()}
    for indicator, card in cards.items():
        f = december.asof.latest(indicator)
        older = f.period.end < latest_release
        assert ("最新数据为" in card) == older, (indicator, card)
        assert december.phrases.period_text(f) in card
    assert any("最新数据为" in card for card in cards.values())
    september = Briefing(period="2021-09")
    assert not any("最新数据为" in Markup(c.html).striptags() for c in september.headline_cards())


def test_a_chart_titled_as_shares_of_gdp_shows_only_shares_of_gdp(brief):
    """A chart whose title says 占地区生产总值比重 draws nothing else (the issue: it also drew
    the share of fixed-asset investment)."""
    checked = 0
    for section in brief.spec.sections:
        chart = section.chart_spec()
        if chart is None:
            continue
        key = f"sections.{section.id}.chart_title"
        slots = section.slots()
        title = brief.phrases.message(key)
        if "地区生产总值" in title:
            names = [brief.names.indicator(slots[bar].indicator) for bar in chart.bars]
            assert all("地区生产总值" in name for name in names), (section.id, names)
        checked += 1
    assert checked >= 4
