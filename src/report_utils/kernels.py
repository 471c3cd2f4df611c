"""The kernel manager briefings run with.

Kernels talk over IPC (Unix sockets) instead of TCP ports: parallel runs on one machine cannot
race for the same port (papermill issues #511 and #239), and ipykernel's warning about
unencrypted TCP goes away. Each kernel's sockets get a path of their own: jupyter_client's default
("kernel-ipc" in the working folder, numbered by probing for free names) lets two kernels started
at once in the same folder pick the same sockets.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


class IPCKernelManager(AsyncKernelManager):
    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        # Socket paths must stay short (about 100 bytes on Linux): the temp folder, not the cwd.
        return str(Path(tempfile.gettempdir()) / f"briefing-kernel-{uuid.uuid4().hex[:16]}")
