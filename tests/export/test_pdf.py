"""The PDF of every language read back with pdftotext: the narrative comes out in reading order,
and the sections in the order of the spec (data/briefing.yml). Expected text is built from the
tables by ``report.Briefing`` and the message catalogues, never typed here."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import narrative, section_ids, shipped_spec

from report_utils.briefing.catalogues import briefing_catalogue
from report_utils.briefing.figures import Lineage
from report_utils.briefing.phrasing import Phrasebook, languages
from report_utils.paths import DATA_DIR

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=languages())
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def pdf_lines(briefing_for, lang: str) -> list[str]:
    """The PDF's text in pdftotext's reading order (not -layout), one stripped line each."""
    pdf: Path = briefing_for(lang) / "briefing.pdf"
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [line.strip() for line in text.splitlines()]


def _flat(text: str) -> str:
    """Text without white space and hyphens: pdftotext joins a word hyphenated across two lines
    ("two-/year" comes out as "twoyear"), so hyphens cannot be compared."""
    return re.sub(r"[\s\-\u2010]+", "", text)


def _heading_lines(lines: list[str], lang: str) -> dict[str, int]:
    """Line index of each section's heading (a line of its own), for the sections shown, each
    looked for after the one before it: a title can also be a row of the main-indicators table
    (工业投资), which comes first. Sections out of the spec's order are not all found."""
    p = Phrasebook(lang, Lineage(), {}, messages=briefing_catalogue(DATA_DIR, lang))
    found: dict[str, int] = {}
    start = 0
    for section in shipped_spec().sections:
        name = section.id
        own = f"sections.{name}.title"  # else the kind's default title
        key = own if p.has(own) else f"kinds.{section.kind}.title"
        title = p.text(key, region="", scope="", as_of="")
        if title in lines[start:]:
            found[name] = start = lines.index(title, start)
            start += 1
    return found


def test_sections_come_in_the_order_of_the_spec(pdf_lines: list[str], lang: str):
    headings = _heading_lines(pdf_lines, lang)
    assert list(headings) == section_ids()  # every section has data as of the month
    positions = list(headings.values())
    assert positions == sorted(positions), headings


def test_growth_narrative_is_contiguous_under_its_heading(pdf_lines: list[str], lang: str):
    headings = _heading_lines(pdf_lines, lang)
    names = list(headings)
    start = headings["growth"]
    end = headings[names[names.index("growth") + 1]]
    sentence = _flat(narrative(lang, "growth"))
    assert len(sentence) > 40
    assert sentence in _flat("".join(pdf_lines[start:end]))
    # and nowhere else: the headline cards before it do not repeat it
    assert _flat("".join(pdf_lines)).count(sentence) == 1


# The zh briefing's fonts, page size, page numbers and absence of code are checked in
# test_build.py; the same for every other language here.
OTHER_LANGS = [lang for lang in languages() if lang != "zh"]
CODE_MARKERS = ("brief.", "Briefing(", "import ", "In [", "Out[", "<pandas", "Traceback")


@pytest.mark.parametrize("other", OTHER_LANGS)
def test_other_languages_pdf_fonts_pages_and_no_code(briefing_for, other: str):
    pdf = briefing_for(other) / "briefing.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows
    for row in rows:
        assert "Type 3" not in row
        assert re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", row).group(1) == "yes", row
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert [(round(float(w)), round(float(h))) for w, h in sizes] == [(595, 842)] * pages
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for number, page in enumerate(text.split("\f")[:pages], start=1):
        assert f"{number} / {pages}" in page
    for marker in CODE_MARKERS:
        assert marker not in text, marker
