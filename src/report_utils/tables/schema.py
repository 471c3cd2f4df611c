"""One pandera schema per table of the data folder.

Tables are read as text (see ``reading.read_table``) so that every problem can be reported with its
file and line; the schemas check the text, and ``load`` converts checked columns afterwards.
Cross-table rules (known indicator, region and source ids) are built in from the metadata tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from report_utils.paths import name_problem
from report_utils.strict_yaml import load_yaml
from report_utils.tables.cells import (
    DATE,
    IDENT,
    INTEGER,
    MONTH,
    NUMBER,
    NUMBER_RE,
    REGION_ID_CHECK,
    SLUG,
    cells,
    check,
    col,
    one_of,
    optional,
    regex,
    region_column,
    row_check,
    start_not_after_end,
    table_schema,
    translation,
    when,
)
from report_utils.tables.characters import disallowed
from report_utils.tables.formula import REF_RE

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
# Codes the tables write in the data's language: package data (codes.yaml), read strictly.
CODES = load_yaml((Path(__file__).parent / "codes.yaml").read_text(encoding="utf-8"))[0]
QUALIFIERS = ("", *CODES["qualifiers"])
PROJECT_STATUSES = tuple(CODES["project_statuses"])
SUBJECT_KINDS = ("company", "project", "park", "event")

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


# --- metadata tables -------------------------------------------------------------------------

INDICATORS = table_schema(
    "indicators",
    {
        "id": col(IDENT),
        "name_zh": col(),
        "name_en": col(),
        "kind": col(one_of(INDICATOR_KINDS, "kind")),
        "unit": col(),
        "unit_en": col(required=False),
        "decimals": col(INTEGER),
        "description_zh": col(required=False),
        # Meaning, read by the phrasing (optional columns: a folder made before them still reads).
        "better": optional(one_of(BETTER, "direction")),
        "of": optional(IDENT),
        "base": optional(),
        "among": optional(),  # a rank: the region it places its region in (default: parent)
        "colour": optional(regex(re.compile(r"^#[0-9a-fA-F]{6}$"), "expected a colour as #rrggbb")),
    },
    checks=[
        row_check(
            lambda df: ~df["kind"].isin(("change", "gap")) | (cells(df, "of") != ""),
            "a change or gap names the indicator it is a difference of (column 'of')",
            "of",
        ),
        row_check(
            lambda df: ~df["kind"].isin(("change", "gap")) | (cells(df, "base") != ""),
            "a change names its base (year_earlier or previous); a gap names the region or "
            "indicator it is measured against (column 'base')",
            "base",
        ),
        row_check(
            lambda df: (df["kind"] != "change") | cells(df, "base").isin(CHANGE_BASES),
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
REGIONS = table_schema(
    "regions",
    {
        # The id names the folder of the region's briefings (OUT/<id>/...): ``paths.name_problem``
        # says what it may be. The names shown are free: name_zh (default: the id) and name_en.
        "id": col(check(lambda s: s.map(_region_id), REGION_ID_CHECK)),
        "name_zh": optional(),
        "name_en": col(),
        "level": optional(one_of(REGION_LEVELS, "level")),
        "parent": optional(),
        "compare": optional(),  # region ids separated by ";", in order of preference
        "role": col(one_of(REGION_ROLES, "role")),
    },
    checks=[
        row_check(
            lambda df: pd.Series((df["role"] == "home").sum() >= 1, index=df.index),
            "at least one region must have the role 'home' (briefed by default)",
            "role",
        )
    ],
)

SOURCES = table_schema(
    "sources",
    {
        "id": col(SLUG),
        "publisher_zh": col(),
        "publisher_en": col(required=False),
        "title_zh": col(),
        "title_en": col(required=False),
        "authors": col(required=False),
        "authors_en": translation(),
        "published": col(DATE, required=False),
        "locator": col(required=False),
        "note": col(required=False),
    },
)


# --- fact tables: built with the ids the metadata defines ---------------------------------------


def figures_schema(indicators: Iterable[str], regions: Iterable[str], sources: Iterable[str]):
    return table_schema(
        "figures",
        {
            "indicator": col(one_of(indicators, "indicator id (see meta/indicators.csv)")),
            "region": col(one_of(regions, "region (see meta/regions.csv)")),
            "period_start": col(MONTH),
            "period_end": col(MONTH),
            "value": col(NUMBER),
            "unit": col(),
            "qualifier": col(one_of(QUALIFIERS, "qualifier"), required=False),
            "status": col(one_of(FIGURE_STATUSES, "status")),
            "formula": col(required=False),
            "source": col(one_of(sources, "source id (see meta/sources.csv)")),
            "quote": col(),
        },
        checks=[start_not_after_end("period_start", "period_end")],
    )


def events_schema(sources: Iterable[str], regions: Iterable[str] | None = None):
    return table_schema(
        "events",
        {
            "id": col(SLUG),
            "region": region_column(regions),
            "date_start": col(DATE),
            "date_end": col(DATE),
            "date_text": col(required=False),  # the source's wording of an imprecise date
            "date_text_en": col(required=False),
            "title_zh": col(),
            "title_en": col(required=False),
            "place": col(required=False),
            "source": col(one_of(sources, "source id (see meta/sources.csv)")),
            "quote": col(),
        },
        checks=[start_not_after_end("date_start", "date_end")],
    )


def projects_schema(sources: Iterable[str], regions: Iterable[str] | None = None):
    return table_schema(
        "projects",
        {
            "id": col(SLUG),
            "region": region_column(regions),
            "name_zh": col(),
            "name_en": col(required=False),
            "company": col(required=False),
            "company_en": translation(),
            "place": col(required=False),
            "place_en": translation(),
            "capacity": col(
                NUMBER,
                when(NUMBER_RE, lambda v: not v.startswith("-"), "a capacity is not negative"),
                required=False,
            ),
            "capacity_unit": col(required=False),
            "status": col(one_of(PROJECT_STATUSES, "status")),
            "status_text": col(required=False),
            "status_text_en": translation(),
            "expected": col(required=False),
            "expected_en": translation(),
            "as_of": col(MONTH),
            "source": col(one_of(sources, "source id (see meta/sources.csv)")),
            "quote": col(),
        },
        checks=[
            row_check(
                lambda df: (df["capacity"] == "") == (df["capacity_unit"] == ""),
                "capacity and capacity_unit must be given together",
                "capacity_unit",
            )
        ],
    )


def cases_schema(sources: Iterable[str], regions: Iterable[str] | None = None):
    return table_schema(
        "cases",
        {
            "id": col(SLUG),
            "region": region_column(regions),
            "subject_kind": col(one_of(SUBJECT_KINDS, "subject_kind")),
            "subject": col(),
            "subject_en": translation(),  # companies, parks (events, projects: their names)
            "measure_zh": col(),
            "measure_en": col(required=False),
            "value": col(NUMBER),
            "unit": col(),
            "qualifier": col(one_of(QUALIFIERS, "qualifier"), required=False),
            "as_of": col(MONTH),
            "source": col(one_of(sources, "source id (see meta/sources.csv)")),
            "quote": col(),
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

RULES = table_schema(
    "rules",
    {
        "id": col(SLUG),
        "kind": col(one_of(RULE_KINDS, "kind")),
        "checked": col(
            regex(
                _ONE_REFERENCE_RE,
                "expected one figure reference: indicator[region,YYYY-MM..YYYY-MM]",
            )
        ),
        "expression": col(
            check(
                lambda s: s.map(lambda v: bool(REF_RE.search(v))),
                "expected figure references indicator[region,YYYY-MM..YYYY-MM] "
                "joined by + - * / and parentheses",
            )
        ),
        "explanation_zh": col(),
        "explanation_en": col(),
    },
)
