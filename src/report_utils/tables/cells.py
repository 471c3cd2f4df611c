"""The cells of the data folder's tables, checked as text: numbers in their spreadsheet spellings,
months and dates, ids, lengths and characters, and the pandera checks and columns the table schemas
(``schema``) are made of. A check's message is its name, which ``reading`` turns into the
problem an analyst reads.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa

from report_utils.paths import name_problem
from report_utils.tables.characters import disallowed
from report_utils.tables.periods import (
    DATE_RE,
    FIRST_YEAR,
    LAST_YEAR,
    MONTH_RE,
    in_years,
    is_calendar_date,
)

NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d+)?|\.\d+)$")
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
    if not NUMBER_RE.match(plain):
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
    return series.map(lambda v: v == "" or bool(NUMBER_RE.match(v)))


# What a figure's value may be, by its indicator's kind (meta/indicators.csv): a test of the


def check(fn, message: str) -> pa.Check:
    return pa.Check(fn, element_wise=False, error=message, name=message)


def regex(pattern: re.Pattern[str], message: str) -> pa.Check:
    return check(lambda s: s.map(lambda v: v == "" or bool(pattern.match(v))), message)


# Joins an id check's message and the ids it allows (``one_of``); a problem names the near miss
# instead of them when there is one (``reading``).
ONE_OF = "; expected one of: "


def one_of(values: Iterable[str] | None, what: str) -> list[pa.Check]:
    """Value must be one of ``values``; no check when ``values`` is None (its table is broken)."""
    if values is None:
        return []
    allowed = tuple(values)
    shown = ", ".join(v for v in allowed if v) or "(none defined)"
    return check(lambda s: s.isin(allowed) | (s == ""), f"unknown {what}{ONE_OF}{shown}")


def when(pattern: re.Pattern[str], test, message: str) -> pa.Check:
    """A check of the cells that match ``pattern`` (the others fail the pattern's own check)."""
    return check(lambda s: s.map(lambda v: not pattern.match(v) or test(v)), message)


NUMBER = [
    check(_is_number, "expected a number"),
    when(
        NUMBER_RE,
        lambda v: _digits(v) <= MAX_DIGITS,
        f"expected a number of at most {MAX_DIGITS} digits (what Excel keeps)",
    ),
]
_YEARS = f"expected a year from {FIRST_YEAR} to {LAST_YEAR}"
MONTH = [
    regex(MONTH_RE, "expected a month as YYYY-MM, e.g. 2021-09"),
    when(MONTH_RE, in_years, _YEARS),
]
DATE = [
    regex(DATE_RE, "expected a date as YYYY-MM-DD, e.g. 2021-07-26"),
    when(DATE_RE, in_years, _YEARS),
    when(DATE_RE, lambda v: not in_years(v) or is_calendar_date(v), "no such day in the calendar"),
]
# A day, or a month when that is all a release says of its date (a communiqué "published in
# March 2022" is 2022-03).
_DAY_OR_MONTH_RE = re.compile(rf"{DATE_RE.pattern}|{MONTH_RE.pattern}")
DAY_OR_MONTH = [
    regex(_DAY_OR_MONTH_RE, "expected a date as YYYY-MM-DD or a month as YYYY-MM, e.g. 2022-03"),
    when(_DAY_OR_MONTH_RE, in_years, _YEARS),
    when(DATE_RE, lambda v: not in_years(v) or is_calendar_date(v), "no such day in the calendar"),
]
POSITIVE = [
    check(
        lambda s: s.map(lambda v: v == "" or (bool(NUMBER_RE.match(v)) and float(v) > 0)),
        "expected a number above 0",
    ),
]
IDENT = regex(re.compile(r"^[a-z][a-z0-9_]*$"), "expected an id of lower-case letters, digits, _")
SLUG = regex(re.compile(r"^[a-z0-9][a-z0-9-]*$"), "expected an id of lower-case letters, digits, -")
INTEGER = regex(re.compile(r"^\d$"), "expected a whole number of decimals from 0 to 9")


def col(*checks: pa.Check | list[pa.Check], required: bool = True) -> pa.Column:
    """A text column; ``required`` means it must not be empty."""
    flat = [c for item in checks for c in (item if isinstance(item, list) else [item])]
    req = [check(lambda s: s != "", "required value is empty")] if required else []
    return pa.Column(str, checks=[*req, *flat], nullable=False)


def optional(*checks: pa.Check | list[pa.Check]) -> pa.Column:
    """A column that may be empty, and that a data folder made before the column existed may
    leave out altogether (it then reads as empty)."""
    flat = [c for item in checks for c in (item if isinstance(item, list) else [item])]
    return pa.Column(str, checks=flat, nullable=False, required=False)


def translation() -> pa.Column:
    """A column translating another one for a briefing language (``company_en``)."""
    return optional()


def region_column(regions: Iterable[str] | None) -> pa.Column:
    """The region a row of events, projects or cases belongs to; empty means the home region
    (allowed only while the data has one)."""
    return optional(one_of(regions, "region (see meta/regions.csv)"))


# Columns holding numbers, per table: normalised before validation, converted after it.
NUMBER_COLUMNS = {
    "figures": ("value",),
    "projects": ("capacity",),
    "cases": ("value",),
    "units": ("scale",),
}

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
    return check(lambda s: s.str.len() <= limit, message)


# Check names whose message ``load`` completes with what is wrong with the cell.
CHARACTER_CHECK = "holds a character no text may hold"
REGION_ID_CHECK = "a region id names the folder of its briefings"
EXPLAINED = {CHARACTER_CHECK: disallowed, REGION_ID_CHECK: name_problem}


def _characters() -> pa.Check:
    """No control or bidirectional-formatting character (``characters.disallowed``)."""
    return check(lambda s: s.map(lambda v: disallowed(v) is None), CHARACTER_CHECK)


def table_schema(name: str, columns: dict[str, pa.Column], checks: list[pa.Check] | None = None):
    """A table's schema; every text column gets its length limit and its character check."""
    numbers = NUMBER_COLUMNS.get(name, ())
    limited = {
        n: c if n in numbers else c.update_checks([*c.checks, _length(n), _characters()])
        for n, c in columns.items()
    }
    return pa.DataFrameSchema(limited, name=name, strict=True, checks=checks or [])


def cells(df: pd.DataFrame, column: str) -> pd.Series:
    """A column's cells, or empty cells when the file leaves an optional column out."""
    return df[column] if column in df else pd.Series("", index=df.index)


# Row-level checks span columns; this names the column a failing row is reported under.
CHECK_COLUMNS: dict[str, str] = {}


def row_check(fn, message: str, column: str) -> pa.Check:
    CHECK_COLUMNS[message] = column
    return check(fn, message)


def start_not_after_end(start: str, end: str) -> pa.Check:
    return row_check(
        lambda df: (df[start] == "") | (df[end] == "") | (df[start] <= df[end]),
        f"{start} is after {end}",
        start,
    )
