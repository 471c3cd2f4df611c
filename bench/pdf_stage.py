"""Benchmark: the PDF stage, Typst (today) against WeasyPrint (before issue 18), paired and
in-process on the same executed notebook.

Run with the project's own set-up:  .venv/bin/python bench/pdf_stage.py NOTEBOOK [--rounds 15]

NOTEBOOK is an executed briefing (``outputs/<region>/<period>/<lang>/briefing.ipynb``, written by
``briefing build``). Each round runs both stages once, in alternating order, after one warm-up
run of each (fonts loaded, templates compiled), and records CPU time (this process) and wall time:
  typst       BriefingTypstExporter (the Typst source and its files) + printer.typeset (the
              compile, PDF/A-3a + PDF/UA-1, files embedded): what the build's PDF stage does
  weasyprint  the HTML the build writes anyway, printed as the PDF stage before issue 18 did
              (WeasyPrint 70: PDF/A-3u, tagged, the same files embedded); WeasyPrint is no longer
              a dependency: ``.venv/bin/pip install weasyprint==70.0`` to run this half
It prints the medians and the ratio typst / weasyprint. Target: <= 0.15.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from report_utils.export.attachments import attachments, files_date
from report_utils.export.exporters import BriefingHTMLExporter, BriefingTypstExporter
from report_utils.export.printer import typeset


def typst_stage(nb) -> bytes:
    source, resources = BriefingTypstExporter().from_notebook_node(nb)
    return typeset(source, resources["outputs"], files_date(nb))


def weasyprint_stage(nb, html: str) -> Callable[[], bytes]:
    import logging
    import mimetypes
    import warnings

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    mimetypes.add_type("application/x-ipynb+json", ".ipynb", strict=False)
    attached, when = attachments(nb), files_date(nb)

    def run() -> bytes:  # the call the printer made before issue 18 (printer.html_to_pdf)
        files = [
            weasyprint.Attachment(
                string=a.data,
                name=a.name,
                description=a.description,
                relationship=a.relationship,
                created=when,
                modified=when,
            )
            for a in sorted(attached, key=lambda a: a.name.encode())
        ]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            document = weasyprint.HTML(string=html, base_url=None).render()
            return document.write_pdf(pdf_variant="pdf/a-3u", pdf_tags=True, attachments=files)

    return run


def timed(run: Callable[[], bytes]) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    html, _ = BriefingHTMLExporter().from_notebook_node(nb)
    stages: dict[str, Callable[[], bytes]] = {"typst": lambda: typst_stage(nb)}
    try:
        stages["weasyprint"] = weasyprint_stage(nb, html)
    except ImportError:
        print("weasyprint is not installed: Typst alone (pip install weasyprint==70.0)")
    for run in stages.values():
        run()  # warm: fonts, templates, imports
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in stages}
    order = list(stages)
    for _ in range(args.rounds):
        for name in order:
            times[name].append(timed(stages[name]))
        order.reverse()  # alternate which goes first
    medians = {
        name: (statistics.median(c for c, _ in ts), statistics.median(w for _, w in ts))
        for name, ts in times.items()
    }
    print(f"{args.notebook}: {args.rounds} paired rounds, medians")
    for name, (cpu, wall) in medians.items():
        print(f"  {name:<11} cpu {cpu:.3f} s   wall {wall:.3f} s")
    if "weasyprint" in medians:
        (tc, tw), (wc, ww) = medians["typst"], medians["weasyprint"]
        print(f"  ratio typst / weasyprint: cpu {tc / wc:.3f}   wall {tw / ww:.3f}")


if __name__ == "__main__":
    sys.exit(main())
