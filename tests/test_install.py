"""The package installed without ``-e``, as a user of papermill or Quarto installs a tool: built
as a wheel from a copy of the project, installed into a fresh virtual environment (its
dependencies taken from this environment, which the lock pinned), and run from a folder that
is not the checkout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import nbformat
import pytest

from report_utils.paths import CHECKOUT, DATA_DIR

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment with the package installed from its wheel; its ``bin`` folder."""
    base = tmp_path_factory.mktemp("install")
    project = base / "project"
    project.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(CHECKOUT / name, project / name)
    for name in ("src", "notebooks"):
        shutil.copytree(CHECKOUT / name, project / name, ignore=ignore)
    wheels = base / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, project],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    fresh = base / "venv"
    venv.create(fresh, with_pip=True)
    (wheel,) = wheels.glob("report_utils-*.whl")
    pip = subprocess.run(
        [fresh / "bin" / "pip", "install", "--no-deps", "-q", wheel],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    # The dependencies: this environment's, after the fresh one's own site-packages (a line of
    # a .pth file is a folder on the path; the .pth files in that folder are not read, so this
    # environment's editable install of report_utils stays out).
    (site,) = (fresh / "lib").glob("python3*/site-packages")
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return fresh / "bin"


def run(bin_dir: Path, cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REPORT_UTILS_ROOT"}
    # nbconvert's base templates are data files of the environment the dependencies are in
    env["JUPYTER_PATH"] = str(Path(sysconfig.get_path("data"), "share", "jupyter"))
    return subprocess.run(
        [bin_dir / "briefing", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=300,
    )  # fmt: skip


def test_it_is_the_installed_copy(installed, tmp_path):
    where = subprocess.run(
        [installed / "python", "-c", "import report_utils; print(report_utils.__file__)"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert str(installed.parent) in where.stdout


def test_the_data_and_outputs_are_those_of_the_folder_it_runs_in(installed, tmp_path):
    missing = run(installed, tmp_path, "validate")
    assert missing.returncode == 1
    assert missing.stdout.strip() == "data:0: -: data folder is missing"
    shutil.copytree(DATA_DIR, tmp_path / "data")
    result = run(installed, tmp_path, "build", "--lang", "zh", "--format", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    (html,) = (tmp_path / "outputs").glob("*/*/zh/briefing.html")
    manifest = json.loads((html.parent / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"]["data_dir"] == str(tmp_path / "data")


def test_build_with_data_and_notebook_options(installed, tmp_path):
    notebook = tmp_path / "mine.ipynb"
    nb = nbformat.read(CHECKOUT / "notebooks" / "briefing.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("An analyst's own notebook."))
    nbformat.write(nb, notebook)
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = tmp_path / "out"
    result = run(
        installed, work, "build", "--data", DATA_DIR, "--out", out, "--notebook", notebook,
        "--lang", "zh", "--format", "html",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    (executed,) = out.glob("*/*/zh/briefing.ipynb")
    cells = nbformat.read(executed, as_version=4).cells
    assert cells[-1].source == "An analyst's own notebook."
    missing = run(installed, work, "build", "--notebook", tmp_path / "none.ipynb")
    assert missing.returncode == 2 and "none.ipynb" in missing.stderr
