"""The ``briefing`` command: ``validate``, ``build`` and ``reconcile``.

Written with click rather than typer: typer builds pydantic adapters for every option on every
call, which alone costs a no-op ``briefing build`` about a tenth of a second.
Heavy modules (pandas, papermill, nbconvert) are imported inside the commands that need them.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path

import click
from click.core import ParameterSource
from rich.console import Console
from rich.table import Table
from rich.text import Text

from report_utils.errors import DataValidationError, ReportError
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
    from report_utils.briefing.amounts import untranslated_units
    from report_utils.briefing.checks import check_briefing
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
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Briefings built at once (1 or more); default: cores.",
)
@click.option("--force", is_flag=True, help="Rebuild even when up to date.")
@click.option("--compare", help="Month to compare with (YYYY-MM); default: the previous one.")
@click.option("-p", "--param", multiple=True, help="Extra notebook parameter NAME=VALUE.")
@click.option(
    "-f",
    "--parameters",
    "parameters_file",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE.yml",
    help="Notebook parameters from a YAML file (papermill's -f, Quarto's --execute-params): "
    "period, lang, region (one or a list), compare, data_dir and any other the notebook "
    "declares. Options on the command line win.",
)
@click.option(
    "--help-notebook",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=lambda ctx, param, value: _help_notebook(ctx, value),
    help="List the notebook's parameters and exit.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Build on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786). Its "
    "workers need this package installed, not this machine's files.",
)
@click.option(
    "--local-cluster",
    type=click.IntRange(min=1),
    metavar="N",
    help="Build on a Dask cluster of N worker processes started here (the --scheduler path).",
)
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
    jobs: int | None,
    force: bool,
    compare: str | None,
    param: tuple[str, ...],
    parameters_file: Path | None,
    scheduler: str | None,
    local_cluster: int | None,
    wait: float,
) -> None:
    """Execute the briefing notebook and export HTML and PDF into OUT/<region>/<period>/<lang>/.

    Briefings whose inputs are unchanged are skipped; a summary table lists every briefing."""
    from report_utils.batch import cleanup, runner
    from report_utils.batch.tools import tools
    from report_utils.briefing.request import OWNED, read_parameters, several

    source = click.get_current_context().get_parameter_source

    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    workers = jobs or runner.default_workers()
    if scheduler and local_cluster:
        raise click.UsageError("--scheduler and --local-cluster: one or the other")
    # Whatever this build creates outside its outputs goes into one folder that every exit path
    # removes (SIGTERM and SIGHUP included); it also removes what killed builds left there.
    cleanup.exit_on_signals()
    try:
        cleanup.open_scratch()
        given = read_parameters(parameters_file) if parameters_file else {}
        # What the command line does not set, the file does (null: the default).
        if given.get("data_dir") is not None and source("data") == ParameterSource.DEFAULT:
            data = Path(str(given["data_dir"]))
        period = period or several(given.get("period"))
        lang = lang or several(given.get("lang"))
        region = region or several(given.get("region"))
        compare = compare or given.get("compare")
        given = {name: value for name, value in given.items() if name not in OWNED}
        extra = {**given, **dict(_parse_param(item) for item in param)}

        with _progress() as (on_plan, on_done):
            outcome = runner.orchestrate(
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
                compare=compare or None,
                workers=workers,
                wait=wait,
                scheduler=scheduler,
                local_cluster=local_cluster or 0,
                on_plan=on_plan,
                on_done=on_done,
                notice=lambda message: err.print(message, markup=False),
            )
    except DataValidationError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        raise SystemExit(1) from None
    except ReportError as exc:
        err.print(f"error: {exc}", markup=False)
        raise SystemExit(1) from None
    finally:
        tools.end()  # this process's kernel and PDF printer, if it started them
        cleanup.close_scratch()
    # An index that could not be written is reported after the summary, which says what
    # happened to each briefing.
    _summary(outcome.results, outcome.index_error, outcome.left_out)


def _seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise click.BadParameter(f"{value} is not a number of seconds, 0 or more", ctx, param)
    return value


def _help_notebook(ctx: click.Context, value: bool) -> None:
    """``--help-notebook``: the notebook's parameters (papermill's ``--help-notebook``)."""
    if not value or ctx.resilient_parsing:
        return
    from report_utils.briefing.request import listing
    from report_utils.paths import BRIEFING_NOTEBOOK

    for line in listing(BRIEFING_NOTEBOOK):
        out.print(line, markup=False)
    ctx.exit(0)


def _parse_param(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise ReportError(f"--param expects NAME=VALUE, got {item!r}")
    return name.strip(), value


@contextmanager
def _progress():
    """``(on_plan, on_done)`` callbacks that show a progress bar on a terminal while a batch
    runs (its total known once planned)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("building"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("", total=None, visible=False)

        def on_plan(plan) -> None:
            bar.update(task, total=len(plan.jobs), visible=bool(plan.jobs))

        def on_done(result) -> None:
            bar.update(task, advance=1, description=f"{result.name} {result.status}")

        yield on_plan, on_done


def _summary(results, index_error: str = "", left_out: dict[str, str] | None = None) -> None:
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
    out.print(", ".join(tally), markup=False)
    for region, why in sorted(left_out.items()):
        out.print(f"{region} left out: {why}", markup=False)
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
    import json
    import sys

    from report_utils.export import csv_files
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
        rows = [
            {**r, "figures": "; ".join(f"{f['reference']}={f['value']:g}" for f in r["figures"])}
            for r in records
        ]
        csv_files.write(sys.stdout, RECONCILE_COLUMNS, rows, lineterminator="\n")
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
    """The console script (and ``python -m report_utils``)."""
    app(prog_name="briefing")
