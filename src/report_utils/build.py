"""Build briefings: check parameters, execute the notebook with papermill, export, then move the
outputs into place. Nothing in ``OUT/<period>/<lang>/`` is replaced until every output of the run
exists, so a failed run leaves the last good briefing as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill as pm
from papermill.exceptions import PapermillExecutionError

from report_utils.errors import ParameterError, ReportError
from report_utils.export import BriefingHTMLExporter, BriefingPDFExporter
from report_utils.fonts import cjk_font
from report_utils.load import Dataset, load_dataset
from report_utils.paths import BRIEFING_NOTEBOOK, briefing_dir
from report_utils.periods import is_month
from report_utils.phrasing import languages

FORMATS = ("html", "pdf")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class BuildResult:
    period: str
    lang: str
    folder: Path
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def check_parameters(
    dataset: Dataset, periods: list[str], langs: list[str], formats: list[str]
) -> list[str]:
    """The periods to build (default: the latest month), after checking every parameter."""
    available = languages()
    for lang in langs:
        if lang not in available:
            raise ParameterError(
                f"no message catalogue for language {lang!r}; available: {', '.join(available)}"
            )
    for fmt in formats:
        if fmt not in FORMATS:
            raise ParameterError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    months = dataset.months()
    periods = periods or [dataset.latest_month()]
    for period in periods:
        if not is_month(period):
            raise ParameterError(f"period must be a month as YYYY-MM, got {period!r}")
        if period < months[0]:
            raise ParameterError(
                f"period {period} is before the earliest data ({months[0]}); "
                f"months with data: {', '.join(months)}"
            )
    return periods


def build(
    data_dir: Path,
    out_dir: Path,
    periods: list[str],
    langs: list[str],
    formats: list[str],
    notebook: Path = BRIEFING_NOTEBOOK,
) -> list[BuildResult]:
    """Build every (period, lang) briefing; data, fonts and parameters are checked first."""
    dataset = load_dataset(data_dir)
    periods = check_parameters(dataset, periods, langs, formats)
    cjk_font()
    _check_writable(out_dir)
    return [
        build_one(notebook, data_dir, out_dir, period, lang, formats)
        for period in periods
        for lang in langs
    ]


def _check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise ReportError(f"cannot write to the output folder {out_dir}: {exc.strerror}") from None


def build_one(
    notebook: Path, data_dir: Path, out_dir: Path, period: str, lang: str, formats: list[str]
) -> BuildResult:
    folder = briefing_dir(out_dir, period, lang)
    folder.mkdir(parents=True, exist_ok=True)
    result = BuildResult(period, lang, folder)
    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".staging-"))
    try:
        executed = staging / "briefing.ipynb"
        try:
            pm.execute_notebook(
                str(notebook),
                str(executed),
                parameters={
                    "period": period,
                    "lang": lang,
                    "data_dir": str(Path(data_dir).resolve()),
                },
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                cwd=str(notebook.parent),
            )
        except PapermillExecutionError as exc:
            _keep_failed(executed, folder)
            result.error = _describe(exc, folder / "failed.ipynb", notebook.name)
            return result
        nb = nbformat.read(executed, as_version=4)
        if "html" in formats:
            html, _ = BriefingHTMLExporter().from_notebook_node(nb)
            (staging / "briefing.html").write_text(html, encoding="utf-8")
        if "pdf" in formats:
            pdf, _ = BriefingPDFExporter().from_notebook_node(nb)
            (staging / "briefing.pdf").write_bytes(pdf)
        for produced in sorted(staging.iterdir()):
            os.replace(produced, folder / produced.name)
            result.outputs.append(folder / produced.name)
        (folder / "failed.ipynb").unlink(missing_ok=True)
    except ReportError as exc:
        result.error = str(exc)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        result.seconds = time.perf_counter() - started
    return result


def _keep_failed(executed: Path, folder: Path) -> None:
    if executed.exists():
        os.replace(executed, folder / "failed.ipynb")


def _describe(exc: PapermillExecutionError, executed: Path, notebook: str) -> str:
    """Which cell failed, counted 1-based in the analyst's notebook, its first line and error."""
    number = exc.cell_index + 1
    if executed.exists():
        cells = nbformat.read(executed, as_version=4).cells[: exc.cell_index]
        number -= sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
    source = next((line for line in exc.source.splitlines() if line.strip()), "")
    return (
        f"{notebook} cell {number} failed: {source.strip()}\n"
        f"{exc.ename}: {_ANSI.sub('', str(exc.evalue))}"
    )
