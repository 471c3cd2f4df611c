"""The pages a leader reads, measured: page count, fill of each page and words split across lines
without a hyphen, for briefings built into a folder (by default: build the latest month of the
shipped data, zh and en, into a temporary folder first).

    .venv/bin/python bench/layout.py [--out OUT] [--period YYYY-MM]

Prints a Markdown table for the README; the appendix (sources and analyst notes) is counted from
the page its heading is on. The measure is report_utils.export.measure, the one the
tests use (tests/export/test_measure.py).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIEFING = ROOT / ".venv" / "bin" / "briefing"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="a folder of built briefings (default: build)")
    parser.add_argument("--period", help="the month to measure (default: the latest)")
    args = parser.parse_args()
    from report_utils.export.measure import measure

    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch)
        if args.out is None:
            command = [str(BRIEFING), "build", "--out", str(out), "--force"]
            if args.period:
                command += ["--period", args.period]
            subprocess.run(command, check=True, capture_output=True)
        print(
            "| briefing | pages | appendix pages | fill per page (%) "
            "| thinnest page but the last | split words |"
        )
        print("|---|---|---|---|---|---|")
        for pdf in sorted(out.glob("**/briefing.pdf")):
            if args.period and args.period not in pdf.parts:
                continue
            html = (pdf.parent / "briefing.html").read_text(encoding="utf-8")
            layout = measure(pdf, html)
            name = "/".join(pdf.relative_to(out).parts[:-1])
            fills = " ".join(f"{round(100 * f)}" for f in layout.fill)
            thinnest = min(layout.fill[:-1], default=1.0)
            appendix = layout.pages - _page_of_appendix(pdf, html) + 1
            print(
                f"| {name} | {layout.pages} | {appendix} | {fills} | {round(100 * thinnest)}% | "
                f"{len(layout.split_words)} |"
            )


def _page_of_appendix(pdf: Path, html: str) -> int:
    """The first page with the appendix's heading on it; past the last page when the PDF has no
    appendix (a leader's PDF: the appendix is the HTML record's). Briefings built before the
    appendix had a section of its own have it under the sources' heading."""
    found = re.search(r'<section class="appendix" id="appendix"><h2>(.*?)</h2>', html) or re.search(
        r'<section class="sources" id="sources"><h2>(.*?)</h2>', html
    )
    heading = found.group(1)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        if re.search(rf"^\s*{re.escape(heading)}\s*$", page, re.M):  # a heading: a line alone
            return number
    return len(pages) + 1


if __name__ == "__main__":
    sys.exit(main())
