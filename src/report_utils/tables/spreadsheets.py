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


def read_records(path: Path, shown: str) -> tuple[list[Record] | None, list[Problem]]:
    """The non-blank rows of the first worksheet as ``(row number, cells as text)``; the first
    is the header. None (with the problem) when the file is not a readable workbook."""
    workbook, formulas = _open(path)
    if workbook is None:
        return None, [
            Problem(
                shown,
                0,
                "-",
                "cannot read the file as an Excel workbook; "
                "save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (comma delimited)'",
            )
        ]
    sheet = workbook.worksheets[0]
    formula_sheet = formulas.worksheets[0] if formulas is not None else None
    records: list[Record] = []
    problems: list[Problem] = []
    header: list[str] | None = None
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        if not row:
            continue
        number = row[0].row
        if header is None:
            cells = [_text(cell.value, cell.number_format, "") for cell in row]
            while cells and not cells[-1].strip():
                cells.pop()
            if any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
                records.append((number, cells))
            continue
        cells = []
        for index, cell in enumerate(row):
            column = header[index] if index < len(header) else ""
            value = cell.value
            if value is None and formula_sheet is not None:
                source = formula_sheet.cell(number, index + 1).value
                if isinstance(source, str) and source.startswith("="):
                    problems.append(
                        Problem(
                            shown,
                            number,
                            column or "-",
                            f"formula {source} has no saved result; "
                            "open the file in Excel and save it again",
                        )
                    )
            cells.append(_text(value, cell.number_format, column))
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
                f"the first worksheet ({sheet.title}) is empty; "
                "the table must be on the first sheet",
            )
        )
    return records, problems


def _open(path: Path) -> tuple[Any, Any]:
    """The workbook with formulas' saved results, and (only when it has formulas) the workbook
    with the formulas themselves; (None, None) when the file cannot be read as a workbook."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation, default styles): irrelevant
        # to reading cell values.
        warnings.simplefilter("ignore")
        try:
            formulas = load_workbook(path, data_only=False)
            if not formulas.worksheets:
                return None, None
            has_formulas = any(
                cell.data_type == "f" for row in formulas.worksheets[0].iter_rows() for cell in row
            )
            values = load_workbook(path, data_only=True) if has_formulas else formulas
        except Exception:  # a corrupt or foreign file: openpyxl raises many kinds of error
            return None, None
    return values, formulas if has_formulas else None


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
