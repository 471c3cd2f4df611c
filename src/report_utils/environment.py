"""The environment variables a build takes as inputs, each read and checked here, and ``check``,
which a build calls before it plans (and a kernel's start before it starts), so that a bad value
is one line naming the variable, never a kernel that fails on it (IPython reads
``SOURCE_DATE_EPOCH`` with ``int()`` as it starts, matplotlib when it saves).

Checked: ``SOURCE_DATE_EPOCH`` (the date the PDF's embedded files carry),
``REPORT_UTILS_PDF_TIMEOUT`` (seconds a PDF may take), the time limits of ``limits``
(``REPORT_UTILS_SECTION_TIMEOUT``, ``..._BRIEFING_TIMEOUT``, ``..._CELL_TIMEOUT``),
``REPORT_UTILS_ROOT`` (read by ``paths`` at import; checked here, where a message can be
given), and the settings folders a kernel uses, ``IPYTHONDIR`` and ``MPLCONFIGDIR`` (IPython
fails to start on a folder it cannot make; an empty one is the working folder).
Not checked, with reasons: ``REPORT_UTILS_SCRATCH`` is set by the build for its own workers and
kernels, and one that names no folder is ignored (``named_scratch``); ``TMPDIR`` is Python's
(``tempfile`` skips an unusable one, and ``cleanup`` says which folder it could not write);
``XDG_CONFIG_HOME`` and ``XDG_CACHE_HOME`` are only asked whether matplotlib can write there,
and when it cannot the build gives it a folder of its own.
"""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime
from pathlib import Path

from report_utils.errors import ReportError

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
PDF_TIMEOUT = "REPORT_UTILS_PDF_TIMEOUT"
DEFAULT_PDF_TIMEOUT = 60.0
# Time limits of a build (``limits``): variable, default seconds.
SECTION_ENV, SECTION_DEFAULT = "REPORT_UTILS_SECTION_TIMEOUT", 60.0
BRIEFING_ENV, BRIEFING_DEFAULT = "REPORT_UTILS_BRIEFING_TIMEOUT", 300.0
CELL_ENV, CELL_DEFAULT = "REPORT_UTILS_CELL_TIMEOUT", 600.0
ROOT = "REPORT_UTILS_ROOT"
SCRATCH = "REPORT_UTILS_SCRATCH"  # set by a build for its workers and kernels (batch.cleanup)
KERNEL_FOLDERS = ("IPYTHONDIR", "MPLCONFIGDIR")
LATEST_DATE = 253402300799  # 9999-12-31T23:59:59Z: the last a PDF date can say


def source_date() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as a date, None when it is not set. Set, it must be a whole number
    of seconds since 1970 (the reproducible-builds convention): empty is refused too, since
    IPython and matplotlib would read it as set."""
    text = os.environ.get(SOURCE_DATE_EPOCH)
    if text is None:
        return None
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or int(digits) > LATEST_DATE:
        raise ReportError(
            f"{SOURCE_DATE_EPOCH} must be a whole number of seconds since 1970, got {text!r}"
        )
    return datetime.fromtimestamp(int(digits), UTC)


def seconds(name: str, default: float) -> float:
    """Seconds from the environment variable ``name``, ``default`` when it is not set; set, it
    must be a number above 0 (empty is refused: it reads as set)."""
    text = os.environ.get(name)
    if text is None:
        return default
    try:
        found = float(text)
    except ValueError:
        found = math.nan
    if not (math.isfinite(found) and found > 0):
        raise ReportError(f"{name} must be a number of seconds above 0, got {text!r}")
    return found


def pdf_timeout() -> float:
    """Seconds a PDF may take (``REPORT_UTILS_PDF_TIMEOUT``, default 60)."""
    return seconds(PDF_TIMEOUT, DEFAULT_PDF_TIMEOUT)


def check_time_limits() -> None:
    """The limits ``limits`` reads: the section and briefing ones in the kernel, the cell one
    where papermill runs."""
    for name, default in (
        (SECTION_ENV, SECTION_DEFAULT),
        (BRIEFING_ENV, BRIEFING_DEFAULT),
        (CELL_ENV, CELL_DEFAULT),
    ):
        seconds(name, default)


def check_root() -> None:
    """``REPORT_UTILS_ROOT``, when set, names a folder (``paths`` derives the default data,
    notebook and output folders from it)."""
    text = os.environ.get(ROOT)
    if text is not None and not (text.strip() and Path(text).is_dir()):
        raise ReportError(f"{ROOT} must name the project's folder, got {text!r}")


def check_kernel_folders() -> None:
    """``IPYTHONDIR`` and ``MPLCONFIGDIR``, when set, name folders that can be made and
    written."""
    for name in KERNEL_FOLDERS:
        text = os.environ.get(name)
        if text is not None and not (text.strip() and _writable(Path(text))):
            raise ReportError(f"{name} must name a folder this user can write, got {text!r}")


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)  # what IPython and matplotlib do with it
    except OSError:
        return False
    return path.is_dir() and os.access(path, os.W_OK | os.X_OK)


def check_kernel() -> None:
    """What a kernel reads from the environment, before one starts (in any process that starts
    one: a Dask worker has an environment of its own)."""
    source_date()
    check_kernel_folders()
    check_time_limits()


def check() -> None:
    """Every environment input of a build; a ``ReportError`` naming the first bad one."""
    check_root()
    check_kernel()
    pdf_timeout()


def named_scratch() -> Path | None:
    """The build's scratch folder when this process runs in a build (its workers, kernels and
    printer children inherit ``REPORT_UTILS_SCRATCH``), else None; one that names no folder is
    ignored."""
    named = os.environ.get(SCRATCH)
    return Path(named) if named and Path(named).is_dir() else None
