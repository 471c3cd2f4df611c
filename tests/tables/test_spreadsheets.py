"""``.xlsx`` tables: the first worksheet reads as the CSV it replaces, and problems are reported at
Excel's row numbers. Every workbook is written by the test (openpyxl) from a copy of data/ in
tmp_path; cells hold what Excel would store: numbers, dates, formulas with saved results."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from report_utils.tables import spreadsheets
from report_utils.tables.load import LINE, validate

FIGURES = "data/figures/guizhou-industry-2021"
BLANK_ROWS = 1  # blank rows above the header in the written workbooks
# Physical lines of the shipped figures CSV (header = line 1), as in test_load.py.
IND_VA_GROWTH, TAX, PROJECTS_INTRODUCED, FAI = 2, 11, 22, 41

Override = dict[tuple[int, str], tuple[Any, str]]  # (csv line, column) -> (cell value, format)


def _typed(column: str, text: str) -> tuple[Any, str]:
    """A CSV cell as Excel stores it once typed in: numbers, months and dates are not text."""
    if column in ("period_start", "period_end", "as_of"):
        return datetime(int(text[:4]), int(text[5:7]), 1), "yyyy-mm"
    if column in ("date_start", "date_end"):
        return datetime.fromisoformat(text), "yyyy-mm-dd"
    if column in ("value", "capacity") and text:
        return (int(text) if text.isdigit() else float(text)), "General"
    return text, "General"


def csv_to_xlsx(
    csv_path: Path, override: Override | None = None, stored: dict[int, str] | None = None
) -> Path:
    """Replace a table's CSV by a workbook: blank rows above the header, typed cells, a second
    sheet that must be ignored. ``stored`` maps a CSV line to the exact text Excel would store
    for its ``value`` cell (openpyxl rounds floats it writes, and saves no formula results)."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "数据"
    for col, name in enumerate(header, start=1):
        sheet.cell(BLANK_ROWS + 1, col, name)
    for line, row in enumerate(rows, start=2):
        for col, (name, text) in enumerate(zip(header, row, strict=True), start=1):
            value, number_format = (override or {}).get((line, name)) or _typed(name, text)
            cell = sheet.cell(BLANK_ROWS + line, col, value)
            cell.number_format = number_format
    notes = workbook.create_sheet("说明")
    notes.append(header)
    notes.append(["this sheet is ignored", "", "", "", "999"])
    path = csv_path.with_suffix(".xlsx")
    workbook.save(path)
    if stored:
        column = get_column_letter(header.index("value") + 1)
        _store(path, {f"{column}{BLANK_ROWS + line}": v for line, v in stored.items()})
    csv_path.unlink()
    return path


