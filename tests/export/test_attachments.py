"""The files a PDF carries, made from a notebook's record (``export.attachments``)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import nbformat
import pytest
from nbformat import v4

from report_utils.briefing.record import MIMETYPE
from report_utils.errors import ReportError
from report_utils.export.attachments import SOURCE_DATE_ENV, attachments, files_date

# Synthetic: made here for the test, not data of any source.
RECORD = {
    "lineage": [
        {
            "ref": "F1",
            "figure": "增加值（测试省，2021年）",
            "shown": "11.7%",
            "value": "11.7",
            "unit": "%",
            "status": "reported",
            "formula": "",
            "source": "synthetic",
            "rows": "figures/a.csv:2",
            "quote": "增长**11.7%**",
        }
    ],
    "rows": [
        {"file": "figures/a.csv", "line": 2, "cells": {"indicator": "va", "value": "11.7"}},
        {"file": "events/b.csv", "line": 5, "cells": {"id": "ev-1", "title_zh": "大会, 召开"}},
        {"file": "figures/c.csv", "line": 3, "cells": {"indicator": "inv", "note": "x"}},
    ],
}


def _notebook(with_record: bool):
    nb = v4.new_notebook()
    cell = v4.new_code_cell("brief.sources()")
    data = {"text/html": "<section></section>", "text/plain": "sources"}
    if with_record:
        data[MIMETYPE] = RECORD
    cell.outputs = [v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    nb.metadata["papermill"] = {"end_time": "2026-11-30T08:00:00.5+00:00"}
    return nb


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_a_notebook_with_a_record_carries_its_lineage_and_rows_per_table():
    files = {a.name: a for a in attachments(_notebook(True))}
    assert list(files) == ["briefing.ipynb", "lineage.csv", "data-events.csv", "data-figures.csv"]
    assert nbformat.reads(files["briefing.ipynb"].data.decode(), as_version=4).cells
    assert _rows(files["lineage.csv"].data)[0]["quote"] == "增长**11.7%**"
    figures = _rows(files["data-figures.csv"].data)
    # one table, two files with different columns: the union, empty where a file has none
    assert [r["file"] for r in figures] == ["figures/a.csv", "figures/c.csv"]
    assert figures[0]["note"] == "" and figures[1]["note"] == "x"
    assert _rows(files["data-events.csv"].data)[0]["title_zh"] == "大会, 召开"  # quoted comma
    assert all(a.data.startswith(b"\xef\xbb\xbf") for n, a in files.items() if n.endswith(".csv"))


def test_a_notebook_without_a_sources_block_carries_only_itself():
    assert [a.name for a in attachments(_notebook(False))] == ["briefing.ipynb"]


def test_the_carried_notebook_keeps_code_and_outputs_but_not_the_facts_of_its_run():
    nb = _notebook(True)
    nb.metadata["papermill"].update(
        {"parameters": {"lang": "zh"}, "input_path": "/a/b.ipynb", "duration": 3.2}
    )
    nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-11-30T08:00:00Z"}
    nb.cells[0].metadata["papermill"] = {"duration": 0.4}
    nb.cells[0].metadata["tags"] = ["injected-parameters"]
    nb.cells[0].id = "4e7050ab"
    files = {a.name: a for a in attachments(nb)}
    carried = nbformat.reads(files["briefing.ipynb"].data.decode(), as_version=4)
    assert carried.metadata.papermill == {"parameters": {"lang": "zh"}}
    assert carried.cells[0].metadata == {"tags": ["injected-parameters"]}
    assert carried.cells[0].id == "injected-parameters"  # not papermill's random one
    assert carried.cells[0].outputs[0].data[MIMETYPE] == RECORD
    assert "execution" in nb.cells[0].metadata  # the notebook itself is left as it ran


def test_the_files_are_dated_when_the_notebook_ran(monkeypatch):
    monkeypatch.delenv(SOURCE_DATE_ENV, raising=False)
    assert files_date(_notebook(False)).isoformat() == "2026-11-30T08:00:00.500000+00:00"


def test_source_date_epoch_pins_the_date_and_the_plans_date_wins(monkeypatch):
    monkeypatch.setenv(SOURCE_DATE_ENV, "1640995200")
    assert files_date(_notebook(False)) == datetime(2022, 1, 1, tzinfo=UTC)
    pinned = datetime(2021, 12, 31, tzinfo=UTC)
    assert files_date(_notebook(False), pinned) == pinned


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "９９", "99999999999999"])
def test_a_source_date_epoch_that_is_no_date_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv(SOURCE_DATE_ENV, value)
    with pytest.raises(ReportError, match=SOURCE_DATE_ENV):
        files_date(_notebook(False))
