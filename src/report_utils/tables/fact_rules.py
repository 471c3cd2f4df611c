"""Rules between a fact table and the metadata, checked by validate once the tables they read
are clean: a figure's value fits its indicator's kind and its unit is the indicator's; a derived
figure's formula reproduces its value; the month each figure became known; a case's event is
known; an empty region cell means the home region while the data has one.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from report_utils.errors import Problem, quoted
from report_utils.tables import schema
from report_utils.tables.formula import FormulaError, evaluate, references
from report_utils.tables.periods import Period
from report_utils.tables.reading import FILE, LINE


def figure_rules(figures: pd.DataFrame, indicators: pd.DataFrame) -> list[Problem]:
    """Units match the metadata; derived figures have formulas that reproduce their value."""
    problems: list[Problem] = []
    values = {
        (r.indicator, r.region, Period(r.period_start, r.period_end)): r.value
        for r in figures.itertuples()
    }
    for r in rows(figures):
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


def known_months(figures: pd.DataFrame) -> list[str]:
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


def event_rules(cases: pd.DataFrame, events: pd.DataFrame) -> list[Problem]:
    known = set(events["id"])
    return [
        Problem(r.file, r.line, "subject", f"unknown event id {r.subject!r} (see events/)")
        for r in rows(cases)
        if r.subject_kind == "event" and r.subject not in known
    ]


def home_by_default(frame: pd.DataFrame, regions: pd.DataFrame) -> list[Problem]:
    """An empty region cell means the home region: only while the data has one."""
    homes = list(regions.loc[regions["role"] == "home", "id"])
    if frame.empty:
        return []
    if len(homes) == 1:
        frame["region"] = frame["region"].replace("", homes[0])
        return []
    return [
        Problem(r.file, r.line, "region", "required when the data has several home regions")
        for r in rows(frame)
        if not r.region
    ]


def rows(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows as objects, with ``file`` and ``line`` for the row's location."""
    return [
        SimpleNamespace(**row, file=row[FILE], line=int(row[LINE]))
        for row in frame.to_dict("records")
    ]
