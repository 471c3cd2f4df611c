"""What a briefing was made from, as data: a row per figure it shows (its lineage, as the
appendix lists it) and the data rows it used, cells as their files write them.

The notebook's sources block carries this record as a JSON output of its own type (``MIMETYPE``,
which Jupyter and the briefing template do not display); the PDF exporter attaches it as CSV
files, so a PDF alone says what it was made from (``export.attachments``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from report_utils.briefing.figures import Figure, Lineage
from report_utils.briefing.phrasing import Phrasebook
from report_utils.tables.load import rows_as_written

MIMETYPE = "application/vnd.report-utils.record+json"

# The columns of a lineage row, in the order the attached CSV has them.
LINEAGE_COLUMNS = (
    "ref",
    "figure",
    "shown",
    "value",
    "unit",
    "status",
    "formula",
    "source",
    "rows",
    "quote",
)


def record(
    lineage: Lineage,
    phrases: Phrasebook,
    describe: Callable[[Figure], str],
    relative: Callable[[str], str],
    other_rows: Iterable[tuple[str, int]],
) -> dict[str, Any]:
    """The lineage rows of the figures shown and every data row used (theirs and
    ``other_rows``, rows shown that are not figures: an event, a project)."""
    used: dict[str, set[int]] = {}
    lineage_rows = []
    for number, f in enumerate(lineage.figures, start=1):
        cited = f.inputs or (f,)  # a figure worked out here: the rows it is worked out from
        for c in cited:
            used.setdefault(c.file, set()).add(c.line)
        lineage_rows.append(
            {
                "ref": f"F{number}",
                "figure": describe(f),  # plain text, as the appendix writes it
                "shown": phrases.amount(f).text(mark=False),  # the status says it is derived
                "value": f.number(),
                "unit": f.unit,
                "status": f.status,
                "formula": f.formula,
                "source": f.source,
                "rows": "; ".join(f"{relative(c.file)}:{c.line}" for c in cited),
                "quote": " / ".join(c.quote for c in cited),
            }
        )
    for file, line in other_rows:
        used.setdefault(file, set()).add(int(line))
    rows = []
    for file in sorted(used, key=relative):
        columns, written = rows_as_written(Path(file), used[file])
        rows += [
            {"file": relative(file), "line": line, "cells": dict(zip(columns, cells, strict=True))}
            for line, cells in written
        ]
    return {"lineage": lineage_rows, "rows": rows}
