"""The ``briefing`` command: ``validate``, ``build``, ``preview`` and ``reconcile`` (what they
print: ``console``; preview's watch and server: ``preview``).

Written with click rather than typer: typer builds pydantic adapters for every option on every
call, which alone costs a no-op ``briefing build`` about a tenth of a second.
Heavy modules (pandas, papermill, nbconvert) are imported inside the commands that need them.
"""

from __future__ import annotations

import math
from pathlib import Path

import click
from click.core import ParameterSource

from report_utils import __version__, console, environment
from report_utils.console import err, out
from report_utils.errors import DataValidationError, ReportError
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR, OUTPUTS_DIR

data_option = click.option(
    "--data",
    type=click.Path(path_type=Path),
    default=DATA_DIR,
    show_default=True,
    help="Data folder.",
)


notebook_option = click.option(
    "--notebook",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=BRIEFING_NOTEBOOK,
    show_default=True,
    help="The briefing notebook papermill runs.",
)


def out_option(help: str):
    """``--out``, the output folder (default: the project's outputs/), for each command."""
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(path_type=Path),
        default=OUTPUTS_DIR,
        show_default=True,
        help=help,
    )


# Time limits a build takes as options: option, the environment variable ``environment`` reads
# (the one owner: the option sets it for this process, its workers and kernels), what it limits.
TIMEOUTS = (
    ("--execution-timeout", environment.CELL_ENV, environment.CELL_DEFAULT, "a notebook cell"),
    ("--section-timeout", environment.SECTION_ENV, environment.SECTION_DEFAULT, "a section"),
    ("--pdf-timeout", environment.PDF_TIMEOUT, environment.DEFAULT_PDF_TIMEOUT, "a PDF"),
)


def timeout_options(command):
    """The ``TIMEOUTS`` options, each setting its environment variable when given."""

    def given(ctx: click.Context, param: click.Parameter, value: float | None) -> None:
        if value is not None:
            _seconds(ctx, param, value)
            if value == 0:
                raise click.BadParameter("0 is no time limit: give seconds above 0", ctx, param)
            environment.set_seconds(TIMEOUTS_BY_NAME[param.name or ""], value)

    for option, variable, default, what in reversed(TIMEOUTS):
        command = click.option(
            option,
            type=float,
            metavar="SECONDS",
            expose_value=False,
            callback=given,
            help=f"Seconds {what} may take; default: ${variable}, else {default:g}.",
        )(command)
    return command


TIMEOUTS_BY_NAME = {option.lstrip("-").replace("-", "_"): var for option, var, *_ in TIMEOUTS}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="briefing")
def app() -> None:
    """Build briefings from the indicator tables in data/."""


@app.command()
@data_option
@click.option(
    "--layout",
    is_flag=True,
    help="Also measure the briefings built in --out: thin pages and split words (warnings).",
)
@out_option("Output folder whose briefings --layout measures.")
def validate(data: Path, layout: bool, out_dir: Path) -> None:
    """Check every table of the data folder; print each problem as path:line: column: message."""
    from report_utils.briefing.checks import validate as check_all

    dataset, problems = check_all(data)
    if layout:
        from report_utils.layout import built_pdfs, check_pdfs

        problems += check_pdfs(built_pdfs(out_dir))
    for problem in problems:
        out.print(str(problem), markup=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors or dataset is None:
        err.print(f"{len(errors)} error(s)", markup=False)
        raise SystemExit(1)
    out.print(f"ok: {len(dataset.files)} files, {len(dataset.figures)} figures", markup=False)


@app.command()
@data_option
@out_option("Output folder.")
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
    help="List the notebook's parameters (of --notebook's, when given) and exit.",
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
@notebook_option
@timeout_options
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
    notebook: Path,
    help_notebook: bool,
) -> None:
    """Execute the briefing notebook and export HTML and PDF into OUT/<region>/<period>/<lang>/.

    Briefings whose inputs are unchanged are skipped; a summary table lists every briefing."""
    if help_notebook:  # papermill's --help-notebook: the parameters of the notebook it would run
        from report_utils.briefing.request import listing

        for line in listing(notebook):
            out.print(line, markup=False)
        return
    from report_utils.batch import cleanup, runner
    from report_utils.batch.tools import tools
    from report_utils.briefing.request import OWNED, read_parameters, several

    source = click.get_current_context().get_parameter_source

    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    workers = jobs or runner.default_workers()
    if scheduler and local_cluster:
        raise click.UsageError("--scheduler and --local-cluster: one or the other")
    if scheduler or local_cluster:
        _cluster_extra()
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

        with console.progress() as (on_plan, on_done):
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
                notebook=notebook,
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
    _layout_warnings(outcome.results)
    # An index that could not be written is reported after the summary, which says what
    # happened to each briefing.
    console.summary(outcome.results, outcome.index_error, outcome.left_out)


def _cluster_extra() -> None:
    """dask and distributed, the ``cluster`` extra, are needed for a cluster build only."""
    try:
        import dask  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        err.print(
            f"error: building on a Dask cluster needs {exc.name or 'dask'}: install the "
            "package's cluster extra (pip install 'report_utils[cluster]')",
            markup=False,
        )
        raise SystemExit(1) from None


def _layout_warnings(results) -> None:
    """Thin pages and split words of the PDFs this build made (``layout``): warnings only."""
    from report_utils.layout import PDF, check_pdfs

    built = [p for r in results if r.status == "built" for p in r.outputs if p.name == PDF]
    for problem in check_pdfs(built):
        err.print(str(problem), markup=False)


def _seconds(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise click.BadParameter(f"{value} is not a number of seconds, 0 or more", ctx, param)
    return value


def _parse_param(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise ReportError(f"--param expects NAME=VALUE, got {item!r}")
    return name.strip(), value


@app.command()
@data_option
@out_option("Output folder (the briefing goes where build puts it).")
@click.option("--region", help="Region the briefing is about; default: the first home region.")
@click.option("--period", help="As-of month YYYY-MM; default: the region's latest.")
@click.option("--lang", help="Language; default: the data's own (briefing.yml), else the first.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=4200, show_default=True, help="0: any free."
)
@notebook_option
def preview(
    data: Path,
    out_dir: Path,
    region: str | None,
    period: str | None,
    lang: str | None,
    port: int,
    notebook: Path,
) -> None:
    """Build one briefing's HTML, serve it on localhost and build it again whenever the data
    folder (tables, briefing.yml, messages/) or the notebook changes. Ctrl-C stops."""
    from report_utils import preview as live

    if not data.is_dir():
        err.print(f"error: data folder {data} is missing", markup=False)
        raise SystemExit(1)
    live.run(data, out_dir, region, period, lang, port, notebook)


@app.command()
@data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(console.RECONCILE_FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)
def reconcile(data: Path, fmt: str) -> None:
    """Check the relations between figures declared in rules/*.csv: rates, gaps, changes.

    Lists every rule with its reported and recomputed value. Exit 0 even when some do not hold
    (this is a report); exit 1 when the data or the rules have errors."""
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
    console.reconcile_report(results, fmt)


def main() -> None:
    """The console script (and ``python -m report_utils``)."""
    app(prog_name="briefing")
