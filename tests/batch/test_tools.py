"""What a process keeps between briefings (``batch/tools.py``): a warm kernel and a PDF printer
per building thread, its own and not its parent's."""

from __future__ import annotations

import threading

from report_utils.batch.tools import tools


def test_a_forked_child_does_not_take_its_parents_kernel_or_printer():
    import multiprocessing

    tools.end()  # as after a build: the fork handlers must still see the dictionaries
    kernel = tools.kernel()  # this thread's (not started: nothing to close)
    tools._printers[threading.get_ident()] = None  # stands for this thread's printer
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        inherited = pool.apply(_what_a_child_inherits)
    assert inherited == (0, 0)
    assert tools.kernel() is kernel  # the parent keeps its own
    tools._printers.clear()


def _what_a_child_inherits() -> tuple[int, int]:
    return len(tools._kernels), len(tools._printers)
