"""The layout check an analyst runs (``report_utils.layout``): ``briefing build`` warns about thin
pages of the briefings it built, and ``briefing validate --layout`` reports the briefings of an
output folder, with the measure the project's tests use (``export.measure``). The briefing is
the SYNTHETIC release (tests/briefing/synthetic_release.py), built with an analyst's own copy of
the notebook (``--notebook``) that starts the sections on a new page: its summary page is short,
as a page an analyst's layout leaves thin would be."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

# the synthetic data sets live beside the briefing tests (pytest puts that folder on the path
# only for the tests inside it)
sys.path.insert(0, str(Path(__file__).parent / "briefing"))
import synthetic_release

pytestmark = pytest.mark.e2e
THIN = re.compile(r"briefing\.pdf:(\d+): -: warning: page \1 of (\d+) is (\d+)% full")


def briefing(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "report_utils", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _page_break_notebook(folder: Path) -> Path:
    """The briefing notebook with a cell before the sections that puts a page break in the PDF
    (a Typst output of its own): what an analyst's layout choice can do to page 1."""
    from report_utils.paths import BRIEFING_NOTEBOOK

    nb = json.loads(BRIEFING_NOTEBOOK.read_text(encoding="utf-8"))
    [at] = [i for i, c in enumerate(nb["cells"]) if "".join(c["source"]) == "brief.sections()"]
    code = 'display({"text/vnd.typst": "#pagebreak()", "text/plain": ""}, raw=True)'
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    nb["cells"].insert(at, {**cell, "id": "page-break", "source": [code]})
    path = folder / "briefing.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


def test_build_warns_of_a_thin_page_and_validate_reports_it(tmp_path: Path) -> None:
    data, out = synthetic_release.make(tmp_path), tmp_path / "out"
    notebook = _page_break_notebook(tmp_path)
    built = briefing(
        "build", "--data", str(data), "--out", str(out), "--lang", "en", "--period", "2021-12",
        "--notebook", str(notebook),
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr  # a warning fails nothing
    warned = THIN.search(built.stderr)
    assert warned is not None, built.stderr
    assert int(warned.group(3)) < 34 and int(warned.group(1)) < int(warned.group(2))

    checked = briefing("validate", "--data", str(data), "--layout", "--out", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert THIN.search(checked.stdout).group(0) == warned.group(0)
    # without --layout, validate reads only the data
    assert "warning: page" not in briefing("validate", "--data", str(data)).stdout
