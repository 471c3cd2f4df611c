"""The committed notebooks: thin, without outputs, with a papermill parameters cell."""

import re

import nbformat
import papermill as pm
import pytest
from conftest import section_ids

from report_utils.paths import NOTEBOOKS_DIR

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell(path):
    params = pm.inspect_notebook(str(path))
    assert set(params) == {"period", "lang", "data_dir", "compare", "region"}
    assert params["lang"]["default"] == '"zh"'
    assert params["period"]["default"] == "None"
    assert params["region"]["default"] == "None"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_are_thin_calls_without_numbers(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        assert len(lines) <= 3, cell.source
        assert not re.search(r"\d", cell.source), f"a number typed into the notebook: {cell.source}"
        assert "print(" not in cell.source


@pytest.mark.e2e
def test_runs_top_to_bottom_with_its_defaults(tmp_path):
    """As an analyst runs it in JupyterLab: no injected parameters, the notebook's own folder as
    the working directory, every cell in order."""
    from report_utils.batch.kernels import IPCKernelManager

    out = tmp_path / "executed.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / "briefing.ipynb"),
        str(out),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS_DIR),
        kernel_manager_class=IPCKernelManager,
    )
    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type in ("error", "stream")]
    blocks = [[o for o in c.outputs if "text/html" in o.get("data", {})] for c in code[1:]]
    assert all(blocks)  # every cell but the parameters shows a block
    # brief.sections() shows each section of the spec as its own output
    sections = next(b for c, b in zip(code[1:], blocks, strict=True) if "sections()" in c.source)
    assert len(sections) == len(section_ids())
    assert [re.search(r'id="sec-([^"]+)"', o.data["text/html"]).group(1) for o in sections] == (
        section_ids()
    )
