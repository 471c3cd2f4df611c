"""Time limits of a build, each configurable by an environment variable.

- ``REPORT_UTILS_SECTION_TIMEOUT`` (default 60 s): one section of a briefing, in the kernel; a
  section that takes longer fails with its name (``section_time_limit``).
- ``REPORT_UTILS_CELL_TIMEOUT`` (default 600 s): one cell of the notebook, papermill's
  ``execution_timeout``. The notebook builds every section in one cell, so this is also the
  limit of a briefing's sections together. The shipped briefings take about 3 s for all their
  cells, a section well under 1 s: both defaults fit them many times over.
"""

from __future__ import annotations

import math
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SECTION_ENV, SECTION_DEFAULT = "REPORT_UTILS_SECTION_TIMEOUT", 60.0
CELL_ENV, CELL_DEFAULT = "REPORT_UTILS_CELL_TIMEOUT", 600.0


def seconds(name: str, default: float) -> float:
    """Seconds from the environment variable ``name`` (``default`` when unset or empty)."""
    from report_utils.errors import ReportError

    text = os.environ.get(name, "")
    try:
        found = float(text) if text.strip() else default
    except ValueError:
        found = math.nan
    if not (math.isfinite(found) and found > 0):
        raise ReportError(f"{name} must be a number of seconds above 0, got {text!r}")
    return found


def cell_seconds() -> int:
    """The cell limit in whole seconds (nbclient takes an int), at least 1."""
    return max(1, math.ceil(seconds(CELL_ENV, CELL_DEFAULT)))


class TimeLimitExceeded(Exception):
    """Raised inside the work a time limit stops."""


@contextmanager
def section_time_limit(what: str) -> Iterator[None]:
    """Stop the work inside after ``REPORT_UTILS_SECTION_TIMEOUT`` seconds with
    ``TimeLimitExceeded`` naming ``what``. A real-time alarm, so only in the main thread (where
    a kernel runs its cells) and only when nothing else uses SIGALRM; elsewhere, no limit here
    (the cell's limit still holds)."""
    limit = seconds(SECTION_ENV, SECTION_DEFAULT)
    usable = (
        threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    )
    if not usable:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(
            f"{what} took longer than {limit:g} s (the limit is {SECTION_ENV}, in seconds)"
        )

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
