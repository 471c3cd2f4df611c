"""Every number traced: the briefing of every language, built end to end (real kernel, nbconvert,
Typst), read back from its HTML and PDF.

- No digit in the narrative or the headline cards is outside a linked figure (``a.fig``), except
  inside period labels (``span.period``, each the period of a figure it introduces or the as-of
  month), units (``span.unit``) and proper names from the metadata (``span.name``).
- Every linked figure has its row in the appendix, with the same number, and that row points at a
  table row whose cell holds that number and whose quote the appendix shows.
- The PDF appendix lists every figure with its quote.

Expected values are read from the tables, never typed here.
"""

from __future__ import annotations

import calendar
import csv
import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from report_utils.briefing.figures import AsOf, Lineage
from report_utils.briefing.kinds.changes import last_briefing
from report_utils.briefing.phrasing import Phrasebook, catalogue, languages
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset
from report_utils.tables.periods import Period

pytestmark = pytest.mark.e2e

# Elements whose digits are not figures: labels of periods and dates, units, names.
EXEMPT = {"period", "date", "unit", "name"}
WORDS = catalogue("en")["number"]["words"]  # the English catalogue's numbers in words


@pytest.fixture(scope="module")
def built(briefing_for) -> dict[str, Path]:
    """The latest briefing in every language, HTML and PDF, built once per session with the
    real kernel, nbconvert and Typst (conftest's ``briefing_for``); folder by language."""
    return {lang: briefing_for(lang) for lang in languages()}


@pytest.fixture(scope="module")
def asof() -> AsOf:
    return AsOf(load_dataset(DATA_DIR))


# --- a small DOM, enough to read the briefing's own HTML ---------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self, skip: set[str] = frozenset()) -> str:
        """Visible text, leaving out elements with any of the classes in ``skip``."""
        return "".join(
            c if isinstance(c, str) else ("" if c.classes & skip else c.text(skip))
            for c in self.children
        )

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        found = []
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag and (cls is None or cls in c.classes):
                    found.append(c)
                found += c.find_all(tag, cls)
        return found


VOID_ELEMENTS = frozenset({"img", "br", "meta", "link", "hr", "input"})


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS:
            return
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


@dataclass
class Briefing:
    """A built briefing, read back."""

    lang: str
    folder: Path
    dom: Node
    appendix: dict[str, Node]  # F-number -> appendix row

    @classmethod
    def read(cls, lang: str, folder: Path) -> Briefing:
        dom = parse((folder / "briefing.html").read_text(encoding="utf-8"))
        rows = {
            r.attrs["id"].removeprefix("ref-"): r for r in dom.find_all("tr") if "id" in r.attrs
        }
        return cls(lang, folder, dom, rows)

    def texts(self) -> list[Node]:
        """The narrative paragraphs, headline cards and key messages: the text that states
        figures."""
        return (
            self.dom.find_all("p", "narrative")
            + self.dom.find_all("div", "card")
            + self.dom.find_all("li", "key")
        )

    def cells(self, ref: str) -> list[Node]:
        return self.appendix[ref].find_all("td")


@pytest.fixture(scope="module", params=languages())
def briefing(request, built) -> Briefing:
    return Briefing.read(request.param, built[request.param])


def digits(text: str) -> list[str]:
    return re.findall(r"\d+", text)


# --- HTML ---------------------------------------------------------------------------------------


def test_html_lang_is_the_briefing_language(briefing):
    html = (briefing.folder / "briefing.html").read_text(encoding="utf-8")
    assert f'<html lang="{briefing.lang}">' in html


def test_every_number_in_the_text_is_a_traced_figure(briefing):
    texts = briefing.texts()
    assert len(texts) > 10
    linked = 0
    for node in texts:
        stray = digits(node.text(skip={"fig", *EXEMPT}))
        assert not stray, f"untraced number(s) {stray} in: {node.text()}"
        figures = node.find_all("a", "fig")
        linked += len(figures)
        for a in figures:
            assert a.attrs["href"] == f"#ref-{a.attrs['data-ref']}"
            assert a.text() in WORDS or re.fullmatch(r"-?[\d,]+(\.\d+)?", a.text()), a.text()
    assert linked > 30


def test_every_number_in_a_table_is_a_traced_figure(briefing):
    """Tables of projects, cases and events: a number in a cell (a capacity, "38个厂房" in a
    project's progress) is a linked figure; dates and names are marked as such."""
    cells = [
        td
        for table in briefing.dom.find_all("table", "data")
        if "analyst" not in table.classes  # the analyst's reconciliation: its own numbers
        for td in table.find_all("td")
    ]
    assert len(cells) > 50
    linked = 0
    for cell in cells:
        stray = digits(cell.text(skip={"fig", *EXEMPT}))
        assert not stray, f"untraced number(s) {stray} in: {cell.text()}"
        linked += len(cell.find_all("a", "fig"))
    assert linked > 10


