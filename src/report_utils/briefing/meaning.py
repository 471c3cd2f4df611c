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

from report_utils.briefing.figures import AsOf, Figure, direction
from report_utils.briefing.names import Names
from report_utils.tables.formula import reference
from report_utils.tables.reconcile import rounds_to
from report_utils.tables.schema import CODES

CHANGE, GAP, RANK, GROWTH, SHARE = "change", "gap", "rank", "growth", "share"
YEAR_EARLIER, PREVIOUS = "year_earlier", "previous"
APPROXIMATE = CODES["approximate"]  # the qualifier of a change worked out from an approximate one
PERCENT = "%"
# The phrase that states a figure of each kind (``Meaning.stated``; other kinds: ``amount``),
# and the kinds the phrases of one kind can state: a sentence's ``phrase('rank', slot)`` is held
# to its slot's indicator by the checks (a growth rate "ranked 14.5th" is a wrong briefing).
PHRASE_OF_KIND = {
    "growth": "growth",
    "rank": "rank",
    "share": "share",
    "change": "change",
    "gap": "gap",
}
KINDS_OF_PHRASE = {
    "growth": {"growth"},
    "growth_plain": {"growth"},
    "rank": {"rank"},
    "change": {"change"},
    "gap": {"gap"},
}


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
        if phrase == "rank":
            among = self.among(f)
            return {"among": self.words(among)["among"] if among else ""}
        if phrase == "change" and f.table == "figures":
            of = self.of(f.indicator) or f.indicator
            of_kind = self.kind(of)
            way = direction(f.value)
            base = self.base(f.indicator)
            earlier = self.earlier(f, of) if base == PREVIOUS else None
            return {
                "of_kind": of_kind,
                "direction": way,
                "frame": self.frame(base, earlier, of_kind, way),
            }
        if phrase == "gap" and f.table == "figures":
            return {"against": self.against(f)}
        return {}

    def among(self, f: Figure) -> str:
        """The region a rank places its region in: the indicator's ``among``, else the
        region's parent."""
        given = ""
        if f.indicator in self.indicators.index and "among" in self.indicators:
            given = str(self.indicators.at[f.indicator, "among"])
        return given or self.parent(f.region)

    def frame(self, base: str, earlier: Figure | None, of_kind: str, way: str) -> Markup:
        """What a change is measured against, in words: 比上年同期, 比2021年上半年 (the
        earlier period named only where the data shows which it is)."""
        values = {"of_kind": of_kind, "direction": way}
        if base == YEAR_EARLIER:
            return self.book.render("phrase.frame_year_earlier", **values)
        if base == PREVIOUS and earlier is not None:
            when = Markup('<span class="period base">{}</span>').format(
                self.book.period_text(earlier)
            )
            return self.book.render("phrase.frame_previous", when=when, **values)
        return Markup("")

    def earlier(self, change: Figure, of: str) -> Figure | None:
        """The earlier figure a reported change (base ``previous``) is measured from: among the
        indicator's earlier figures of the same kind of period and year, the one the change is
        the difference to (within the rounding of the change), latest first. None when none
        is, or when the figure it changed to is not in the data."""
        now = self.view.at(of, change.period, change.region)
        if now is None:
            return None
        candidates = [
            f
            for f in self.view.series(of, change.region)
            if f.period.end < now.period.end
            and f.period.kind == now.period.kind
            and f.period.year == now.period.year
        ]
        for candidate in sorted(candidates, key=lambda f: f.period.end, reverse=True):
            if _agrees(change, self.difference(candidate, now)):
                return candidate
        return None

    def difference(self, old: Figure, new: Figure) -> float:
        """The change from ``old`` to ``new`` as the data writes a change: places moved up for
        a rank, new minus old for anything else."""
        if self.kind(new.indicator) == RANK:
            return old.value - new.value
        return new.value - old.value

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

    def named_rate(self, indicator: str) -> bool:
        """Whether the indicator's name already says it is a rate ("…两年平均增速", "…average
        growth"): then a sentence does not add the word again."""
        word = str(self.book.message("number.rate_word")).casefold()
        return word in self.names.indicator(indicator).casefold()

    def subject(self, indicator: str) -> Markup:
        """What a sentence about a change or gap of ``indicator`` is about."""
        return self.book.render(
            "phrase.subject",
            name=self.names.indicator(indicator),
            of_kind=self.kind(indicator),
            named=self.named_rate(indicator),
        )

    def stated(self, f: Figure) -> Markup:
        """A figure stated by the kind of its indicator: 同比增长11.7%, 居全国第12位, 为26.9%; a
        rate whose name says so (两年平均增速) is stated as a level, 为7.1%."""
        kind = self.kind(f.indicator)
        if kind == GROWTH and self.named_rate(f.indicator):
            return self.book.phrase("share", f)
        return self.book.phrase(PHRASE_OF_KIND.get(kind, "amount"), f)

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
        change = self.reported_change(old, new, base) or self.worked_out(old, new)
        return Move(old, new, change, base)

    def reported_change(self, old: Figure, new: Figure, base: str) -> Figure | None:
        """A change indicator of ``new``'s, against the same base, for the same period, when
        it is the change from ``old`` (a change against 1—6月 is not the change from 1—8月)."""
        for indicator in self.indicators.index[
            (self.indicators["kind"] == CHANGE)
            & (self.indicators["of"] == new.indicator)
            & (self.indicators["base"] == base)
        ]:
            found = self.view.at(str(indicator), new.period, new.region)
            if found is not None and _agrees(found, self.difference(old, new)):
                return found
        return None

    def worked_out(self, old: Figure, new: Figure) -> Figure:
        """The change from ``old`` to ``new`` as a derived figure: percentage points for a
        percentage, places moved up for a rank (its sign is the data's convention for a change
        of a rank), else in the figures' unit."""
        kind = self.kind(new.indicator)
        decimals = max(old.decimals, new.decimals)
        first, second = (old, new) if kind == RANK else (new, old)
        value = round(self.difference(old, new), decimals) + 0.0  # no -0.0
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
            # the difference of approximate figures (80%左右) is approximate
            qualifier=APPROXIMATE if old.qualifier or new.qualifier else "",
            status="derived",
            formula=formula,
            quote="",
            inputs=(new, old),
        )

    def direction(self, move: Move) -> str:
        """up / down / same for the change of a move, in the sense of its words (a rank moves
        up when its number falls)."""
        return direction(self.difference(move.old, move.new))


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


def _agrees(change: Figure, difference: float) -> bool:
    """Whether a change as written (rounded to its decimals) is this difference."""
    return rounds_to(change.value, change.decimals, difference)


def _reference(f: Figure) -> str:
    return reference(f.indicator, f.region, f.period)
