"""The layout check an analyst runs: built briefings' pages measured as the project's tests measure
them (``export.measure``, the one measure), each finding a warning at the PDF and page.

A page other than the last that is less than a third full (a section added that pushes the
next onto a page of its own), and a word split across two lines without a hyphen, are what a
reader sees as a broken page. ``briefing build`` warns about the briefings it built;
``briefing validate --layout`` reports on every briefing already built in an output folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from report_utils.errors import Problem, display_path

LEAST_FILL = 1 / 3  # the share of a page's text area a page but the last fills at least
PDF, HTML = "briefing.pdf", "briefing.html"


def check_pdf(pdf: Path) -> list[Problem]:
    """Warnings for one built briefing (its PDF, with the HTML it was printed from beside it)."""
    from report_utils.export.measure import measure

    html = pdf.with_name(HTML)
    text = html.read_text(encoding="utf-8") if html.is_file() else ""
    layout = measure(pdf, text)
    shown = display_path(pdf)
    problems = [
        Problem(
            shown,
            page,
            "-",
            f"page {page} of {layout.pages} is {layout.fill[page - 1]:.0%} full "
            "(less than a third): move a section or shorten one",
            severity="warning",
        )
        for page in layout.thin_pages(LEAST_FILL)
    ]
    problems += [
        Problem(shown, 0, "-", f"a word split across lines without a hyphen: {word}", "warning")
        for word in layout.split_words
    ]
    return problems


def check_pdfs(pdfs: Iterable[Path]) -> list[Problem]:
    return [problem for pdf in sorted(set(pdfs)) for problem in check_pdf(pdf)]


def built_pdfs(out_dir: Path) -> list[Path]:
    """Every briefing PDF in an output folder (``<region>/<period>/<lang>/briefing.pdf``)."""
    return sorted(Path(out_dir).glob(f"*/*/*/{PDF}"))