def test_the_check_would_catch_an_untraced_number():
    node = parse(
        '<p class="narrative"><span class="period">2021</span> up '
        '<a class="fig" data-ref="F1">11.7</a>%, 3 more</p>'
    )
    assert digits(node.text(skip={"fig", *EXEMPT})) == ["3"]


def test_linked_numbers_match_the_appendix(briefing):
    refs = {a.attrs["data-ref"] for n in briefing.texts() for a in n.find_all("a", "fig")}
    assert refs <= set(briefing.appendix)
    everywhere = {a.attrs["data-ref"]: a.text() for a in briefing.dom.find_all("a", "fig")}
    assert set(everywhere) <= set(briefing.appendix)
    # the appendix lists only figures shown: in the text, or printed on a chart (its alt text)
    alts = " ".join(img.attrs.get("alt", "") for img in briefing.dom.find_all("img"))
    charted = set(briefing.appendix) - set(everywhere)
    for ref in charted:
        [number] = [n.text() for n in briefing.cells(ref)[2].find_all("span", "number")]
        assert number in alts, (ref, number)
    for a in briefing.dom.find_all("a", "fig"):
        value = briefing.cells(a.attrs["data-ref"])[2]
        [number] = [n.text() for n in value.find_all("span", "number")]
        # the text shows a negative figure by its size, in words ("down 9.4%", "下降9.4%"),
        # and a whole number under ten in words where a release would ("up two places")
        size = number.removeprefix("-").removeprefix("\u2212")
        spelled = WORDS[int(size)] if size.isdigit() and int(size) < len(WORDS) else None
        assert a.text() in (number, size, spelled), (a.attrs["data-ref"], a.text())


def test_paragraphs_declare_their_lineage(briefing):
    for node in briefing.texts():
        shown = list(dict.fromkeys(a.attrs["data-ref"] for a in node.find_all("a", "fig")))
        assert node.attrs["data-refs"].split() == shown


def test_period_labels_in_the_text_are_periods_of_its_figures(briefing):
    """A label's digits are allowed only because the label names the period of a figure the same
    text shows (as the appendix spells it), the as-of month of the briefing, or the base a
    change is measured against (比2021年上半年), which is the period of a figure in the data."""
    as_of = briefing.dom.find_all("p", "subtitle")[0].find_all("span", "period")[0].text()
    # The month of the last briefing, which the changes section compares with.
    dataset = load_dataset(DATA_DIR)
    previous = last_briefing(AsOf(dataset, dataset.latest_month()))
    book = Phrasebook(briefing.lang, Lineage(), {})
    since = book.month_text(previous) if previous else None
    events = dataset.events
    event_dates = {
        book.date_text(s, e) for s, e in zip(events["date_start"], events["date_end"], strict=True)
    }
    figures = dataset.figures
    periods = {
        book.period_text(Period(s, e))
        for s, e in zip(figures["period_start"], figures["period_end"], strict=True)
    }
    for node in briefing.texts():
        whats = [briefing.cells(r)[1].text() for r in node.attrs["data-refs"].split()]
        for label in node.find_all("span", "period"):
            if "since" in label.classes:
                assert label.text() == since, (label.text(), since)
                continue
            if "date" in label.classes:  # an event's date, from the events table
                assert label.text() in event_dates, label.text()
                continue
            if "base" in label.classes:  # what a change is measured against
                assert label.text() in periods, label.text()
                continue
            assert label.text() == as_of or any(label.text() in w for w in whats), (
                label.text(),
                node.text(),
            )


