"""The files a briefing PDF carries (PDF/A-3 embedded files): the executed notebook, the lineage
table and the data rows the briefing used, so that the PDF alone says what it was made from.

The lineage and the rows come from the record the notebook's sources block outputs
(``briefing.record``); CSV files are UTF-8 with a byte-order mark, which Excel needs to read
Chinese, with text that a spreadsheet would run as a formula behind a ``'`` (``csv_files``), one
file of rows per table (``data-figures.csv``, ...) because tables have different
columns.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import nbformat

from report_utils import environment
from report_utils.briefing.record import LINEAGE_COLUMNS, MIMETYPE
from report_utils.export.csv_files import excel_bytes
from report_utils.export.printer import Attached

# The reproducible-builds convention (reproducible-builds.org/specs/source-date-epoch): seconds
# since 1970 that replace "now" in what a build writes.
SOURCE_DATE_ENV = environment.SOURCE_DATE_EPOCH
# What papermill and nbclient record of a run (when, how long, in which folders): the manifest
# has it; the carried notebook leaves it out, so that the same inputs give the same PDF.
_RUN_FACTS = (
    "start_time",
    "end_time",
    "duration",
    "input_path",
    "output_path",
    "environment_variables",
    "exception",
)
_CELL_RUN_FACTS = ("execution", "papermill")

NOTEBOOK = "briefing.ipynb"
LINEAGE = "lineage.csv"


def attachments(nb) -> list[Attached]:
    """The notebook itself, and, when it has a sources block, its lineage and data rows."""
    files = [
        Attached(
            NOTEBOOK,
            "The executed notebook this briefing was exported from (parameters, code, outputs; "
            "its run times, which the manifest records, left out)",
            "Source",
            nbformat.writes(carried_notebook(nb)).encode("utf-8"),
        )
    ]
    found = record(nb)
    if found is None:
        return files
    files.append(
        Attached(
            LINEAGE,
            "Every figure the briefing shows: what it is, its value, status, formula, source, "
            "quote and the data rows it comes from (the appendix as a table)",
            "Supplement",
            excel_bytes(LINEAGE_COLUMNS, found["lineage"]),
        )
    )
    by_table: dict[str, list[dict[str, Any]]] = {}
    for row in found["rows"]:
        by_table.setdefault(row["file"].split("/")[0], []).append(row)
    for table, rows in sorted(by_table.items()):
        columns = ["file", "line", *dict.fromkeys(c for row in rows for c in row["cells"])]
        files.append(
            Attached(
                f"data-{table}.csv",
                f"The rows of the data folder's {table} table that the briefing used, as written "
                "(file and line of each)",
                "Data",
                excel_bytes(
                    columns, [{"file": r["file"], "line": r["line"], **r["cells"]} for r in rows]
                ),
            )
        )
    return files


def record(nb) -> dict[str, Any] | None:
    """The record of the first output that carries one (the sources block), if any."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            value = output.get("data", {}).get(MIMETYPE)
            if value is not None:
                return value
    return None


def carried_notebook(nb):
    """A copy of ``nb`` without the facts of its run (start, end and duration of the notebook
    and of each cell, the folders papermill read and wrote, the random id of the cell it
    injected): parameters, code and outputs."""
    carried = copy.deepcopy(nb)
    for key in _RUN_FACTS:
        carried.metadata.get("papermill", {}).pop(key, None)
    for cell in carried.cells:
        for key in _CELL_RUN_FACTS:
            cell.metadata.pop(key, None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"  # papermill draws a random id for the cell it adds
    return carried


def source_date() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as a date, when it is set."""
    return environment.source_date()  # checked where the build checks its environment


def files_date(nb, pinned: datetime | None = None) -> datetime:
    """The date the embedded files carry: ``pinned`` (the build passes the plan's
    ``SOURCE_DATE_EPOCH``), else ``SOURCE_DATE_EPOCH``, else when the notebook's run ended
    (papermill records it), else now."""
    pinned = pinned or source_date()
    if pinned is not None:
        return pinned
    text = nb.metadata.get("papermill", {}).get("end_time") or ""
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return datetime.now(UTC)
