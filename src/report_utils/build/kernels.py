"""The kernel manager briefings run with.

Kernels talk over IPC (Unix sockets) instead of TCP ports: parallel runs on one machine cannot
race for the same port (papermill issues #511 and #239), and ipykernel's warning about
unencrypted TCP goes away. Each kernel's sockets get a path of their own: jupyter_client's default
("kernel-ipc" in the working folder, numbered by probing for free names) lets two kernels started
at once in the same folder pick the same sockets. Sockets and connection file live in the build's
scratch folder (``report_utils.build.cleanup``), which goes away however the build ends.

A spare kernel process (``report_utils.build.spares``), when this process reserved one, becomes the
kernel instead of a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import uuid
import weakref
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, default

from report_utils.build import cleanup, spares

_LAUNCHER = ["-m", "ipykernel_launcher"]


def _spare_can_serve(kernel_cmd: list[str], cwd: str | None) -> bool:
    """A spare is this interpreter's ipykernel, and has read matplotlib's settings where it
    started: it serves a kernel of the same command whose folder has no matplotlibrc of its own."""
    if kernel_cmd[:1] != [sys.executable] or kernel_cmd[1:3] != _LAUNCHER:
        return False
    folder = Path(cwd) if cwd else Path.cwd()
    return folder.resolve() == spares.SPARE_CWD.resolve() or not (folder / "matplotlibrc").exists()


class BriefingKernelClient(AsyncKernelClient):
    """jupyter_client's client, less an idle wait at start-up.

    Its ``wait_for_ready`` ends by draining IOPub until 0.2 s pass without a message: a fixed
    0.2 s per kernel (a twentieth of a briefing). Start-up messages that come later are harmless:
    nbclient keeps only the messages whose parent is the cell it runs. Shortening that wait on the
    IOPub channel, only while ``wait_for_ready`` runs, keeps the rest of jupyter_client's logic
    rather than copying it.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        channel = self.iopub_channel
        get_msg = channel.get_msg

        async def quick_get_msg(timeout: float | None = None, **kw: Any):
            return await get_msg(timeout=None if timeout is None else min(timeout, 0.02), **kw)

        channel.get_msg = quick_get_msg  # type: ignore[method-assign]
        try:
            await super()._async_wait_for_ready(timeout)
        finally:
            del channel.get_msg  # back to the class's method

    wait_for_ready = _async_wait_for_ready  # type: ignore[assignment]


class IPCKernelManager(AsyncKernelManager):
    client_class = DottedObjectName("report_utils.kernels.BriefingKernelClient")

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        # Socket paths must stay short (about 100 bytes on Linux): the build's scratch folder in
        # the temp folder (not the cwd), which every exit path of the build removes.
        return str(cleanup.scratch() / f"k{self._file_id}")

    @default("connection_file")
    def _default_connection_file(self) -> str:
        return str(cleanup.scratch() / f"k{self._file_id}.json")

    @property
    def _file_id(self) -> str:
        if not hasattr(self, "_file_id_value"):
            self._file_id_value = uuid.uuid4().hex[:12]
        return self._file_id_value

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        _launched.add(self)  # end_all() ends it if the run is interrupted before nbclient can
        spare = spares.take() if _spare_can_serve(kernel_cmd, kw.get("cwd")) else None
        if spare is None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        env = {**(kw.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}
        request = {"argv": kernel_cmd[3:], "cwd": kw.get("cwd"), "env": env}
        assert spare.stdin is not None
        try:
            spare.stdin.write((json.dumps(request) + "\n").encode())
            spare.stdin.close()  # the hand-over is all it reads; nothing is left open to leak
        except OSError:  # it died in the meantime
            spares.end(spare)
            await super()._async_launch_kernel(kernel_cmd, **kw)
            return
        provisioner = self.provisioner
        assert provisioner is not None
        provisioner.process = spare  # type: ignore[attr-defined]
        provisioner.pid = spare.pid  # type: ignore[attr-defined]
        provisioner.pgid = os.getpgid(spare.pid)  # type: ignore[attr-defined]
        provisioner.cwd = kw.get("cwd") or Path.cwd()  # type: ignore[attr-defined]
        self._reconcile_connection_info(provisioner.connection_info)


_launched: weakref.WeakSet[IPCKernelManager] = weakref.WeakSet()


def end_all() -> None:
    """Kill the kernels this process launched that still run: a run interrupted (SIGTERM,
    Ctrl-C) ends before nbclient shuts its kernel down, and a kernel left alone would start
    over from a connection file it can no longer find."""
    for manager in list(_launched):
        process = getattr(manager.provisioner, "process", None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: kernel and children
            process.wait()
    _launched.clear()
