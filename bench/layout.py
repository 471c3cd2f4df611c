"""The pages a leader reads, measured: page count, fill of each page and words split across lines
without a hyphen, for briefings built into a folder (by default: build the latest month of the
shipped data, zh and en, into a temporary folder first).

    .venv/bin/python bench/layout.py [--out OUT] [--period YYYY-MM]

Prints a Markdown table for the README. The measure is report_utils.export.measure, the one the
tests use (tests/export/test_layout.py).
"""

from __future__ import annotations

import argparse
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
        print("| briefing | pages | fill per page (%) | thinnest page but the last | split words |")
        print("|---|---|---|---|---|")
        for pdf in sorted(out.glob("*/*/*/briefing.pdf")):
            if args.period and pdf.parts[-3] != args.period:
                continue
            layout = measure(pdf, (pdf.parent / "briefing.html").read_text(encoding="utf-8"))
            name = "/".join(pdf.parts[-4:-1])
            fills = " ".join(f"{round(100 * f)}" for f in layout.fill)
            thinnest = min(layout.fill[:-1], default=1.0)
            print(
                f"| {name} | {layout.pages} | {fills} | {round(100 * thinnest)}% | "
                f"{len(layout.split_words)} |"
            )


if __name__ == "__main__":
    sys.exit(main())
