"""Read a table from an Excel workbook (``.xlsx``) as the text a CSV file of it would hold.

Only the first worksheet is read; further sheets (notes, pivots, scratch work) are ignored. Blank
rows before the header are skipped, and each row keeps its Excel row number, so a problem is
reported at the row the analyst sees. Cells become text as Excel shows them:

- numbers: with the cell's fixed decimals when its format has them (``0.0``, ``#,##0.00``), else
  with up to 15 significant digits, Excel's own precision, so a stored 11.700000000000001 reads
  ``11.7`` and 2578.0 reads ``2578``; a percent format shows the percentage (0.117 as ``0.0%``
  reads ``11.7``, the figure's unit being ``%``);
- dates: in a month column (``period_start``, ``period_end``, ``as_of``) a date on the first of a
  month, which is what Excel makes of a typed ``2021-09``, reads ``2021-09``; any other date reads
  ``YYYY-MM-DD`` (and is then rejected in a month column); a date with a time of day keeps it;
- formulas: their result as Excel last saved it; a formula with no saved result is a problem.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from datetime import date, datetime, time
from decimal import MAX_PREC, ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

from report_utils.errors import Problem

# Columns holding a month as YYYY-MM (see schema.py).
MONTH_COLUMNS = frozenset({"period_start", "period_end", "as_of"})

# A fixed-decimals number format: 0, 0.0, #,##0.00, 0.0%, once colours and literals are dropped.
_FIXED_FORMAT = re.compile(r"^[#,0]*0(?:\.(0+))?(%?)$")
_FORMAT_NOISE = re.compile(r'\[[^\]]*\]|"[^"]*"|\\.|_.|\*.')

Record = tuple[int, list[str]]


# Bounds on the work a workbook can ask for (data/README.md). A briefing's table has tens to
# thousands of rows; a workbook of a few kB can still declare a million rows (a styled cell at
# K1048576) or unpack to gigabytes. Reading stops at these bounds, with a message, in seconds.
MAX_UNPACKED_MB = 50  # the XML parts of the workbook, once unpacked
MAX_CELLS = 250_000  # cells of the first sheet's rows, each row as wide as its last cell


class _TooLarge(Exception):
    """The workbook asks for more work than the bounds allow; the message says what to do."""


def read_records(path: Path, shown: str) -> tuple[list[Record] | None, list[Problem]]:
    """The non-blank rows of the first worksheet as ``(row number, cells as text)``; the first
    is the header. None (with the problem) when the file is not a readable workbook."""
    try:
        title, rows = _read(path)
    except _TooLarge as exc:
        return None, [Problem(shown, 0, "-", str(exc))]
    except Exception:  # a corrupt or foreign file: openpyxl raises many kinds of error
        return None, [
            Problem(
                shown,
                0,
                "-",
                "cannot read the file as an Excel workbook; "
                "save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (comma delimited)'",
            )
        ]
    records: list[Record] = []
    problems: list[Problem] = []
    header: list[str] | None = None
    for number, row in rows:
        if header is None:
            cells = [_text(value, number_format, "") for value, number_format, _ in row]
            while cells and not cells[-1].strip():
                cells.pop()
            if any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
                records.append((number, cells))
            continue
        cells = []
        for index, (value, number_format, formula) in enumerate(row):
            column = header[index] if index < len(header) else ""
            if value is None and formula:
                problems.append(
                    Problem(
                        shown,
                        number,
                        column or "-",
                        f"formula {formula} has no saved result; "
                        "open the file in Excel and save it again",
                    )
                )
            cells.append(_text(value, number_format, column))
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()  # cells right of the table that are formatted but empty
        cells += [""] * (len(header) - len(cells))
        if any(c.strip() for c in cells):
            records.append((number, cells))
    if not records:
        problems.append(
            Problem(
                shown,
                1,
                "-",
                f"the first worksheet ({title}) is empty; the table must be on the first sheet",
            )
        )
    return records, problems


Cell = tuple[Any, str, str]  # value (a formula's saved result), number format, formula or type


def _read(path: Path) -> tuple[str, list[tuple[int, list[Cell]]]]:
    """The first worksheet's title and its rows that hold cells, with their row numbers; each
    cell as (value, number format, formula or "").

    Read in openpyxl's read-only mode, which streams the sheet and skips rows that are not in
    the file (the ordinary mode makes a cell for every position of the declared dimension: 4 GB
    for a sheet styled at K1048576). Saved results of formulas take a second pass, made only
    when the sheet has formulas.
    """
    _check_unpacked_size(path)
    title, rows = _sheet_rows(path, data_only=False)
    formulas = {
        (number, index): value
        for number, row in rows
        for index, (value, _, data_type) in enumerate(row)
        if data_type == "f"
    }
    if formulas:
        title, rows = _sheet_rows(path, data_only=True)
    return title, [
        (
            number,
            [
                (value, number_format, formulas.get((number, index), ""))
                for index, (value, number_format, _) in enumerate(row)
            ],
        )
        for number, row in rows
    ]


def _check_unpacked_size(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(i.file_size for i in archive.infolist() if i.filename.endswith(".xml"))
    if unpacked > MAX_UNPACKED_MB * 1_000_000:
        raise _TooLarge(
            f"the workbook unpacks to {unpacked / 1_000_000:,.0f} MB of XML; tables are read "
            f"from workbooks of up to {MAX_UNPACKED_MB} MB: save the table as CSV UTF-8"
        )


def _sheet_rows(path: Path, data_only: bool) -> tuple[str, list[tuple[int, list[Cell]]]]:
    """The first worksheet's rows that hold cells: (row number, [(value, format, type)])."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation, default styles): irrelevant
        # to reading cell values.
        warnings.simplefilter("ignore")
        workbook = load_workbook(path, read_only=True, data_only=data_only)
        try:
            sheet = workbook.worksheets[0]
            # The declared dimension may be far larger than the data, or wrong: without it,
            # rows missing from the file cost nothing and each row is as wide as its last cell.
            sheet.reset_dimensions()
            rows, cells = [], 0
            # Rows come one per row number from 1, rows missing from the file as empty ones.
            for number, row in enumerate(sheet.iter_rows(), start=1):
                if not row:
                    continue
                cells += len(row)
                if cells > MAX_CELLS:
                    raise _TooLarge(
                        f"the first worksheet has more than {MAX_CELLS:,} cells up to row "
                        f"{number} (each row counted up to its last cell, formatted or not); "
                        "delete what is not the table, or save the table as CSV UTF-8"
                    )
                rows.append((number, [(c.value, c.number_format, c.data_type) for c in row]))
            return sheet.title, rows
        finally:
            workbook.close()


def _text(value: Any, number_format: str, column: str) -> str:
    """One cell as Excel would write it to a CSV file."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number(value, number_format)
    if isinstance(value, datetime):
        if value.time() != time(0):
            return value.isoformat(sep=" ", timespec="minutes")
        value = value.date()
    if isinstance(value, date):
        if column in MONTH_COLUMNS and value.day == 1:
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat()
    return str(value)


def _number(value: float, number_format: str) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    pattern = _FORMAT_NOISE.sub("", (number_format or "").split(";")[0]).strip()
    fixed = _FIXED_FORMAT.match(pattern)
    with localcontext(prec=MAX_PREC):
        # Excel keeps 15 significant digits: 11.700000000000001 is 11.7 to Excel and the analyst.
        number = Decimal(f"{value:.15g}")
        if fixed and fixed.group(2):
            number *= 100
        if fixed:
            decimals = Decimal(1).scaleb(-len(fixed.group(1) or ""))
            number = number.quantize(decimals, rounding=ROUND_HALF_UP)
        else:
            number = number.normalize()
        if number == 0:
            number = abs(number)  # no "-0"
        return format(number, "f")
