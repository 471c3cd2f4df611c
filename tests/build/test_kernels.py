"""Kernels started at once in one folder cannot collide: each talks over IPC sockets of its own
in the build's scratch folder (no TCP port to race for), and everything it made there goes when
it is shut down. Real kernels, no notebook: what sixteen whole builds used to show."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from report_utils.build import cleanup
from report_utils.build.kernels import IPCKernelManager

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
