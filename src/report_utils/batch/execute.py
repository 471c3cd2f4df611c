"""Build one briefing: execute the notebook with papermill, export HTML and PDF, write a manifest.

Nothing in ``OUT/<period>/<lang>/`` is replaced until every output of the run exists; outputs are
written under temporary names and renamed into place, so a failed or interrupted run never
replaces or truncates the last good briefing.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import functools
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from report_utils.batch import digests
from report_utils.briefing.request import Request, check, home_facts
from report_utils.errors import BuildError, ReportError
from report_utils.paths import BRIEFING_NOTEBOOK, briefing_dir, inside

FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
FAILED = "failed.ipynb"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Errors a kernel that did not start raises (ports taken, no reply in time): worth one retry.
_START_ERRORS = (RuntimeError, TimeoutError, OSError)
# Writes that fail because there is no room (disk, quota, file size limit) or no write access.
_NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def languages(data_dir: Path | None = None) -> list[str]:
    """Languages a briefing can be in: the package phrases them and, given a data folder, it
    has sentences for them (read without importing the phrasing machinery)."""
    from report_utils.briefing import catalogues

    return catalogues.data_languages(data_dir) if data_dir else catalogues.languages()


@dataclass(frozen=True)
class Job:
    """One briefing to build. Picklable, so that a process pool can run it."""

    data_dir: Path
    out_dir: Path
    period: str
    lang: str
    formats: tuple[str, ...] = FORMATS
    notebook: Path = BRIEFING_NOTEBOOK
    extra: tuple[tuple[str, Any], ...] = ()  # further notebook parameters, checked first
    region: str = ""  # the region the briefing is about; empty: the data's first home region
    compare: str | None = None  # the month "since the last briefing"; None: the previous one

    @property
    def name(self) -> str:
        return f"{self.region}/{self.period}/{self.lang}"

    @property
    def folder(self) -> Path:
        return briefing_dir(self.out_dir, self.region, self.period, self.lang)

    def __post_init__(self) -> None:
        # Resolved once, here: a job travels to other processes and machines (a Dask worker's
        # working folder is not this one), and its paths name this machine's files.
        for name in ("data_dir", "out_dir", "notebook"):
            object.__setattr__(self, name, Path(getattr(self, name)).resolve())
        checked = check(self.request(), home_facts(self.data_dir), extra=dict(self.extra))
        object.__setattr__(self, "region", checked.region or "")
        if self.region:  # empty: the data checks say why (no home region)
            _ = self.folder  # a name that cannot be a folder inside out_dir: refused here

    def request(self) -> Request:
        return Request(
            self.region or None,
            self.period,
            self.lang,
            self.compare,
            str(Path(self.data_dir).resolve()),
        )

    def owned_parameters(self) -> dict[str, Any]:
        """The parameters the plan sets: they name the output folder and are hashed for it, so
        no extra parameter may replace them."""
        owned = {
            "period": self.period,
            "lang": self.lang,
            "region": self.region,
            "data_dir": str(Path(self.data_dir).resolve()),
        }
        return owned if self.compare is None else {**owned, "compare": self.compare}

    def parameters(self) -> dict[str, Any]:
        return {**dict(self.extra), **self.owned_parameters()}


@dataclass
class BuildResult:
    name: str
    folder: Path
    status: str = "built"  # built | skipped | failed
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    error: str = ""
    attempts: int = 1
    peak_memory_mb: dict[str, float | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


# --- one briefing -------------------------------------------------------------------------------


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
            _check_unchanged(job, inputs)
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
            _write_manifest(job, staging, result, stamp, inputs)
        return nb is not None
    except (ReportError, OSError):
        raise  # the run failed; kernel and printer are fine
    except BaseException:
        tools.end(interrupted=True)
        raise


class _Tools:
    """What a process keeps between the briefings it builds: a warm kernel (``kernels``) and a
    PDF printer (a child process that has loaded Typst and the fonts), one of each per
    thread that builds."""

    def __init__(self) -> None:
        self._printers: dict[int, Any] = {}
        # A forked child (a process pool's worker) has its parent's dictionary, and its main
        # thread may have its parent's thread id: the parent's printers are not its own.
        os.register_at_fork(after_in_child=self._printers.clear)

    def printer(self, lang: str):
        from report_utils.export.printer import Printer, timeout

        seconds = timeout()  # REPORT_UTILS_PDF_TIMEOUT, as it is now
        thread = threading.get_ident()
        printer = self._printers.get(thread)
        if printer is not None and printer.seconds != seconds:
            printer.close()
            printer = None
        if printer is None:
            printer = Printer(lang, seconds)  # loads Typst and the fonts while the kernel works
            self._printers[thread] = printer
        return printer

    def end(self, interrupted: bool = False) -> None:
        """End the kernels and printers (a build that is over, a worker that stops); a run
        ``interrupted`` in the middle kills its own kernel at once."""
        if "report_utils.batch.kernels" in sys.modules:  # no-op builds never import it
            kernels = sys.modules["report_utils.batch.kernels"]
            if interrupted:
                kernels.kill()
            else:
                kernels.end()
        if interrupted:
            printers = [self._printers.pop(threading.get_ident(), None)]
        else:  # emptied in place: the fork handler holds this dictionary
            printers = list(self._printers.values())
            self._printers.clear()
        for printer in printers:
            if printer is not None:
                printer.close()


tools = _Tools()
atexit.register(tools.end)


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
    from report_utils.batch import kernels

    kernel = kernels.warm()
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
        except CellTimeoutError:  # the kernel still runs the cell: it cannot be reused
            kernel.close()
            _keep_failed(executed, failed)
            result.status = "failed"
            result.error = (
                f"{job.notebook.name} cell {_running_cell(failed)} took longer than "
                f"{limits.cell_seconds()} s (the limit is "
                f"{limits.CELL_ENV}, in seconds)"
            )
            return None
        except PapermillExecutionError as exc:
            _keep_failed(executed, failed)
            result.status = "failed"
            result.error = _describe(exc, failed, job.notebook.name)
            return None
        except DeadKernelError as exc:
            kernel.close()
            _keep_failed(executed, failed)
            result.status = "failed"
            result.error = (
                f"the kernel died while running {job.notebook.name} cell "
                f"{_running_cell(failed)}: {exc}"
            )
            return None
        except _START_ERRORS as exc:
            kernel.close()
            if isinstance(exc, OSError) and exc.errno in _NO_ROOM:
                raise  # not the kernel's fault; no retry helps (build_one reports the write)
            if attempt == 1 and not _any_cell_ran(executed):
                continue  # the kernel did not start or answer (e.g. a port race): retry once
            _keep_failed(executed, failed)
            result.status = "failed"
            result.error = f"the kernel failed ({type(exc).__name__}): {exc}"
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


def read_inputs(job: Job) -> dict[str, Any]:
    """Hashes of what a run reads: the data folder's tables and the notebook's code."""
    notebook = Path(job.notebook)
    return {
        "files": digests.file_hashes(job.data_dir),
        "notebook": digests.notebook_digest(notebook) if notebook.is_file() else None,
    }


def _check_unchanged(job: Job, inputs: dict[str, Any]) -> None:
    now = read_inputs(job)
    before, after = inputs["files"], now["files"]
    changes = [
        f"{name} {'removed' if name not in after else 'added' if name not in before else 'changed'}"
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]
    if now["notebook"] != inputs["notebook"]:
        changes.append(f"{Path(job.notebook).name} {'changed' if now['notebook'] else 'removed'}")
    if changes:
        shown = ", ".join(changes[:10]) + (f" and {len(changes) - 10} more" if changes[10:] else "")
        raise BuildError(
            f"the data changed while the briefing was built ({shown}); nothing was replaced: "
            "build again"
        )


def _write_manifest(
    job: Job, staging: Path, result: BuildResult, stamp: dict[str, Any], inputs: dict[str, Any]
) -> None:
    outputs = {
        p.name: {"sha256": digests.sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(staging.iterdir())
        if p.is_file()
    }
    manifest = {
        "briefing": job.name,
        "parameters": {**job.parameters(), "formats": list(job.formats)},
        "notebook": {"path": str(job.notebook), "code_sha256": inputs["notebook"]},
        "inputs": {"data_dir": str(Path(job.data_dir).resolve()), "files": inputs["files"]},
        "package": {
            "report_utils": digests.library_versions()["report_utils"],
            "code_sha256": digests.code_digest(),
        },
        "libraries": digests.library_versions(),
        "timings_seconds": result.timings,
        "peak_memory_mb": {"worker": _peak_mb(), **result.peak_memory_mb},
        "outputs": outputs,
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **stamp,
    }
    (staging / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _peak_mb() -> float:
    """Peak resident memory in MB of this process (the worker; its kernel and its PDF printer
    report their own)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_maxrss / 1024, 1)  # ru_maxrss is in kB on Linux


