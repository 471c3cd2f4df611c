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
from report_utils.tables import asof, files, relations, schema, spreadsheets
from report_utils.tables.formula import FormulaError, evaluate, references
from report_utils.tables.periods import Period
from report_utils.tables.quotes import check_quotes

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

    def latest_month(self, region: str | None = None) -> str:
        """The latest month any figure, event, project or case (of ``region``) refers to."""
        latest = asof.latest_month(self, region)
        if latest is None:
            where = f" for {region}" if region else ""
            raise DataValidationError(
                [
                    Problem(
                        display_path(self.data_dir),
                        0,
                        "-",
                        f"the data folder has no figures{where}",
                    )
                ]
            )
        return latest

    def months(self, region: str | None = None) -> list[str]:
        """Every month a briefing (of ``region``) can be as of, in order (see ``asof``)."""
        return asof.months(self, region)

    def home_regions(self) -> list[str]:
        """The regions briefed by default, in the order of meta/regions.csv."""
        return [str(r) for r in self.regions.index[self.regions["role"] == "home"]]

    def briefed_regions(self) -> list[str]:
        """Every region a briefing can be about (all but the comparison-only ones)."""
        return [str(r) for r in self.regions.index[self.regions["role"] != "comparison"]]


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
    if check in schema.EXPLAINED:
        why = schema.EXPLAINED[check](value)
        return Problem(shown, line, case.column, f"{check} ({why}): {quoted(value)}")
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


def _known_months(figures: pd.DataFrame) -> list[str]:
    """The month each figure became known: its period's end, or for a derived figure the
    latest month the figures of its formula became known (a formula of formulas included)."""
    keys = [
        (r.indicator, r.region, Period(r.period_start, r.period_end)) for r in figures.itertuples()
    ]
    known = dict(zip(keys, figures["period_end"], strict=True))
    formulas = dict(zip(keys, figures["formula"], strict=True))
    for _ in range(len(keys)):  # a longest chain of derivations settles in as many rounds
        changed = False
        for key, formula in formulas.items():
            if not formula:
                continue
            try:
                inputs = [known[ref] for ref in references(formula) if ref in known]
            except FormulaError:
                continue
            month = max([known[key], *inputs])
            if month != known[key]:
                known[key], changed = month, True
        if not changed:
            break
    return [known[key] for key in keys]


def _event_rules(cases: pd.DataFrame, events: pd.DataFrame) -> list[Problem]:
    known = set(events["id"])
    return [
        Problem(r.file, r.line, "subject", f"unknown event id {r.subject!r} (see events/)")
        for r in _rows(cases)
        if r.subject_kind == "event" and r.subject not in known
    ]


def _home_by_default(frame: pd.DataFrame, regions: pd.DataFrame) -> list[Problem]:
    """An empty region cell means the home region: only while the data has one."""
    homes = list(regions.loc[regions["role"] == "home", "id"])
    if frame.empty:
        return []
    if len(homes) == 1:
        frame["region"] = frame["region"].replace("", homes[0])
        return []
    return [
        Problem(r.file, r.line, "region", "required when the data has several home regions")
        for r in _rows(frame)
        if not r.region
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
    events, p5 = _read_all(data_dir, "events", schema.events_schema(ids[2], ids[1]))
    projects, p6 = _read_all(data_dir, "projects", schema.projects_schema(ids[2], ids[1]))
    cases, p7 = _read_all(data_dir, "cases", schema.cases_schema(ids[2], ids[1]))
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
        figures[asof.KNOWN] = _known_months(figures)
    if clean(p5, p7):
        problems += _event_rules(cases, events)
    if clean(p1, p2):
        problems += relations.indicator_rules(
            _rows(indicators.reset_index(drop="id" in indicators)), regions["id"]
        )
    if clean(p2):
        problems += relations.region_rules(_rows(regions))
        for frame, found in ((events, p5), (projects, p6), (cases, p7)):
            if clean(found):
                problems += _home_by_default(frame, regions)
    if not problems or all(x.severity != "error" for x in problems):
        sources = sources.set_index("id")
        problems += check_quotes(
            SimpleNamespace(
                data_dir=data_dir,
                sources=sources,
                figures=figures,
                events=events,
                projects=projects,
                cases=cases,
            )
        )
    if any(x.severity == "error" for x in problems):
        return None, sorted(set(problems))
    dataset = Dataset(
        data_dir=data_dir,
        indicators=indicators,
        regions=regions.set_index("id"),
        sources=sources,
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
