"""Briefings built on a ``dask.distributed`` cluster whose workers share no files with this machine.

This side reads the input files of each briefing (the data folder's inputs as ``tables.files`` lists
them, and the notebook), checks each against the hash the plan recorded, and scatters each distinct
content once, keyed by its SHA-256. A task carries the names and hashes of the files its briefing
reads; the worker writes them into a folder of its own named by the data's digest, once per content
(the next briefing from the same data finds it there), and builds with its warm kernel and printer
(``execute.produce``). It returns the outputs as bytes, manifest included, and this side writes them
into ``OUT/<region>/<period>/<lang>/`` under temporary names and renames them into place, as a local
run does: a failed run, or a worker that died, never replaces the last good briefing. A worker that
dies mid-briefing costs only that briefing: the scheduler retries it up to its ``allowed-failures``
(0 on the ``--local-cluster``), then it is submitted once more from here; when that worker dies too,
the briefing is reported failed and the others go on.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from report_utils import notebook_code
from report_utils.batch import digests
from report_utils.batch.execute import produce
from report_utils.batch.job import FAILED, BuildResult, Job, move_into_place
from report_utils.errors import BuildError, ReportError, UnsafePathError
from report_utils.paths import inside

WORKSPACE = "report-utils"
BLOB = "briefing-input-"
MAX_RESHIPPING = 3
NO_WORKER_SECONDS = 120.0


@dataclass(frozen=True)
class Task:
    """One briefing for a worker: the job as the plan sees it (its paths are this machine's and
    name the outputs and the manifest) and the inputs it reads, by content hash."""

    job: Job
    files: dict[str, str]  # data-folder path -> SHA-256
    notebook: str  # SHA-256 of the notebook file shipped
    stamp: dict[str, Any] = field(default_factory=dict)


@dataclass
class Shipped:
    """What a worker sends back: the result and the output files' bytes (on failure, only
    ``failed.ipynb`` when there is one)."""

    result: BuildResult
    files: dict[str, bytes] = field(default_factory=dict)


# --- on the worker ------------------------------------------------------------------------------


def build_on_worker(task: Task, blobs: dict[str, bytes]) -> Shipped:
    """Build one briefing from shipped inputs; never raises for a failed run."""
    job = task.job
    result = BuildResult(job.name, job.folder)
    started = time.perf_counter()
    staging: Path | None = None
    try:
        stamp = dict(task.stamp)
        _check_code(stamp.pop("code", None))
        root = workspace()
        data = materialise(root, "data-" + digests.digest_of(task.files), task.files, blobs)
        notebook_dir = materialise(
            root, "notebook-" + task.notebook, {job.notebook.name: task.notebook}, blobs
        )
        run = replace(job, data_dir=data, notebook=notebook_dir / job.notebook.name)
        staging = Path(tempfile.mkdtemp(dir=root, prefix="staging-"))
        # the notebook's code digest, as the plan recorded it (its bytes arrived intact)
        inputs = {"files": task.files, "notebook": digests.notebook_digest(run.notebook)}
        ok = produce(job, run, staging, result, stamp, inputs, staging, started)
        wanted = (lambda p: True) if ok else (lambda p: p.name == FAILED)
        files = {p.name: p.read_bytes() for p in sorted(staging.iterdir()) if wanted(p)}
    except ReportError as exc:
        result.status, result.error, files = "failed", str(exc), {}
    except OSError as exc:
        result.status, files = "failed", {}
        result.error = f"the worker could not write its files: {exc.strerror or exc}"
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        result.seconds = round(time.perf_counter() - started, 3)
    return Shipped(result, files)


def _check_code(planned: dict[str, Any] | None) -> None:
    """A worker builds with the code the plan fingerprinted, or not at all: its outputs would
    be recorded as built from code they were not built from (and skipped as up to date)."""
    here = {"code_sha256": digests.code_digest(), "libraries": digests.library_versions()}
    if planned is not None and planned != here:
        theirs = planned.get("libraries", {})
        differ = [name for name, v in here["libraries"].items() if theirs.get(name) != v]
        what = ", ".join(differ) or "report_utils's code"
        raise BuildError(
            f"this Dask worker has other versions than the machine that planned the build "
            f"({what}): install the same on the workers"
        )


def workspace() -> Path:
    """This worker's folder for data and staging: inside the Dask worker's local directory, or
    in the temporary folder outside a worker."""
    try:
        from distributed import get_worker

        base = Path(get_worker().local_directory)
    except (ImportError, ValueError):
        base = Path(tempfile.gettempdir()) / f"{WORKSPACE}-{os.getuid()}"
    folder = base / WORKSPACE
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def materialise(root: Path, name: str, files: dict[str, str], blobs: dict[str, bytes]) -> Path:
    """``root/name`` holding ``files`` (path -> hash) with the shipped contents, written once:
    a folder named by the contents' digest never changes."""
    final = root / name
    if final.is_dir():
        return final
    partial = Path(tempfile.mkdtemp(dir=root, prefix=f".{name[:20]}-"))
    try:
        for relative, sha in files.items():
            content = blobs[sha]
            if digests.sha256_bytes(content) != sha:
                raise BuildError(f"{relative} arrived damaged (its hash does not match)")
            try:
                path = inside(partial, relative)
            except UnsafePathError:
                raise BuildError(f"{relative} is not a path inside a data folder") from None
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        with contextlib.suppress(OSError):  # another task wrote it first: the same content
            os.rename(partial, final)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return final


