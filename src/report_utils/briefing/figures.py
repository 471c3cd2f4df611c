"""Figures as of a month, and the lineage of every figure a briefing shows.

As-of rule: for an indicator and region, the briefing shows the latest figure whose reference
period ends at or before the as-of month (ties on the end month: the longer period, i.e. the
cumulative one). Related figures of a sentence are taken for exactly the same period as the
figure they qualify, so that a sentence never mixes periods.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from report_utils.errors import ParameterError
from report_utils.tables.load import FILE, LINE, Dataset
from report_utils.tables.periods import Period, is_month


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
    """The dataset seen from one as-of month."""

    def __init__(self, dataset: Dataset, month: str | None = None):
        self.dataset = dataset
        self.month = month or dataset.latest_month()
        if not isinstance(self.month, str) or not is_month(self.month):
            raise ParameterError(f"period must be a month as YYYY-MM, got {self.month!r}")
        first = min(dataset.months(), default=self.month)
        if self.month < first:
            raise ParameterError(
                f"period {self.month} is before the earliest data ({first}); "
                f"months with data: {', '.join(dataset.months())}"
            )
        regions = dataset.regions
        self.home = str(regions.index[regions["role"] == "home"][0])
        self.comparison = [str(r) for r in regions.index[regions["role"] == "comparison"]]
        figures = dataset.figures
        self._visible = figures[figures["period_end"] <= self.month]

    # --- figures --------------------------------------------------------------------------

    def latest(self, indicator: str, region: str | None = None) -> Figure | None:
        """The as-of figure of an indicator for a region (default: the home region)."""
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

    def indicators(self) -> list[tuple[str, str]]:
        """(indicator, region) pairs with a visible figure, in table order."""
        pairs = zip(self._visible["indicator"], self._visible["region"], strict=True)
        return list(dict.fromkeys(pairs))

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
        """Events that ended by the end of the as-of month, oldest first."""
        events = self.dataset.events
        visible = events[events["date_end"].str[:7] <= self.month]
        return visible.sort_values(["date_start", "id"])

    def projects(self) -> pd.DataFrame:
        projects = self.dataset.projects
        return projects[projects["as_of"] <= self.month]

    def cases(self, subject_kind: str | None = None) -> pd.DataFrame:
        cases = self.dataset.cases
        visible = cases[cases["as_of"] <= self.month]
        if subject_kind:
            visible = visible[visible["subject_kind"] == subject_kind]
        return visible
