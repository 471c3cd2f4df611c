"""What a process keeps between the briefings it builds: a warm kernel (``kernels.WarmKernel``)
and a PDF printer (``export.printer.Printer``, a child process that has loaded Typst and the
fonts), one of each per thread that builds (a Dask worker may run several threads).

Light to import: a kernel and a printer are imported when first made, so a no-op build loads
neither jupyter_client nor Typst, and ``end`` ends only what this process made.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from report_utils.batch.kernels import WarmKernel


class Tools:
    def __init__(self) -> None:
        self._kernels: dict[int, WarmKernel] = {}
        self._printers: dict[int, Any] = {}
        self._lock = threading.Lock()
        # A forked child (a process pool's worker) has its parent's dictionaries, and its main
        # thread may have its parent's thread id: the parent's kernels and printers are not its
        # own to reset or shut down.
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._kernels.clear()
        self._printers.clear()

    def kernel(self) -> WarmKernel:
        """This thread's warm kernel (started on first use, shut down at exit)."""
        from report_utils.batch.kernels import WarmKernel

        with self._lock:
            return self._kernels.setdefault(threading.get_ident(), WarmKernel())

    def printer(self, lang: str):
        """This thread's PDF printer, a new one when the time limit changed."""
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
        ``interrupted`` in the middle (SIGTERM, Ctrl-C) kills its own thread's kernel at once
        (``WarmKernel.kill``). A process killed with -9 cannot: its kernels end by themselves,
        as jupyter_client gives them ``JPY_PARENT_PID``, which ipykernel watches."""
        thread = threading.get_ident()
        with self._lock:  # emptied in place: the fork handler holds these dictionaries
            if interrupted:
                kernels = [self._kernels.pop(thread, None)]
            else:
                kernels = list(self._kernels.values())
                self._kernels.clear()
        for kernel in kernels:
            if kernel is not None:
                kernel.kill() if interrupted else kernel.close()
        if interrupted:
            printers = [self._printers.pop(thread, None)]
        else:
            printers = list(self._printers.values())
            self._printers.clear()
        for printer in printers:
            if printer is not None:
                printer.close()


tools = Tools()
atexit.register(tools.end)
