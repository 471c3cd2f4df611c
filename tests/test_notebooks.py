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


PARAMETERS = {
    "briefing.ipynb": {"period", "lang", "data_dir", "compare", "region"},
    "explore.ipynb": {"data_dir", "lang", "regions", "periods"},
    "checks.ipynb": {"data_dir"},
}


def test_every_notebook_is_known_here():
    assert {p.name for p in NOTEBOOKS} == set(PARAMETERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell(path):
    params = pm.inspect_notebook(str(path))
    assert set(params) == PARAMETERS[path.name]
    assert params["data_dir"]["default"] == "None"
    if "lang" in params:
        assert params["lang"]["default"] == '"zh"'
    for name in ("period", "region", "periods", "regions"):
        if name in params:
            assert params[name]["default"] == "None"


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


# --- the analyst's notebooks (issue 21): run by papermill on a real kernel ----------------------


def _execute(name: str, out, **parameters):
    from report_utils.batch.kernels import IPCKernelManager

    pm.execute_notebook(
        str(NOTEBOOKS_DIR / name),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS_DIR),
        kernel_manager_class=IPCKernelManager,
    )
    nb = nbformat.read(out, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type in ("error", "stream")]
    return {c.source: c.outputs for c in code}


def _data(outputs) -> dict:
    (result,) = [o for o in outputs if o.output_type == "execute_result"]
    return result.data


@pytest.mark.e2e
def test_explore_shows_tables_coverage_and_what_each_briefing_would_show(tmp_path):
    from report_utils.desk import explore

    outputs = _execute("explore.ipynb", tmp_path / "explore.ipynb", lang="en")
    data = explore.dataset()
    counts = next(v for k, v in outputs.items() if k.startswith("tables ="))
    assert f"'figures': {len(data.figures)}" in _data(counts)["text/plain"]
    coverage = _data(outputs["coverage = explore.coverage(data)\ncoverage"])
    assert "<table" in coverage["text/html"]
    assert "image/png" in _data(outputs["explore.coverage_chart(coverage)"])  # a figure, drawn
    shown = _data(next(v for k, v in outputs.items() if k.startswith("explore.briefings")))
    for section in section_ids():
        assert section in shown["text/html"]


@pytest.mark.e2e
def test_checks_lists_every_problem_and_rule_even_when_the_data_has_errors(tmp_path, data_copy):
    from report_utils.briefing.checks import validate

    clean = _execute("checks.ipynb", tmp_path / "clean.ipynb")
    rules = _data(clean["rules = quality.rules(data_dir)\nrules"])["text/html"]
    assert "projects-started-rate" in rules and "mismatch" in rules
    assert "image/png" in _data(clean["quality.rules_chart(rules)"])
    # a bad cell: the problem is listed, the rules table is empty, nothing fails
    path = data_copy / "figures" / "guizhou-industry-2021.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",11.7,", ",eleven,", 1), "utf-8")
    broken = _execute("checks.ipynb", tmp_path / "broken.ipynb", data_dir=str(data_copy))
    table = _data(broken["from report_utils.desk import quality\n\nproblems = "
                         "quality.problems(data_dir)\nproblems"])["text/html"]  # fmt: skip
    _, problems = validate(data_copy)
    assert any(p.severity == "error" for p in problems)
    assert table.split("<tbody>")[1].count("<tr>") == len(problems)  # every one, one run
    assert "expected a number: 'eleven'" in table
    assert (
        "projects-started-rate"
        not in _data(broken["rules = quality.rules(data_dir)\nrules"])["text/html"]
    )
    assert "image/png" in _data(broken["quality.problems_chart(problems)"])


@pytest.mark.e2e
def test_the_briefing_hands_the_analyst_a_dataframe_and_figures(tmp_path):
    """What the briefing notebook's markdown documents: ``brief.figures_table()`` and
    ``brief.chart_figures()``, run after the notebook's own cells, on its kernel."""
    nb = nbformat.read(NOTEBOOKS_DIR / "briefing.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import matplotlib.figure, pandas\n"
            "table = brief.figures_table()\n"
            "figures = brief.chart_figures()\n"
            "assert isinstance(table, pandas.DataFrame) and len(table)\n"
            "assert table['shown'].str.fullmatch(r'F\\d+').any()\n"
            "assert all(isinstance(f, matplotlib.figure.Figure) "
            "for fs in figures.values() for f in fs)\n"
            "assert sum(map(len, figures.values())) >= 1\n"
            "figures['growth'][0]"
        )
    )
    source = tmp_path / "briefing.ipynb"
    nbformat.write(nb, source)
    out = tmp_path / "executed.ipynb"
    pm.execute_notebook(str(source), str(out), kernel_name="python3", progress_bar=False)
    executed = nbformat.read(out, as_version=4)
    assert "image/png" in _data(executed.cells[-1].outputs)  # a chart is shown as an image
    _cards_are_styled_in_a_notebook_front_end_only(executed)


def _cards_are_styled_in_a_notebook_front_end_only(executed) -> None:
    """nbconvert's own HTML (JupyterLab's look) carries the cards' rules of briefing.css; the
    briefing's HTML has its whole CSS once, in its head, and no notebook-only output."""
    from nbconvert import HTMLExporter

    from report_utils.briefing.notebook_style import card_css
    from report_utils.export.exporters import BriefingHTMLExporter

    plain, _ = HTMLExporter(template_name="lab").from_notebook_node(executed)
    assert ".card .big { font-size: 1.9em;" in card_css()
    assert card_css() in plain
    assert plain.index(card_css()) < plain.index('class="cards"')  # styled before shown
    briefing, _ = BriefingHTMLExporter().from_notebook_node(executed)
    assert briefing.count("<style") == 1 and card_css() not in briefing
