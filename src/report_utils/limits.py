"""Time limits of a build, each configurable by an environment variable.

- ``REPORT_UTILS_SECTION_TIMEOUT`` (default 60 s): one section of a briefing, in the kernel; a
  section that takes longer fails with its name (``section_time_limit``).
- ``REPORT_UTILS_BRIEFING_TIMEOUT`` (default 300 s): all the sections of a briefing
  (``Briefing.sections()``, the notebook's cell that builds them), in the kernel; the section
  running when it runs out fails with its name.
- ``REPORT_UTILS_CELL_TIMEOUT`` (default 600 s): one cell of the notebook, papermill's
  ``execution_timeout``, for whatever the limits above do not stop (a cell's number is all it
  can name).

The shipped briefings take about 3 s for all their cells, a section well under 1 s: every
default fits them many times over.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from report_utils.environment import (
    BRIEFING_DEFAULT,
    BRIEFING_ENV,
    CELL_DEFAULT,
    CELL_ENV,
    SECTION_DEFAULT,
    SECTION_ENV,
    seconds,
)

# When the sections being built must end (monotonic clock), and the limit that set it.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("briefing_deadline", default=None)


def cell_seconds() -> int:
    """The cell limit in whole seconds (nbclient takes an int), at least 1."""
    return max(1, math.ceil(seconds(CELL_ENV, CELL_DEFAULT)))


class TimeLimitExceeded(Exception):
    """Raised inside the work a time limit stops."""


@contextmanager
def briefing_time_limit() -> Iterator[None]:
    """The sections built inside end within ``REPORT_UTILS_BRIEFING_TIMEOUT`` seconds (each
    ``section_time_limit`` stops at that deadline if it comes first)."""
    limit = seconds(BRIEFING_ENV, BRIEFING_DEFAULT)
    token = _DEADLINE.set((time.monotonic() + limit, limit))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


@contextmanager
def section_time_limit(what: str) -> Iterator[None]:
    """Stop the work inside after ``REPORT_UTILS_SECTION_TIMEOUT`` seconds, or at the briefing's
    deadline if that comes first, with ``TimeLimitExceeded`` naming ``what``. A real-time
    alarm, so only in the main thread (where a kernel runs its cells) and only when nothing else
    uses SIGALRM; elsewhere, no limit here (the cell's limit still holds)."""
    limit = seconds(SECTION_ENV, SECTION_DEFAULT)
    reason = f"took longer than {limit:g} s (the limit is {SECTION_ENV}, in seconds)"
    deadline = _DEADLINE.get()
    if deadline is not None and deadline[0] - time.monotonic() < limit:
        limit = deadline[0] - time.monotonic()
        reason = (
            f"ran past the briefing's limit of {deadline[1]:g} s for all its sections "
            f"({BRIEFING_ENV}, in seconds)"
        )
        if limit <= 0:
            raise TimeLimitExceeded(f"{what} {reason}")
    usable = (
        threading.current_thread() is threading.main_thread()
        and hasattr(signal, "setitimer")
        and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None)
    )
    if not usable:
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise TimeLimitExceeded(f"{what} {reason}")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
