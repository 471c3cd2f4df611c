"""Charts in one house style: seaborn on matplotlib, labels in a CJK font (it draws the Latin of
English briefings too), values on bars, derived values hatched, and alt text for every image.
Every word on a chart is passed in, from the message catalogue; nothing here is language-specific
but the line width of labels, which the catalogue sets (``chart.wrap``).

Figures are made with ``matplotlib.figure.Figure`` (not pyplot) inside ``rc_context`` so no state
leaks from one chart into the next or into the caller's session.
"""

from __future__ import annotations

import base64
import io
import unicodedata
from dataclasses import dataclass, field

import matplotlib as mpl
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure as MplFigure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch

from report_utils.briefing.chart_labels import wrap
from report_utils.fonts import cjk_font

HOME = "#1f4e79"
COMPARISON = "#8fa9c4"
OTHER = "#c8892b"
# A chart is shown at 75 CSS pixels per inch of the figure: 7 in wide is 525 px, 394 pt in print
# (the size the PNG charts had at 150 dpi, shown at half their pixels).
CSS_PX_PER_IN = 75
WIDTH_IN = 7.0


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed on the bar, e.g. "6.4% (derived)"
    group: str  # hue: a region or a period
    derived: bool = False


@dataclass(frozen=True)
class Chart:
    svg: bytes
    alt: str
    width_px: int  # the size a page shows it at, in CSS pixels
    height_px: int
    # The matplotlib figure drawn, for an analyst in the notebook (``Briefing.chart_figures``).
    figure: MplFigure | None = field(default=None, compare=False, repr=False)

    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


def house_rc(fonts: tuple[str, ...] | None = None) -> dict:
    """rcParams of the house style; fonts inside, since seaborn's styles reset them. ``fonts``:
    the briefing language's families, first choice first (default: the CJK face alone)."""
    rc = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=0.95)}
    rc.update(
        {
            # A list of families: matplotlib takes each glyph from the first that has it (a
            # Chinese name in an English chart comes from the CJK face).
            "font.family": [*(fonts or (cjk_font(),)), "DejaVu Sans"],
            "axes.unicode_minus": False,
            "axes.spines.right": False,
            "axes.spines.top": False,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "svg.hashsalt": "report_utils",
            "svg.fonttype": "path",
            "text.parse_math": False,  # a "$" in data is text, not mathtext
            "text.usetex": False,
        }
    )
    return rc


def _render(fig: MplFigure) -> tuple[bytes, int, int]:
    """The figure as SVG, its text drawn as outlines (``svg.fonttype: path``): the chart looks the
    same in any browser and in Typst, whatever fonts they have (Typst draws SVG text with its own
    font set, a browser with the reader's); the figure's alt text carries its words. No date in
    the file and a fixed id salt (``house_rc``): the same chart, the same bytes. The size in CSS
    pixels at which a page shows it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    width, height = fig.get_size_inches()
    return buffer.getvalue(), round(width * CSS_PX_PER_IN), round(height * CSS_PX_PER_IN)


def bar_chart(
    bars: list[Bar],
    title: str,
    axis_label: str,
    alt: str,
    palette: dict[str, str] | None = None,
    wrap_width: int = 24,
    fonts: tuple[str, ...] | None = None,
) -> Chart:
    """Horizontal bars, one per item; bars sharing a label are grouped side by side."""
    with mpl.rc_context(house_rc(fonts)):
        fig = draw_bars(bars, title, axis_label, palette, wrap_width)
        svg, w, h = _render(fig)
    return Chart(svg, alt, w, h, fig)


def draw_bars(
    bars: list[Bar],
    title: str,
    axis_label: str,
    palette: dict[str, str] | None = None,
    wrap_width: int = 24,
) -> MplFigure:
    """The bar chart's figure; call inside ``rc_context(house_rc())``."""
    labels = list(dict.fromkeys(b.label for b in bars))
    groups = list(dict.fromkeys(b.group for b in bars))
    colours = palette or dict(zip(groups, [HOME, COMPARISON, OTHER], strict=False))
    rows = pd.DataFrame(
        [{"label": wrap(b.label, wrap_width), "value": b.value, "group": b.group} for b in bars]
    )
    # Each row is tall enough for its bars and for the lines of its label.
    lines = max((wrap(x, wrap_width).count("\n") + 1 for x in labels), default=1)
    row = max(0.5 * (1 + 0.3 * (len(groups) - 1)), 0.2 * lines)
    # room for each line of the title, and a plot at least an inch tall
    height = 1.2 + 0.25 * title_lines(title).count("\n") + max(1.0, row * len(labels))
    fig = MplFigure(figsize=(WIDTH_IN, height), layout="constrained")
    ax = fig.subplots()
    sns.barplot(
        data=rows,
        y="label",
        x="value",
        hue="group",
        hue_order=groups,
        order=[wrap(x, wrap_width) for x in labels],
        palette=colours,
        dodge=len(groups) > 1,
        orient="h",
        ax=ax,
        legend=len(groups) > 1,
        width=0.7,
    )
    _annotate(ax, bars, labels)
    _title(fig, title)
    ax.set_xlabel(axis_label)
    ax.set_ylabel("")
    ax.axvline(0, color="#444444", linewidth=0.8)
    _legend_below(fig, ax, len(groups), _swatches(bars, groups, colours))
    return fig


