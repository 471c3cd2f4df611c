"""What a figure means, from its indicator's metadata, so that generated sentences say it right.

``meta/indicators.csv`` says what each indicator is (``kind``: growth, share, rank, count,
amount, capacity, change, gap), which way is better (``better``: a rank is better when lower)
and, for a difference, what it is a difference of (``of``) and against what (``base``: the same
period a year earlier, the previous period, another region or another indicator). From that:

- a rank is placed among the regions of its parent's level (居全国第12位, ranked 12th nationally);
- a change says its base (比上年同期, 比2021年上半年) and its direction in the words of what
  changed: a rank moves up or down places (a change of a rank counts the places moved up), a
  growth rate speeds up or slows by percentage points, anything else rises or falls;
- a gap names what it is measured against (高于全国, 高于全省固定资产投资增速);
- two figures of one indicator are comparable only for the same region and either consecutive
  cumulative periods of one year (1—6月 then 1—9月) or the same period a year apart.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from report_utils.briefing.figures import AsOf, Figure
from report_utils.briefing.names import Names
from report_utils.tables.periods import Period

CHANGE, GAP, RANK, GROWTH, SHARE = "change", "gap", "rank", "growth", "share"
YEAR_EARLIER, PREVIOUS = "year_earlier", "previous"
PERCENT = "%"


@dataclass(frozen=True)
class Move:
    """Two comparable figures of one indicator and the change between them: reported in the data
    (a change indicator of it) or worked out here (then a derived figure with its formula)."""

    old: Figure
    new: Figure
    change: Figure
    base: str  # YEAR_EARLIER or PREVIOUS

    @property
    def worked_out(self) -> bool:
        return self.change.table == "computed"


class Meaning:
    """Reads the indicator and region metadata for the phrasing of one briefing."""

    def __init__(self, view: AsOf, names: Names, book: Any):
        self.view = view
        self.dataset = view.dataset
        self.names = names
        self.book = book  # the Phrasebook that renders the words (frame, against)
        self.indicators = self.dataset.indicators
        self.regions = self.dataset.regions

    # --- metadata ----------------------------------------------------------------------------

    def kind(self, indicator: str) -> str:
        if indicator in self.indicators.index:
            return str(self.indicators.at[indicator, "kind"])
        return ""

    def better(self, indicator: str) -> str:
        """``higher``, ``lower`` or empty; a rank is better when lower unless it says."""
        if indicator not in self.indicators.index:
            return ""
        given = str(self.indicators.at[indicator, "better"])
        return given or ("lower" if self.kind(indicator) == RANK else "")

    def of(self, indicator: str) -> str:
        return (
            str(self.indicators.at[indicator, "of"]) if indicator in self.indicators.index else ""
        )

    def base(self, indicator: str) -> str:
        if indicator not in self.indicators.index:
            return ""
        return str(self.indicators.at[indicator, "base"])

    def words(self, region: str) -> dict[str, str]:
        """The words of a region's level (scope, among, rate, figure, adjective) and its name."""
        level = ""
        if region in self.regions.index:
            level = str(self.regions.at[region, "level"])
        levels = self.book.message("levels")
        name = self.names.region(region)
        found = dict(levels.get(level) or dict.fromkeys(next(iter(levels.values())), name))
        return {**found, "name": name}

    def parent(self, region: str) -> str:
        if region in self.regions.index:
            return str(self.regions.at[region, "parent"])
        return ""

    # --- what a phrase needs to know --------------------------------------------------------

    def context(self, phrase: str, f: Figure) -> dict[str, Any]:
        """The values ``phrase.<phrase>`` of the catalogue uses beside the figure itself."""
        if phrase == "where":
            return self.words(f.region)
        if phrase in ("rank", "rank_short"):
            parent = self.parent(f.region)
            return {"among": self.words(parent)["among"] if parent else ""}
        if phrase == "change" and f.table == "figures":
            of = self.of(f.indicator) or f.indicator
            of_kind = self.kind(of)
            direction = _direction(f.value)
            return {
                "of_kind": of_kind,
                "direction": direction,
                "frame": self.frame(self.base(f.indicator), of, f, of_kind, direction),
            }
        if phrase == "gap" and f.table == "figures":
            return {"against": self.against(f)}
        return {}

    def frame(self, base: str, of: str, f: Figure, of_kind: str, direction: str) -> Markup:
        """What a change is measured against, in words: 比上年同期, 比2021年上半年."""
        values = {"of_kind": of_kind, "direction": direction}
        if base == YEAR_EARLIER:
            return self.book.render("phrase.frame_year_earlier", **values)
        if base == PREVIOUS:
            before = self.view.before(of, f.period, f.region)
            if before is not None:
                when = Markup('<span class="period base">{}</span>').format(
                    self.book.period_text(before)
                )
                return self.book.render("phrase.frame_previous", when=when, **values)
        return Markup("")

    def against(self, f: Figure) -> Markup | str:
        """What a gap is measured against: a region's rate, or another indicator's."""
        base, of = self.base(f.indicator), self.of(f.indicator)
        if base in self.regions.index:
            words = self.words(base)
            return words["rate"] if self.kind(of) == GROWTH else words["figure"]
        return self.book.render(
            "phrase.against_indicator",
            name=self.names.indicator(base),
            of_kind=self.kind(base),
            scope=self.words(f.region)["scope"],
        )

    def subject(self, indicator: str) -> Markup:
        """What a sentence about a change or gap of ``indicator`` is about."""
        return self.book.render(
            "phrase.subject", name=self.names.indicator(indicator), of_kind=self.kind(indicator)
        )

    def stated(self, f: Figure) -> Markup:
        """A figure stated by the kind of its indicator: 同比增长11.7%, 居全国第12位, 为26.9%."""
        kind = self.kind(f.indicator)
        name = {GROWTH: "growth", RANK: "rank", SHARE: "share", CHANGE: "change", GAP: "gap"}
        return self.book.phrase(name.get(kind, "amount"), f)

    def item(self, f: Figure) -> Markup:
        """A figure with what it is: 规模以上工业增加值同比增长11.7%."""
        kind = self.kind(f.indicator)
        subject = (
            self.subject(self.of(f.indicator))
            if kind in (CHANGE, GAP)
            else self.names.indicator(f.indicator)
        )
        return self.book.render("phrase.item", name=subject, stated=self.stated(f))

    # --- comparable figures ----------------------------------------------------------------

    def move(self, old: Figure, new: Figure) -> Move | None:
        """The change from ``old`` to ``new`` when they are comparable, else None."""
        base = comparable(old, new, self.view)
        if base is None or self.kind(new.indicator) in (CHANGE, GAP):
            return None
        change = self.reported_change(new, base) or self.worked_out(old, new)
        return Move(old, new, change, base)

    def reported_change(self, new: Figure, base: str) -> Figure | None:
        """A change indicator of ``new``'s, against the same base, for the same period."""
        for indicator in self.indicators.index[
            (self.indicators["kind"] == CHANGE)
            & (self.indicators["of"] == new.indicator)
            & (self.indicators["base"] == base)
        ]:
            found = self.view.at(str(indicator), new.period, new.region)
            if found is not None:
                return found
        return None

    def worked_out(self, old: Figure, new: Figure) -> Figure:
        """The change from ``old`` to ``new`` as a derived figure: percentage points for a
        percentage, places moved up for a rank (its sign is the data's convention for a change
        of a rank), else in the figures' unit."""
        kind = self.kind(new.indicator)
        decimals = max(old.decimals, new.decimals)
        first, second = (old, new) if kind == RANK else (new, old)
        value = round(first.value - second.value, decimals) + 0.0  # no -0.0
        unit = new.unit
        if kind == RANK:
            unit = old.unit
        elif new.unit == PERCENT:
            unit = str(self.book.message("number.points"))
        formula = f"{_reference(first)} - {_reference(second)}"
        return replace(
            new,
            table="computed",
            value=value,
            decimals=decimals,
            unit=unit,
            qualifier="",
            status="derived",
            formula=formula,
            quote="",
            inputs=(new, old),
        )

    def direction(self, move: Move) -> str:
        """up / down / same for the change of a move, in the sense of its words (a rank moves
        up when its number falls)."""
        return _direction(move.change.value)

    def rose(self, move: Move) -> bool:
        """Whether the figure went up: a rank rises when its number falls."""
        if self.kind(move.new.indicator) == RANK:
            return move.new.value < move.old.value
        return move.new.value > move.old.value


def comparable(old: Figure, new: Figure, view: AsOf) -> str | None:
    """``year_earlier`` or ``previous`` when a change from ``old`` to ``new`` can be stated:
    same indicator and region, and either the same period a year apart or consecutive
    cumulative periods of one year (no period of the kind between them)."""
    if (old.indicator, old.region) != (new.indicator, new.region) or old.table != "figures":
        return None
    if old.period == new.period.year_earlier():
        return YEAR_EARLIER
    same_year = old.period.year == new.period.year
    if (
        old.period.kind == new.period.kind == "ytd"
        and same_year
        and old.period.end < new.period.end
        and view.before(new.indicator, new.period, new.region) == old
    ):
        return PREVIOUS
    return None


def _direction(value: float) -> str:
    return "up" if value > 0 else "down" if value < 0 else "same"


def _reference(f: Figure) -> str:
    return f"{f.indicator}[{f.region},{Period(f.period.start, f.period.end)}]"
