"""One briefing to build (``batch/job.py``): a job's paths, the inputs its manifest records and a
run whose data changes under it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from conftest import HOME

from report_utils.batch import digests
from report_utils.batch import execute as build
from report_utils.batch.job import Job, read_manifest
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR
from report_utils.tables.load import load_dataset

FIGURES = Path("figures") / "guizhou-industry-2021.csv"


def test_a_jobs_paths_are_resolved_where_it_is_made(tmp_path, monkeypatch):
    """A job travels to other processes and machines (a Dask worker works in a folder of its
    own): a relative --data names this machine's folder wherever the job is read."""

    monkeypatch.chdir(DATA_DIR.parent)
    month = load_dataset(DATA_DIR).months()[-1]
    job = Job(Path(DATA_DIR.name), Path("out"), month, "zh", region=HOME)
    monkeypatch.chdir(tmp_path)
    assert job.data_dir == DATA_DIR
    assert job.parameters()["data_dir"] == str(DATA_DIR)
    assert job.folder.is_relative_to(DATA_DIR.parent / "out")


@pytest.mark.e2e
def test_the_manifest_records_the_inputs_the_plan_hashed(default_build: Path):
    manifest = read_manifest(default_build)
    assert manifest["inputs"]["files"] == digests.file_hashes(DATA_DIR)
    assert manifest["inputs"]["data_dir"] == str(DATA_DIR.resolve())


# Code of a last notebook cell that changes the data the run read (its folder as ``{data}``).
REMOVE_DATA = "import shutil\nshutil.rmtree({data!r})"
EDIT_A_TABLE = (
    "from pathlib import Path\n"
    "path = Path({data!r}) / {table!r}\n"
    "path.write_text(path.read_text(encoding='utf-8').replace(',11.7,', ',11.8,', 1), 'utf-8')"
)


@pytest.mark.e2e
@pytest.mark.parametrize("change", [REMOVE_DATA, EDIT_A_TABLE], ids=["removed", "edited"])
def test_data_that_changes_during_the_run_fails_it(data_copy: Path, tmp_path: Path, change):
    """Deleting the data folder during the PDF step gave "built", with an empty list of inputs
    in the manifest. The change is made by the notebook's last cell (after the briefing read
    the data, before its outputs are complete): at a known point of the run, not by a thread
    racing the PDF step."""
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    code = change.format(data=str(data_copy), table=str(FIGURES))
    nb.cells.append(nbformat.v4.new_code_cell(code))
    notebook = tmp_path / "briefing.ipynb"
    nbformat.write(nb, notebook)
    out = tmp_path / "out"
    job = Job(data_copy, out, "2021-12", "zh", notebook=notebook, region=HOME)

    result = build.build_one(job)

    assert result.status == "failed", result
    assert result.error.startswith("the data changed while the briefing was built"), result.error
    assert "figures/guizhou-industry-2021.csv" in result.error
    assert not (job.folder / "manifest.json").exists()
    assert not (job.folder / "briefing.pdf").exists()
    assert not [p for p in job.folder.iterdir() if p.name.startswith(".staging")]
