"""Run one briefing: execute the notebook with papermill on this thread's warm kernel, export
HTML and PDF, write the manifest (``job``).

Outputs are written under temporary names in a staging folder and renamed into place only when
the run succeeded, so a failed or interrupted run never replaces or truncates the last good
briefing.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import shutil
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from report_utils.batch.job import (
    FAILED,
    BuildResult,
    Job,
    check_unchanged,
    move_into_place,
    read_inputs,
    write_manifest,
)
from report_utils.batch.tools import tools
from report_utils.errors import ReportError

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Errors a kernel that did not start raises (ports taken, no reply in time): worth one retry.
_START_ERRORS = (RuntimeError, TimeoutError, OSError)
# Writes that fail because there is no room (disk, quota, file size limit) or no write access.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def build_one(job: Job, stamp: dict[str, Any] | None = None) -> BuildResult:
    """Execute, export and move into place; never raises for a failed run (see ``error``).

    ``stamp`` holds the digests the runner computed (recorded in the manifest), with the hashes
    of the inputs the plan checked (``inputs``); without them the run hashes its inputs first.
    A run whose inputs changed before its outputs were complete fails: its manifest could not
    say what it was built from."""
    folder = job.folder
    result = BuildResult(job.name, folder)
    started = time.perf_counter()
    staging: Path | None = None
    stamp = dict(stamp or {})
    try:
        inputs = stamp.pop("inputs", None) or read_inputs(job)
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".staging-"))
        if produce(job, job, staging, result, stamp, inputs, folder, started):
            check_unchanged(job, inputs)
            move_into_place(staging, folder, result)
    except ReportError as exc:
        result.status, result.error = "failed", str(exc)
    except OSError as exc:
        result.status, result.error = "failed", f"cannot write {folder}: {exc.strerror or exc}"
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        result.seconds = round(time.perf_counter() - started, 3)
    return result


def produce(
    job: Job,
    run: Job,
    staging: Path,
    result: BuildResult,
    stamp: dict[str, Any],
    inputs: dict[str, Any],
    failed_dir: Path,
    started: float,
) -> bool:
    """Execute ``run`` (the job as this machine sees it: its data folder and notebook) with this
    process's warm kernel, export and write the manifest of ``job`` (as the plan sees it), all
    into ``staging``. False when the notebook failed (``failed.ipynb`` is then in
    ``failed_dir``). A run interrupted here (SIGTERM, Ctrl-C) kills the kernel, which may be
    busy."""
    try:
        printer = tools.printer(job.lang) if "pdf" in job.formats else None
        nb = _execute(run, staging / "briefing.ipynb", result, failed_dir)
        if nb is not None:
            if run != job:
                nb = _as_planned(nb, run, job, staging / "briefing.ipynb")
            dated = stamp.get("source_date")
            pinned = datetime.fromisoformat(dated) if dated else None
            _export(nb, staging, job.formats, result, printer, pinned)
            result.timings["total"] = round(time.perf_counter() - started, 3)
            write_manifest(job, staging, result, stamp, inputs)
        return nb is not None
    except (ReportError, OSError):
        raise  # the run failed; kernel and printer are fine
    except BaseException:
        tools.end(interrupted=True)
        raise


def _execute(job: Job, executed: Path, result: BuildResult, failed_dir: Path):
    # While the kernel works (another process), this process loads nbconvert and the briefing
    # templates (the PDF printer, a child process, loads Typst and its fonts meanwhile).
    warm = threading.Thread(target=_warm_html_exporter, daemon=True)
    warm.start()
    try:
        return _run_notebook(job, executed, result, failed_dir)
    finally:
        warm.join()


def _run_notebook(job: Job, executed: Path, result: BuildResult, failed_dir: Path):
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from report_utils import limits

    kernel = tools.kernel()
    failed = failed_dir / FAILED
    started = time.perf_counter()
    for attempt in (1, 2):
        result.attempts = attempt
        try:
            manager = kernel.ready(job.notebook.parent)
            executed_nb = pm.execute_notebook(
                str(job.notebook),
                str(executed),
                parameters=job.parameters(),
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                km=manager,  # the warm kernel: nbclient leaves it running
                execution_timeout=limits.cell_seconds(),
            )
            break
        except (CellTimeoutError, DeadKernelError, PapermillExecutionError) as exc:
            if not isinstance(exc, PapermillExecutionError):
                kernel.close()  # it still runs the cell, or it died: it cannot be reused
            _keep_failed(executed, failed)
            result.status, result.error = "failed", _why(exc, failed, job.notebook.name)
            return None
        except _START_ERRORS as exc:
            kernel.close()
            if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
                raise  # not the kernel's fault; no retry helps (build_one reports the write)
            if attempt == 1 and not _any_cell_ran(executed):
                continue  # the kernel did not start or answer (e.g. a port race): retry once
            _keep_failed(executed, failed)
            result.status, result.error = "failed", _why(exc, failed, job.notebook.name)
            return None
        finally:
            kernel.after_run()
    result.timings["execute"] = round(time.perf_counter() - started, 3)
    result.peak_memory_mb["kernel"] = kernel.peak_mb()
    return executed_nb  # the notebook papermill also wrote to ``executed``


@functools.cache
def _warm_html_exporter() -> None:
    from nbformat import v4

    from report_utils.export.exporters import BriefingHTMLExporter, BriefingTypstExporter

    with contextlib.suppress(Exception):  # only a warm-up: the real export reports problems
        BriefingHTMLExporter().from_notebook_node(v4.new_notebook())
        BriefingTypstExporter().from_notebook_node(v4.new_notebook())


def _as_planned(nb, run: Job, job: Job, executed: Path):
    """The notebook ``run`` executed (on a worker: its own copies of the data and the notebook),
    with the paths of ``job`` as the plan sees them in its parameters: the folders hold the
    same content (checked by hash), and the notebook then runs again on the planning machine
    and is the same wherever it was built."""
    import nbformat
    from papermill.translators import translate_parameters

    injected = translate_parameters("python3", "python", run.parameters(), "Parameters")
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []) and cell.source == injected:
            cell.source = translate_parameters("python3", "python", job.parameters(), "Parameters")
    meta = nb.metadata.get("papermill", {})
    if "parameters" in meta:
        meta["parameters"] = job.parameters()
    if "input_path" in meta:
        meta["input_path"] = str(job.notebook)
    nbformat.write(nb, executed)
    return nb


def _export(
    nb,
    staging: Path,
    formats: tuple[str, ...],
    result: BuildResult,
    printer,
    pinned: datetime | None = None,
) -> None:
    from report_utils.export.attachments import files_date
    from report_utils.export.exporters import BriefingHTMLExporter, BriefingTypstExporter

    started = time.perf_counter()
    html, _ = BriefingHTMLExporter().from_notebook_node(nb)
    if "html" in formats:
        (staging / "briefing.html").write_text(html, encoding="utf-8")
    result.timings["html"] = round(time.perf_counter() - started, 3)
    if printer is not None:
        started = time.perf_counter()
        # The same bytes BriefingPDFExporter (the registered nbconvert exporter) produces: it
        # compiles this Typst source with its files, here in a child process that a timeout
        # can stop.
        source, resources = BriefingTypstExporter().from_notebook_node(nb)
        printer.print(
            source, staging / "briefing.pdf", resources["outputs"], files_date(nb, pinned)
        )
        result.timings["pdf"] = round(time.perf_counter() - started, 3)
        result.peak_memory_mb["printer"] = printer.peak_mb


def _read_notebook(path: Path):
    """The notebook papermill wrote, or None when there is none to read: not written yet, or
    cut short (on a full disk papermill leaves an empty file)."""
    import nbformat

    try:
        return nbformat.read(path, as_version=4)
    except (OSError, ValueError):  # nbformat's NotJSONError is a ValueError
        return None


def _keep_failed(executed: Path, failed: Path) -> None:
    """Keep the partly executed notebook as ``failed`` (``failed.ipynb``), if there is one to
    read."""
    if _read_notebook(executed) is not None:
        os.replace(executed, failed)


def _any_cell_ran(executed: Path) -> bool:
    nb = _read_notebook(executed)
    cells = nb.cells if nb is not None else []
    return any(c.get("execution_count") for c in cells if c.cell_type == "code")


def _running_cell(executed: Path) -> str:
    """1-based number, in the analyst's notebook, of the cell that was running: the last one
    papermill started (it marks even that one "completed" when the kernel dies under it)."""
    nb = _read_notebook(executed)
    if nb is None:
        return "?"
    number, counted = "?", 0
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            continue
        counted += 1
        if cell.metadata.get("papermill", {}).get("start_time"):
            number = str(counted)
    return number


def _why(exc: BaseException, failed: Path, notebook: str) -> str:
    """Why a run failed: the cell that raised (``_describe``), ran too long or was running when
    the kernel died (counted in the analyst's notebook, ``_running_cell``), or the kernel."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from report_utils import limits

    if isinstance(exc, PapermillExecutionError):
        return _describe(exc, failed, notebook)
    if isinstance(exc, CellTimeoutError):
        return (
            f"{notebook} cell {_running_cell(failed)} took longer than "
            f"{limits.cell_seconds()} s (the limit is {limits.CELL_ENV}, in seconds)"
        )
    if isinstance(exc, DeadKernelError):
        return f"the kernel died while running {notebook} cell {_running_cell(failed)}: {exc}"
    return f"the kernel failed ({type(exc).__name__}): {exc}"


def _describe(exc, executed: Path, notebook: str) -> str:
    """Which cell failed, counted 1-based in the analyst's notebook, its first line and error."""
    number = exc.cell_index + 1
    nb = _read_notebook(executed)
    if nb is not None:
        cells = nb.cells[: exc.cell_index]
        number -= sum("injected-parameters" in c.metadata.get("tags", []) for c in cells)
    source = next((line for line in exc.source.splitlines() if line.strip()), "")
    return (
        f"{notebook} cell {number} failed: {source.strip()}\n"
        f"{exc.ename}: {_ANSI.sub('', str(exc.evalue))}"
    )