def _store(path: Path, values: dict[str, str]) -> None:
    """Put the given text in the ``<v>`` element of cells (a formula's saved result, or a number
    as Excel writes it with 17 significant digits)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    for ref, value in values.items():
        xml, count = re.subn(
            rf'(<c r="{ref}"[^>]*>(?:<f>[^<]*</f>)?)(?:<v\s*/>|<v>[^<]*</v>)',
            rf"\g<1><v>{value}</v>",
            xml,
        )
        assert count == 1, ref
    parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def _data_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if not c.startswith("_")]


# What Excel stores for figures typed or computed in it, and must read as the CSV's text.
FIGURE_CELLS: Override = {
    (PROJECTS_INTRODUCED, "value"): (2578, "#,##0"),  # thousands format
    (TAX, "value"): (0.145, "0.0%"),  # typed as 14.5%
    (FAI, "value"): ("=8.9-18.3", "General"),  # derived in Excel: its saved result is read
}
FIGURE_STORED = {
    IND_VA_GROWTH: "11.700000000000001",  # a float artefact
    PROJECTS_INTRODUCED: "2578.0",  # a whole number stored as a float
    FAI: "-9.4000000000000004",  # the formula's saved result, 17 significant digits
}


@pytest.mark.parametrize("table", ["figures", "events", "projects", "cases"])
def test_xlsx_with_extra_sheet_and_blank_first_row_reads_like_the_csv(
    data_dir: Path, table: str
) -> None:
    original, problems = validate(data_dir)
    assert original is not None and problems == []
    csv_path = data_dir / table / "guizhou-industry-2021.csv"
    if table == "figures":
        xlsx = csv_to_xlsx(csv_path, FIGURE_CELLS, FIGURE_STORED)
    else:
        xlsx = csv_to_xlsx(csv_path)
    assert not csv_path.exists()

    changed, problems = validate(data_dir)
    assert problems == []
    assert changed is not None
    before, after = getattr(original, table), getattr(changed, table)
    assert len(after) == len(before) > 0
    pd.testing.assert_frame_equal(after[_data_columns(before)], before[_data_columns(before)])
    # lines are Excel's row numbers: one blank row above the header
    assert list(after[LINE]) == [line + BLANK_ROWS for line in before[LINE]]
    assert set(after["_file"]) == {f"data/{table}/{xlsx.name}"}
    assert xlsx in changed.files


def _figures_xlsx(override: Override):
    def change(data: Path) -> None:
        csv_to_xlsx(data / "figures" / "guizhou-industry-2021.csv", override)

    return change


def _with_file(name: str, content: bytes) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        (data / "figures" / name).write_bytes(content)

    return change


def _renamed_csv(data: Path) -> None:
    path = data / "figures" / "guizhou-industry-2021.csv"
    path.rename(path.with_suffix(".xlsx"))


def _table_on_second_sheet(data: Path) -> None:
    csv_to_xlsx(data / "figures" / "guizhou-industry-2021.csv")
    path = data / "figures" / "guizhou-industry-2021.xlsx"
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    workbook.move_sheet("说明", offset=1)  # the notes sheet moves...
    workbook.create_sheet("封面", 0)  # ...and an empty cover sheet comes first
    workbook.save(path)


def _value_right_of_the_table(data: Path) -> None:
    csv_to_xlsx(data / "figures" / "guizhou-industry-2021.csv")
    from openpyxl import load_workbook

    path = data / "figures" / "guizhou-industry-2021.xlsx"
    workbook = load_workbook(path)
    workbook.worksheets[0].cell(BLANK_ROWS + 4, 13, "备注")  # column M; the table ends at K
    workbook.save(path)


MONTH_MESSAGE = "expected a month as YYYY-MM, e.g. 2021-09"
XLSX_PROBLEMS = [
    pytest.param(
        _figures_xlsx({(IND_VA_GROWTH, "value"): ("十一", "@")}),
        [f"{FIGURES}.xlsx:3: value: expected a number: '十一'"],
        id="text-in-number",
    ),
    pytest.param(
        _figures_xlsx({(TAX, "period_end"): (datetime(2021, 9, 15), "yyyy-mm-dd")}),
        [f"{FIGURES}.xlsx:12: period_end: {MONTH_MESSAGE}: '2021-09-15'"],
        id="month-column-holds-a-day",
    ),
    pytest.param(
        _figures_xlsx({(TAX, "period_end"): (datetime(2021, 9, 1, 8, 30), "yyyy-mm-dd hh:mm")}),
        [f"{FIGURES}.xlsx:12: period_end: {MONTH_MESSAGE}: '2021-09-01 08:30'"],
        id="month-column-holds-a-time",
    ),
    pytest.param(
        _figures_xlsx({(FAI, "value"): ("=8.9-18.3", "General")}),
        [
            f"{FIGURES}.xlsx:42: value: formula =8.9-18.3 has no saved result; "
            "open the file in Excel and save it again",
            f"{FIGURES}.xlsx:42: value: required value is empty",
        ],
        id="formula-without-saved-result",
    ),
    pytest.param(
        _value_right_of_the_table,
        [f"{FIGURES}.xlsx:5: -: expected 11 cells, found 13"],
        id="value-right-of-the-table",
    ),
    pytest.param(
        _renamed_csv,
        [
            f"{FIGURES}.xlsx:0: -: cannot read the file as an Excel workbook; "
            "save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (comma delimited)'"
        ],
        id="csv-renamed-to-xlsx",
    ),
    pytest.param(
        _table_on_second_sheet,
        [
            f"{FIGURES}.xlsx:1: -: the first worksheet (封面) is empty; "
            "the table must be on the first sheet"
        ],
        id="table-not-on-the-first-sheet",
    ),
    pytest.param(
        _with_file("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        [
            "data/figures/old.xls:0: -: old Excel format (.xls) is not read; "
            "save it as 'Excel Workbook (.xlsx)' or CSV UTF-8"
        ],
        id="old-xls-format",
    ),
]


@pytest.mark.parametrize(("change", "expected"), XLSX_PROBLEMS)
def test_xlsx_problems_are_reported_at_the_spreadsheet_row(
    data_dir: Path, change: Callable[[Path], None], expected: list[str]
) -> None:
    change(data_dir)
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert [str(p) for p in problems] == expected


def test_excel_lock_file_next_to_an_open_workbook_is_ignored(data_dir: Path) -> None:
    xlsx = csv_to_xlsx(data_dir / "figures" / "guizhou-industry-2021.csv")
    # Excel's owner file while the workbook is open: not a workbook at all
    (xlsx.parent / f"~${xlsx.name}").write_bytes(b"\x05analyst" + bytes(150))
    dataset, problems = validate(data_dir)
    assert problems == []
    assert dataset is not None
    assert set(dataset.figures["_file"]) == {f"{FIGURES}.xlsx"}


def test_shipped_csv_and_copied_xlsx_together_are_duplicates(data_dir: Path) -> None:
    """An xlsx saved next to the CSV it came from is read too: every row is then a duplicate,
    reported rather than silently preferring one file."""
    csv_path = data_dir / "figures" / "guizhou-industry-2021.csv"
    keep = csv_path.read_bytes()
    csv_to_xlsx(csv_path)
    csv_path.write_bytes(keep)
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert problems
    assert all(
        p.path == f"{FIGURES}.xlsx" and p.message.startswith(f"duplicate of {FIGURES}.csv:")
        for p in problems
    )


def errors(data: Path) -> list[str]:
    """The errors validate reports for ``data`` (none exactly when it returns a dataset)."""
    dataset, problems = validate(data)
    shown = [str(p) for p in problems if p.severity == "error"]
    assert (dataset is None) == bool(shown)
    return shown


# --- issue 10 (moved from test_hardening.py): workbooks too large to read, huge numbers


def _figures_workbook(data: Path) -> Path:
    """SYNTHETIC: the figures table as a workbook (text cells), replacing the CSV."""
    csv_path = data / "figures" / "guizhou-industry-2021.csv"
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = csv_path.with_suffix(".xlsx")
    workbook.save(path)
    csv_path.unlink()
    return path


def test_a_small_workbook_styled_at_k1048576_validates_quickly(data_dir: Path) -> None:
    path = _figures_workbook(data_dir)
    workbook = load_workbook(path)
    workbook.active["K1048576"].font = Font(bold=True)  # styled, empty: the declared dimension
    workbook.save(path)
    assert path.stat().st_size < 16_000
    assert load_workbook(path, read_only=True).active.max_row == 1048576

    code = (
        "import resource, sys\n"
        "from report_utils.tables.load import validate\n"
        "dataset, problems = validate(sys.argv[1])\n"
        "print(dataset is not None, len(problems), len(dataset.figures) if dataset else 0)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=30,  # was 54 s and 4.2 GB
        check=False,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    verdict, peak_kb = result.stdout.splitlines()
    assert verdict == "True 0 42"  # the real table still reads in full
    assert seconds < 15
    assert int(peak_kb) < 1_000_000  # kB: was 4.2 GB; about 0.6 GB now with the package's imports


def test_a_workbook_that_unpacks_too_large_is_refused_unread(data_dir: Path) -> None:
    """A zip bomb: a few kB on disk, more XML than the bound once unpacked (it never is)."""
    path = _figures_workbook(data_dir)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    padding = b"<!--" + b" " * (spreadsheets.MAX_UNPACKED_MB + 10) * 1_000_000 + b"-->"
    parts[sheet] = parts[sheet].replace(b"<sheetData>", padding + b"<sheetData>", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert path.stat().st_size < 2_000_000
    started = time.monotonic()
    shown = errors(data_dir)
    assert time.monotonic() - started < 10
    assert len(shown) == 1, shown
    assert shown[0].startswith("data/figures/guizhou-industry-2021.xlsx:0: -: ")
    assert "MB" in shown[0] and "CSV" in shown[0]


def test_a_workbook_with_values_far_right_on_many_rows_is_refused(data_dir: Path) -> None:
    """Values in column XFD of 100 rows: 1.6 million cells to lay out as a table."""
    path = _figures_workbook(data_dir)
    workbook = load_workbook(path)
    for row in range(100, 200):
        workbook.active.cell(row, 16384, "x")
    workbook.save(path)
    started = time.monotonic()
    shown = errors(data_dir)
    assert time.monotonic() - started < 10
    assert any("cells" in s and "CSV" in s for s in shown), shown


@pytest.mark.parametrize("stored", ["1e308", "1.7976931348623157E+308", "1E+20"])
def test_a_huge_number_in_a_workbook_is_refused(data_dir: Path, stored: str) -> None:
    path = _figures_workbook(data_dir)
    workbook = load_workbook(path)
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "ind_tax_growth")
    row[header.index("value")].value = float(stored)
    workbook.save(path)
    shown = errors(data_dir)
    assert [s.split(": ")[:2] for s in shown] == [
        [f"data/figures/guizhou-industry-2021.xlsx:{row[0].row}", "value"]
    ]