# --- on this machine ----------------------------------------------------------------------------


def run_jobs(
    jobs: list[Job],
    stamps: dict[str, dict[str, Any]],
    client,
    done: Callable[[BuildResult], None],
) -> dict[str, BuildResult]:
    """Build ``jobs`` on the cluster ``client`` is connected to; results by job name, each
    reported to ``done`` as it lands."""
    results: dict[str, BuildResult] = {}

    def finish(result: BuildResult) -> None:
        results[result.name] = result
        done(result)

    tasks, blobs = [], {}
    for job in jobs:
        try:
            task, contents = _task(job, stamps[job.name])
        except ReportError as exc:
            finish(BuildResult(job.name, job.folder, "failed", error=str(exc)))
            continue
        tasks.append(task)
        blobs.update(contents)
    if tasks:
        try:
            _Dispatch(client, blobs, finish).run(tasks)
        except (OSError, TimeoutError) as exc:  # the scheduler went away, or has no worker
            # (distributed's CommClosedError is an OSError.) What landed stays landed.
            reason = f"the Dask cluster failed ({type(exc).__name__}: {exc})"
            for task in tasks:
                if task.job.name not in results:
                    finish(_failed(task.job, reason))
    return results


class _Dispatch:
    """Tasks handed to idle workers, one per worker thread: a worker holds only the briefings it
    builds, so that its death costs those alone (a task queued on a worker that dies counts the
    death too, and the scheduler gives up on a task after its ``allowed-failures`` deaths)."""

    def __init__(self, client, blobs: dict[str, bytes], finish: Callable[[BuildResult], None]):
        from distributed import as_completed

        self.client, self.blobs, self.finish = client, blobs, finish
        self.queue: deque[tuple[Task, int]] = deque()
        self.running: dict[Any, tuple[Task, int, int, str]] = {}  # attempt, shipping, worker
        self.shipping = 0
        self.scattered = self._scatter()  # first: a cluster that is gone fails here at once
        self.landed = as_completed()

    def _scatter(self) -> dict[str, Any]:
        # On every worker: a worker that dies takes its copies with it, not the others'.
        # Keys of their own each time they are shipped: the last shipping's keys may still be
        # on their way out.
        contents = {f"{BLOB}{sha}-{self.shipping}": data for sha, data in self.blobs.items()}
        futures = self.client.scatter(contents, broadcast=True)
        return {sha: futures[f"{BLOB}{sha}-{self.shipping}"] for sha in self.blobs}

    def run(self, tasks: list[Task]) -> None:
        from distributed import KilledWorker

        self.queue.extend((task, 1) for task in tasks)
        waited_since = time.monotonic()
        try:
            while self.queue or self.running:
                self._submit()
                if not self.running:  # no worker yet (or all restarting)
                    if time.monotonic() - waited_since > NO_WORKER_SECONDS:
                        for task, attempt in self.queue:
                            self.finish(_failed(task.job, "no Dask worker to build it", attempt))
                        return
                    time.sleep(0.5)
                    continue
                waited_since = time.monotonic()
                future = next(self.landed)
                task, attempt, shipping, _ = self.running.pop(future)
                if future.cancelled() and shipping < self.shipping:
                    self.queue.appendleft((task, attempt))  # inputs shipped again since
                elif future.cancelled() and self.shipping < MAX_RESHIPPING:
                    # Cancelled for lost dependencies: every copy of an input went with dying
                    # workers. Ship them again.
                    self.client.cancel(list(self.scattered.values()))
                    self.shipping += 1
                    self.scattered = self._scatter()
                    self.queue.appendleft((task, attempt))
                elif attempt == 1 and isinstance(_exception(future), KilledWorker):
                    self.queue.appendleft((task, 2))  # its worker died: retried once, first
                else:
                    self.finish(_land(task.job, future, attempt))
        finally:
            self.client.cancel([*self.running, *self.scattered.values()])

    def _submit(self) -> None:
        if not self.queue:
            return
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        busy = [worker for *_, worker in self.running.values()]
        idle = [
            address
            for address, info in workers.items()
            for _ in range(info.get("nthreads", 1) - busy.count(address))
        ]
        while self.queue and idle:
            task, attempt = self.queue.popleft()
            worker = idle.pop(0)
            needed = {*task.files.values(), task.notebook}
            future = self.client.submit(
                build_on_worker,
                task,
                {sha: self.scattered[sha] for sha in needed},
                key=f"briefing-{task.job.name}-{os.urandom(4).hex()}",
                pure=False,
                workers=[worker],
                allow_other_workers=True,  # if that worker is gone by then
            )
            self.running[future] = (task, attempt, self.shipping, worker)
            self.landed.add(future)


