"""Hostile text in the tables: markup, template syntax, Markdown, LaTeX and very long unbroken
strings in titles, names, notes, sources and quotes. Briefings built from such data (synthetic, in
a temporary copy of data/) show every payload as literal text in HTML and PDF, run no script in a
real browser, and keep their layout on a phone and a desktop."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SYNTHETIC_NOTE, Watched

from report_utils.batch import runner
from report_utils.briefing import charts
from report_utils.briefing.phrasing import languages
from report_utils.paths import DATA_DIR

pytestmark = pytest.mark.e2e

SENTINEL = "__pwned"
PAYLOADS = {
    "script": f"<script>window.{SENTINEL}=1;alert(1)</script>",
    "img": f'<img src=x onerror="window.{SENTINEL}=2;alert(2)">',
    "svg": f"<svg/onload=window.{SENTINEL}=3>",
    "attribute": f'" onmouseover="window.{SENTINEL}=4" data-x="',
    "jinja": "{{ 7*191 }}{% for x in [1] %}LOOP{% endfor %}{# note #}",
    "markdown": "**粗体** # 标题 [链接](https://example.com/x) `code`",
    "latex": r"$x^2$ 与 $\textbf{粗体}$ \section{S}",
    # text between angle brackets that is no tag: shown whole (issue 22, item 3)
    "angles": "Shares: firms <50 staff and >10 years, 5 < 6",
    # spreadsheet formulas: text on the page, and behind a ' in the PDF's CSV files (item 4)
    "formula": '=HYPERLINK("http://example.invalid/?q="&A1,"点击")',
    "dde": "@SUM(1+1)*cmd|' /C calc'!A0",
    "long_ascii": "A" * 300,
    "long_cjk": "".join(chr(0x4E00 + (i * 37) % 20000) for i in range(200)),
}
JINJA_RESULT = "1337"  # what {{ 7*191 }} would render to
# The elements the briefing's template and blocks make; none of the payloads' (script, svg, ...).
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "section", "h1", "h2",
    "h3", "p", "div", "span", "a", "br", "strong", "em", "figure", "img", "figcaption", "ul",
    "li", "table", "thead", "tbody", "tr", "th", "td", "caption", "nav",
}  # fmt: skip


def _rewrite(path: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    """Rewrite a table with the csv module, so that the file stays valid CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    change(rows)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _both(row: dict[str, str], stem: str, text: str) -> None:
    """The same text in the Chinese and English column, so every briefing language shows it."""
    row[f"{stem}_zh"] = text
    if f"{stem}_en" in row:
        row[f"{stem}_en"] = text


def _events(rows: list[dict[str, str]]) -> None:
    order = ["script", "img", "jinja", "markdown", "latex", "long_ascii", "long_cjk", "svg"]
    for row, name in zip(rows, order, strict=False):
        _both(row, "title", PAYLOADS[name])
    rows[-1]["date_text"] = PAYLOADS["attribute"]
    _both(rows[len(order)], "title", PAYLOADS["dde"])


def _projects(rows: list[dict[str, str]]) -> None:
    # names also run through the section's narrative, a paragraph the PDF text keeps in one piece
    names = [name for name in PAYLOADS if name not in ("attribute", "angles", "formula", "dde")]
    assert len(rows) >= len(names)
    for row, name in zip(rows, names, strict=False):
        _both(row, "name", PAYLOADS[name])
    rows[0]["status_text"] = PAYLOADS["img"]
    rows[1]["company"] = PAYLOADS["markdown"]
    rows[2]["expected"] = PAYLOADS["long_cjk"]
    rows[3]["status_text"] = PAYLOADS["attribute"]


def _cases(rows: list[dict[str, str]]) -> None:
    companies = [r for r in rows if r["subject_kind"] == "company"]
    for row, name in zip(companies, ["script", "attribute", "latex", "long_ascii"], strict=False):
        _both(row, "measure", PAYLOADS[name])
    companies[-1]["subject"] = PAYLOADS["svg"]
    events = [r for r in rows if r["subject_kind"] == "event"]
    _both(events[0], "measure", PAYLOADS["img"])
    _both(events[1], "measure", PAYLOADS["angles"])


def _sources(rows: list[dict[str, str]]) -> None:
    _both(rows[0], "title", PAYLOADS["attribute"] + PAYLOADS["script"] + PAYLOADS["jinja"])
    _both(rows[0], "publisher", PAYLOADS["img"] + PAYLOADS["markdown"])
    rows[0]["authors"] = PAYLOADS["latex"]
    rows[0]["note"] = PAYLOADS["script"] + PAYLOADS["long_ascii"]


