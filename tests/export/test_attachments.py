"""The files a PDF carries, made from a notebook's record (``export.attachments``)."""

from __future__ import annotations

import csv
import io

import nbformat
from nbformat import v4

from report_utils.briefing.record import MIMETYPE
from report_utils.export.attachments import attachments, executed_at

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


def test_the_files_are_dated_when_the_notebook_ran():
    assert executed_at(_notebook(False)).isoformat() == "2026-11-30T08:00:00.500000+00:00"
