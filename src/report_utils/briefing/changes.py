"""What changed since the last briefing.

A briefing as of month P is compared with the previous month that has data (or a month given as
``compare``): figures of the same indicator, region and kind of period that moved (由1—9月的11.6%
提高到1—11月的12%), figures that are new, and events that happened in between. Only an indicator
is ever compared with itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
from markupsafe import Markup

from report_utils.briefing.figures import AsOf, Figure
from report_utils.briefing.phrasing import Paragraph, name
from report_utils.errors import ParameterError
from report_utils.tables.load import Dataset
from report_utils.tables.periods import is_month

if TYPE_CHECKING:
    from report_utils.briefing.report import Briefing
    from report_utils.briefing.sections import Section


@dataclass
class Move:
    old: Figure
    new: Figure

    @property
    def direction(self) -> str:
        if self.new.value > self.old.value:
            return "up"
        return "down" if self.new.value < self.old.value else "same"


@dataclass
class Changes:
    since: str | None  # the month compared with; None when there is none before
    moved: list[Move] = field(default_factory=list)
    new: list[Figure] = field(default_factory=list)
    events: pd.DataFrame | None = None


def previous_month(dataset: Dataset, month: str) -> str | None:
    """The latest month with data before ``month``."""
    earlier = [m for m in dataset.months() if m < month]
    return earlier[-1] if earlier else None


def check_compare(dataset: Dataset, month: str, compare: str | None) -> None:
    if compare is None:
        return
    months = dataset.months()
    if not isinstance(compare, str) or not is_month(compare):
        raise ParameterError(f"compare must be a month as YYYY-MM, got {compare!r}")
    if compare >= month:
        raise ParameterError(f"compare ({compare}) must be before the briefing's month ({month})")
    if compare < months[0]:
        raise ParameterError(
            f"compare {compare} is before the earliest data ({months[0]}); "
            f"months with data: {', '.join(months)}"
        )


def changes(dataset: Dataset, month: str, compare: str | None = None) -> Changes:
    check_compare(dataset, month, compare)
    since = compare or previous_month(dataset, month)
    if since is None:
        return Changes(None)
    now, then = AsOf(dataset, month), AsOf(dataset, since)
    result = Changes(since)
    for indicator, region in now.indicators():
        new = now.latest(indicator, region)
        old = then.latest(indicator, region)
        if new is None or new == old:
            continue
        if old is None:
            result.new.append(new)
        elif new.period.kind == old.period.kind and new.period != old.period:
            result.moved.append(Move(old, new))
        else:
            result.new.append(new)  # a different kind of period is not a move
    events = now.events()
    result.events = events[events["date_end"].str[:7] > since]
    return result


def section(b: Briefing) -> Section:
    """The 与上期相比 / Since the last briefing section."""
    from report_utils.briefing.sections import Section

    p = b.phrases
    found = changes(b.dataset, b.asof.month, b.compare)
    title = p.text("section.changes.title")
    if found.since is None:
        return Section("changes", title, [p.paragraph("section.changes.first")])
    # Marked like a period label, as the month compared with.
    since = Markup('<span class="period since">{}</span>').format(p.month_text(found.since))
    paragraphs = []
    if found.moved:
        paragraphs.append(
            _paragraph(
                p,
                "moved",
                since,
                [
                    lambda m=m: p.render(
                        "section.changes.move",
                        name=_name(b, m.new),
                        old=m.old,
                        new=m.new,
                        direction=m.direction,
                    )
                    for m in found.moved
                ],
            )
        )
    if found.new:
        paragraphs.append(
            _paragraph(
                p,
                "new",
                since,
                [
                    lambda f=f: p.render("section.changes.item", name=_name(b, f), f=f)
                    for f in found.new
                ],
            )
        )
    if found.events is not None and not found.events.empty:
        paragraphs.append(
            _paragraph(
                p,
                "events",
                since,
                [
                    lambda ev=ev: p.render(
                        "section.changes.event",
                        when=Markup('<span class="period date">{}</span>').format(
                            p.date_text(ev["date_start"], ev["date_end"])
                        ),
                        title=name(b.localized(ev, "title")),
                    )
                    for _, ev in found.events.iterrows()
                ],
            )
        )
    if not paragraphs:
        paragraphs.append(p.paragraph("section.changes.none", since=since))
    sources = {f.source for par in paragraphs for f in par.figures}
    if found.events is not None:
        sources |= set(found.events["source"])
    return Section("changes", title, paragraphs, sources=sources)


def _name(b: Briefing, f: Figure) -> Markup:
    region = "" if f.region == b.asof.home else b.region_name(f.region)
    return b.phrases.render(
        "chart.label",
        region=name(region) if region else "",
        name=name(b.indicator_name(f.indicator)),
    )


def _paragraph(p, kind: str, since: Markup, items: list[Callable[[], Markup]]) -> Paragraph:
    """One paragraph of the section; its items are rendered inside, so their figures count."""
    with p.recording() as used:
        joined = Markup(p.message("section.changes.sep")).join(item() for item in items)
        html = p.render(f"section.changes.{kind}", since=since, items=joined)
    return Paragraph(html, used)
