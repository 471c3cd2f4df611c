"""Spare kernel processes, started before they are needed.

A kernel spends most of its start-up importing pandas, seaborn and matplotlib. ``reserve``
starts a process (``report_utils.build.kernel_launcher``) that does those imports while the
build still checks data and parameters on the other core; the manager then hands it the
connection file instead of starting a fresh interpreter. A spare is not a kernel until it is
handed one: a build that stops on a bad parameter only ends spare processes. Without a spare
(none reserved, or it died), the kernel starts the ordinary way.

Kept apart from ``report_utils.build.kernels`` so that planning a build (the no-op path) does
not import jupyter_client.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

from report_utils.paths import BRIEFING_NOTEBOOK

SPARE_CWD = BRIEFING_NOTEBOOK.parent


class _Spares:
    """At most one spare per process, replaced while more kernels are still reserved."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.needed = 0

    def reserve(self, count: int) -> None:
        self.needed = max(count, 0)
        if self.needed and self.process is None:
            self.process = _spawn()
        elif not self.needed:
            self.release()

    def take(self) -> subprocess.Popen | None:
        process, self.process = self.process, None
        self.needed = max(self.needed - 1, 0)
        if process is not None and process.poll() is not None:
            end(process)  # it died: the kernel starts the ordinary way
            process = None
        if self.needed:
            self.process = _spawn()  # imports while this kernel runs
        return process

    def release(self) -> None:
        self.needed = 0
        process, self.process = self.process, None
        if process is not None:
            end(process)


def _spawn() -> subprocess.Popen | None:
    """A new spare, or None when the system cannot start one now (kernels then start the
    ordinary way, which reports such a failure properly)."""
    env = os.environ.copy()
    env.pop("PYTHONEXECUTABLE", None)  # as jupyter_client's provisioner does for Python kernels
    # As jupyter_client's launcher: the kernel ends if this process goes. ipykernel reads it on
    # import, which in a spare is now.
    env["JPY_PARENT_PID"] = str(os.getpid())
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "report_utils.build.kernel_launcher"],
            stdin=subprocess.PIPE,
            env=env,
            # matplotlib reads ./matplotlibrc when imported: in a spare that is now, so it starts
            # where the kernel of the briefing notebook works (kernels.py declines a spare for a
            # notebook elsewhere that has a matplotlibrc of its own).
            cwd=SPARE_CWD,
            start_new_session=True,  # as jupyter_client launches kernels: interrupts, own group
        )
    except OSError:
        return None


def end(process: subprocess.Popen) -> None:
    process.kill()
    process.wait()
    if process.stdin is not None:
        process.stdin.close()


_spares = _Spares()
atexit.register(_spares.release)


def reserve(count: int) -> None:
    """This process will start ``count`` kernels: prepare a spare now (0 ends any spare)."""
    _spares.reserve(count)


def release() -> None:
    """End the spare, if any (also done at exit)."""
    _spares.release()


def take() -> subprocess.Popen | None:
    """The spare, if one is ready (a replacement starts while more kernels are reserved)."""
    return _spares.take()
