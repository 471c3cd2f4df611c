"""The local pool a batch runs on: worker processes in which a death costs only its own briefing.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies: every pending
briefing fails with ``BrokenProcessPool`` and the other workers are terminated in the middle of
their runs (one worker killed with -9 failed the whole batch). Here each worker is a process
with a pipe of its own, so the parent knows which briefing each one builds: when one dies
(killed, out of memory), that briefing's staging folder is removed and it is retried once in a
new worker; the others go on.

A worker keeps one warm kernel and one PDF printer for all the briefings it builds
(``report_utils.batch.kernels``, ``tools``), ends with the parent (``PR_SET_PDEATHSIG``
on Linux) and turns SIGTERM into ``SystemExit`` so that its run cleans up
(``report_utils.batch.cleanup``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any

from report_utils.batch import cleanup
from report_utils.batch.execute import build_one
from report_utils.batch.job import BuildResult, Job
from report_utils.batch.tools import tools

_STOP_SECONDS = 10  # for a worker to clean up after SIGTERM before it is killed


class _Worker:
    def __init__(self, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.job: Job | None = None
        self.attempt = 0

    def give(self, job: Job, attempt: int, stamp: dict[str, Any]) -> None:
        self.job, self.attempt = job, attempt
        with contextlib.suppress(OSError):  # it just died: seen as such by the wait below
            self.conn.send((job, stamp))

    def stop(self) -> None:
        """Ask it to end (it cleans up a run in progress first), then make sure it has."""
        if self.process.is_alive():
            with contextlib.suppress(OSError):
                self.conn.send(None)
            if self.job is not None:
                self.process.terminate()
            self.process.join(_STOP_SECONDS)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
        self.conn.close()


def run_jobs(
    jobs: list[Job],
    stamps: dict[str, dict[str, Any]],
    workers: int,
    done: Callable[[BuildResult], None],
) -> dict[str, BuildResult]:
    """Build ``jobs`` on up to ``workers`` processes; results by job name."""
    context = multiprocessing.get_context("spawn")
    count = max(1, min(workers, len(jobs)))
    queue: deque[tuple[Job, int]] = deque((job, 1) for job in jobs)
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    results: dict[str, BuildResult] = {}

    def finish(result: BuildResult) -> None:
        results[result.name] = result
        done(result)

    try:
        while queue or busy:
            while queue and len(busy) < count:
                while idle and not idle[-1].process.is_alive():
                    idle.pop().stop()  # died between two briefings: nothing lost
                worker = idle.pop() if idle else _Worker(context)
                job, attempt = queue.popleft()
                worker.give(job, attempt, stamps[job.name])
                busy.append(worker)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for worker in [w for w in busy if w.conn in ready or w.process.sentinel in ready]:
                busy.remove(worker)
                job, attempt = worker.job, worker.attempt
                assert job is not None
                result = _receive(worker)
                if result is not None:
                    worker.job = None
                    result.attempts += attempt - 1
                    idle.append(worker)
                    finish(result)
                    continue
                worker.stop()  # it died: its run could clean up nothing
                cleanup.remove_staging(job.folder)
                if attempt == 1:
                    queue.appendleft((job, 2))  # retried once, first
                else:
                    finish(
                        BuildResult(
                            job.name,
                            job.folder,
                            "failed",
                            error=f"the worker process died twice while building it "
                            f"({_how(worker.process.exitcode)})",
                            attempts=attempt,
                        )
                    )
    finally:
        for worker in idle + busy:
            worker.stop()
        for worker in busy:  # interrupted: their runs were stopped
            if worker.job is not None:
                cleanup.remove_staging(worker.job.folder)
    return results


def _receive(worker: _Worker) -> BuildResult | None:
    """The worker's result, or None when it died before sending one."""
    try:
        if worker.conn.poll():
            return worker.conn.recv()
    except (EOFError, OSError):
        pass
    return None


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit status {exitcode}"


# --- in the worker ------------------------------------------------------------------------------


def _serve(conn: Connection) -> None:
    _die_with_parent()
    cleanup.exit_on_signals()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
    try:
        while True:
            try:
                task = conn.recv()
            except EOFError:
                return
            if task is None:
                return
            job, stamp = task
            conn.send(build_one(job, stamp))
    finally:
        tools.end()


def _die_with_parent() -> None:
    """SIGTERM when the parent dies (even killed with -9): the run cleans up and the worker
    ends, instead of building on unsupervised. Linux only; elsewhere a no-op."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
