"""Charts of figures: bars and lines built from a section's figures, with labels, legend groups,
colours and alt text from the metadata and the catalogue (``charts`` draws them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import seaborn as sns

from report_utils.briefing import charts
from report_utils.briefing.figures import Figure

if TYPE_CHECKING:
    from report_utils.briefing.kinds.registry import Context


def bar_chart(
    ctx: Context, figures: list[Figure], groups: str, title: str, axis: str
) -> charts.Chart:
    """One bar per figure, labelled with its indicator's name; bars side by side per region
    (``groups="region"``) or per period (``groups="period"``). A label names the period too when
    the bars are of several periods and the groups do not tell them apart."""
    book, names = ctx.book, ctx.names
    by_period = groups == "period"
    with_period = len({f.period for f in figures}) > 1 and not by_period
    bars = []
    for f in figures:
        label = names.indicator(f.indicator)
        if with_period:
            label += "\n" + book.text("chart.label_period", when=book.period_text(f))
        group = book.period_text(f) if by_period else names.region(f.region)
        bars.append(charts.Bar(label, f.value, book.plain_amount(f), group, f.derived))
    if by_period:
        ordered = sorted({f.period for f in figures}, key=lambda p: (p.end, p.start))
        order = [book.period_text(p) for p in ordered]
        # the latest period in the house colour, earlier ones lighter
        palette = dict(zip(reversed(order), _colours(len(order)), strict=True))
    else:
        regions = [ctx.view.home, *ctx.view.comparison]
        shown = list(dict.fromkeys(f.region for f in figures))
        ordered = sorted(shown, key=lambda r: regions.index(r) if r in regions else len(regions))
        palette = dict(zip((names.region(r) for r in ordered), _colours(len(ordered)), strict=True))
    grouped = len({b.group for b in bars}) > 1
    items = book.message("briefing.alt_sep").join(
        book.text(
            "briefing.alt_item",
            label=b.label.replace("\n", " "),
            group=b.group if grouped and b.group not in b.label else "",
            value=b.text,
        )
        for b in bars
    )
    alt = book.text("briefing.alt_bar", title=title, items=items)
    return charts.bar_chart(
        bars, title, axis, alt, palette, book.message("chart.wrap"), fonts=book.fonts
    )


@dataclass(frozen=True)
class Lines:
    """A line chart of figures, ready to draw: what ``series_chart`` decided from the data."""

    points: list[charts.Point]
    title: str
    axis: str
    alt: str
    palette: dict[str, str]
    invert: bool
    figures: list[Figure]
    fonts: tuple[str, ...]

    def draw(self) -> charts.Chart:
        return charts.line_chart(
            self.points, self.title, self.axis, self.alt, self.palette, self.invert, self.fonts
        )


def series_lines(ctx: Context, indicators: list[str], least: int) -> Lines | None:
    """A line per indicator that has ``least`` or more periods of one kind for the region (those
    sharing the first one's unit), or None. Colours come from the indicator metadata
    (``colour``), else from a palette as long as the lines; a chart of ranks has its axis
    inverted (better is up)."""
    book, view = ctx.book, ctx.view
    long = [s for s in (view.series(i) for i in dict.fromkeys(indicators)) if len(s) >= least]
    if not long:
        return None
    unit = long[0][0].unit
    long = [s for s in long if s[0].unit == unit]
    names = [ctx.names.indicator(s[0].indicator) for s in long]
    metadata = ctx.view.dataset.indicators
    fallback = iter(_colours(len(long)))
    palette = {}
    for name, s in zip(names, long, strict=True):
        colour = str(metadata.at[s[0].indicator, "colour"]) if "colour" in metadata else ""
        palette[name] = colour or next(fallback)
    points = [
        charts.Point(book.period_text(f), f.value, book.plain_amount(f), name, f.period.end)
        for name, s in zip(names, long, strict=True)
        for f in s
    ]
    sep = book.message("briefing.alt_sep")
    title = book.text("series.title", names=sep.join(names))
    items = sep.join(f"{x.group} {x.x} {x.text}" for x in points)
    axis = book.text("series.axis", unit=book.unit(long[0][0]).strip())
    # ranks only: a better-when-lower growth rate (energy use) still reads bottom to top
    invert = all(
        ctx.meaning.kind(s[0].indicator) == "rank" and ctx.meaning.better(s[0].indicator) == "lower"
        for s in long
    )
    alt = book.text("series.alt", title=title, items=items)
    figures = [f for s in long for f in s]
    return Lines(points, title, axis, alt, palette, invert, figures, book.fonts)


def mixed_measure(indicators: list[str], metadata: pd.DataFrame) -> str | None:
    """Why a chart of ``indicators`` would draw more than one measure, or None. A chart's bars
    share their kind, unit and ``concept`` (meta/indicators.csv: what the figure measures,
    comparably; empty says nothing more than kind and unit): a growth chart that also plots tax
    revenue, or a share of investment among shares of GDP, mixes what its axis says is one."""
    known = [i for i in dict.fromkeys(indicators) if i in metadata.index]
    if len(known) < 2:
        return None
    for column in ("kind", "unit", "concept"):
        if column not in metadata:
            continue
        values = {i: str(metadata.at[i, column]) for i in known}
        if column == "concept":
            values = {i: v for i, v in values.items() if v}
        if len(set(values.values())) > 1:
            pairs = ", ".join(f"{i} ({v})" for i, v in values.items())
            return f"a chart draws one measure, but its indicators differ in {column}: {pairs}"
    return None


def _colours(n: int) -> list[str]:
    """The house colours for the first groups, then as many more as needed from a palette."""
    house = [charts.HOME, charts.COMPARISON, charts.OTHER]
    extra = [] if n <= len(house) else sns.color_palette("husl", n - len(house)).as_hex()
    return (house + list(extra))[:n]
