"""A kernel process started before it is needed: ``python -m report_utils.build.kernel_launcher``.

It imports what every briefing imports (pandas, seaborn, matplotlib, the package) while the build
is still checking data and parameters, then waits for one line on stdin: JSON with the kernel's
arguments (``-f <connection file>``), working folder and environment. Only then does it become an
ipykernel, exactly as ``python -m ipykernel_launcher`` would. No line (end of input: the build did
not need it, or went away) means it exits without ever having been a kernel.

Hand-written because jupyter_client has no notion of a pre-started kernel process; see
``report_utils.build.kernels`` for the side that hands the arguments over.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys


def main() -> None:
    # As ipykernel_launcher does: nothing is imported from the working folder while loading.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    # ipykernel sets this default when it starts; matplotlib reads it when imported, which is now.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    # The shell and debugger a kernel sets up; pandas, seaborn, matplotlib and data loading.
    # A failure here is left to the notebook's own import, which reports it with its traceback.
    with contextlib.suppress(Exception):
        import ipykernel.ipkernel
        import ipykernel.kernelapp  # noqa: F401

        import report_utils.briefing.report  # noqa: F401
    line = sys.stdin.readline()
    if not line.strip():
        return
    request = json.loads(line)
    if request.get("cwd"):
        os.chdir(request["cwd"])
    if request.get("env") is not None:
        os.environ.clear()
        os.environ.update(request["env"])
    sys.argv = [sys.argv[0], *request["argv"]]

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