def _figures(rows: list[dict[str, str]]) -> None:
    # the quote is shown in the appendix and in every number's tooltip (an attribute)
    rows[0]["quote"] = PAYLOADS["attribute"] + rows[0]["quote"]
    rows[1]["quote"] = PAYLOADS["script"] + rows[1]["quote"]
    rows[2]["quote"] = PAYLOADS["formula"] + rows[2]["quote"]


def _indicators(rows: list[dict[str, str]]) -> None:
    # the headline label, the growth chart's bar label (drawn by matplotlib) and the appendix
    row = next(r for r in rows if r["id"] == "ind_va_growth")
    _both(row, "name", row["name_zh"] + PAYLOADS["latex"])


HOSTILE = {
    "events/guizhou-industry-2021.csv": _events,
    "projects/guizhou-industry-2021.csv": _projects,
    "cases/guizhou-industry-2021.csv": _cases,
    "meta/sources.csv": _sources,
    "figures/guizhou-industry-2021.csv": _figures,
    "meta/indicators.csv": _indicators,
}


@pytest.fixture(scope="session")
def hostile_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default briefing of every language, built (once, in parallel) from hostile data."""
    data = tmp_path_factory.mktemp("hostile") / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "SYNTHETIC.txt").write_text(SYNTHETIC_NOTE + ": hostile text in every text field\n")
    for name, change in HOSTILE.items():
        _rewrite(data / name, change)
    # Every quote must be in its source's text: the hostile quotes are added to the copy's.
    quotes = set()
    for name in HOSTILE:
        with (data / name).open(encoding="utf-8", newline="") as handle:
            quotes |= {row["quote"] for row in csv.DictReader(handle) if "quote" in row}
    with (data / "sources" / "guizhou-industry-2021.txt").open("a", encoding="utf-8") as text:
        text.write("\n" + SYNTHETIC_NOTE + ":\n" + "\n".join(sorted(quotes)) + "\n")
    langs = languages()
    out = data.parent / "out"
    results = runner.build(data, out, [], langs, ["html", "pdf"], workers=min(2, len(langs)))
    assert {r.name.split("/")[-1]: r.error for r in results} == dict.fromkeys(langs, "")
    return {r.name.split("/")[-1]: r.folder for r in results}


@pytest.fixture(scope="module", params=languages())
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


def _flat(text: str) -> str:
    # without white space, and without the zero-width spaces the PDF puts into a long unbroken
    # run so that its lines can break (briefing.typst_markup)
    return re.sub(r"[\s\u200b]+", "", text)


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- HTML and PDF files ------------------------------------------------------------------------


class Elements(HTMLParser):
    """Every start tag of a page with its attributes (values unescaped), as a browser parses."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _html(folder: Path) -> str:
    """The briefing's HTML without its embedded images (base64 is noise to a text search)."""
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    return re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "data:image/svg+xml", html)


def test_html_holds_no_markup_from_the_data(hostile_builds, lang: str):
    html = _html(hostile_builds[lang])
    tags = Elements(html).tags
    assert {tag for tag, _ in tags} <= PAGE_TAGS
    assert [(tag, a) for tag, attrs in tags for a in attrs if a.startswith("on")] == []
    assert {attrs["src"] for tag, attrs in tags if tag == "img"} == {"data:image/svg+xml"}
    assert PAYLOADS["jinja"] in html  # as written, not rendered
    assert JINJA_RESULT not in html


# Payloads the data puts only in a figure's quote: the leader's PDF leaves quotes to the record
# (the HTML's appendix, tested above as literal text, and lineage.csv, tested below).
QUOTED_ONLY = {"formula"}


def test_pdf_shows_every_payload_as_text(hostile_builds, lang: str):
    # pdftotext drops the hyphen of a word broken across lines: compare without hyphens; and
    # an English sentence lower-cases a measure's first letter ("…, shares: firms <50 …")
    text = _flat(_pdf_text(hostile_builds[lang] / "briefing.pdf")).replace("-", "").lower()
    for name, payload in PAYLOADS.items():
        if name in QUOTED_ONLY:  # a figure's quote: the record's (HTML appendix, lineage.csv)
            continue
        assert _flat(payload).replace("-", "").lower() in text, name
    assert JINJA_RESULT not in text


