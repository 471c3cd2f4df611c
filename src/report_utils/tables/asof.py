"""The as-of rule, in one place: what a briefing as of a month can see.

A row is visible as of month M when the month it refers to is M or earlier: a figure's
``period_end``, an event's ``date_end`` (its month), a project's or case's ``as_of``. A derived
figure is known only once the figures its formula uses are: last year's share worked back from
this year's change (September's release) is not shown in a March briefing (``KNOWN``). Every
reader of the data (the briefing's figures, the changes since the last briefing, the content
digest that decides whether a briefing is out of date) asks this module, so they cannot drift
apart.

The months a briefing can be as of are the months in which a *reported* figure's period or an
event ends. (A derived figure, e.g. last year's share worked back from this year's, was not
known in its own month, so it does not make a month.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from report_utils.paths import FACT_TABLES

if TYPE_CHECKING:  # planning a no-op build imports this module, and must not import pandas
    import pandas as pd

# The month a figure became known (load.py adds it): its period's end, or for a derived figure
# the latest month of the figures its formula uses.
KNOWN = "_known"


def month_of(frame: pd.DataFrame, table: str) -> pd.Series:
    """The month (``YYYY-MM``) each row of a fact table refers to."""
    if table == "figures":
        return frame[KNOWN] if KNOWN in frame else frame["period_end"]
    if table == "events":
        return frame["date_end"].str[:7]
    if table in ("projects", "cases"):
        return frame["as_of"]
    raise ValueError(f"not a fact table: {table!r}")


def known_by(month_of_row: str, month: str) -> bool:
    """The rule for one row: a row that refers to ``month_of_row`` is seen as of ``month``."""
    return month_of_row <= month


def visible(frame: pd.DataFrame, table: str, month: str) -> pd.DataFrame:
    """The rows of a fact table a briefing as of ``month`` can see."""
    return frame[month_of(frame, table) <= month]


def after(frame: pd.DataFrame, table: str, month: str) -> pd.DataFrame:
    """The rows that became visible after ``month`` (what a later briefing adds)."""
    return frame[month_of(frame, table) > month]


def of_region(frame: pd.DataFrame, region: str | None) -> pd.DataFrame:
    """Rows about one region (every row when ``region`` is None)."""
    return frame if region is None else frame[frame["region"] == region]


def months(dataset: Any, region: str | None = None) -> list[str]:
    """Every month a briefing (of ``region``, or of any region) can be as of, oldest first."""
    figures = of_region(dataset.figures, region)
    reported = figures[figures["status"] == "reported"]
    events = of_region(dataset.events, region)
    return sorted(set(month_of(reported, "figures")) | set(month_of(events, "events")))


def latest_month(dataset: Any, region: str | None = None) -> str | None:
    """The latest month any figure, event, project or case (of ``region``) refers to."""
    found = [
        month
        for table in FACT_TABLES
        for month in month_of(of_region(getattr(dataset, table), region), table)
    ]
    return max(found, default=None)


def previous_month(dataset: Any, month: str, region: str | None = None) -> str | None:
    """The latest month with data before ``month``: what the last briefing was as of."""
    earlier = [m for m in months(dataset, region) if m < month]
    return earlier[-1] if earlier else None
