"""The one rule for stating a change the briefing works out from two published figures.

A published figure is the true value rounded to the digits it is written with: 12% stands for
anything from 11.5% to 12.5%, 11.6% for 11.55% to 11.65%. The difference of two such figures is
known only to within the sum of their rounding errors, so "加快0.4个百分点" worked out from 11.6%
and 12% could be anything from −0.15 to +0.95: its sign is not known, and its size is not known
to the tenth it would be written with. A derived change is stated only when

- its **sign** is supported: the whole interval lies on one side of zero; a change of exactly
  zero between figures written alike claims no sign ("持平", unchanged as published), and
- its **size** is supported: the interval is no wider than one unit of the last digit the change
  is written with (two figures of one decimal give a change good to ±0.1, which a release
  writes to one decimal; an integer and a one-decimal figure give ±0.55, which it does not).

Ranks and counts are exact (a rank of 12 is 12): they add no rounding error. A figure with a
qualifier ("80%左右", "约160亿元") is not known to any stated precision: a change worked out
from it is not stated. Everything here is exact decimal arithmetic, so 0.1 + 0.05 is 0.15.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

EXACT_KINDS = frozenset({"rank", "count"})


@dataclass(frozen=True)
class Written:
    """A figure as published: its digits, how many decimals they have, and whether the value
    is exact (a rank, a count) or approximate (a qualifier such as 左右)."""

    digits: str
    exact: bool = False
    approximate: bool = False

    @property
    def value(self) -> Decimal:
        return Decimal(self.digits)

    @property
    def decimals(self) -> int:
        return max(0, -self.value.as_tuple().exponent)  # type: ignore[operator]

    @property
    def error(self) -> Decimal:
        """Half a unit of the last digit written (0 for an exact figure)."""
        return Decimal(0) if self.exact else Decimal(5).scaleb(-self.decimals - 1)


@dataclass(frozen=True)
class Verdict:
    """Whether a change from ``old`` to ``new`` may be stated, and why not when it may not."""

    stated: bool
    change: Decimal
    low: Decimal
    high: Decimal
    decimals: int
    reason: str = ""  # "approximate", "sign" or "size" when not stated


def judge(old: Written, new: Written) -> Verdict:
    """The rule: may ``new - old`` be stated, to the decimals of the more precise figure?"""
    change = new.value - old.value
    error = old.error + new.error
    decimals = max(old.decimals, new.decimals)
    low, high = change - error, change + error
    verdict = Verdict(True, change, low, high, decimals)
    if old.approximate or new.approximate:
        return Verdict(False, change, low, high, decimals, "approximate")
    if error and change and not (low > 0 or high < 0):
        return Verdict(False, change, low, high, decimals, "sign")
    if error > Decimal(1).scaleb(-decimals) or (not change and old.decimals != new.decimals):
        return Verdict(False, change, low, high, decimals, "size")
    return verdict


def written(digits: str, kind: str = "", qualifier: str = "") -> Written:
    """A figure as published, from its digits (as the table writes them), its indicator's kind
    (``meta/indicators.csv``) and its qualifier."""
    return Written(digits, exact=kind in EXACT_KINDS, approximate=bool(qualifier))