def _table_rows(path: Path) -> dict[int, dict[str, str]]:
    """A data table's rows by physical line (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = {}
        line = reader.line_num
        for record in reader:
            rows[line + 1] = dict(zip(header, record, strict=True))
            line = reader.line_num
    return rows


def test_appendix_rows_point_at_the_table_cells(briefing):
    """Each appendix row names a table row; that row's number and quote are what is shown. A
    change the briefing works out names the two rows it is the difference of."""
    checked = 0
    for ref, row in briefing.appendix.items():
        cells = row.find_all("td")
        sources = []
        for where in cells[3].find_all("span", "row-ref"):
            file, line = where.text().rsplit(":", 1)
            source = _table_rows(DATA_DIR / file)[int(line)]
            assert source["quote"].replace("**", "") in cells[3].text(), (ref, source)
            column = "capacity" if file.startswith("projects/") else "value"
            sources.append(float(source[column]))
        # the number as the table writes it (the text may show it in other units: CNY billion)
        shown = float(cells[2].find_all("span", "number")[0].attrs["data-value"])
        if len(sources) == 1:
            assert sources[0] == shown, (ref, sources, shown)
        else:
            assert len(sources) == 2 and abs(abs(sources[0] - sources[1]) - abs(shown)) < 1e-9
        checked += 1
    assert checked == len(briefing.appendix) > 30


def test_reported_and_derived_are_told_apart(briefing):
    statuses = {}
    for row in briefing.appendix.values():
        cells = row.find_all("td")
        where = cells[3].find_all("span", "row-ref")[0].text()
        file, line = where.rsplit(":", 1)
        source = _table_rows(DATA_DIR / file)[int(line)]
        status = cells[2].find_all("span", "status")[0].text()
        statuses.setdefault(source.get("status", "reported"), set()).add(
            status.split("：")[0].split(":")[0]
        )
    # one wording for reported figures, another for derived ones (followed by the formula)
    assert len(statuses["reported"]) == 1 and len(statuses["derived"]) == 1
    assert statuses["reported"] != statuses["derived"]


# --- PDF ----------------------------------------------------------------------------------------


def pdf_text(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_leaders_pdf_ends_with_the_sources_and_leaves_the_appendix_to_the_record(briefing):
    """The PDF ends with its sources note; every figure's row and quote is in the HTML record
    (the tests above) and in lineage.csv attached to the PDF (tests/export/test_archive.py), not
    typeset for the leader."""
    text = pdf_text(briefing.folder / "briefing.pdf", "-raw")
    flat = re.sub(r"\s+", "", text)
    dom = parse((briefing.folder / "briefing.html").read_text(encoding="utf-8"))
    [appendix] = dom.find_all("section", "appendix")
    [sources] = dom.find_all("section", "sources")
    assert re.sub(r"\s+", "", appendix.find_all("p")[0].text()) not in flat  # its introduction
    heading = re.sub(r"\s+", "", sources.find_all("h2")[0].text())
    last_page = re.sub(r"\s+", "", text.split("\f")[-2])  # pdftotext ends with a form feed
    assert heading in last_page
    for entry in sources.find_all("li"):
        assert re.sub(r"\s+", "", entry.text())[:20] in last_page
    assert len(briefing.appendix) > 30  # the record has them all


def test_pdf_fonts_embedded_cid_not_type3(briefing):
    listing = subprocess.run(
        ["pdffonts", str(briefing.folder / "briefing.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = listing.splitlines()[2:]
    assert any("CJK" in row for row in rows), listing
    for row in rows:
        assert "Type 3" not in row and " yes " in row, row


# --- English end to end ---------------------------------------------------------------------------


def ordinal(n: int) -> str:
    """English ordinal, written independently of the catalogue."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ytd(period) -> str:
    if period.end_month == 12:
        return str(period.year)
    return f"Jan–{calendar.month_abbr[period.end_month]} {period.year}"


@pytest.fixture(scope="module")
def english_pdf(built) -> str:
    if "en" not in built:
        pytest.skip("no English catalogue")
    # Page footers ("2 / 15") can fall inside a sentence that runs on to the next page.
    pages = pdf_text(built["en"] / "briefing.pdf").split("\f")
    body = " ".join(re.sub(r"\s\d+ / \d+\s*$", " ", page.rstrip()) for page in pages)
    return re.sub(r"\s+", " ", body)


def test_english_pdf_phrases_built_from_the_tables(english_pdf, asof):
    va = asof.latest("ind_va_growth")
    rank = asof.at("ind_va_growth_rank", va.period)
    move = asof.at("ind_va_growth_rank_change", va.period)
    # the rank a change of rank is measured against: the previous cumulative period's
    before = asof.before("ind_va_growth_rank", rank.period)
    share = asof.latest("ind_va_gdp_share")
    change = asof.at("ind_va_gdp_share_change", share.period)
    fai = asof.latest("fai_growth")
    assert va.value > 0 and move.value > 1 and fai.value < 0 and change.value > 0
    expected = [
        f"In {ytd(va.period)}, value added of industrial enterprises",
        f"up {va.number()}% year on year",
        f"ranked {ordinal(int(rank.value))} nationally, "
        f"up {WORDS[int(move.value)]} places from {ytd(before.period)}",  # under ten: words
        f"{share.number()}% of the province's GDP, {change.number()} percentage points higher "
        "than a year earlier",
        f"down {fai.number(absolute=True)}% (derived) year on year",
        f"Data as of {calendar.month_name[int(asof.month[5:])]} {asof.month[:4]}",
    ]
    for phrase in expected:
        assert phrase in english_pdf, phrase
    assert "up -" not in english_pdf and "up −" not in english_pdf


