"""Interrupted builds leave nothing behind: no ``.staging-*`` folder in the output, no kernel
socket, connection file or settings folder in the temporary folder, no process. Each case
interrupts a real ``briefing build`` with a real signal while its kernel runs, with TMPDIR set to
a folder of the test's own (short: socket paths are limited to about 100 bytes)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BRIEFING = ROOT / ".venv" / "bin" / "briefing"

pytestmark = pytest.mark.e2e


@pytest.fixture
def tmpdir_env() -> Iterator[tuple[Path, dict[str, str]]]:
    folder = Path(tempfile.mkdtemp(prefix="bt-", dir="/tmp"))
    try:
        yield folder, {**os.environ, "TMPDIR": str(folder)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start(out: Path, env: dict[str, str], *args: str) -> subprocess.Popen:
    """``briefing build --force --format html ARGS`` (a later ``--format`` wins)."""
    return subprocess.Popen(
        [str(BRIEFING), "build", "--out", str(out), "--force", "--format", "html", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell gives a command
    )


def _wait_for_kernels(out: Path, count: int, process: subprocess.Popen) -> None:
    """Until ``count`` runs are inside a cell of the notebook (papermill saves the notebook
    with the cell's status "running" when the cell starts): their kernels are working."""
    deadline = time.monotonic() + 120
    while _running(out) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the runs did not start"
        time.sleep(0.05)


def _running(out: Path) -> int:
    """How many runs have a notebook cell running."""
    running = 0
    for path in out.glob("*/*/*/.staging-*/briefing.ipynb"):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError):  # being written, or gone
            continue
        running += any(
            cell.get("metadata", {}).get("papermill", {}).get("status") == "running"
            and "injected-parameters" not in cell.get("metadata", {}).get("tags", [])
            for cell in cells
        )
    return running


def _processes_left(tmp: Path, pgid: int) -> list[int]:
    """Live processes of the build: in its process group, or started by it in sessions of their
    own (kernels, PDF printers), which inherit the TMPDIR this test gave it."""
    mark = f"\0TMPDIR={tmp}\0".encode()
    left = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            environ = b"\0" + Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if fields[0] != "Z" and (int(fields[2]) == pgid or mark in environ):
            left.append(int(entry))
    return left


def _left(tmp: Path, out: Path, pgid: int, seconds: float = 10) -> tuple[list, list, list]:
    """What is left once the build's processes had time to end: files in TMPDIR, staging
    folders in the output, live processes."""
    deadline = time.monotonic() + seconds
    while _processes_left(tmp, pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return (
        sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*")),
        sorted(str(p.relative_to(out)) for p in out.rglob(".staging-*")),
        _processes_left(tmp, pgid),
    )


def test_sigterm_leaves_nothing(tmp_path, tmpdir_env):
    tmp, env = tmpdir_env
    out = tmp_path / "out"
    build = _start(out, env, "--lang", "zh")
    _wait_for_kernels(out, 1, build)
    build.send_signal(signal.SIGTERM)
    build.communicate(timeout=60)
    assert build.returncode != 0
    assert _left(tmp, out, build.pid) == ([], [], [])


def test_ctrl_c_of_a_batch_leaves_nothing(tmp_path, tmpdir_env):
    """Ctrl-C of a ``-j 2`` batch left ten kernel sockets and connection files in $TMPDIR."""
    tmp, env = tmpdir_env
    out = tmp_path / "out"
    build = _start(out, env, "--lang", "zh", "--lang", "en", "-j", "2")
    _wait_for_kernels(out, 2, build)
    os.killpg(build.pid, signal.SIGINT)  # what the terminal sends the foreground group
    _, stderr = build.communicate(timeout=60)
    assert build.returncode != 0
    assert "Traceback" not in stderr
    assert _left(tmp, out, build.pid) == ([], [], [])


def test_a_later_build_removes_what_a_killed_one_left(tmp_path, tmpdir_env):
    """After kill -9 a build cannot clean up: ``.staging-*/briefing.ipynb`` stayed in the output
    folder and five kernel files in $TMPDIR, and nothing ever removed them."""
    tmp, env = tmpdir_env
    out = tmp_path / "out"
    build = _start(out, env, "--lang", "zh")
    _wait_for_kernels(out, 1, build)
    os.killpg(build.pid, signal.SIGKILL)
    build.communicate(timeout=60)
    litter, staging, _ = _left(tmp, out, build.pid)
    assert litter and staging  # what kill -9 cannot avoid

    later = _start(out, env, "--lang", "en")  # another briefing: nothing of the first is reused
    _, stderr = later.communicate(timeout=120)
    assert later.returncode == 0, stderr
    assert _left(tmp, out, later.pid) == ([], [], [])


def test_an_unwritable_home_leaves_no_settings_folders(tmp_path, tmpdir_env):
    """With HOME unwritable, matplotlib and IPython made temporary settings folders in $TMPDIR
    that stayed there."""
    tmp, env = tmpdir_env
    env = {**env, "HOME": "/proc/no-home"}  # cannot be made, even by root
    for name in ("MPLCONFIGDIR", "IPYTHONDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    out = tmp_path / "out"
    result = _start(out, env, "--lang", "zh", "--format", "html,pdf")
    _, stderr = result.communicate(timeout=240)
    assert result.returncode == 0, stderr
    assert len(list(out.glob("*/*/zh/briefing.pdf"))) == 1
    assert _left(tmp, out, result.pid) == ([], [], [])


def test_threads_that_open_the_scratch_folder_at_once_share_one(tmpdir_env):
    """A Dask worker's threads may start their kernels at once: one scratch folder, owned once,
    and gone when the process ends. (Without the lock, one run in three made two here.)"""
    import sys

    tmp, env = tmpdir_env
    env.pop("REPORT_UTILS_SCRATCH", None)
    code = (
        "import threading\n"
        "from report_utils.batch import cleanup\n"
        "barrier, got = threading.Barrier(8), []\n"
        "def open_it():\n"
        "    barrier.wait()\n"
        "    got.append(cleanup.open_scratch())\n"
        "threads = [threading.Thread(target=open_it) for _ in range(8)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "made = sorted(p.name for p in cleanup.Path(cleanup.tempfile.gettempdir()).glob("
        "cleanup.PREFIX + '*'))\n"
        "print(len(set(got)), len(made))\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["1", "1"]
    assert not list(tmp.glob("report-utils-scratch-*"))  # removed at exit


def test_the_sweep_leaves_other_folders_alone(tmp_path):
    """Only the build's own scratch folders are swept: a folder of another program (or of a
    test) whose name starts like a briefing's, old and without an owner, stays."""
    from report_utils.batch import cleanup

    theirs = tmp_path / "briefing-cluster-abc"
    (theirs / "worker-0").mkdir(parents=True)
    ours = tmp_path / f"{cleanup.PREFIX}abc"  # a dead kernel's leftovers in a removed one
    ours.mkdir()
    old = time.time() - 120
    for folder in (theirs, ours):
        os.utime(folder, (old, old))
    cleanup.sweep(tmp_path)
    assert theirs.is_dir() and (theirs / "worker-0").is_dir()
    assert not ours.exists()