HATCH = "///"  # a derived bar, and the legend swatch of a group whose bars are all derived
DERIVED_ALPHA = 0.75


def _swatches(bars: list[Bar], groups: list[str], colours: dict[str, str]) -> list[Patch]:
    """A legend swatch per group that looks like its bars: hatched when they all are derived
    (a plain swatch beside hatched bars says they are something else)."""
    swatches = []
    for group in groups:
        derived = all(b.derived for b in bars if b.group == group)
        swatches.append(
            Patch(
                facecolor=colours[group],
                hatch=HATCH if derived else None,
                alpha=DERIVED_ALPHA if derived else None,
                label=group,
            )
        )
    return swatches


def _title(fig: MplFigure, title: str) -> None:
    """The chart's title above it, from the figure's left edge (``title_lines`` wraps it):
    call inside ``rc_context``."""
    fig.suptitle(
        title_lines(title),
        x=0.01,
        ha="left",
        fontsize=_title_size(),
        fontweight=mpl.rcParams["axes.titleweight"],
    )


def title_lines(title: str) -> str:
    """The title wrapped to the figure's width: a title longer than the plot is never cut off
    at the edge. Call inside ``rc_context``."""
    # A display column (half a CJK character) of bold text is about 0.55 em wide.
    columns = int((WIDTH_IN - 0.2) * 72 / (0.55 * _title_size()))
    return wrap(title, columns, max_lines=None)


def _title_size() -> float:
    return FontProperties(size=mpl.rcParams["axes.titlesize"]).get_size_in_points()


VALUE_FONTSIZE = 9
AXES_WIDTH_IN = 0.6 * WIDTH_IN  # a safe guess at the plot area beside the bar labels


