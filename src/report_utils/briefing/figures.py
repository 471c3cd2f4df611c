"""Figures as of a month for one region, and the lineage of every figure a briefing shows.

What a month can see is ``tables.asof``'s rule. Of the visible figures of an indicator and region,
the briefing shows the latest (ties on the end month: the longer period, i.e. the cumulative one).
Related figures of a sentence are taken for exactly the same period as the figure they qualify,
so that a sentence never mixes periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from report_utils.briefing import request
from report_utils.briefing.request import Request
from report_utils.tables import asof
from report_utils.tables.load import FILE, LINE, Dataset
from report_utils.tables.periods import Period


def direction(value: float) -> str:
    """``up``, ``down`` or ``same``: the sign of a change, in words a template can test."""
    return "up" if value > 0 else "down" if value < 0 else "same"


@dataclass(frozen=True)
class Figure:
    """One cell of a table with everything needed to show and trace it."""

    table: str
    indicator: str
    region: str
    period: Period
    value: float
    decimals: int
    unit: str
    qualifier: str
    status: str
    formula: str
    source: str
    quote: str
    file: str
    line: int
    # A figure the briefing works out (table "computed"): the figures it is worked out from.
    inputs: tuple[Figure, ...] = ()

    @property
    def derived(self) -> bool:
        return self.status == "derived"

    def number(self, absolute: bool = False) -> str:
        value = abs(self.value) if absolute else self.value
        return f"{value:.{self.decimals}f}"


@dataclass
class Lineage:
    """The figures a briefing has shown, numbered in order of first use (F1, F2, ...)."""

    figures: list[Figure] = field(default_factory=list)

    def ref(self, figure: Figure) -> str:
        if figure not in self.figures:
            self.figures.append(figure)
        return f"F{self.figures.index(figure) + 1}"


class AsOf:
    """The dataset seen from one as-of month, for one region (default: the first home region).

    ``compare`` lists the regions this region is compared with, in order of preference
    (meta/regions.csv, column compare)."""

    def __init__(self, dataset: Dataset, month: str | None = None, region: str | None = None):
        self.dataset = dataset
        asked = request.check(Request(region, month), request.facts_of(dataset))
        self.region = self.home = str(asked.region)
        self.month = str(asked.period)
        regions = dataset.regions
        compare = str(regions.at[self.region, "compare"] or "")
        self.comparison = [r.strip() for r in compare.split(";") if r.strip()]
        self._visible = asof.visible(dataset.figures, "figures", self.month)

    # --- figures --------------------------------------------------------------------------

    def latest(self, indicator: str, region: str | None = None) -> Figure | None:
        """The as-of figure of an indicator for a region (default: the briefing's region)."""
        rows = self._visible[
            (self._visible["indicator"] == indicator)
            & (self._visible["region"] == (region or self.home))
        ]
        if rows.empty:
            return None
        rows = rows.sort_values(["period_end", "period_start"], ascending=[False, True])
        return self._figure(rows.iloc[0])

    def at(self, indicator: str, period: Period | None, region: str | None = None):
        """The figure of an indicator for exactly ``period``, if visible as of the month."""
        if period is None:
            return None
        rows = self._visible[
            (self._visible["indicator"] == indicator)
            & (self._visible["region"] == (region or self.home))
            & (self._visible["period_start"] == period.start)
            & (self._visible["period_end"] == period.end)
        ]
        return None if rows.empty else self._figure(rows.iloc[0])

    def series(self, indicator: str, region: str | None = None) -> list[Figure]:
        """Every visible figure of an indicator for a region whose period is of the same kind
        as the latest one's (cumulative from January, single month, ...), oldest first."""
        latest = self.latest(indicator, region)
        if latest is None:
            return []
        rows = self._visible[
            (self._visible["indicator"] == indicator)
            & (self._visible["region"] == (region or self.home))
        ]
        figures = [self._figure(row) for _, row in rows.iterrows()]
        same_kind = [f for f in figures if f.period.kind == latest.period.kind]
        return sorted(same_kind, key=lambda f: (f.period.end, f.period.start))

    def compared(self, indicator: str, period: Period | None) -> Figure | None:
        """The figure for ``period`` of the first region this one is compared with that has
        it."""
        for other in self.comparison:
            found = self.at(indicator, period, other)
            if found is not None:
                return found
        return None

    def before(self, indicator: str, period: Period, region: str | None = None):
        """The visible figure of an indicator whose period is of the same kind as ``period``
        and the latest to end before it, in the same year: 1—6月 before 1—9月."""
        rows = self._visible[
            (self._visible["indicator"] == indicator)
            & (self._visible["region"] == (region or self.home))
        ]
        earlier = [
            self._figure(row) for _, row in rows.iterrows() if row["period_end"] < period.end
        ]
        earlier = [
            f for f in earlier if f.period.kind == period.kind and f.period.year == period.year
        ]
        return max(earlier, key=lambda f: (f.period.end, f.period.start), default=None)

    def indicators(self, region: str | None = None) -> list[str]:
        """Indicators with a visible figure for a region, in table order."""
        rows = self._visible[self._visible["region"] == (region or self.home)]
        return list(dict.fromkeys(rows["indicator"]))

    def _figure(self, row: pd.Series) -> Figure:
        return Figure(
            table="figures",
            indicator=row["indicator"],
            region=row["region"],
            period=Period(row["period_start"], row["period_end"]),
            value=float(row["value"]),
            decimals=int(row["decimals"]),
            unit=row["unit"],
            qualifier=row["qualifier"],
            status=row["status"],
            formula=row["formula"],
            source=row["source"],
            quote=row["quote"],
            file=row[FILE],
            line=int(row[LINE]),
        )

    def case_figure(self, row: pd.Series) -> Figure:
        """A figure of the cases table (about a company, project, park or event)."""
        month = row["as_of"]
        return Figure(
            table="cases",
            indicator=row["id"],
            region=row["subject"],
            period=Period(month, month),
            value=float(row["value"]),
            decimals=int(row["decimals"]),
            unit=row["unit"],
            qualifier=row["qualifier"],
            status="reported",
            formula="",
            source=row["source"],
            quote=row["quote"],
            file=row[FILE],
            line=int(row[LINE]),
        )

    # --- other tables -------------------------------------------------------------------

    def events(self) -> pd.DataFrame:
        """The region's events that ended by the end of the as-of month, oldest first."""
        events = asof.of_region(self.dataset.events, self.home)
        return asof.visible(events, "events", self.month).sort_values(["date_start", "id"])

    def projects(self) -> pd.DataFrame:
        projects = asof.of_region(self.dataset.projects, self.home)
        return asof.visible(projects, "projects", self.month)

    def cases(self, subject_kind: str | None = None) -> pd.DataFrame:
        cases = asof.visible(asof.of_region(self.dataset.cases, self.home), "cases", self.month)
        if subject_kind:
            cases = cases[cases["subject_kind"] == subject_kind]
        return cases

    def latest_release(self) -> str | None:
        """The latest month a reported figure of the region, visible now, ends in."""
        rows = self._visible[
            (self._visible["region"] == self.home) & (self._visible["status"] == "reported")
        ]
        return max(rows["period_end"], default=None)
