"""What a build creates outside its output files, and how it goes away on every exit path.

Everything temporary lives in one *scratch folder*, ``$TMPDIR/report-utils-scratch-XXXXXXXX/``:
kernel connection files and IPC sockets (``batch/kernels.py``) and, when the home folder cannot be
written, matplotlib's and IPython's settings folders (they would otherwise make temporary
folders of their own and leave them there). The process that opens it (the ``briefing`` command,
or the first process of an API user that needs one) holds a lock on its ``.owner`` file for as
long as it lives; its workers and their kernels find it through ``REPORT_UTILS_SCRATCH``.

Exit paths: a build that returns or raises removes its scratch folder and staging folders in its
``finally`` blocks; SIGTERM and SIGHUP are turned into ``SystemExit`` so that those blocks run
(``exit_on_signals``); Ctrl-C is a ``KeyboardInterrupt``, which runs them too. kill -9 runs
nothing: the next build removes every scratch folder whose owner is gone (its lock is free), and,
holding the output folder's lock, every ``.staging-*`` folder left in it.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from report_utils.environment import SCRATCH as ENV
from report_utils.environment import named_scratch
from report_utils.errors import ReportError

# A name no one else gives a folder: the sweep removes those of them whose build is gone (a
# plain "briefing-" once matched a test's own folder of that name, which a build then removed).
PREFIX = "report-utils-scratch-"
OWNER = ".owner"
STAGING = ".staging-"

_owned: tuple[Path, int] | None = None  # (folder, descriptor holding its lock)


def scratch() -> Path:
    """This build's scratch folder: the one the environment names (in a worker or a kernel of
    the build), else one this process opens now and removes at exit."""
    return named_scratch() or open_scratch()


_opening = threading.Lock()


def open_scratch() -> Path:
    """Create and own a scratch folder for this process and what it starts (idempotent), after
    removing those of builds that were killed."""
    global _owned
    with _opening:  # worker threads of one process may start their kernels at once
        if _owned is not None:
            return _owned[0]
        folder: Path | None = None
        try:
            base = Path(tempfile.gettempdir())
            sweep(base)
            folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
            descriptor = os.open(folder / OWNER, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            os.write(descriptor, f"{os.getpid()}\n".encode())  # written once locked: see sweep
        except OSError as exc:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            raise ReportError(_cannot_write_temporary(exc)) from None
        _owned = (folder, descriptor)
        os.environ[ENV] = str(folder)
        _settings_folders(folder)
        atexit.register(close_scratch)
        return folder


def _cannot_write_temporary(exc: OSError) -> str:
    """The message for a temporary folder that cannot be written, with the system's reason
    (``tempfile`` only says that it found no usable folder)."""
    where = os.environ.get("TMPDIR") or "/tmp"
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError) and exc.filename is None:  # tempfile's own probe
        try:
            with tempfile.TemporaryFile(dir=where) as probe:
                probe.write(b"x")
                probe.flush()
        except OSError as probe_error:
            reason = probe_error.strerror or str(probe_error)
    return f"cannot write to the temporary folder {where}: {reason}"


def close_scratch() -> None:
    """Remove this process's scratch folder (it and everything in it: nothing is kept)."""
    global _owned
    if _owned is None:
        return
    folder, descriptor = _owned
    _owned = None
    if os.environ.get(ENV) == str(folder):
        del os.environ[ENV]
    shutil.rmtree(folder, ignore_errors=True)
    os.close(descriptor)


def sweep(base: Path) -> None:
    """Remove the scratch folders in ``base`` whose owner is gone: their lock is free and they
    name an owner (a folder being created, whose owner has not written yet, is left alone).
    A folder without an owner file for a minute is one a dying kernel wrote into after its
    build removed it: removed too."""
    for folder in base.glob(f"{PREFIX}*"):
        try:
            descriptor = os.open(folder / OWNER, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                if folder.is_dir() and time.time() - folder.stat().st_mtime > 60:
                    shutil.rmtree(folder, ignore_errors=True)
            continue
        except OSError:
            continue  # not a scratch folder, or someone else's
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.read(descriptor, 32).strip():
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass  # its owner lives
        finally:
            os.close(descriptor)


def _settings_folders(folder: Path) -> None:
    """Point matplotlib and IPython into the scratch folder when their usual folders under the
    home folder cannot be made or written (they would otherwise each make a temporary folder
    per process and leave it behind)."""
    home = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")
    if "MPLCONFIGDIR" not in os.environ and not (
        _writable(config / "matplotlib") and _writable(cache / "matplotlib")
    ):
        os.environ["MPLCONFIGDIR"] = str(folder / "matplotlib")
    if "IPYTHONDIR" not in os.environ and not _writable(home / ".ipython"):
        os.environ["IPYTHONDIR"] = str(folder / "ipython")


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(path, os.W_OK)


def remove_staging(folder: Path) -> None:
    """Remove the ``.staging-*`` folders of one briefing's folder. Only for a caller that
    knows no run is using them: one holding the output lock, or whose run there has died."""
    for staging in Path(folder).glob(f"{STAGING}*"):
        shutil.rmtree(staging, ignore_errors=True)


def remove_interrupted(out_dir: Path) -> None:
    """Remove what interrupted builds left in an output folder: staging folders and temporary
    files of atomic writes. The caller holds the output folder's lock, so no build is using
    them."""
    out_dir = Path(out_dir)
    for folder in out_dir.glob("*/*/*"):  # OUT/<region>/<period>/<lang>
        if folder.is_dir() and not folder.is_symlink():
            remove_staging(folder)
            _unlink_all(folder.glob(".*.tmp"))
    _unlink_all([*out_dir.glob(".*.tmp"), *out_dir.glob(".write-test-*")])


def _unlink_all(paths) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def exit_on_signals() -> None:
    """SIGTERM and SIGHUP end this process the way an exception does, so that every
    ``finally`` block runs (outputs in staging removed, kernels and children ended, scratch
    folder removed). Only from the main thread."""

    def leave(signum: int, frame) -> None:
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):
            signal.signal(signum, leave)
