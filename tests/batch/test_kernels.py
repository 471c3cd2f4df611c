"""Kernels started at once in one folder cannot collide: each talks over IPC sockets of its own
in the build's scratch folder (no TCP port to race for), and everything it made there goes when
it is shut down. A warm kernel builds one briefing after another, and none sees the last. Real
kernels."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from report_utils.batch import cleanup, kernels
from report_utils.batch.execute import build_one
from report_utils.batch.job import Job
from report_utils.batch.kernels import IPCKernelManager
from report_utils.batch.tools import tools
from report_utils.errors import ReportError
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset

pytestmark = pytest.mark.e2e


async def _start_at_once(count: int, cwd: Path) -> tuple[list[IPCKernelManager], list[str]]:
    managers = [IPCKernelManager(kernel_name="python3") for _ in range(count)]
    await asyncio.gather(*(m.start_kernel(cwd=str(cwd)) for m in managers))
    clients = [m.client() for m in managers]
    for client in clients:
        client.start_channels()
    try:
        await asyncio.gather(*(c.wait_for_ready(timeout=120) for c in clients))
        replies = await asyncio.gather(
            *(c.execute_interactive("import os; print(os.getpid())", timeout=60) for c in clients)
        )
    finally:
        for client in clients:
            client.stop_channels()
    return managers, [reply["content"]["status"] for reply in replies]


def test_kernels_started_at_once_in_one_folder_each_get_their_own_sockets(tmp_path):
    scratch = cleanup.scratch()

    async def scenario():
        managers, statuses = await _start_at_once(4, tmp_path)
        try:
            assert statuses == ["ok"] * 4  # all four answer
            assert {m.transport for m in managers} == {"ipc"}
            sockets = {f"{m.ip}-{port}" for m in managers for port in m.ports}
            assert len(sockets) == 4 * 5  # shell, iopub, stdin, control, heartbeat each
            made = {str(p) for p in scratch.iterdir()}
            assert sockets | {m.connection_file for m in managers} <= made
        finally:
            await asyncio.gather(*(m.shutdown_kernel(now=True) for m in managers))
        return sockets | {m.connection_file for m in managers}

    # A loop of its own in a thread of its own: another test's (Playwright's) may be running here.
    with ThreadPoolExecutor(max_workers=1) as thread:
        files = thread.submit(lambda: asyncio.run(scenario())).result()
    assert not files & {str(p) for p in scratch.iterdir()}  # the shutdown removed them
    assert not list(tmp_path.iterdir())  # nothing in the working folder


# --- one warm kernel for many briefings ---------------------------------------------------------


def _built(job: Job) -> tuple[bytes, list[int], int | None]:
    """Build ``job`` with this process's warm kernel: its HTML, the execution counts of its
    notebook and the kernel's process id."""
    result = build_one(job)
    assert result.status == "built", result.error
    nb = nbformat.read(job.folder / "briefing.ipynb", as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    return (job.folder / "briefing.html").read_bytes(), counts, tools.kernel().pid()


def test_one_kernel_builds_one_briefing_after_another_and_none_sees_the_last(tmp_path):
    """The same briefing alone and after another, in both orders: the same HTML bytes."""
    months = load_dataset(DATA_DIR).months()
    first = Job(DATA_DIR, tmp_path / "alone", months[-1], "zh", ("html",))
    second = Job(DATA_DIR, tmp_path / "alone", months[0], "en", ("html",))
    try:
        tools.end()  # a kernel of its own for each briefing built alone
        first_alone, counts, _ = _built(first)
        assert counts == list(range(1, len(counts) + 1))
        tools.end()
        second_alone, _, _ = _built(second)

        tools.end()  # one kernel: the second, then the first
        _, _, pid = _built(replace(second, out_dir=tmp_path / "a"))
        first_after, counts_after, same_pid = _built(replace(first, out_dir=tmp_path / "a"))
        assert same_pid == pid  # the kernel was kept
        assert counts_after == counts  # numbered from 1 again

        tools.end()  # one kernel: the first, then the second
        _built(replace(first, out_dir=tmp_path / "b"))
        second_after, _, _ = _built(replace(second, out_dir=tmp_path / "b"))
    finally:
        tools.end()
    assert first_after == first_alone
    assert second_after == second_alone


def test_a_notebook_that_changes_folder_does_not_move_the_next_briefing(tmp_path):
    warm = kernels.WarmKernel()
    try:
        warm.ready(tmp_path)
        warm._run("import os; os.chdir('/')")  # what a briefing's cell may do
        warm.ready(tmp_path)  # the next briefing
        warm._run(f"import os; assert os.getcwd() == {str(tmp_path.resolve())!r}, os.getcwd()")
        assert warm.started == 1  # the same kernel, reset
    finally:
        warm.close()


def test_the_processs_signal_handlers_outlive_a_notebook_run(tmp_path):
    """A warm process keeps the build's handlers (SIGTERM cleans up; a pool worker ignores
    SIGINT) from one briefing to the next. nbclient tries to install handlers of its own while
    it runs a notebook and to set SIGTERM and SIGINT to their defaults afterwards; this checks
    that the build's handlers come through a papermill run unchanged."""
    import signal

    def leave(signum, frame):  # stands for cleanup.exit_on_signals's handler
        raise SystemExit(128 + signum)

    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a pool worker
    try:
        month = load_dataset(DATA_DIR).months()[-1]
        _built(Job(DATA_DIR, tmp_path, month, "zh", ("html",)))
        assert signal.getsignal(signal.SIGTERM) is leave
        assert signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    finally:
        tools.end()
        for signum, handler in before.items():
            signal.signal(signum, handler)


def test_a_kernel_is_not_started_with_a_bad_source_date_epoch(tmp_path, monkeypatch):
    """In any process that starts one (a Dask worker has its own environment): IPython read an
    empty ``SOURCE_DATE_EPOCH`` with ``int('')`` and the kernel never answered."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    warm = kernels.WarmKernel()
    with pytest.raises(ReportError, match=r"^SOURCE_DATE_EPOCH must be"):
        warm.ready(tmp_path)
    assert (warm.manager, warm.started) == (None, 0)


def test_a_worker_with_a_bad_source_date_epoch_fails_its_briefing_in_one_line(
    tmp_path, monkeypatch
):
    """What a pool or Dask worker does with the environment it has (not the planner's)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    month = load_dataset(DATA_DIR).months()[-1]
    job = Job(DATA_DIR, tmp_path / "out", month, "zh", ("html",))
    result = build_one(job)
    assert result.status == "failed"
    assert result.error == "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got ''"
    assert not list((tmp_path / "out").rglob("*.ipynb"))