def move_into_place(staging: Path, folder: Path, result: BuildResult) -> None:
    """Rename a run's outputs from ``staging`` into ``folder`` (a local run's and a Dask
    worker's alike); the manifest goes last: a briefing whose manifest matches its inputs is
    complete.

    One build owns the folder: a format an earlier build made and this one did not (a PDF left
    by ``--format html,pdf`` when this is ``--format html``) is removed before the manifest
    that no longer lists it, so the folder never mixes outputs of two builds (an interrupted
    move leaves the old manifest listing a missing file: the next plan rebuilds)."""
    produced = sorted(staging.iterdir(), key=lambda p: p.name == MANIFEST)
    names = {path.name for path in produced}
    for path in produced:
        if path.name == MANIFEST:
            for stale in (f"briefing.{fmt}" for fmt in FORMATS):
                if stale not in names:
                    (folder / stale).unlink(missing_ok=True)
        os.replace(path, inside(folder, path.name))
        if path.name != MANIFEST:
            result.outputs.append(folder / path.name)
    (folder / FAILED).unlink(missing_ok=True)


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


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def result_dict(result: BuildResult) -> dict[str, Any]:
    data = asdict(result)
    data["folder"] = str(result.folder)
    data["outputs"] = [str(p) for p in result.outputs]
    return data
