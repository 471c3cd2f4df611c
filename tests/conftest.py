"""Shared fixtures. Synthetic data is made here, by the tests, in temporary folders, and marked as
such; the shipped data/ is never changed by a test."""

from __future__ import annotations

import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from report_utils import build
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR

SYNTHETIC_NOTE = "SYNTHETIC TEST DATA"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data folder that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    (target / "SYNTHETIC.txt").write_text(SYNTHETIC_NOTE + ": a copy changed by a test\n")
    return target


def append_rows(path: Path, *rows: str) -> None:
    """Append CSV rows (already formatted) to a table file."""
    with path.open("a", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write(row + "\n")


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default briefing (latest month, zh, HTML and PDF), built once with the real kernel,
    nbconvert and WeasyPrint. Returns the briefing's folder."""
    out = tmp_path_factory.mktemp("outputs")
    results = build.build(DATA_DIR, out, [], ["zh"], ["html", "pdf"], BRIEFING_NOTEBOOK)
    assert [r.error for r in results] == [""]
    return results[0].folder
