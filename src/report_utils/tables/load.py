"""Read and validate the data folder into a ``Dataset``.

Layout of a data folder::

    meta/indicators.csv  meta/regions.csv  meta/sources.csv     metadata, one file each
    figures/  events/  projects/  cases/  rules/   facts, any number of .csv or .xlsx files each

Every problem is collected (not just the first) and reported as ``path:line: column: message``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pandera.pandas as pa

from report_utils.errors import DataValidationError, Problem, display_path, quoted
from report_utils.tables import files, schema, spreadsheets
from report_utils.tables.formula import FormulaError, evaluate, references
from report_utils.tables.periods import Period

LINE = "_line"
HEADER_LINE = "header_line"
FILE = "_file"


@dataclass
class Dataset:
    """The validated tables. Metadata frames are indexed by id; fact frames keep ``_file`` and
    ``_line`` so that every figure can be traced back to its row."""

    data_dir: Path
    indicators: pd.DataFrame
    regions: pd.DataFrame
    sources: pd.DataFrame
    figures: pd.DataFrame
    events: pd.DataFrame
    projects: pd.DataFrame
    cases: pd.DataFrame
    files: list[Path]

    def latest_month(self) -> str:
        """The latest month any figure, event, project or case refers to."""
        months = [
            *self.figures["period_end"],
            *(d[:7] for d in self.events["date_end"]),
            *self.projects["as_of"],
            *self.cases["as_of"],
        ]
        if not months:
            raise DataValidationError(
                [Problem(display_path(self.data_dir), 0, "-", "the data folder has no figures")]
            )
        return max(months)

    def months(self) -> list[str]:
        """Every month a briefing can be as of, in order: months in which a reported figure's
        period or an event ends. (A derived figure, e.g. last year's share worked back from this
        year's, was not known in its own month, so it does not make a month.)"""
        reported = self.figures[self.figures["status"] == "reported"]
        return sorted(set(reported["period_end"]) | {d[:7] for d in self.events["date_end"]})


# --- reading one file --------------------------------------------------------------------------


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
    for column in schema.NUMBER_COLUMNS.get(table_schema.name or "", ()):
        if column in data:
            data[column] = data[column].map(schema.normalize_number)
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
    if check in schema.CHECK_COLUMNS or not isinstance(case.column, str):
        # A check across the columns of a row: pandera lists it under every column; report it
        # once, under the column it is about (duplicates collapse when problems are collected).
        return Problem(shown, line, schema.CHECK_COLUMNS.get(check, "-"), check)
    value = case.failure_case
    if check in schema.LENGTH_CHECKS:
        return Problem(shown, line, case.column, f"{check} ({len(value)}): {quoted(value)}")
    shown_value = f": {quoted(value)}" if isinstance(value, str) and value else ""
    return Problem(shown, line, case.column, f"{check}{shown_value}")


# --- the whole folder --------------------------------------------------------------------------


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


def _read_all(data_dir: Path, table: str, table_schema) -> tuple[pd.DataFrame, list[Problem]]:
    frames, problems = [], []
    paths = files.table_files(data_dir, table)
    if not paths:
        problems.append(
            Problem(
                display_path(data_dir / table),
                0,
                "-",
                f"no {table} files (*.csv or *.xlsx) in this folder",
            )
        )
    for path in paths:
        frame, found = read_input(data_dir, path)
        problems += found
        if frame is not None and not frame.empty:
            checked = check_frame(frame, table_schema)
            problems += checked
            if not checked:
                frames.append(frame)
    columns = [*table_schema.columns, LINE, FILE]
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    # Columns a file may leave out (translations) read as empty, in every file of the table.
    for column, spec in table_schema.columns.items():
        if not spec.required:
            combined[column] = combined[column].fillna("") if column in combined else ""
    problems += _duplicates(combined, table)
    return combined, problems


def _duplicates(frame: pd.DataFrame, table: str) -> list[Problem]:
    key = list(schema.KEYS[table])
    if frame.empty:
        return []
    dup = frame[frame.duplicated(key, keep=False)]
    problems = []
    for _, group in dup.groupby(key, sort=False):
        first = group.iloc[0]
        for _, row in group.iloc[1:].iterrows():
            problems.append(
                Problem(
                    row[FILE],
                    int(row[LINE]),
                    ",".join(key),
                    f"duplicate of {first[FILE]}:{first[LINE]} "
                    f"({', '.join(str(row[k]) for k in key)})",
                )
            )
    return problems


def _to_numbers(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in schema.NUMBER_COLUMNS.get(table, ()):
        text = frame[column].map(schema.normalize_number)
        frame[column] = pd.to_numeric(text.replace("", None)).astype(float)
        if column == "value":
            frame["decimals"] = text.map(lambda t: len(t.partition(".")[2])).astype(int)
    return frame


def _figure_rules(figures: pd.DataFrame, indicators: pd.DataFrame) -> list[Problem]:
    """Units match the metadata; derived figures have formulas that reproduce their value."""
    problems: list[Problem] = []
    values = {
        (r.indicator, r.region, Period(r.period_start, r.period_end)): r.value
        for r in figures.itertuples()
    }
    for r in _rows(figures):
        where = (r.file, r.line)
        in_range, what = schema.KIND_RANGES.get(indicators.at[r.indicator, "kind"], (None, ""))
        if in_range is not None and not in_range(r.value, r.decimals):
            written = quoted(f"{r.value:.{r.decimals}f}")
            problems.append(Problem(*where, "value", f"{what}: {written}"))
        expected_unit = indicators.at[r.indicator, "unit"]
        if r.unit != expected_unit:
            problems.append(
                Problem(
                    *where,
                    "unit",
                    f"{r.unit!r} differs from the indicator's "
                    f"unit {expected_unit!r} in meta/indicators.csv",
                )
            )
        if r.status == "reported" and r.formula:
            problems.append(Problem(*where, "formula", "a reported figure has no formula"))
        if r.status == "derived":
            if not r.formula:
                problems.append(Problem(*where, "formula", "a derived figure needs its formula"))
                continue
            try:
                computed = evaluate(r.formula, values.get)
            except FormulaError as exc:
                problems.append(Problem(*where, "formula", str(exc)))
                continue
            if any(
                ref[0] == r.indicator and ref[1] == r.region
                for ref in references(r.formula)
                if ref[2] == Period(r.period_start, r.period_end)
            ):
                problems.append(Problem(*where, "formula", "refers to itself"))
            decimals = int(indicators.at[r.indicator, "decimals"])
            if round(computed, decimals) != round(r.value, decimals):
                problems.append(
                    Problem(
                        *where,
                        "value",
                        f"derived value {r.value:g} differs from "
                        f"its formula's result {computed:.6g}",
                    )
                )
    return problems


def _event_rules(cases: pd.DataFrame, events: pd.DataFrame) -> list[Problem]:
    known = set(events["id"])
    return [
        Problem(r.file, r.line, "subject", f"unknown event id {r.subject!r} (see events/)")
        for r in _rows(cases)
        if r.subject_kind == "event" and r.subject not in known
    ]


def _rows(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows as objects, with ``file`` and ``line`` for the row's location."""
    return [
        SimpleNamespace(**row, file=row[FILE], line=int(row[LINE]))
        for row in frame.to_dict("records")
    ]


def validate(data_dir: Path) -> tuple[Dataset | None, list[Problem]]:
    """Read every table of ``data_dir``; the dataset is None when any error was found."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return None, [Problem(display_path(data_dir), 0, "-", "data folder is missing")]
    indicators, p1 = _read_all(data_dir, "indicators", schema.INDICATORS)
    regions, p2 = _read_all(data_dir, "regions", schema.REGIONS)
    sources, p3 = _read_all(data_dir, "sources", schema.SOURCES)
    problems += p1 + p2 + p3
    # A metadata table that failed to load checks no ids: one missing file, one problem.
    ids = [None if frame.empty else frame["id"] for frame in (indicators, regions, sources)]
    figures, p4 = _read_all(data_dir, "figures", schema.figures_schema(*ids))
    events, p5 = _read_all(data_dir, "events", schema.events_schema(ids[2]))
    projects, p6 = _read_all(data_dir, "projects", schema.projects_schema(ids[2]))
    cases, p7 = _read_all(data_dir, "cases", schema.cases_schema(ids[2]))
    problems += p4 + p5 + p6 + p7

    # Checks across tables run wherever the tables they read are clean, so that one run of
    # validate reports, say, a bad cell in cases/ and a unit mismatch in figures/ together.
    # (A table with an error lacks the rows of its bad file: checking it would only add noise.)
    def clean(*found: list[Problem]) -> bool:
        return not any(x.severity == "error" for group in found for x in group)

    if clean(p1, p4):
        indicators = indicators.set_index("id")
        indicators["decimals"] = indicators["decimals"].astype(int)
        figures = _to_numbers(figures, "figures")
        problems += _figure_rules(figures, indicators)
    if clean(p5, p7):
        problems += _event_rules(cases, events)
    if any(x.severity == "error" for x in problems):
        return None, sorted(set(problems))
    dataset = Dataset(
        data_dir=data_dir,
        indicators=indicators,
        regions=regions.set_index("id"),
        sources=sources.set_index("id"),
        figures=figures,
        events=events,
        projects=_to_numbers(projects, "projects"),
        cases=_to_numbers(cases, "cases"),
        files=files.input_files(data_dir),
    )
    return dataset, sorted(set(problems))


def load_dataset(data_dir: Path) -> Dataset:
    """The validated dataset, or ``DataValidationError`` listing every problem."""
    dataset, problems = validate(data_dir)
    if dataset is None:
        raise DataValidationError(problems)
    return dataset
