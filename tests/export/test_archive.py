"""The built PDFs read back with pikepdf and poppler: PDF/A-3a and PDF/UA-1 identification, the
tagged structure a screen reader uses, and the embedded files that make a PDF say what it was
made from. Expected values come from the briefing's HTML and the data files, never typed here.

Typst checks the rules of both standards that it knows while it writes the PDF, and refuses
otherwise; what this does not verify is said in the README: no validator (veraPDF) checks the
full ISO rule sets."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pikepdf
import pytest

from report_utils.briefing.phrasing import languages
from report_utils.paths import DATA_DIR

pytestmark = pytest.mark.e2e

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"


@pytest.fixture(scope="module", params=languages())
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def folder(briefing_for, lang: str) -> Path:
    return briefing_for(lang)


@pytest.fixture(scope="module")
def pdf(folder: Path):
    with pikepdf.open(folder / "briefing.pdf") as document:
        yield document


class _Page(HTMLParser):
    """What the HTML page has that the PDF's tags must carry: title, headings, image alt
    texts, tables and their header cells."""

    def __init__(self):
        super().__init__()
        self.title, self.alts, self.headings, self.blocks = "", [], Counter(), Counter()
        self.tables, self.header_cells, self._in = 0, 0, ""

    def handle_starttag(self, tag, attrs):
        self._in = tag
        if tag == "img":
            self.alts.append(dict(attrs)["alt"])
        elif tag in ("h1", "h2", "h3"):
            self.headings[tag] += 1
        elif tag in ("p", "ul", "li"):
            self.blocks[tag] += 1
        elif tag == "table":
            self.tables += 1
        elif tag == "th":
            self.header_cells += 1

    def handle_data(self, data):
        if self._in == "title":
            self.title += data

    def handle_endtag(self, tag):
        self._in = ""


# What the HTML (the analyst's record) has and the leader's PDF leaves out (briefing.typ:
# record-only): the data appendix, the analyst's reconciliation, the line a section without data
# leaves, and each section's source note (the PDF says it once, at the end).
RECORD_ONLY = re.compile(
    r'<section class="(?:appendix|analyst|section omitted)"[^>]*>.*?</section>'
    r'|<p class="(?:source-note|omitted-note)">.*?</p>',
    re.S,
)


def leaders_part(html: str) -> str:
    """The part of the HTML page the leader's PDF typesets."""
    return RECORD_ONLY.sub("", html)


@pytest.fixture(scope="module")
def page(folder: Path) -> _Page:
    parser = _Page()
    parser.feed(leaders_part((folder / "briefing.html").read_text(encoding="utf-8")))
    return parser


def _elements(pdf) -> list[pikepdf.Dictionary]:
    """Every structure element of the tag tree, in document order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


# --- identification --------------------------------------------------------------------------


def test_the_pdf_declares_pdf_a_3a_and_pdf_ua_1(pdf, page: _Page):
    assert pdf.pdf_version == "1.7"
    meta = pdf.open_metadata()
    assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "A"
    assert meta["pdfuaid:part"] == "1"
    assert meta["dc:title"] == page.title.strip()  # PDF/UA: the title in the metadata
    (intent,) = pdf.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent  # the sRGB profile


def test_qpdf_finds_nothing_to_repair(pdf):
    assert pdf.check_pdf_syntax() == []  # e.g. the attachments' name tree must be sorted


def test_the_pdf_is_tagged_with_its_language_and_shows_its_title(pdf, folder: Path, lang: str):
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == lang
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    info = subprocess.run(
        ["pdfinfo", str(folder / "briefing.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^PDF version:\s+1\.7$", info, re.M)


# --- structure -------------------------------------------------------------------------------


def test_headings_in_the_tags_are_those_of_the_page(pdf, page: _Page):
    tags = Counter(str(e.S) for e in _elements(pdf))
    assert tags["/H1"] == page.headings["h1"] == 1
    assert tags["/H2"] == page.headings["h2"] > 5


def test_paragraphs_and_lists_in_the_tags_are_those_of_the_page(pdf, page: _Page):
    tags = Counter(str(e.S) for e in _elements(pdf))
    assert tags["/P"] >= page.blocks["p"] > 5  # Typst tags more text as /P
    assert tags["/L"] == page.blocks["ul"] and tags["/LI"] == page.blocks["li"] > 0


def test_every_figure_is_tagged_with_the_alt_text_of_its_chart(pdf, page: _Page):
    figures = [e for e in _elements(pdf) if e.S == "/Figure"]
    assert len(page.alts) >= 5
    assert sorted(str(f.Alt) for f in figures) == sorted(page.alts)
    assert all(len(alt) > 20 for alt in page.alts)  # alt texts that say what a chart shows


def test_tables_have_header_cells_and_every_cell_is_named_by_its_header(pdf, page: _Page):
    elements = _elements(pdf)
    tables = [e for e in elements if e.S == "/Table"]
    assert len(tables) >= page.tables  # a table across pages is tagged once per page
    for table in tables:  # each part with its header row (repeated on every page)
        inside = _elements_under(table)
        assert any(e.S == "/THead" for e in inside) and any(e.S == "/TH" for e in inside)
    ids = {bytes(e.ID) for e in elements if e.S == "/TH"}
    cells = [e for e in elements if e.S == "/TD"]
    assert cells
    for cell in cells:
        (owned,) = [a for a in _attributes(cell) if a.O == "/Table"]
        headers = {bytes(h) for h in owned.Headers}
        assert headers and headers <= ids


def _attributes(element) -> list[pikepdf.Dictionary]:
    """An element's attribute objects (/A: one dictionary or an array of them)."""
    return list(element.A) if isinstance(element.A, pikepdf.Array) else [element.A]


