"""Reconciliation: check the relations between figures that the source states or implies.

The relations are declared beside the data, one per row of ``rules/*.csv`` in the data folder: a
rate is a part over a whole, a gap is the difference of two figures, a change is this year minus
last year, a rank change is the difference of two ranks, a total is the sum of its parts. Each
rule names the figure it checks and an expression, in the formula syntax of ``formula``, that
recomputes it.

A rule holds when the reported and the recomputed value differ by at most half a unit of the last
decimal the checked figure is written with (41.18 → 0.005, 12 → 0.5): the source rounded it, so
no closer match can be asked. A mismatch is a finding about the source, not an error in the data:
``briefing validate`` lists it as a warning, and the figure stays as the source reports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from report_utils.errors import DataValidationError, Problem
from report_utils.paths import RULES_SUBDIR
from report_utils.tables import files, formula, schema
from report_utils.tables.formula import FigureKey, FormulaError, evaluate, references
from report_utils.tables.load import FILE, LINE, Dataset, check_frame, read_input
from report_utils.tables.periods import Period

# Each figure of the dataset by key: its value and the decimals it is written with.
Figures = dict[FigureKey, tuple[float, int]]


@dataclass(frozen=True)
class RuleFigure:
    """One figure a rule involves, as the figures table has it."""

    indicator: str
    region: str
    period: Period
    value: float

    @property
    def reference(self) -> str:
        """The figure in formula syntax (``formula.reference``)."""
        return formula.reference(self.indicator, self.region, self.period)


@dataclass(frozen=True)
class Rule:
    """One row of a rules file, as written."""

    id: str
    kind: str
    checked: str
    expression: str
    explanation_zh: str
    explanation_en: str
    path: str
    line: int


@dataclass(frozen=True)
class RuleResult:
    """One rule, evaluated: the checked figure as reported against its recomputed value."""

    id: str
    kind: str
    checked: RuleFigure
    inputs: tuple[RuleFigure, ...]  # the figures of the expression, in order of appearance
    expression: str
    reported: float
    recomputed: float
    decimals: int  # of the checked figure, as written in its table
    tolerance: float
    status: str  # "ok" or "mismatch"
    explanation_zh: str
    explanation_en: str
    path: str  # the rules file and line the rule is declared on
    line: int

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def difference(self) -> float:
        """Reported minus recomputed."""
        return self.reported - self.recomputed

    @property
    def figures(self) -> tuple[RuleFigure, ...]:
        """Every figure involved: the checked one first, then the expression's."""
        return (self.checked, *self.inputs)

    def explanation(self, lang: str, source: str) -> str:
        """The rule's explanation in ``lang``, else in the data's language ``source``."""
        return getattr(self, f"explanation_{lang}", "") or getattr(self, f"explanation_{source}")

    def shown(self) -> tuple[str, str, str]:
        """(reported, recomputed, tolerance) as a reader is shown them: the reported value at
        its table's decimals, the recomputed one with two more (enough to see how far off),
        the tolerance as ±. The briefing's analyst notes and ``briefing reconcile`` both."""
        return (
            f"{self.reported:.{self.decimals}f}",
            f"{self.recomputed:.{self.decimals + 2}f}",
            f"±{self.tolerance:g}",
        )

    def warning(self) -> Problem:
        """A mismatch as a warning located at the rule's line, its numbers as ``shown`` (never
        fewer digits than the table writes: 19586.42 stays 19586.42)."""
        reported, recomputed, tolerance = self.shown()
        return Problem(
            self.path,
            self.line,
            "checked",
            f"rule {self.id} does not hold: {self.checked.reference} is reported as "
            f"{reported}, its {self.kind} recomputes to {recomputed} "
            f"(difference {self.difference:+.{self.decimals + 2}f}, tolerance {tolerance})",
            severity="warning",
        )

    def record(self) -> dict[str, object]:
        """The result as plain values (for JSON and CSV); floats free of binary noise."""
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "checked": self.checked.reference,
            "reported": self.reported,
            "recomputed": round(self.recomputed, 10),
            "difference": round(self.difference, 10),
            "tolerance": self.tolerance,
            "expression": self.expression,
            "figures": [{"reference": f.reference, "value": f.value} for f in self.figures],
            "explanation_zh": self.explanation_zh,
            "explanation_en": self.explanation_en,
            "path": self.path,
            "line": self.line,
        }


def tolerance(decimals: int) -> float:
    """Half a unit of the last decimal: 2 decimals → 0.005, none → 0.5."""
    return 0.5 * 10.0**-decimals


def rounds_to(written: float, decimals: int, exact: float) -> bool:
    """Whether ``written``, a value with ``decimals``, is ``exact`` rounded: within the
    ``tolerance``, with a hair of slack so that float noise (7.1 - 6.4 = 0.6999…93) never
    decides. The one rule for a written value against a worked-out one (rules, changes)."""
    return abs(written - exact) <= tolerance(decimals) + 1e-9 * max(1.0, abs(written))


