"""One pandera schema per table of the data folder.

Tables are read as text (see ``load.read_table``) so that every problem can be reported with its
file and line; the schemas check the text, and ``load`` converts checked columns afterwards.
Cross-table rules (known indicator, region and source ids) are built in from the metadata tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa

from report_utils.paths import name_problem
from report_utils.tables.characters import disallowed
from report_utils.tables.formula import REF_RE
from report_utils.tables.periods import (
    DATE_RE,
    FIRST_YEAR,
    LAST_YEAR,
    MONTH_RE,
    in_years,
    is_calendar_date,
)

# What a figure is, which decides how a sentence states it and a change in it (see data/README.md):
# a rate of growth, a share of a whole, a rank, a count, an amount of money or of capacity, or a
# difference: the change of another indicator since an earlier period, or its gap to another
# region or indicator over the same period.
INDICATOR_KINDS = ("growth", "share", "rank", "count", "amount", "capacity", "change", "gap")
BETTER = ("higher", "lower")
# What a change is measured against: the same period a year earlier, or the previous period of
# the same kind (1—6月 for 1—9月).
CHANGE_BASES = ("year_earlier", "previous")
FIGURE_STATUSES = ("reported", "derived")
QUALIFIERS = ("", "约", "近", "超过", "左右", "以上")
PROJECT_STATUSES = ("筹建", "开工", "在建", "投产")
SUBJECT_KINDS = ("company", "project", "park", "event")

_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d+)?|\.\d+)$")
_THOUSANDS_RE = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def normalize_number(text: str) -> str:
    """Spreadsheet spellings of a number, made plain: full-width digits (１１.７) become ASCII,
    thousands separators (2,578) and a trailing percent sign (11.7%) are dropped.

    Returns the text unchanged when it is not a number in any of these spellings, so the schema
    check rejects it with the original text in the message.
    """
    plain = unicodedata.normalize("NFKC", text).strip().replace("−", "-")
    if plain.endswith("%"):
        plain = plain[:-1].strip()
    if _THOUSANDS_RE.match(plain):
        plain = plain.replace(",", "")
    if not _NUMBER_RE.match(plain):
        return text
    if not plain.lstrip("+-").replace(".", "").strip("0"):
        plain = plain.lstrip("+-")  # a zero has no sign: -0 reads 0, never "-0%"
    return plain


# A number holds at most 15 significant digits, as Excel does: more than a double keeps exactly,
# and a 400-digit value became inf in the kernel ("集中开工项目inf个").
MAX_DIGITS = 15


def _digits(number: str) -> int:
    """Digits of a plain number from its first non-zero one: 0.05 has 1, 1000 has 4."""
    return len(number.lstrip("+-").replace(".", "").lstrip("0"))


def _is_number(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v == "" or bool(_NUMBER_RE.match(v)))


# What a figure's value may be, by its indicator's kind (meta/indicators.csv): a test of the
# value and the decimals it is written with, and the message when it fails. Checked in
# ``load`` where figures meet their indicators; kinds not listed (amount, change, gap) may take
# any finite value.
KIND_RANGES = {
    "rank": (lambda v, decimals: decimals == 0 and v >= 1, "a rank is a whole number from 1"),
    "count": (lambda v, decimals: decimals == 0 and v >= 0, "a count is a whole number from 0"),
    "share": (lambda v, decimals: 0 <= v <= 100, "a share is from 0 to 100"),
    "growth": (lambda v, decimals: v >= -100, "a fall is at most 100%"),
    "capacity": (lambda v, decimals: v >= 0, "a capacity is not negative"),
}


def _check(fn, message: str) -> pa.Check:
    return pa.Check(fn, element_wise=False, error=message, name=message)


def _regex(pattern: re.Pattern[str], message: str) -> pa.Check:
    return _check(lambda s: s.map(lambda v: v == "" or bool(pattern.match(v))), message)


def _one_of(values: Iterable[str] | None, what: str) -> list[pa.Check]:
    """Value must be one of ``values``; no check when ``values`` is None (its table is broken)."""
    if values is None:
        return []
    allowed = tuple(values)
    shown = ", ".join(v for v in allowed if v) or "(none defined)"
    return _check(
        lambda s: s.isin(allowed) | (s == ""), f"unknown {what}; expected one of: {shown}"
    )


def _when(pattern: re.Pattern[str], test, message: str) -> pa.Check:
    """A check of the cells that match ``pattern`` (the others fail the pattern's own check)."""
    return _check(lambda s: s.map(lambda v: not pattern.match(v) or test(v)), message)


NUMBER = [
    _check(_is_number, "expected a number"),
    _when(
        _NUMBER_RE,
        lambda v: _digits(v) <= MAX_DIGITS,
        f"expected a number of at most {MAX_DIGITS} digits (what Excel keeps)",
    ),
]
_YEARS = f"expected a year from {FIRST_YEAR} to {LAST_YEAR}"
MONTH = [
    _regex(MONTH_RE, "expected a month as YYYY-MM, e.g. 2021-09"),
    _when(MONTH_RE, in_years, _YEARS),
]
DATE = [
    _regex(DATE_RE, "expected a date as YYYY-MM-DD, e.g. 2021-07-26"),
    _when(DATE_RE, in_years, _YEARS),
    _when(DATE_RE, lambda v: not in_years(v) or is_calendar_date(v), "no such day in the calendar"),
]
IDENT = _regex(re.compile(r"^[a-z][a-z0-9_]*$"), "expected an id of lower-case letters, digits, _")
SLUG = _regex(
    re.compile(r"^[a-z0-9][a-z0-9-]*$"), "expected an id of lower-case letters, digits, -"
)
INTEGER = _regex(re.compile(r"^\d$"), "expected a whole number of decimals from 0 to 9")


def _col(*checks: pa.Check | list[pa.Check], required: bool = True) -> pa.Column:
    """A text column; ``required`` means it must not be empty."""
    flat = [c for item in checks for c in (item if isinstance(item, list) else [item])]
    req = [_check(lambda s: s != "", "required value is empty")] if required else []
    return pa.Column(str, checks=[*req, *flat], nullable=False)


def _optional(*checks: pa.Check | list[pa.Check]) -> pa.Column:
    """A column that may be empty, and that a data folder made before the column existed may
    leave out altogether (it then reads as empty)."""
    flat = [c for item in checks for c in (item if isinstance(item, list) else [item])]
    return pa.Column(str, checks=flat, nullable=False, required=False)


def _translation() -> pa.Column:
    """A column translating another one for a briefing language (``company_en``)."""
    return _optional()


def _region(regions: Iterable[str] | None) -> pa.Column:
    """The region a row of events, projects or cases belongs to; empty means the home region
    (allowed only while the data has one)."""
    return _optional(_one_of(regions, "region (see meta/regions.csv)"))


# Columns holding numbers, per table: normalised before validation, converted after it.
NUMBER_COLUMNS = {"figures": ("value",), "projects": ("capacity",), "cases": ("value",)}

# Longest text a cell may hold, in characters, by column name in any table (data/README.md lists
# them). Every cell ends up on a page, and page layout takes longer than the text grows: a
# 4,000-character event title took 31 s of PDF, 20,000 over 300 s. Each limit is several times
# the longest cell of its kind in the shipped data, and short enough to keep a page quick.
TEXT_LIMITS = {
    # units, written after every number
    "unit": 20,
    "capacity_unit": 20,
    "unit_en": 40,
    # names and titles: headings, table cells, chart labels (a 300-character unbroken title
    # still wraps inside the page: tests/briefing/test_injection.py)
    **dict.fromkeys(
        ("name_zh", "name_en", "title_zh", "title_en", "company", "company_en", "subject"),
        300,
    ),
    **dict.fromkeys(
        ("subject_en", "measure_zh", "measure_en", "publisher_zh", "publisher_en"), 300
    ),
    # the source's words and the arithmetic on figures, cited in the appendix
    **dict.fromkeys(("quote", "formula", "checked", "expression"), 500),
    # descriptions, explanations and notes
    **dict.fromkeys(("description_zh", "explanation_zh", "explanation_en", "note"), 1000),
}
# Any other column: ids, codes, dates, places, the source's wording of a date or status. (A
# number column is bounded by its digits instead: see MAX_DIGITS.)
DEFAULT_TEXT_LIMIT = 200
# Check names of the length limits, with their limit (``load`` adds the cell's length).
LENGTH_CHECKS: dict[str, int] = {}


def text_limit(column: str) -> int:
    return TEXT_LIMITS.get(column, DEFAULT_TEXT_LIMIT)


def _length(column: str) -> pa.Check:
    limit = text_limit(column)
    message = f"longer than {limit} characters"
    LENGTH_CHECKS[message] = limit
    return _check(lambda s: s.str.len() <= limit, message)


# Check names whose message ``load`` completes with what is wrong with the cell.
CHARACTER_CHECK = "holds a character no text may hold"
REGION_ID_CHECK = "a region id names the folder of its briefings"
EXPLAINED = {CHARACTER_CHECK: disallowed, REGION_ID_CHECK: name_problem}


def _characters() -> pa.Check:
    """No control or bidirectional-formatting character (``characters.disallowed``)."""
    return _check(lambda s: s.map(lambda v: disallowed(v) is None), CHARACTER_CHECK)


def _schema(name: str, columns: dict[str, pa.Column], checks: list[pa.Check] | None = None):
    """A table's schema; every text column gets its length limit and its character check."""
    numbers = NUMBER_COLUMNS.get(name, ())
    limited = {
        n: c if n in numbers else c.update_checks([*c.checks, _length(n), _characters()])
        for n, c in columns.items()
    }
    return pa.DataFrameSchema(limited, name=name, strict=True, checks=checks or [])


def _cells(df: pd.DataFrame, column: str) -> pd.Series:
    """A column's cells, or empty cells when the file leaves an optional column out."""
    return df[column] if column in df else pd.Series("", index=df.index)


# Row-level checks span columns; this names the column a failing row is reported under.
CHECK_COLUMNS: dict[str, str] = {}


def _row_check(fn, message: str, column: str) -> pa.Check:
    CHECK_COLUMNS[message] = column
    return _check(fn, message)


def _start_not_after_end(start: str, end: str) -> pa.Check:
    return _row_check(
        lambda df: (df[start] == "") | (df[end] == "") | (df[start] <= df[end]),
        f"{start} is after {end}",
        start,
    )


# --- metadata tables -------------------------------------------------------------------------

INDICATORS = _schema(
    "indicators",
    {
        "id": _col(IDENT),
        "name_zh": _col(),
        "name_en": _col(),
        "kind": _col(_one_of(INDICATOR_KINDS, "kind")),
        "unit": _col(),
        "unit_en": _col(required=False),
        "decimals": _col(INTEGER),
        "description_zh": _col(required=False),
        # Meaning, read by the phrasing (optional columns: a folder made before them still reads).
        "better": _optional(_one_of(BETTER, "direction")),
        "of": _optional(IDENT),
        "base": _optional(),
        "among": _optional(),  # a rank: the region it places its region in (default: parent)
        "colour": _optional(
            _regex(re.compile(r"^#[0-9a-fA-F]{6}$"), "expected a colour as #rrggbb")
        ),
    },
    checks=[
        _row_check(
            lambda df: ~df["kind"].isin(("change", "gap")) | (_cells(df, "of") != ""),
            "a change or gap names the indicator it is a difference of (column 'of')",
            "of",
        ),
        _row_check(
            lambda df: ~df["kind"].isin(("change", "gap")) | (_cells(df, "base") != ""),
            "a change names its base (year_earlier or previous); a gap names the region or "
            "indicator it is measured against (column 'base')",
            "base",
        ),
        _row_check(
            lambda df: (df["kind"] != "change") | _cells(df, "base").isin(CHANGE_BASES),
            f"the base of a change is one of: {', '.join(CHANGE_BASES)}",
            "base",
        ),
    ],
)


def _region_id(cell: str) -> bool:
    """Whether a region id can name a folder (empty cells and characters no text may hold have
    their own messages)."""
    return cell == "" or disallowed(cell) is not None or name_problem(cell) is None


# A region's level gives the words for it in sentences (全省, 全市, 全国 / the province ...).
REGION_LEVELS = ("country", "province", "prefecture", "autonomous_prefecture", "county")
# home: briefed by default; region: briefed on request (--region, --all-regions);
# comparison: only compared with.
REGION_ROLES = ("home", "region", "comparison")
REGIONS = _schema(
    "regions",
    {
        # The id names the folder of the region's briefings (OUT/<id>/...): ``paths.name_problem``
        # says what it may be. The names shown are free: name_zh (default: the id) and name_en.
        "id": _col(_check(lambda s: s.map(_region_id), REGION_ID_CHECK)),
        "name_zh": _optional(),
        "name_en": _col(),
        "level": _optional(_one_of(REGION_LEVELS, "level")),
        "parent": _optional(),
        "compare": _optional(),  # region ids separated by ";", in order of preference
        "role": _col(_one_of(REGION_ROLES, "role")),
    },
    checks=[
        _row_check(
            lambda df: pd.Series((df["role"] == "home").sum() >= 1, index=df.index),
            "at least one region must have the role 'home' (briefed by default)",
            "role",
        )
    ],
)

SOURCES = _schema(
    "sources",
    {
        "id": _col(SLUG),
        "publisher_zh": _col(),
        "publisher_en": _col(required=False),
        "title_zh": _col(),
        "title_en": _col(required=False),
        "authors": _col(required=False),
        "authors_en": _translation(),
        "published": _col(DATE, required=False),
        "locator": _col(required=False),
        "note": _col(required=False),
    },
)


# --- fact tables: built with the ids the metadata defines ---------------------------------------


def figures_schema(indicators: Iterable[str], regions: Iterable[str], sources: Iterable[str]):
    return _schema(
        "figures",
        {
            "indicator": _col(_one_of(indicators, "indicator id (see meta/indicators.csv)")),
            "region": _col(_one_of(regions, "region (see meta/regions.csv)")),
            "period_start": _col(MONTH),
            "period_end": _col(MONTH),
            "value": _col(NUMBER),
            "unit": _col(),
            "qualifier": _col(_one_of(QUALIFIERS, "qualifier"), required=False),
            "status": _col(_one_of(FIGURE_STATUSES, "status")),
            "formula": _col(required=False),
            "source": _col(_one_of(sources, "source id (see meta/sources.csv)")),
            "quote": _col(),
        },
        checks=[_start_not_after_end("period_start", "period_end")],
    )


def events_schema(sources: Iterable[str], regions: Iterable[str] | None = None):
    return _schema(
        "events",
        {
            "id": _col(SLUG),
            "region": _region(regions),
            "date_start": _col(DATE),
            "date_end": _col(DATE),
            "date_text": _col(required=False),  # the source's wording of an imprecise date
            "date_text_en": _col(required=False),
            "title_zh": _col(),
            "title_en": _col(required=False),
            "place": _col(required=False),
            "source": _col(_one_of(sources, "source id (see meta/sources.csv)")),
            "quote": _col(),
        },
        checks=[_start_not_after_end("date_start", "date_end")],
    )


def projects_schema(sources: Iterable[str], regions: Iterable[str] | None = None):
    return _schema(
        "projects",
        {
            "id": _col(SLUG),
            "region": _region(regions),
            "name_zh": _col(),
            "name_en": _col(required=False),
            "company": _col(required=False),
            "company_en": _translation(),
            "place": _col(required=False),
            "place_en": _translation(),
            "capacity": _col(
                NUMBER,
                _when(_NUMBER_RE, lambda v: not v.startswith("-"), "a capacity is not negative"),
                required=False,
            ),
            "capacity_unit": _col(required=False),
            "status": _col(_one_of(PROJECT_STATUSES, "status")),
            "status_text": _col(required=False),
            "status_text_en": _translation(),
            "expected": _col(required=False),
            "expected_en": _translation(),
            "as_of": _col(MONTH),
            "source": _col(_one_of(sources, "source id (see meta/sources.csv)")),
            "quote": _col(),
        },
        checks=[
            _row_check(
                lambda df: (df["capacity"] == "") == (df["capacity_unit"] == ""),
                "capacity and capacity_unit must be given together",
                "capacity_unit",
            )
        ],
    )


def cases_schema(sources: Iterable[str], regions: Iterable[str] | None = None):
    return _schema(
        "cases",
        {
            "id": _col(SLUG),
            "region": _region(regions),
            "subject_kind": _col(_one_of(SUBJECT_KINDS, "subject_kind")),
            "subject": _col(),
            "subject_en": _translation(),  # companies, parks (events, projects: their names)
            "measure_zh": _col(),
            "measure_en": _col(required=False),
            "value": _col(NUMBER),
            "unit": _col(),
            "qualifier": _col(_one_of(QUALIFIERS, "qualifier"), required=False),
            "as_of": _col(MONTH),
            "source": _col(_one_of(sources, "source id (see meta/sources.csv)")),
            "quote": _col(),
        },
    )


# Columns that identify a row: two rows with the same key are an error.
KEYS = {
    "indicators": ("id",),
    "regions": ("id",),
    "sources": ("id",),
    "figures": ("indicator", "region", "period_start", "period_end"),
    "events": ("id",),
    "projects": ("id",),
    "cases": ("id",),
}


# --- reconciliation rules (rules/*.csv): relations between figures, see ``reconcile`` ----------

RULE_KINDS = ("rate", "gap", "change", "rank_change", "total")
_ONE_REFERENCE_RE = re.compile(rf"^{REF_RE.pattern}$")

RULES = _schema(
    "rules",
    {
        "id": _col(SLUG),
        "kind": _col(_one_of(RULE_KINDS, "kind")),
        "checked": _col(
            _regex(
                _ONE_REFERENCE_RE,
                "expected one figure reference: indicator[region,YYYY-MM..YYYY-MM]",
            )
        ),
        "expression": _col(
            _check(
                lambda s: s.map(lambda v: bool(REF_RE.search(v))),
                "expected figure references indicator[region,YYYY-MM..YYYY-MM] "
                "joined by + - * / and parentheses",
            )
        ),
        "explanation_zh": _col(),
        "explanation_en": _col(),
    },
)