def _exception(future) -> BaseException | None:
    return future.exception() if future.status == "error" else None


def _failed(job: Job, error: str, attempts: int = 1) -> BuildResult:
    return BuildResult(job.name, job.folder, "failed", error=error, attempts=attempts)


def _task(job: Job, stamp: dict[str, Any]) -> tuple[Task, dict[str, bytes]]:
    """The task of one job and the contents it needs, read now and checked against the hashes
    the plan recorded (a file changed since: the briefing fails, nothing is replaced)."""
    stamp = dict(stamp)
    inputs = stamp.pop("inputs")
    code = {"code_sha256": digests.code_digest(), "libraries": digests.library_versions()}
    contents: dict[str, bytes] = {}
    changed = []
    for relative, sha in inputs["files"].items():
        try:
            content = (Path(job.data_dir) / relative).read_bytes()
        except OSError:
            content = b""
        if digests.sha256_bytes(content) != sha:
            changed.append(relative)
        contents[sha] = content
    notebook = Path(job.notebook).read_bytes() if Path(job.notebook).is_file() else b""
    if notebook_code.digest(notebook) != inputs["notebook"]:
        changed.append(Path(job.notebook).name)
    if changed:
        raise BuildError(
            f"the data changed after the build was planned ({', '.join(changed[:10])}); "
            "nothing was replaced: build again"
        )
    # shipped by the hash of its bytes, like every input (the plan compares its code's digest)
    shipped = digests.sha256_bytes(notebook)
    contents[shipped] = notebook
    task_stamp = {**stamp, "code": code}
    return Task(job, inputs["files"], shipped, task_stamp), contents


def _land(job: Job, future, attempt: int) -> BuildResult:
    """The worker's result written into the output folder: the outputs renamed into place
    together, or ``failed.ipynb``."""
    from distributed import KilledWorker

    try:
        shipped: Shipped = future.result()
    except KilledWorker:
        return _failed(job, f"the worker died while building it ({attempt} times)", attempt)
    except Exception as exc:  # what the task raised, or a scheduler that went away
        return _failed(job, f"{type(exc).__name__}: {exc}", attempt)
    result = shipped.result
    result.attempts += attempt - 1
    folder = job.folder
    staging: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder, prefix=".staging-"))
        for name, content in shipped.files.items():
            inside(staging, Path(name).name).write_bytes(content)
        if result.status == "failed":
            if (staging / FAILED).is_file():
                os.replace(staging / FAILED, folder / FAILED)
        else:
            move_into_place(staging, folder, result)
    except UnsafePathError as exc:  # a file name from the worker that is no file name here
        result.status, result.error = "failed", str(exc)
    except OSError as exc:
        result.status, result.error = "failed", f"cannot write {folder}: {exc.strerror or exc}"
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return result


# A worker's death: the briefing is retried once on another worker (here), as in the local pool.
SCHEDULER_CONFIG = {"distributed.scheduler.allowed-failures": 0}


@contextlib.contextmanager
def connect(scheduler: str | None = None, local_workers: int = 0) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a cluster of ``local_workers`` worker
    processes on this machine (one thread each: a worker builds one briefing at a time)."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        from report_utils.batch.scheduler import CONNECT_SECONDS, parse, reach

        scheduler = parse(scheduler)
        reach(scheduler, CONNECT_SECONDS)  # bounded, whatever answers there
        try:
            client = Client(scheduler, timeout=f"{CONNECT_SECONDS:g}s")
        except Exception as exc:  # it answered as a scheduler a moment ago: say what failed
            why = " ".join(f"{type(exc).__name__}: {exc}".split())
            raise ReportError(f"cannot reach the Dask scheduler at {scheduler}: {why}") from None
        with client:
            yield client
        return
    with (
        dask.config.set(SCHEDULER_CONFIG),
        LocalCluster(
            n_workers=local_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
