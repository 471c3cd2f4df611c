"""Reading one table file of the data folder as text cells, each row with its file and line, and
checking it against its pandera schema (see ``schema``).

A CSV file is decoded (UTF-8, else GB18030/GBK Chinese text) and read with the ``csv`` module; an
``.xlsx`` workbook's first worksheet is read as the text Excel would save (``spreadsheets``).
"""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from report_utils.errors import Problem, display_path, quoted
from report_utils.tables import files, spreadsheets
from report_utils.tables.cells import (
    CHECK_COLUMNS,
    EXPLAINED,
    LENGTH_CHECKS,
    NUMBER_COLUMNS,
    normalize_number,
)

LINE = "_line"
HEADER_LINE = "header_line"
FILE = "_file"


# GB18030 text is taken for Chinese only when at least this share of its non-ASCII characters
# are in GB2312 (see ``decode``).
GB2312_SHARE = 0.9


def decode(raw: bytes, path: Path) -> tuple[str | None, list[Problem]]:
    """Text of a CSV file: UTF-8 (with or without BOM), else GB18030/GBK (Excel on Chinese
    Windows). Any other encoding is rejected, never read as mojibake.

    UTF-8 is strict and tried first: text in GB18030/GBK is almost never valid UTF-8, so a file
    that decodes as UTF-8 is UTF-8. GB18030 decodes far more than Chinese, though: in text from
    a Western code page (Windows-1252, Latin-1) an accented letter followed by a letter is a
    valid GBK pair, so "Générale Réunion" decodes as "G閚閞ale R閡nion". Such pairs land on rare
    characters outside GB2312, the 6,763 common hanzi with the punctuation and full-width forms
    of simplified Chinese text (in GB2312 both bytes of a pair are 0xA1 or above; a Western
    letter after an accented one is below 0x80). So GB18030 text is accepted only when at least
    9 in 10 of its non-ASCII characters are in GB2312: a real GBK file keeps the odd rare
    character of a name (镕, 堃) well within that.
    """
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text, []
    return None, [
        Problem(
            display_path(path),
            0,
            "-",
            "cannot read the file as UTF-8, or as GB18030/GBK Chinese text; "
            "save it as 'CSV UTF-8 (comma delimited)'",
        )
    ]


def _reads_as_chinese(text: str) -> bool:
    wide = [c for c in text if not c.isascii()]
    common = sum(_in_gb2312(c) for c in wide)
    return common >= GB2312_SHARE * len(wide)


@cache
def _in_gb2312(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def read_table(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """One table file as text cells, with the line of each row in ``_line``.

    A CSV file is read with the ``csv`` module, because pandas does not report the line a row came
    from and an analyst needs it to find the cell; an ``.xlsx`` workbook's first worksheet is read
    as the text Excel would save as CSV (see ``spreadsheets``), its lines being row numbers.
    """
    shown = display_path(path)
    if not path.is_file():
        return None, [Problem(shown, 0, "-", "file is missing")]
    suffix = path.suffix.lower()
    if suffix in files.UNSUPPORTED_SUFFIXES:
        return None, [Problem(shown, 0, "-", files.UNSUPPORTED_SUFFIXES[suffix])]
    if suffix == ".xlsx":
        records, problems = spreadsheets.read_records(path, shown)
    else:
        text, problems = decode(path.read_bytes(), path)
        records = None if text is None else _csv_records(text)
    if records is None:
        return None, problems
    if not records:
        return None, problems or [Problem(shown, 1, "-", "file is empty")]

    (header_line, header), *body = records
    header = [c.strip() for c in header]
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, record in body:
        cells = [c.strip() for c in record]
        if len(cells) != len(header):
            problems.append(
                Problem(shown, line, "-", f"expected {len(header)} cells, found {len(cells)}")
            )
            continue
        rows.append(cells)
        lines.append(line)
    duplicated = {c for c in header if header.count(c) > 1}
    for column in sorted(duplicated):
        problems.append(
            Problem(shown, header_line, column, "column appears more than once in the header")
        )
    if not rows and not problems:
        problems.append(Problem(shown, header_line, "-", "no data rows, only a header"))
    if duplicated:
        return None, problems
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE] = lines
    frame[FILE] = shown
    frame.attrs[HEADER_LINE] = header_line  # a spreadsheet's header need not be on row 1
    return frame, problems


def rows_as_written(path: Path, lines: set[int]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header of a data file and its rows at ``lines``, cells as the file writes them (before
    any check converts them): what a PDF attaches as the rows its briefing used."""
    frame, _ = read_table(path)
    if frame is None:
        return [], []
    columns = [c for c in frame.columns if c not in (LINE, FILE)]
    chosen = frame[frame[LINE].isin(lines)]
    return columns, [
        (int(line), list(cells))
        for line, cells in zip(chosen[LINE], chosen[columns].itertuples(index=False), strict=True)
    ]


def _csv_records(text: str) -> list[tuple[int, list[str]]]:
    """The non-blank records of CSV text, each with the physical line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = []
    line_before = 0
    for record in reader:
        first_line = line_before + 1
        line_before = reader.line_num
        if any(c.strip() for c in record):
            records.append((first_line, record))
    return records


def check_frame(frame: pd.DataFrame, table_schema: pa.DataFrameSchema) -> list[Problem]:
    """Problems pandera finds in one file's frame, located by file and line."""
    shown = frame[FILE].iloc[0] if len(frame) else ""
    data = frame.drop(columns=[LINE, FILE])
    for column in NUMBER_COLUMNS.get(table_schema.name or "", ()):
        if column in data:
            data[column] = data[column].map(normalize_number)
    try:
        table_schema.validate(data, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return [_problem(row, frame, shown) for row in exc.failure_cases.itertuples(index=False)]
    return []


def _problem(case, frame: pd.DataFrame, shown: str) -> Problem:
    check = str(case.check)
    header = int(frame.attrs.get(HEADER_LINE, 1))
    if check == "column_in_dataframe":
        return Problem(shown, header, str(case.failure_case), "required column is missing")
    if check == "column_in_schema":
        return Problem(shown, header, str(case.failure_case), "unknown column")
    line = int(frame[LINE].iloc[int(case.index)]) if pd.notna(case.index) else header
    if check in CHECK_COLUMNS or not isinstance(case.column, str):
        # A check across the columns of a row: pandera lists it under every column; report it
        # once, under the column it is about (duplicates collapse when problems are collected).
        return Problem(shown, line, CHECK_COLUMNS.get(check, "-"), check)
    value = case.failure_case
    if check in LENGTH_CHECKS:
        return Problem(shown, line, case.column, f"{check} ({len(value)}): {quoted(value)}")
    if check in EXPLAINED:
        why = EXPLAINED[check](value)
        return Problem(shown, line, case.column, f"{check} ({why}): {quoted(value)}")
    shown_value = f": {quoted(value)}" if isinstance(value, str) and value else ""
    return Problem(shown, line, case.column, f"{check}{shown_value}")


def read_input(data_dir: Path, path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """``read_table`` for an input of the data folder (see ``files``), which must not link out of
    it: such a link is reported and never opened, so nothing of what it points to is shown."""
    link = files.outside(data_dir, path)
    if link is not None:
        what = "folder" if link != path else "file"
        return None, [
            Problem(
                display_path(link),
                0,
                "-",
                f"a link to a {what} outside the data folder; "
                f"not read (copy the {what} into the data folder instead)",
            )
        ]
    return read_table(path)
