"""Run a batch of briefings: the one orchestration the command line, the tests and the benchmark
share (``build``): plan (``planner``), take the output folder's lock, run the plan's jobs (here, on
the local pool, on an executor or on a Dask cluster), record what planning decided for skipped
briefings, and write the index. Only this runs under the lock, and only this writes.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report_utils import environment
from report_utils.batch import cleanup, index
from report_utils.batch.execute import build_one
from report_utils.batch.job import MANIFEST, BuildResult, atomic_write, read_manifest
from report_utils.batch.planner import Plan, default_workers, in_process, plan, visible_rows
from report_utils.errors import BuildError, ReportError

LOCK = ".briefing.lock"
__all__ = ["Plan", "build", "default_workers", "orchestrate", "plan", "run", "visible_rows"]


# --- running ------------------------------------------------------------------------------------


def run(
    p: Plan,
    workers: int = 1,
    executor: Executor | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
    cluster: Any = None,
) -> list[BuildResult]:
    """Build the plan's jobs; results in the plan's order. A failure never stops the others.

    Where: in this process (one worker or one briefing), on the local pool of ``workers``
    processes, on ``executor`` (any ``concurrent.futures.Executor`` whose workers share this
    machine's files), or on the Dask cluster a ``distributed.Client`` ``cluster`` is connected to
    (nothing shared: inputs shipped, outputs returned, see ``remote``)."""
    done = on_done or (lambda result: None)
    if cluster is not None:
        from report_utils.batch import remote

        built = remote.run_jobs(p.jobs, p.stamps, cluster, done)
        return [built[job.name] for job in p.jobs]
    if executor is None and in_process(workers, len(p.jobs)):
        results = []
        for job in p.jobs:  # in-process: no worker start-up for a single briefing
            results.append(build_one(job, p.stamps[job.name]))
            done(results[-1])
        return results
    if executor is None:  # the local pool: a worker that dies costs only its own briefing
        from report_utils.batch.workers import run_jobs

        built = run_jobs(p.jobs, p.stamps, workers, done)
        return [built[job.name] for job in p.jobs]
    by_name: dict[str, BuildResult] = {}
    futures = {executor.submit(build_one, job, p.stamps[job.name]): job for job in p.jobs}
    for future in as_completed(futures):
        job = futures[future]
        try:
            result = future.result()
        except BrokenProcessPool as exc:
            result = BuildResult(
                job.name, job.folder, "failed", error=f"the worker process died: {exc}"
            )
        by_name[job.name] = result
        done(result)
    return [by_name[job.name] for job in p.jobs]


# --- lock -----------------------------------------------------------------------------


def output_lock(out_dir: Path, wait: float, notice: Callable[[str], None]):
    """A lock on the output folder: a second build waits for the first (up to ``wait`` s).

    Returns the held lock and whether it had to wait (then the caller plans again: the other
    build may have made some briefings up to date)."""
    from filelock import FileLock, Timeout

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(out_dir / LOCK))
        try:
            lock.acquire(timeout=0)
            return lock, False
        except Timeout:
            notice(f"another briefing build is writing to {out_dir}; waiting up to {wait:g} s")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise BuildError(
                f"gave up after {wait:g} s: another briefing build still holds {out_dir / LOCK}"
            ) from None
        return lock, True
    except OSError as exc:
        raise ReportError(
            f"cannot write to the output folder {out_dir}: {exc.strerror or exc}"
        ) from None


def restamp(p: Plan) -> None:
    """Record in the manifests of briefings skipped by their content digest the fingerprint
    (and data facts) the plan worked out, so that the next plan need not look at the rows.
    Called under the output folder's lock; a manifest changed since it was planned (a build
    that ran meanwhile) is left alone."""
    for folder, fields in p.restamps:
        manifest = read_manifest(folder)
        if manifest is None or manifest.get("content_digest") != fields["content_digest"]:
            continue
        text = json.dumps({**manifest, **fields}, ensure_ascii=False, indent=2)
        with contextlib.suppress(OSError):  # only saves the next plan a look at the rows
            atomic_write(folder / MANIFEST, text)


@dataclass
class Outcome:
    """What a build did: every briefing's result (skipped first, then built or failed, in the
    plan's order), the regions of the default set it left out and why, and, if the index could
    not be written, why."""

    results: list[BuildResult] = field(default_factory=list)
    index_error: str = ""
    left_out: dict[str, str] = field(default_factory=dict)  # region -> why it got no briefing


def orchestrate(
    data_dir: Path,
    out_dir: Path,
    periods: list[str],
    langs: list[str],
    formats: list[str],
    *,
    workers: int = 1,
    wait: float = 600.0,
    executor: Executor | None = None,
    scheduler: str | None = None,
    local_cluster: int = 0,
    on_plan: Callable[[Plan], None] | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
    notice: Callable[[str], None] = lambda message: None,
    **planning: Any,
) -> Outcome:
    """Plan (``planning``: the options of ``planner.plan``), lock, run, record, index.

    Everything is checked before anything is written. Even with nothing to do, a build that
    another one is rewriting waits for it (up to ``wait`` s; then it plans again, as the other
    build may have made some briefings up to date); an output folder this user cannot write is
    only read. ``scheduler`` or ``local_cluster`` build on a Dask cluster (``remote``)."""
    out_dir = Path(out_dir)
    environment.check()  # before anything is planned, and before any kernel sees it
    if scheduler:
        from report_utils.batch.scheduler import parse

        scheduler = parse(scheduler)  # before planning: a malformed address is said at once

    def make_plan() -> Plan:
        return plan(data_dir, out_dir, periods, langs, formats, **planning)

    p = make_plan()
    writes = bool(p.jobs or p.restamps) or os.access(out_dir, os.W_OK)
    lock, waited = output_lock(out_dir, wait, notice) if writes else (nullcontext(), False)
    outcome = Outcome()
    with lock:
        if waited:
            p = make_plan()
        if writes:
            cleanup.remove_interrupted(out_dir)  # staging of killed builds: none is running
        restamp(p)
        if on_plan is not None:
            on_plan(p)
        built: list[BuildResult] = []
        if p.jobs and (scheduler or local_cluster):
            from report_utils.batch import remote

            with remote.connect(scheduler, local_cluster) as client:
                built = run(p, cluster=client, on_done=on_done)
        elif p.jobs:
            built = run(p, workers=workers, executor=executor, on_done=on_done)
        outcome.results = p.skipped + built
        outcome.left_out = p.left_out
        if p.jobs or (p.skipped and not (out_dir / "index.html").exists()):
            try:
                index.write(out_dir)
            except ReportError as exc:
                outcome.index_error = str(exc)
    return outcome


def build(data_dir: Path, out_dir: Path, *args: Any, **kwargs: Any) -> list[BuildResult]:
    """``orchestrate``'s results (the API the tests and the benchmark use); an index that could
    not be written raises."""
    outcome = orchestrate(data_dir, out_dir, *args, **kwargs)
    if outcome.index_error:
        raise ReportError(outcome.index_error)
    return outcome.results
