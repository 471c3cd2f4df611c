"""The ``briefing`` command: ``validate``, ``build`` and ``reconcile``.

Written with click rather than typer: typer builds pydantic adapters for every option on every
call, which alone costs a no-op ``briefing build`` about a tenth of a second.
Heavy modules (pandas, papermill, nbconvert) are imported inside the commands that need them.
"""

from __future__ import annotations

import math
import os
from contextlib import nullcontext
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from report_utils.errors import DataValidationError, ParameterError, ReportError
from report_utils.paths import DATA_DIR, OUTPUTS_DIR

# Messages quote the user's data: no rich markup or emoji codes in them (":x:" in "root:x:0:0"
# would print as an emoji); styles are set with Text objects where wanted.
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)

data_option = click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=DATA_DIR,
    show_default=True,
    help="Data folder.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def app() -> None:
    """Build briefings from the indicator tables in data/."""


@app.command()
@data_option
def validate(data: Path) -> None:
    """Check every table of the data folder; print each problem as path:line: column: message."""
    from report_utils.briefing.checks import check_briefing
    from report_utils.briefing.phrasing import untranslated_units
    from report_utils.tables.load import validate as validate_data
    from report_utils.tables.reconcile import check as check_rules

    dataset, problems = validate_data(data)
    if dataset is not None:
        # rules/: errors in the rules, and a warning per rule that fails; the briefing spec and
        # the sentences of every language; units the catalogues cannot say
        problems = sorted(
            {
                *problems,
                *check_rules(dataset)[1],
                *check_briefing(dataset, data)[1],
                *untranslated_units(dataset),
            }
        )
    for problem in problems:
        out.print(str(problem), markup=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors or dataset is None:
        err.print(f"{len(errors)} error(s)", markup=False)
        raise SystemExit(1)
    out.print(f"ok: {len(dataset.files)} files, {len(dataset.figures)} figures", markup=False)


@app.command()
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=OUTPUTS_DIR,
    show_default=True,
    help="Output folder.",
)
@click.option(
    "--period",
    multiple=True,
    help="As-of month YYYY-MM (repeatable); default: the latest in the data.",
)
@click.option(
    "--lang",
    multiple=True,
    help="Language (repeatable); default: every language the data has sentences for.",
)
@click.option(
    "--region",
    multiple=True,
    help="Region the briefing is about (repeatable); default: the home regions.",
)
@click.option("--all-regions", is_flag=True, help="Every region a briefing can be about.")
@click.option("--all-periods", is_flag=True, help="Every month that has data for the region.")
@click.option(
    "--format", "fmt", default="html,pdf", show_default=True, help="Comma-separated: html,pdf."
)
@click.option("-j", "--jobs", type=int, default=0, help="Briefings built at once; default: cores.")
@click.option("--force", is_flag=True, help="Rebuild even when up to date.")
@click.option("--compare", help="Month to compare with (YYYY-MM); default: the previous one.")
@click.option("-p", "--param", multiple=True, help="Extra notebook parameter NAME=VALUE.")
@click.option(
    "--wait",
    type=float,
    default=600.0,
    show_default=True,
    callback=lambda ctx, param, value: _seconds(ctx, param, value),
    help="Seconds to wait for another build on the same output folder.",
)
def build(
    data: Path,
    out_dir: Path,
    period: tuple[str, ...],
    lang: tuple[str, ...],
    region: tuple[str, ...],
    all_regions: bool,
    all_periods: bool,
    fmt: str,
    jobs: int,
    force: bool,
    compare: str | None,
    param: tuple[str, ...],
    wait: float,
) -> None:
    """Execute the briefing notebook and export HTML and PDF into OUT/<region>/<period>/<lang>/.

    Briefings whose inputs are unchanged are skipped; a summary table lists every briefing."""
    from report_utils.build import cleanup, runner, spares

    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    workers = jobs if jobs > 0 else runner.default_workers()
    # Whatever this build creates outside its outputs goes into one folder that every exit path
    # removes (SIGTERM and SIGHUP included); it also removes what killed builds left there.
    cleanup.exit_on_signals()
    try:
        cleanup.open_scratch()
        extra = dict(_parse_param(item) for item in param)
        if compare:
            if "compare" in extra:
                raise ParameterError("compare is set by the build (--compare), not by -p")
            extra["compare"] = compare

        def make_plan():
            return runner.plan(
                data,
                out_dir,
                list(period),
                list(lang),
                formats,
                regions=list(region),
                all_regions=all_regions,
                all_periods=all_periods,
                force=force,
                extra=extra,
                on_pending=start_spares,
            )

        def start_spares(count: int) -> None:
            # A single-process run gets a spare kernel importing while the checks go on.
            if runner.in_process(workers, count):
                spares.reserve(count)

        # Data, parameters, fonts and the output folder are checked before anything is written.
        plan, results, index_error = make_plan(), [], ""
        # Even with nothing to do, a build that another one is rewriting waits for it (an
        # output folder this user cannot write is only read: nobody rewrites it from here).
        lock, waited = nullcontext(), False
        writes = bool(plan.jobs) or os.access(out_dir, os.W_OK)
        if writes:
            lock, waited = runner.output_lock(out_dir, wait, lambda m: err.print(m, markup=False))
        with lock:
            if waited:
                # The code may have changed while this build waited: a new spare imports it.
                spares.release()
                plan = make_plan()
            if writes:
                cleanup.remove_interrupted(out_dir)  # staging of killed builds: none is running
            if plan.jobs:
                results = _run_with_progress(runner, plan, workers)
                index_error = _write_index(runner, out_dir)
            elif plan.skipped and not (out_dir / "index.html").exists():
                index_error = _write_index(runner, out_dir)
    except DataValidationError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        raise SystemExit(1) from None
    except ReportError as exc:
        err.print(f"error: {exc}", markup=False)
        raise SystemExit(1) from None
    finally:
        spares.release()
        cleanup.close_scratch()
    _summary(plan.skipped + results, index_error)


