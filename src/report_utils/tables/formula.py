"""Formulas of derived figures: arithmetic over references to other figures.

A reference is ``indicator[region,YYYY-MM..YYYY-MM]``; references combine with ``+ - * /`` and
parentheses, e.g. ``a[贵州省,2021-01..2021-09] - b[贵州省,2021-01..2021-09]``.

Hand-written on ``ast`` rather than a library: the grammar is four operators over numbers, and a
general expression evaluator would accept (and run) far more than a data file should contain.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable

from report_utils.tables.periods import Period

REF_RE = re.compile(r"([a-z][a-z0-9_]*)\[([^\[\],]+),\s*([0-9-]+\.\.[0-9-]+)\]")
FigureKey = tuple[str, str, Period]

_OPS: dict[type, Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def reference(indicator: str, region: str, period: Period) -> str:
    """A figure in formula syntax, as ``REF_RE`` reads it: ``ind[region,YYYY-MM..YYYY-MM]``."""
    return f"{indicator}[{region},{period}]"


class FormulaError(ValueError):
    """A formula that cannot be read or evaluated."""


def references(formula: str) -> list[FigureKey]:
    """The figures a formula refers to, in order of appearance."""
    keys = []
    for indicator, region, period in REF_RE.findall(formula):
        try:
            keys.append((indicator, region.strip(), Period.parse(period)))
        except ValueError as exc:
            raise FormulaError(str(exc)) from None
    return keys


def evaluate(formula: str, lookup: Callable[[FigureKey], float | None]) -> float:
    """Value of ``formula``, reading each referenced figure through ``lookup``."""
    names: dict[str, float] = {}

    def substitute(match: re.Match[str]) -> str:
        try:
            key = (match.group(1), match.group(2).strip(), Period.parse(match.group(3)))
        except ValueError as exc:
            raise FormulaError(f"bad period in {match.group(0)}: {exc}") from None
        value = lookup(key)
        if value is None:
            raise FormulaError(f"refers to a figure that is not in the data: {match.group(0)}")
        name = f"_r{len(names)}"
        names[name] = value
        return name

    expression = REF_RE.sub(substitute, formula)
    if not names:
        raise FormulaError("no reference of the form indicator[region,YYYY-MM..YYYY-MM]")
    try:
        tree = ast.parse(expression, mode="eval")
        result = _eval(tree.body, names, formula)
    except SyntaxError:
        raise FormulaError(f"cannot read formula: {formula}") from None
    except (RecursionError, MemoryError):
        raise FormulaError(f"formula too long or nested too deeply: {len(formula)} chars") from None
    if not math.isfinite(result):  # 1e999, or a product beyond what a double holds
        raise FormulaError(f"does not give a finite number: {formula}")
    return result


def _eval(node: ast.AST, names: dict[str, float], formula: str) -> float:
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _eval(node.left, names, formula), _eval(node.right, names, formula)
        try:
            return _OPS[type(node.op)](left, right)
        except ZeroDivisionError:
            raise FormulaError(f"division by zero in: {formula}") from None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_eval(node.operand, names, formula)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name) and node.id in names:
        return names[node.id]
    raise FormulaError(f"only + - * / ( ) and figure references are allowed: {formula}")
