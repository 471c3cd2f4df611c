"""The kernel briefings run in: one per building thread (``tools.Tools.kernel``), started once
and kept warm across briefings.

Most of a kernel's start is importing pandas, seaborn and matplotlib. A process that builds
briefings (the ``briefing`` command, a pool worker, a Dask worker) therefore starts one kernel
and hands it to papermill for each briefing (``km=``: nbclient leaves running a kernel it did not
start). Between two briefings the kernel's namespace is cleared and its execution count set back
to 1 (``InteractiveShell.reset(new_session=True)``), so one briefing's state never reaches the
next: its variables, its ``In``/``Out`` history, the numbers of its cells. Modules stay loaded; the
package's caches are keyed by what they read (``briefing.cache`` keys the checked data by the
content hash of its input files).

Kernels talk over IPC (Unix sockets) instead of TCP ports: parallel runs on one machine cannot race
for the same port (papermill issues #511 and #239). Each kernel's sockets get a path of their own in
the build's scratch folder (``report_utils.batch.cleanup``), which goes away however the build ends.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import default

from report_utils import environment
from report_utils.batch import cleanup

# Run before each briefing (not stored in the history, no output): a fresh namespace numbered
# from 1 and the working folder the kernel was started in (a notebook may change it). What the
# notebook imports it imports itself (its first briefing loads the package; later ones find it
# loaded): the kernel names no module of the package in code of its own.
RESET = "get_ipython().reset(new_session=True)\nimport os as _os; _os.chdir({cwd!r}); del _os\n"
READY_SECONDS = 120.0
# No input history database: nothing of one briefing is kept for the next, nothing is written
# to the home folder (a full disk there would fill the build's errors with IPython's).
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


class IPCKernelManager(AsyncKernelManager):
    """jupyter_client's manager with IPC sockets in the scratch folder; it remembers the
    clients it made, so that the caller can close those nbclient leaves open on a kernel it did
    not start."""

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

    def client(self, **kwargs: Any):
        made = super().client(**kwargs)
        self.__dict__.setdefault("_clients", []).append(made)
        return made

    def close_clients(self) -> None:
        for made in self.__dict__.pop("_clients", []):
            with contextlib.suppress(Exception):
                made.stop_channels()


class WarmKernel:
    """A running kernel for one briefing after another, in the working folder ``cwd``."""

    def __init__(self) -> None:
        self.manager: IPCKernelManager | None = None
        self.cwd: Path | None = None
        self.started = 0  # kernels started by this object (1 while it stays alive)

    def ready(self, cwd: Path) -> IPCKernelManager:
        """The kernel, reset for a new briefing; a new one when there is none, it died, or it
        works in another folder (matplotlib reads ``./matplotlibrc`` on import)."""
        cwd = Path(cwd).resolve()
        if self.manager is not None and (self.cwd != cwd or not self._alive()):
            self.close()
        if self.manager is None:
            environment.check_kernel()  # a bad SOURCE_DATE_EPOCH: one line, not a dead kernel
            manager = IPCKernelManager(kernel_name="python3")
            run_sync(manager.start_kernel)(cwd=str(cwd), extra_arguments=KERNEL_ARGUMENTS)
            self.manager, self.cwd = manager, cwd
            self.started += 1
        try:
            self._run(RESET.format(cwd=str(cwd)))
        except Exception:
            self.close()  # it does not answer: the caller's retry gets a new one
            raise
        return self.manager

    def after_run(self) -> None:
        """Close the client papermill's run opened (nbclient leaves it open on a kernel it does
        not own); the kernel itself goes on."""
        if self.manager is not None:
            self.manager.close_clients()

    def pid(self) -> int | None:
        provisioner = self.manager.provisioner if self.manager is not None else None
        return getattr(provisioner, "pid", None)

    def peak_mb(self) -> float | None:
        """The kernel's peak resident memory so far (Linux: VmHWM), in MB."""
        pid = self.pid()
        if pid is None:
            return None
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except (OSError, ValueError):
            pass
        return None

    def close(self) -> None:
        """Shut the kernel down now (its sockets and connection file go with it)."""
        manager, self.manager, self.cwd = self.manager, None, None
        if manager is None:
            return
        manager.close_clients()
        with contextlib.suppress(Exception):
            run_sync(manager.shutdown_kernel)(now=True)
        with contextlib.suppress(Exception):
            run_sync(manager.cleanup_resources)()

    def kill(self) -> None:
        """End the kernel at once, without running the event loop: for a run interrupted in the
        middle (SIGTERM, Ctrl-C), whose loop still holds nbclient's tasks (they would report the
        kernel's death). Its sockets go with the build's scratch folder."""
        manager, self.manager, self.cwd = self.manager, None, None
        process = getattr(manager.provisioner, "process", None) if manager is not None else None
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: kernel and children
            process.wait()
        if manager is not None:
            manager.close_clients()
            manager.context.destroy(linger=0)

    def _alive(self) -> bool:
        assert self.manager is not None
        try:
            return bool(run_sync(self.manager.is_alive)())
        except Exception:
            return False

    def _run(self, code: str) -> None:
        """Run ``code`` in the kernel, silently: one request and its reply on the shell channel
        of a client of its own (no IOPub subscription to wait for)."""
        manager = self.manager
        assert manager is not None
        client = AsyncKernelManager.client(manager)

        async def run() -> None:
            msg_id = client.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + READY_SECONDS
            while True:
                try:
                    reply = await client.get_shell_msg(timeout=1)
                except Empty:
                    if not await manager.is_alive():
                        raise RuntimeError("the kernel died before it answered") from None
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"no answer in {READY_SECONDS:g} s") from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"the kernel could not be reset: {reply['content']}")

        try:
            run_sync(run)()
        finally:
            client.stop_channels()