def _write_index(runner, out_dir: Path) -> str:
    """Write ``OUT/index.html``; what went wrong, if it could not be written (reported after
    the summary, which says what happened to each briefing)."""
    try:
        runner.write_index(out_dir)
    except ReportError as exc:
        return str(exc)
    return ""


def _seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise click.BadParameter(f"{value} is not a number of seconds, 0 or more", ctx, param)
    return value


def _parse_param(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise ReportError(f"--param expects NAME=VALUE, got {item!r}")
    return name.strip(), value


def _run_with_progress(runner, plan, workers: int):
    if not plan.jobs:
        return []
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("building"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=len(plan.jobs))

        def done(result) -> None:
            bar.update(task, advance=1, description=f"{result.name} {result.status}")

        return runner.run(plan, workers=workers, on_done=done)


def _summary(results, index_error: str = "") -> None:
    table = Table("briefing", "status", "seconds", "outputs")
    for r in sorted(results, key=lambda r: r.name):
        outputs = ", ".join(p.name for p in r.outputs) or "-"
        table.add_row(r.name, r.status, f"{r.seconds:.1f}", outputs)
    out.print(table)
    failed = [r for r in results if r.status == "failed"]
    counts = {s: sum(r.status == s for r in results) for s in ("built", "skipped", "failed")}
    out.print(", ".join(f"{n} {s}" for s, n in counts.items()), markup=False)
    for r in failed:
        err.print(f"{r.name} failed: {r.error}", markup=False)
    if index_error:
        err.print(f"error: {index_error}", markup=False)
    if failed or index_error:
        raise SystemExit(1)


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


@app.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RECONCILE_FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
def reconcile(data: Path, fmt: str) -> None:
    """Check the relations between figures declared in rules/*.csv: rates, gaps, changes.

    Lists every rule with its reported and recomputed value. Exit 0 even when some do not hold
    (this is a report); exit 1 when the data or the rules have errors."""
    import csv
    import json
    import sys

    from report_utils.tables.load import load_dataset
    from report_utils.tables.reconcile import reconcile as reconcile_rules

    try:
        results = reconcile_rules(load_dataset(data))
    except DataValidationError as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        for problem in errors:
            err.print(str(problem), markup=False)
        err.print(f"{len(errors)} error(s)", markup=False)
        raise SystemExit(1) from None
    records = [r.record() for r in results]
    if fmt == "json":
        text = json.dumps(_json_safe(records), ensure_ascii=False, indent=2, allow_nan=False)
        sys.stdout.write(text + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=RECONCILE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            figures = (f"{f['reference']}={f['value']:g}" for f in record["figures"])
            row = {**record, "figures": "; ".join(figures)}
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    else:
        table = Table()
        for header in ("rule", "status", "reported", "recomputed", "tolerance"):
            right = header not in ("rule", "status")
            table.add_column(header, overflow="fold", justify="right" if right else "left")
        for r in results:
            table.add_row(
                r.id,
                Text("ok") if r.ok else Text("mismatch", style="bold red"),
                f"{r.reported:.{r.decimals}f}",
                f"{r.recomputed:.6g}",
                f"±{r.tolerance:g}",
            )
        out.print(table)
        mismatches = [r for r in results if not r.ok]
        ok = len(results) - len(mismatches)
        out.print(f"{len(results)} rules: {ok} ok, {len(mismatches)} mismatch", markup=False)
        for r in mismatches:
            out.print(str(r.warning()), markup=False)


# Text that a spreadsheet opening a CSV file would run as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell as OWASP advises: text starting like a formula gets a leading ``'``, which a
    spreadsheet shows as text; numbers (negative ones too) are left as numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _json_safe(value: object) -> object:
    """``value`` with every float that is not finite as None: JSON has no NaN or Infinity. (The
    checks on the data should leave none; this keeps the output JSON whatever happens.)"""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def main() -> None:
    """The console script (and ``python -m report_utils``): run the command, then leave without
    tearing the interpreter down.

    A build has loaded pandas, matplotlib, nbconvert and WeasyPrint; freeing all of it at exit
    took about 0.4 s of every ``briefing build`` (measured), more than a whole no-op build. What
    must happen at exit happens first: the output lock is released by its ``with`` block, spare
    kernel processes are ended, logging and both consoles are flushed.
    """
    import logging
    import os
    import sys

    from report_utils.build import spares

    try:
        app(prog_name="briefing")
        code: int = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        spares.release()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