def text_width_in(text: str, fontsize: float = VALUE_FONTSIZE) -> float:
    """Rough printed width of a text: a CJK character is 1 em, any other about 0.58 em."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.58 for c in text)
    return ems * fontsize / 72


def _limits(bars: list[Bar]) -> tuple[float, float]:
    """x limits with room for the value printed beyond the end of each bar."""
    lo = min(0.0, *(b.value for b in bars))
    hi = max(0.0, *(b.value for b in bars))
    span = (hi - lo) or 1.0
    # Fractions of the plot width the longest label on each side needs (plus a small gap).
    left = max((text_width_in(b.text) for b in bars if b.value < 0), default=0.0)
    right = max((text_width_in(b.text) for b in bars if b.value >= 0), default=0.0)
    f_left = (left + 0.1) / AXES_WIDTH_IN if left else 0.0
    f_right = (right + 0.1) / AXES_WIDTH_IN
    total = span / max(0.3, 1 - f_left - f_right)
    margin_left = max(0.22 * span, f_left * total) if lo < 0 else 0.0
    return lo - margin_left, hi + max(0.28 * span, f_right * total)


def _annotate(ax, bars: list[Bar], labels: list[str]) -> None:
    """Print each value at the end of its bar; hatch derived bars."""
    lo = min(0.0, *(b.value for b in bars))
    hi = max(0.0, *(b.value for b in bars))
    span = (hi - lo) or 1.0
    ax.set_xlim(*_limits(bars))
    unused = list(bars)
    for patch in ax.patches:
        if patch.get_height() == 0 or not patch.get_visible():
            continue
        row = round(patch.get_y() + patch.get_height() / 2)
        if not 0 <= row < len(labels):
            continue
        candidates = [b for b in unused if b.label == labels[row]]
        if not candidates:
            continue
        bar = min(candidates, key=lambda b: abs(b.value - patch.get_width()))
        unused.remove(bar)
        if bar.derived:
            patch.set_hatch(HATCH)
            patch.set_alpha(DERIVED_ALPHA)
        x = patch.get_x() + patch.get_width()
        offset = 0.01 * span if bar.value >= 0 else -0.01 * span
        ax.text(
            x + offset,
            patch.get_y() + patch.get_height() / 2,
            bar.text,
            va="center",
            ha="left" if bar.value >= 0 else "right",
            fontsize=VALUE_FONTSIZE,
        )


@dataclass(frozen=True)
class Point:
    x: str  # the period's label
    value: float
    text: str  # the value as printed beside the point
    group: str  # one line per group (an indicator)
    order: str = ""  # sorts the x axis (the period's end month); by appearance when equal


def line_chart(
    points: list[Point],
    title: str,
    axis_label: str,
    alt: str,
    palette: dict[str, str] | None = None,
    invert: bool = False,
    fonts: tuple[str, ...] | None = None,
) -> Chart:
    """A series over periods: one line per group, every point labelled with its value.
    ``invert`` puts the lowest value on top (a rank: better is up)."""
    with mpl.rc_context(house_rc(fonts)):
        fig = draw_lines(points, title, axis_label, palette, invert)
        svg, w, h = _render(fig)
    return Chart(svg, alt, w, h, fig)


def draw_lines(
    points: list[Point],
    title: str,
    axis_label: str,
    palette: dict[str, str] | None = None,
    invert: bool = False,
) -> MplFigure:
    """The line chart's figure; call inside ``rc_context(house_rc())``. Groups without a
    colour in ``palette`` take one from a palette as long as the groups."""
    ordered = sorted(range(len(points)), key=lambda i: (points[i].order, i))
    order = list(dict.fromkeys(points[i].x for i in ordered))
    groups = list(dict.fromkeys(p.group for p in points))
    rows = pd.DataFrame(
        [{"x": order.index(p.x), "value": p.value, "group": p.group} for p in points]
    )
    extra = 0.25 * title_lines(title).count("\n")
    fig = MplFigure(figsize=(WIDTH_IN, 3.2 + 0.25 * len(groups) + extra), layout="constrained")
    ax = fig.subplots()
    missing = [g for g in groups if g not in (palette or {})]
    spare = sns.color_palette("husl", len(missing)).as_hex() if missing else []
    colours = {**dict(zip(missing, spare, strict=True)), **(palette or {})}
    sns.lineplot(
        data=rows,
        x="x",
        y="value",
        hue="group",
        hue_order=groups,
        palette={g: colours[g] for g in groups},
        marker="o",
        ax=ax,
        legend=len(groups) > 1,
    )
    for p in points:
        ax.annotate(
            p.text,
            (order.index(p.x), p.value),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=VALUE_FONTSIZE,
        )
    ax.set_xticks(range(len(order)), order)
    ax.set_xlim(-0.4, len(order) - 0.6)
    low, high = min(p.value for p in points), max(p.value for p in points)
    pad = (high - low) * 0.25 or abs(high) * 0.1 or 1.0
    ax.set_ylim(min(0.0, low - pad), high + pad)
    if invert:  # a rank: the best (lowest) on top
        ax.set_ylim(high + pad, max(0.0, low - pad))
    _title(fig, title)
    ax.set_xlabel("")
    ax.set_ylabel(axis_label)
    _legend_below(fig, ax, len(groups))
    return fig


def _legend_below(fig: MplFigure, ax, groups: int, swatches: list[Patch] | None = None) -> None:
    """One legend entry per group, below the chart, where it hides no bar, label or title
    (``swatches``: the entries, else the axes' own)."""
    if groups > 1:
        handles, names = ax.get_legend_handles_labels()
        if swatches is not None:
            handles, names = swatches, [str(p.get_label()) for p in swatches]
        ax.get_legend().remove()
        # at most three entries a row: five long names side by side are wider than the page
        fig.legend(handles, names, loc="outside lower center", ncols=min(groups, 3), frameon=False)
