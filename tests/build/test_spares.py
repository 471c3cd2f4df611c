"""Spare kernel processes: a real spare becomes the real kernel of a build, gives the same
briefing as a freshly started kernel, and a spare that died or was not needed costs nothing."""

import os
import signal
import sys
from pathlib import Path

import nbformat
import pytest

from report_utils.build import spares
from report_utils.build.execute import Job, build_one
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR
from report_utils.tables.load import load_dataset

pytestmark = pytest.mark.e2e
LATEST = load_dataset(DATA_DIR).latest_month()


@pytest.fixture(autouse=True)
def _no_spare_left():
    spares.release()
    yield
    spares.release()


def _pid_notebook(tmp_path: Path) -> Path:
    """The briefing notebook with a last cell that prints the kernel's process id."""
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nprint(os.getpid())"))
    path = tmp_path / "briefing.ipynb"
    nbformat.write(nb, path)
    return path


def _kernel_pid(folder: Path) -> int:
    nb = nbformat.read(folder / "briefing.ipynb", as_version=4)
    return int(nb.cells[-1].outputs[0]["text"].strip())


def _build(tmp_path: Path, name: str, notebook: Path):
    job = Job(DATA_DIR, tmp_path / name, LATEST, "zh", ("html",), notebook=notebook)
    result = build_one(job)
    assert result.status == "built", result.error
    return job.folder


def test_the_spare_becomes_the_kernel_and_the_briefing_is_the_same(tmp_path):
    notebook = _pid_notebook(tmp_path)
    fresh = _build(tmp_path, "fresh", notebook)

    spares.reserve(1)
    spare = spares._spares.process
    assert spare is not None
    with_spare = _build(tmp_path, "spare", notebook)

    assert _kernel_pid(with_spare) == spare.pid  # the build used the spare process
    assert _kernel_pid(fresh) != spare.pid
    assert spares._spares.process is None  # one reserved, one used: no replacement started
    assert (with_spare / "briefing.html").read_bytes() == (fresh / "briefing.html").read_bytes()
    assert spare.poll() is not None  # the kernel was shut down after the run


def test_a_dead_spare_falls_back_to_a_fresh_kernel(tmp_path):
    spares.reserve(1)
    spare = spares._spares.process
    assert spare is not None
    os.kill(spare.pid, signal.SIGKILL)
    spare.wait()
    folder = _build(tmp_path, "out", _pid_notebook(tmp_path))
    assert _kernel_pid(folder) != spare.pid


def test_more_kernels_reserved_means_a_replacement_spare(tmp_path):
    spares.reserve(2)
    first = spares.take()
    assert first is not None
    replacement = spares._spares.process
    assert replacement is not None and replacement.pid != first.pid
    spares.end(first)
    spares.release()
    assert replacement.poll() is not None and spares._spares.process is None


def test_an_unneeded_spare_exits_on_end_of_input():
    spares.reserve(1)
    spare = spares._spares.process
    assert spare is not None and spare.stdin is not None
    spares._spares.process = None  # let it go the way a build that needed none does
    spare.stdin.close()
    assert spare.wait(timeout=60) == 0  # it finished its imports, read nothing and ended


def test_a_spare_serves_only_a_kernel_it_can_be(tmp_path):
    from report_utils.build.kernels import _spare_can_serve

    launcher = [sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"]
    assert _spare_can_serve(launcher, str(spares.SPARE_CWD))
    assert _spare_can_serve(launcher, str(tmp_path))  # no matplotlibrc there
    (tmp_path / "matplotlibrc").write_text("lines.linewidth: 9\n")
    assert not _spare_can_serve(launcher, str(tmp_path))  # its settings are read on import
    assert not _spare_can_serve(["/usr/bin/python3", *launcher[1:]], str(spares.SPARE_CWD))
    assert not _spare_can_serve([sys.executable, "-m", "other_kernel"], str(spares.SPARE_CWD))


def test_a_spare_that_cannot_be_started_is_no_spare(monkeypatch):
    def no_process(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(spares.subprocess, "Popen", no_process)
    spares.reserve(2)  # nothing raised: kernels will start the ordinary way
    assert spares._spares.process is None
    assert spares.take() is None
