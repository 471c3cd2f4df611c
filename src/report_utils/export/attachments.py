"""The files a briefing PDF carries (PDF/A-3 embedded files): the executed notebook, the lineage
table and the data rows the briefing used, so that the PDF alone says what it was made from.

The lineage and the rows come from the record the notebook's sources block outputs
(``briefing.record``); CSV files are UTF-8 with a byte-order mark, which Excel needs to read
Chinese, one file of rows per table (``data-figures.csv``, ...) because tables have different
columns.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import nbformat

from report_utils.briefing.record import LINEAGE_COLUMNS, MIMETYPE
from report_utils.export.printer import Attached

NOTEBOOK = "briefing.ipynb"
LINEAGE = "lineage.csv"


def attachments(nb) -> list[Attached]:
    """The notebook itself, and, when it has a sources block, its lineage and data rows."""
    files = [
        Attached(
            NOTEBOOK,
            "The executed notebook this briefing was exported from (parameters, code, outputs)",
            "Source",
            nbformat.writes(nb).encode("utf-8"),
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
            _csv(LINEAGE_COLUMNS, found["lineage"]),
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
                _csv(columns, [{"file": r["file"], "line": r["line"], **r["cells"]} for r in rows]),
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


def executed_at(nb) -> datetime:
    """When the notebook's run ended (papermill records it), else now: the files' dates."""
    text = nb.metadata.get("papermill", {}).get("end_time") or ""
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return datetime.now(UTC)


def _csv(columns, rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
