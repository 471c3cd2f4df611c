"""The ``briefing`` command: ``briefing validate`` and ``briefing build``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from report_utils import build as builder
from report_utils.errors import DataValidationError, ReportError
from report_utils.load import validate as validate_data
from report_utils.paths import DATA_DIR, OUTPUTS_DIR

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build briefings from the indicator tables in data/.",
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

DataOption = Annotated[Path, typer.Option("--data", help="Data folder.", show_default=True)]


@app.command()
def validate(data: DataOption = DATA_DIR) -> None:
    """Check every table of the data folder; print each problem as path:line: column: message."""
    dataset, problems = validate_data(data)
    for problem in problems:
        out.print(str(problem), markup=False)
    errors = [p for p in problems if p.severity == "error"]
    if errors or dataset is None:
        err.print(f"{len(errors)} error(s)", markup=False)
        raise typer.Exit(1)
    out.print(f"ok: {len(dataset.files)} files, {len(dataset.figures)} figures", markup=False)


@app.command()
def build(
    data: DataOption = DATA_DIR,
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = OUTPUTS_DIR,
    period: Annotated[
        list[str] | None,
        typer.Option(
            "--period", help="As-of month YYYY-MM (repeatable); default: the latest in the data."
        ),
    ] = None,
    lang: Annotated[
        list[str] | None, typer.Option("--lang", help="Language (repeatable); default: zh.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Comma-separated: html,pdf.")] = "html,pdf",
) -> None:
    """Execute the briefing notebook and export HTML and PDF into OUT/<period>/<lang>/."""
    formats = [f.strip() for f in fmt.split(",") if f.strip()]
    try:
        results = builder.build(data, out_dir, period or [], lang or ["zh"], formats)
    except DataValidationError as exc:
        for problem in exc.problems:
            err.print(str(problem), markup=False)
        raise typer.Exit(1) from None
    except ReportError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    table = Table("briefing", "status", "seconds", "outputs")
    for r in results:
        outputs = ", ".join(str(p) for p in r.outputs) or "-"
        table.add_row(
            f"{r.period}/{r.lang}", "built" if r.ok else "failed", f"{r.seconds:.1f}", outputs
        )
    out.print(table)
    failed = [r for r in results if not r.ok]
    for r in failed:
        err.print(f"{r.period}/{r.lang} failed: {r.error}", markup=False)
    if failed:
        raise typer.Exit(1)