def _elements_under(node) -> list[pikepdf.Dictionary]:
    found = []
    kids = node.K if isinstance(node.K, pikepdf.Array) else [node.K]
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            found.append(kid)
            if "/K" in kid:
                found += _elements_under(kid)
    return found


def test_fonts_are_embedded(folder: Path):
    fonts = subprocess.run(
        ["pdffonts", str(folder / "briefing.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    for row in fonts:
        assert re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", row).group(1) == "yes", row


# --- embedded files --------------------------------------------------------------------------


def _attached(pdf, name: str) -> bytes:
    return pdf.attachments[name].get_file().read_bytes()


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for Chinese
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_pdf_carries_the_notebook_lineage_and_data_rows_once_each(pdf):
    names = set(pdf.attachments)
    assert {"briefing.ipynb", "lineage.csv", "data-figures.csv"} <= names
    assert names <= {"briefing.ipynb", "lineage.csv"} | {
        f"data-{t}.csv" for t in ("figures", "events", "projects", "cases")
    }
    relations = {name: str(spec.obj.AFRelationship) for name, spec in pdf.attachments.items()}
    assert relations["briefing.ipynb"] == "/Source"
    assert relations["lineage.csv"] == "/Supplement"
    assert {relations[n] for n in names if n.startswith("data-")} == {"/Data"}
    # PDF/A-3: each file is associated with the document once, with a type and a description
    listed = [spec.objgen for spec in pdf.Root.AF]
    assert len(listed) == len(set(listed)) == len(names)
    for name, spec in pdf.attachments.items():
        assert spec.get_file().mime_type in ("text/csv", "application/x-ipynb+json"), name
        assert spec.description


def test_the_attached_notebook_is_the_executed_notebook(pdf, folder: Path, lang: str):
    attached = nbformat.reads(_attached(pdf, "briefing.ipynb").decode("utf-8"), as_version=4)
    nbformat.validate(attached)
    params = attached.metadata["papermill"]["parameters"]
    assert params["lang"] == lang
    kept = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["parameters"]
    assert params["period"] == kept["period"] and params["region"] == kept["region"]
    assert any(c.get("outputs") for c in attached.cells)  # executed, with its outputs


def test_the_lineage_table_is_the_appendix(pdf, folder: Path):
    rows = _csv(_attached(pdf, "lineage.csv"))
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    appendix = re.findall(
        r'<tr id="ref-(F\d+)">.*?data-value="([^"]*)".*?</tr>', html.split('id="sources"')[1], re.S
    )
    assert [(r["ref"], r["value"]) for r in rows] == appendix
    assert all(r["quote"] and r["source"] and r["rows"] for r in rows)
    derived = [r for r in rows if r["status"] == "derived"]
    assert derived and all(r["formula"] for r in derived)


def test_the_data_rows_are_the_rows_of_the_files_as_written(pdf):
    lineage = _csv(_attached(pdf, "lineage.csv"))
    cited = {ref.strip() for r in lineage for ref in r["rows"].split(";")}
    attached = {}
    for name in pdf.attachments:
        if name.startswith("data-"):
            table = name.removeprefix("data-").removesuffix(".csv")
            for row in _csv(_attached(pdf, name)):
                assert row["file"].startswith(f"{table}/")
                attached[f"{row['file']}:{row['line']}"] = row
    assert cited <= set(attached)  # every figure's rows are attached
    assert any(key.startswith("events/") for key in attached)  # and rows shown as they are
    for key, row in attached.items():
        file, line = key.rsplit(":", 1)
        assert _line_of(DATA_DIR / file, int(line)) == {
            k: v for k, v in row.items() if k not in ("file", "line")
        }


def _line_of(path: Path, line: int) -> dict[str, str]:
    """The row of a CSV file that starts on ``line``, read here with the csv module."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        before = reader.line_num
        for record in reader:
            if before + 1 == line:
                return dict(zip(header, [c.strip() for c in record], strict=True))
            before = reader.line_num
    raise AssertionError(f"{path} has no row on line {line}")