def _words_outside_the_page(pdf: Path) -> list[str]:
    """Words that pdftotext places (partly) outside their page's width."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    outside = []
    for page in re.findall(r"<page [^>]*>.*?</page>", boxes, re.S):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">([^<]*)', page
        ):
            if float(x_min) < 0 or float(x_max) > width:
                outside.append(word)
    return outside


def test_pdf_keeps_long_strings_inside_the_page(hostile_builds, lang: str):
    assert _words_outside_the_page(hostile_builds[lang] / "briefing.pdf") == []


def test_the_pdfs_csv_files_carry_no_formula_from_the_data(hostile_builds, lang: str, tmp_path):
    from report_utils.export.csv_files import FORMULA_STARTS

    subprocess.run(
        ["pdfdetach", "-saveall", "-o", str(tmp_path), str(hostile_builds[lang] / "briefing.pdf")],
        check=True,
    )
    cells = [
        cell
        for path in tmp_path.glob("*.csv")
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
        for cell in row
    ]
    assert [
        c for c in cells if c.startswith(FORMULA_STARTS) and not re.fullmatch(r"-?[\d.]+%?", c)
    ] == []
    assert "'" + PAYLOADS["dde"] in cells  # the event's row, whole, behind the mark
    assert any(c.startswith("'" + PAYLOADS["formula"]) for c in cells)  # the quote's


# --- in the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[390, 1280], ids=["phone", "desktop"])
def hostile_page(browser, hostile_builds, lang: str, request) -> Iterator[Watched]:
    page = Watched(browser, hostile_builds[lang] / "briefing.html", request.param)
    yield page
    page.close()


def test_no_script_runs_and_no_dialog_opens(hostile_page: Watched, lang: str):
    page = hostile_page.page
    page.mouse.move(200, 300)  # hover over the page, for a handler that would need it
    numbers = page.locator("a.fig")
    for index in range(min(numbers.count(), 10)):  # tooltips hold quotes and source titles
        numbers.nth(index).hover()
    assert page.evaluate(f"() => typeof window.{SENTINEL}") == "undefined"
    assert page.evaluate("() => document.scripts.length") == 0
    handlers = page.evaluate(
        """() => Array.from(document.querySelectorAll('*')).flatMap(
            e => Array.from(e.attributes).filter(a => a.name.startsWith('on')).map(a => a.name))"""
    )
    assert handlers == []
    assert hostile_page.dialogs == []
    assert hostile_page.errors == []
    assert hostile_page.outside == []


def test_payloads_are_shown_as_literal_text(hostile_page: Watched, lang: str):
    text = _flat(hostile_page.page.evaluate("() => document.body.innerText"))
    for name, payload in PAYLOADS.items():
        assert _flat(payload) in text, name
    assert JINJA_RESULT not in text


def test_layout_holds_with_long_strings(hostile_page: Watched, lang: str):
    width = hostile_page.width
    hostile_page.screenshot(f"injection/{lang}-{width}px.png")
    assert hostile_page.horizontal_overflow() <= 0
    # every table stays within the window: a long cell wraps (or scrolls inside its table)
    right = hostile_page.page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('table')).map("
        "t => t.getBoundingClientRect().right))"
    )
    assert right <= width


# --- charts: matplotlib draws "$...$" as text, never as mathtext ---------------------------


def test_chart_labels_with_tex_are_drawn_as_text():
    """With mathtext on, ``$\\textbf{粗体}$`` raises while the chart is drawn."""
    label = PAYLOADS["latex"]
    bars = [charts.Bar(label, 11.7, "11.7%", "贵州省"), charts.Bar("$5 and $6", 5, "$5", "全国")]
    bar = charts.bar_chart(bars, label, label, "alt")
    assert bar.svg.startswith(b"<?xml")


def test_alt_text_of_hostile_chart_is_escaped_text():
    """A chart's alt text made of hostile data is one attribute's text: no tag, no handler."""
    from markupsafe import Markup

    from report_utils.briefing import html

    alt = " ".join(PAYLOADS[name] for name in ("script", "img", "jinja", "latex"))
    bars = [charts.Bar("规模以上工业增加值", 11.7, "11.7%", "贵州省")]
    chart = charts.bar_chart(bars, "标题", "增速（%）", alt)
    tags = Elements(str(html.figure(chart, "chart", Markup("source")))).tags
    assert [tag for tag, _ in tags] == ["figure", "img", "figcaption"]
    assert [attrs["alt"] for tag, attrs in tags if tag == "img"] == [alt]
