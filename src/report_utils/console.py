"""What the commands print: the consoles, a build's progress and summary, the report of
``briefing reconcile`` in its three formats."""

from __future__ import annotations

import json
import math
import sys
from contextlib import contextmanager

from rich.console import Console
from rich.table import Table
from rich.text import Text

from report_utils.export import csv_files

# Messages quote the user's data: no rich markup or emoji codes in them (":x:" in "root:x:0:0"
# would print as an emoji); styles are set with Text objects where wanted.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)

RECONCILE_FORMATS = ("table", "csv", "json")
RECONCILE_COLUMNS = (
    "id",
    "kind",
    "status",
    "checked",
    "reported",
    "recomputed",
    "difference",
    "tolerance",
    "expression",
    "figures",
    "explanation_zh",
    "explanation_en",
    "path",
    "line",
)


@contextmanager
def progress():
    """``(on_plan, on_done)`` callbacks that show a progress bar on a terminal while a batch
    runs (its total known once planned)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    if not err.is_terminal:  # a log (make, CI): a line per briefing as it finishes
        total = [0, 0]  # planned, finished

        def plan_line(plan) -> None:
            total[0] = len(plan.jobs)

        def done_line(result) -> None:
            total[1] += 1
            line = f"[{total[1]}/{total[0]}] {result.name} {result.status} ({result.seconds:.1f} s)"
            err.print(line, markup=False)

        yield plan_line, done_line
        return
    columns = (
        TextColumn("building"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("", total=None, visible=False)

        def on_plan(plan) -> None:
            bar.update(task, total=len(plan.jobs), visible=bool(plan.jobs))

        def on_done(result) -> None:
            bar.update(task, advance=1, description=f"{result.name} {result.status}")

        yield on_plan, on_done


def summary(results, index_error: str = "", left_out: dict[str, str] | None = None) -> None:
    table = Table("briefing", "status", "seconds", "outputs")
    for r in sorted(results, key=lambda r: r.name):
        outputs = ", ".join(p.name for p in r.outputs) or "-"
        table.add_row(r.name, r.status, f"{r.seconds:.1f}", outputs)
    out.print(table)
    failed = [r for r in results if r.status == "failed"]
    counts = {s: sum(r.status == s for r in results) for s in ("built", "skipped", "failed")}
    left_out = left_out or {}
    tally = [f"{n} {s}" for s, n in counts.items()]
    if left_out:
        tally.append(f"{len(left_out)} region(s) left out")
    retried = [r for r in results if r.attempts > 1]
    if retried:
        tally.append(f"{len(retried)} retried")
    out.print(", ".join(tally), markup=False)
    for region, why in sorted(left_out.items()):
        out.print(f"{region} left out: {why}", markup=False)
    for r in sorted(retried, key=lambda r: r.name):
        # a kernel, worker process or Dask worker died while building it (the only retries)
        out.print(
            f"{r.name} retried: its kernel or worker died; {r.status} after {r.attempts} attempts",
            markup=False,
        )
    for r in failed:
        err.print(f"{r.name} failed: {r.error}", markup=False)
    if index_error:
        err.print(f"error: {index_error}", markup=False)
    if failed or index_error:
        raise SystemExit(1)


def reconcile_report(results, fmt: str) -> None:
    """The rules recomputed by ``briefing reconcile``, as a table, CSV or JSON on stdout."""
    records = [r.record() for r in results]
    if fmt == "json":
        text = json.dumps(json_safe(records), ensure_ascii=False, indent=2, allow_nan=False)
        sys.stdout.write(text + "\n")
    elif fmt == "csv":
        rows = [
            {**r, "figures": "; ".join(f"{f['reference']}={f['value']:g}" for f in r["figures"])}
            for r in records
        ]
        # as the CSVs in the PDF: a byte-order mark (Excel opens the Chinese as Chinese), CRLF
        sys.stdout.flush()
        sys.stdout.buffer.write(csv_files.excel_bytes(RECONCILE_COLUMNS, rows))
        sys.stdout.buffer.flush()
    else:
        table = Table()
        for header in ("rule", "status", "reported", "recomputed", "tolerance"):
            right = header not in ("rule", "status")
            table.add_column(header, overflow="fold", justify="right" if right else "left")
        for r in results:
            table.add_row(
                r.id, Text("ok") if r.ok else Text("mismatch", style="bold red"), *r.shown()
            )
        out.print(table)
        mismatches = [r for r in results if not r.ok]
        ok = len(results) - len(mismatches)
        out.print(f"{len(results)} rules: {ok} ok, {len(mismatches)} mismatch", markup=False)
        for r in mismatches:
            out.print(str(r.warning()), markup=False)


def json_safe(value: object) -> object:
    """``value`` with every float that is not finite as None: JSON has no NaN or Infinity. (The
    checks on the data should leave none; this keeps the output JSON whatever happens.)"""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value