def rule_files(data_dir: Path) -> list[Path]:
    return files.table_files(Path(data_dir), RULES_SUBDIR)


def read_rules(data_dir: Path) -> tuple[list[Rule], list[Problem]]:
    """Every rule of ``rules/*.csv``, checked against ``schema.RULES``; ids unique across files.

    A data folder without rules is allowed: it has nothing to reconcile.
    """
    rules: list[Rule] = []
    problems: list[Problem] = []
    for path in rule_files(data_dir):
        frame, found = read_input(data_dir, path)
        problems += found
        if frame is None or frame.empty:
            continue
        checked = check_frame(frame, schema.RULES)
        problems += checked
        if not checked:
            rules += [
                Rule(
                    **{k: v for k, v in row.items() if k in schema.RULES.columns},
                    path=row[FILE],
                    line=int(row[LINE]),
                )
                for row in frame.to_dict("records")
            ]
    first: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in first:
            other = first[rule.id]
            problems.append(
                Problem(
                    rule.path,
                    rule.line,
                    "id",
                    f"duplicate of {other.path}:{other.line} ({rule.id})",
                )
            )
        first.setdefault(rule.id, rule)
    return rules, problems


def check(dataset: Dataset) -> tuple[list[RuleResult], list[Problem]]:
    """Every rule of the data folder, evaluated on the dataset's figures.

    Problems are the errors in the rules files (each as ``path:line: column: message``) and one
    warning per rule that does not hold. Results are empty when there is any error.
    """
    rules, problems = read_rules(dataset.data_dir)
    figures: Figures = {
        (r.indicator, r.region, Period(r.period_start, r.period_end)): (r.value, int(r.decimals))
        for r in dataset.figures.itertuples()
    }
    results = []
    for rule in rules:
        result, found = _evaluate(rule, figures, dataset)
        problems += found
        if result is not None:
            results.append(result)
    if any(p.severity == "error" for p in problems):
        return [], sorted(set(problems))
    problems += [r.warning() for r in results if not r.ok]
    return results, sorted(set(problems))


def reconcile(dataset: Dataset) -> list[RuleResult]:
    """Every rule evaluated, in file and line order; ``DataValidationError`` on a broken rule."""
    results, problems = check(dataset)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataValidationError(errors)
    return results


def _evaluate(
    rule: Rule, figures: Figures, dataset: Dataset
) -> tuple[RuleResult | None, list[Problem]]:
    """The rule's result, or the problems that keep it from being evaluated."""
    keys: dict[str, list[FigureKey]] = {}
    for column in ("checked", "expression"):
        try:
            keys[column] = list(dict.fromkeys(references(getattr(rule, column))))
        except FormulaError as exc:
            return None, [Problem(rule.path, rule.line, column, str(exc))]
    (checked_key,) = keys["checked"]  # the schema allows exactly one reference
    problems = [
        Problem(rule.path, rule.line, column, message)
        for column, column_keys in keys.items()
        for key in column_keys
        if (message := _missing(key, figures, dataset))
    ]
    if checked_key in keys["expression"]:
        problems.append(
            Problem(rule.path, rule.line, "expression", "refers to the figure it checks")
        )
    if problems:
        return None, problems
    try:
        recomputed = evaluate(rule.expression, lambda key: figures[key][0])
    except FormulaError as exc:
        return None, [Problem(rule.path, rule.line, "expression", str(exc))]
    reported, decimals = figures[checked_key]
    allowed = tolerance(decimals)
    holds = rounds_to(reported, decimals, recomputed)
    result = RuleResult(
        id=rule.id,
        kind=rule.kind,
        checked=_figure(checked_key, figures),
        inputs=tuple(_figure(key, figures) for key in keys["expression"]),
        expression=rule.expression,
        reported=reported,
        recomputed=recomputed,
        decimals=decimals,
        tolerance=allowed,
        status="ok" if holds else "mismatch",
        explanation_zh=rule.explanation_zh,
        explanation_en=rule.explanation_en,
        path=rule.path,
        line=rule.line,
    )
    return result, []


def _figure(key: FigureKey, figures: Figures) -> RuleFigure:
    indicator, region, period = key
    return RuleFigure(indicator, region, period, figures[key][0])


def _missing(key: FigureKey, figures: Figures, dataset: Dataset) -> str:
    """Why a reference finds no figure, or an empty string when it does."""
    if key in figures:
        return ""
    indicator, region, period = key
    written = formula.reference(indicator, region, period)
    if indicator not in dataset.indicators.index:
        return f"unknown indicator {indicator!r} in {written} (see meta/indicators.csv)"
    if region not in dataset.regions.index:
        return f"unknown region {region!r} in {written} (see meta/regions.csv)"
    return f"no figure {written} in figures/"
