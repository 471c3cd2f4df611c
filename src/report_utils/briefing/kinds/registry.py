"""The registry of section kinds, and what a kind builds with: a ``Context`` in, a ``Section``
out. The kinds themselves are the other modules of this package (see ``kinds/__init__.py``).

A kind's builder takes a ``Context`` (the section's spec, the region's figures as of the month,
the phrasebook, names, meaning) and returns a ``Section``, or None when nothing it shows exists
yet as of the month (the briefing then prints a one-line note instead). It never sees the whole
briefing.

A kind declares what the checks need before any kernel starts: the spec keys it takes
(``options``), the message keys it needs (``keys``; ``sections.<id>.<key>`` in the analyst's
catalogue, else ``kinds.<kind>.<key>`` in the package's) and the variables each of its templates
is given (``variables``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from report_utils.briefing import charts
from report_utils.briefing.figures import AsOf, Figure
from report_utils.briefing.meaning import Meaning
from report_utils.briefing.names import Names
from report_utils.briefing.phrasing import Paragraph, Phrasebook
from report_utils.briefing.slot_values import template_values
from report_utils.briefing.spec import COMPARED, SELF, SectionSpec, Slot


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Markup | str]]
    kind: str = ""  # the kind of section it lists (its columns' widths are the template's)


@dataclass
class Section:
    """A built section: its paragraphs carry the figures they show (their lineage), the chart
    the figures it draws."""

    id: str
    title: str
    paragraphs: list[Paragraph]
    chart: charts.Chart | None = None
    table: Table | None = None
    chart_figures: list[Figure] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    series: charts.Chart | None = None  # a line chart when an indicator has 3+ periods
    # Rows the section shows that are not figures (an event, a project), as (file, line):
    # a PDF carries every row its briefing used (``briefing.record``).
    rows: list[tuple[str, int]] = field(default_factory=list)
    # For the analyst's record, not the leader's page: what the section left out and why (a
    # change whose inputs' precision does not support it), as plain sentences.
    notes: list[str] = field(default_factory=list)

    @property
    def figures(self) -> list[Figure]:
        """Every figure the section shows in its text or its chart, in order of first use."""
        seen = [f for par in self.paragraphs for f in par.figures] + self.chart_figures
        return list(dict.fromkeys(seen))


@dataclass
class Context:
    """What a kind may use to build one section."""

    spec: SectionSpec
    view: AsOf
    book: Phrasebook
    names: Names
    meaning: Meaning
    compare: str | None = None  # the month "since the last briefing" compares with

    def key(self, name: str) -> str:
        """The catalogue key of one of the section's messages: its own, else its kind's."""
        own = f"sections.{self.spec.id}.{name}"
        return own if self.book.has(own) else f"kinds.{self.spec.kind}.{name}"

    def text(self, name: str, /, **values: Any) -> str:
        return self.book.text(self.key(name), **values)

    def render(self, name: str, /, **values: Any) -> Markup:
        return self.book.render(self.key(name), **values)

    def paragraph(self, name: str, /, **values: Any) -> Paragraph:
        return self.book.paragraph(self.key(name), **values)

    def message(self, name: str) -> Any:
        return self.book.message(self.key(name))

    def slots(self) -> dict[str, Figure | None]:
        """The figures of the section's slots as of the month (None where there is none)."""
        return resolve(self.spec.slots(), self.view, self.spec.max_age)

    def values(self) -> dict[str, Any]:
        """The slots as its sentences see them (``slot_values.Missing`` where there is none)."""
        return template_values(self.slots())


def resolve(
    slots: dict[str, Slot], view: AsOf, max_age: int | None = None
) -> dict[str, Figure | None]:
    """Figures for slots: the first (and any ``period: latest``) the latest of its indicator
    (no older than ``max_age`` years before the as-of year: the briefing's by default), the
    others for the period of the slot they go ``with`` (default: the first)."""
    found: dict[str, Figure | None] = {}
    first = next(iter(slots), None)
    for name, slot in slots.items():
        region = view.home if slot.region in (SELF, COMPARED) else slot.region
        if slot.period == "latest":
            if slot.region == COMPARED:
                figure = next(
                    (f for r in view.comparison if (f := view.latest(slot.indicator, r, max_age))),
                    None,
                )
            else:
                figure = view.latest(slot.indicator, region, max_age)
        else:
            anchor = found.get(slot.with_ or first or "")
            period = anchor.period if anchor is not None else None
            if period is not None and slot.period == "year_earlier":
                period = period.year_earlier()
            if slot.region == COMPARED:
                figure = view.compared(slot.indicator, period)
            else:
                figure = view.at(slot.indicator, period, region)
        found[name] = figure
    return found


@dataclass(frozen=True)
class Kind:
    name: str
    build: Callable[[Context], Section | None]
    options: frozenset[str]
    keys: Callable[[SectionSpec], tuple[str, ...]]
    # message key -> the variables its template is given (besides the catalogue's globals)
    variables: Callable[[SectionSpec], dict[str, set[str]]]


KINDS: dict[str, Kind] = {}


def register(
    name: str,
    *,
    options: set[str] | frozenset[str] = frozenset(),
    keys: tuple[str, ...] | Callable[[SectionSpec], tuple[str, ...]] = ("title",),
    variables: Callable[[SectionSpec], dict[str, set[str]]] | None = None,
):
    """Register a section kind under ``name`` (a decorator of its builder)."""

    def add(build: Callable[[Context], Section | None]):
        needed = keys if callable(keys) else (lambda spec, fixed=tuple(keys): fixed)
        KINDS[name] = Kind(name, build, frozenset(options), needed, variables or (lambda spec: {}))
        return build

    return add


def build(context: Context) -> Section | None:
    return KINDS[context.spec.kind].build(context)
