"""Read and validate the data folder into a ``Dataset``.

Layout of a data folder::

    meta/indicators.csv  meta/regions.csv  meta/sources.csv     metadata, one file each
    figures/  events/  projects/  cases/  rules/   facts, any number of .csv or .xlsx files each

Every problem is collected (not just the first) and reported as ``path:line: column: message``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from report_utils.errors import DataValidationError, Problem, display_path
from report_utils.paths import OPTIONAL_META_TABLES
from report_utils.tables import asof, fact_rules, files, relations, schema
from report_utils.tables import units as unit_table
from report_utils.tables.cells import NUMBER_COLUMNS, normalize_number
from report_utils.tables.quotes import check_quotes, unit_magnitude

# Reading one file lives in ``reading``; these names are imported from here too.
from report_utils.tables.reading import (  # noqa: F401
    FILE,
    HEADER_LINE,
    LINE,
    check_frame,
    read_input,
    read_table,
    rows_as_written,
)


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
    # meta/units.csv by id (empty when the folder has none): units over the package's
    units: pd.DataFrame = field(default_factory=pd.DataFrame)

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


def _read_all(data_dir: Path, table: str, table_schema) -> tuple[pd.DataFrame, list[Problem]]:
    frames, problems = [], []
    paths = files.table_files(data_dir, table)
    if not paths and table not in OPTIONAL_META_TABLES:
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
    for column in NUMBER_COLUMNS.get(table, ()):
        text = frame[column].map(normalize_number)
        frame[column] = pd.to_numeric(text.replace("", None)).astype(float)
        if column == "value":
            frame["decimals"] = text.map(lambda t: len(t.partition(".")[2])).astype(int)
    return frame


def validate(data_dir: Path) -> tuple[Dataset | None, list[Problem]]:
    """Read every table of ``data_dir``; the dataset is None when any error was found."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return None, [Problem(display_path(data_dir), 0, "-", "data folder is missing")]
    indicators, p1 = _read_all(data_dir, "indicators", schema.INDICATORS)
    regions, p2 = _read_all(data_dir, "regions", schema.REGIONS)
    sources, p3 = _read_all(data_dir, "sources", schema.SOURCES)
    units, p8 = _read_all(data_dir, "units", schema.UNITS)
    problems += p1 + p2 + p3 + p8
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
        problems += fact_rules.figure_rules(figures, indicators)
        figures[asof.KNOWN] = fact_rules.known_months(figures)
        if clean(p3):
            published = dict(zip(sources["id"], sources["published"].str[:7], strict=True))
            figures[asof.PUBLISHED] = figures["source"].map(published).fillna("")
    if clean(p8):
        units = _to_numbers(units, "units").set_index("id")
        problems += unit_table.unit_rules(units, unit_magnitude)
    if clean(p5, p7):
        problems += fact_rules.event_rules(cases, events)
    if clean(p1, p2):
        problems += relations.indicator_rules(
            fact_rules.rows(indicators.reset_index(drop="id" in indicators)), regions["id"]
        )
    if clean(p2):
        problems += relations.region_rules(fact_rules.rows(regions))
        for frame, found in ((events, p5), (projects, p6), (cases, p7)):
            if clean(found):
                problems += fact_rules.home_by_default(frame, regions)
    if clean(p3):
        # Quotes of every table that read cleanly, whatever else has errors (one run of
        # validate reports a bad cell and a quote that is not in its source together); the
        # figures once their numbers are read (clean indicators and figures).
        sources = sources.set_index("id")

        def readable(frame: pd.DataFrame, *found: list[Problem]) -> pd.DataFrame:
            return frame if clean(*found) else frame.iloc[0:0]

        problems += check_quotes(
            SimpleNamespace(
                data_dir=data_dir,
                sources=sources,
                figures=readable(figures, p1, p4),
                events=readable(events, p5),
                projects=readable(projects, p6),
                cases=readable(cases, p7),
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
        units=units,
    )
    return dataset, sorted(set(problems))


def load_dataset(data_dir: Path) -> Dataset:
    """The validated dataset, or ``DataValidationError`` listing every problem."""
    dataset, problems = validate(data_dir)
    if dataset is None:
        raise DataValidationError(problems)
    return dataset