def test_english_pdf_period_labels(english_pdf, asof):
    for indicator in ("ind_inv_growth", "projects_introduced", "innov_little_giants"):
        f = asof.latest(indicator)
        assert ytd(f.period) in english_pdf, indicator
    assert "年" not in english_pdf.split("Sources")[0].split("Company")[0]


def test_english_pdf_draws_the_chinese_it_quotes(built, english_pdf, asof):
    """The English PDF names its Chinese source by its own title beside the translation; the
    CJK font that draws it is embedded (names without an English form fall back to the same
    font). The quotes themselves are in the record (the HTML's appendix, lineage.csv)."""
    original = asof.dataset.sources.iloc[0]["title_zh"]
    assert CHINESE.search(original)
    assert re.sub(r"\s", "", original)[:12] in re.sub(r"\s", "", english_pdf)
    fonts = subprocess.run(
        ["pdffonts", str(built["en"] / "briefing.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "CJK" in fonts


# --- the language of a briefing -----------------------------------------------------------------

CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]+")


def test_a_briefing_in_another_language_quotes_its_source_and_nothing_else_in_chinese(built):
    """Chinese shows in a non-Chinese briefing only where the source is quoted: the quote column
    of the appendix, and the source's own title beside its translation in the list of sources
    (its authors' names are romanised). Names, companies, places, expected dates, progress,
    events and alt texts all have their translation."""
    others = [lang for lang in built if lang != "zh"]
    assert others, "no second language to check"
    for lang in others:
        dom = parse((built[lang] / "briefing.html").read_text(encoding="utf-8"))
        body = dom.find_all("main")[0]
        sources = body.find_all("section", "sources")[0]
        appendix = body.find_all("section", "appendix")[0]
        rest = body.text(skip={"sources", "appendix"})
        assert not CHINESE.findall(rest), (lang, CHINESE.findall(rest))
        for row in appendix.find_all("tr"):
            described = "".join(cell.text() for cell in row.find_all("td")[:3])
            assert not CHINESE.findall(described), (lang, described)
        alts = [img.attrs.get("alt", "") for img in body.find_all("img")]
        assert alts and not [a for a in alts if CHINESE.search(a)], (lang, alts)
        dataset = load_dataset(DATA_DIR)
        for entry in sources.find_all("li"):
            chinese = CHINESE.findall(entry.text())
            titles = set(dataset.sources["title_zh"])
            assert all(any(c in title for title in titles) for c in chinese), (lang, chinese)


def test_the_two_languages_state_the_same_facts(built):
    """The zh and en briefings show the same figures: the same table rows in their appendices."""
    rows = {}
    for lang, folder in built.items():
        dom = parse((folder / "briefing.html").read_text(encoding="utf-8"))
        rows[lang] = sorted(span.text() for span in dom.find_all("span", "row-ref"))
    assert rows["zh"] == rows["en"] and len(rows["zh"]) > 30


NESTED = re.compile(r"（[^（）]*（")
IDS = re.compile(r"\b[a-z]+(?:[_-][a-z0-9]+){2,}\b")  # va-growth-rank-change, ind_va_growth


def test_the_chinese_briefing_reads_as_chinese(built):
    """No English ids on the Chinese page (rule ids, indicator ids), one bracket level, 、 between
    names of authors; the file and line of a figure's row (row-ref) is the one code it shows."""
    dom = parse((built["zh"] / "briefing.html").read_text(encoding="utf-8"))
    body = dom.find_all("main")[0]
    visible = body.text(skip={"row-ref"})
    assert not IDS.findall(visible), IDS.findall(visible)
    assert not NESTED.findall(visible), NESTED.findall(visible)
    sources = body.find_all("section", "sources")[0].find_all("li")[0].text()
    assert ";" not in sources and "、" in sources


def test_the_style_checks_would_catch_what_they_look_for():
    assert IDS.findall("规则 va-growth-rank-change 不成立") == ["va-growth-rank-change"]
    assert NESTED.findall("集中开工（项目（电池）5个）")


def test_the_language_check_would_catch_a_chinese_name():
    body = parse('<main><p>Company: <span class="name">宁德时代</span></p></main>')
    assert CHINESE.findall(body.find_all("main")[0].text(skip={"sources"})) == ["宁德时代"]
