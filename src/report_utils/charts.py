"""Charts in one house style: seaborn on matplotlib, Chinese labels in a CJK font, values on bars,
derived values hatched, and alt text for every image.

Figures are made with ``matplotlib.figure.Figure`` (not pyplot) inside ``rc_context`` so no state
leaks from one chart into the next or into the caller's session.
"""

from __future__ import annotations

import base64
import io
import textwrap
from dataclasses import dataclass
from datetime import date

import matplotlib as mpl
import pandas as pd
import seaborn as sns
from matplotlib.dates import date2num
from matplotlib.figure import Figure as MplFigure

from report_utils.fonts import cjk_font

HOME = "#1f4e79"
COMPARISON = "#8fa9c4"
OTHER = "#c8892b"
DPI = 200
WIDTH_IN = 7.0


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed on the bar, e.g. "6.4%（推算）"
    group: str  # hue: a region or a period
    derived: bool = False


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt: str
    width_px: int
    height_px: int

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def house_rc() -> dict:
    """rcParams of the house style; fonts inside, since seaborn's styles reset them."""
    rc = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook", font_scale=0.95)}
    rc.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [cjk_font(), "DejaVu Sans"],
            "axes.unicode_minus": False,
            "axes.spines.right": False,
            "axes.spines.top": False,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "svg.hashsalt": "report_utils",
        }
    )
    return rc


def wrap(label: str, width: int = 12) -> str:
    """Wrap each line of a label to ``width`` characters (CJK text has no spaces to break at)."""
    return "\n".join(
        part for line in label.split("\n") for part in (textwrap.wrap(line, width) or [line])
    )


def _render(fig: MplFigure) -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    width, height = fig.get_size_inches() * DPI
    return buffer.getvalue(), round(width), round(height)


def bar_chart(
    bars: list[Bar], title: str, axis_label: str, alt: str, palette: dict[str, str] | None = None
) -> Chart:
    """Horizontal bars, one per item; bars sharing a label are grouped side by side."""
    with mpl.rc_context(house_rc()):
        fig = draw_bars(bars, title, axis_label, palette)
        png, w, h = _render(fig)
    return Chart(png, alt, w, h)


def draw_bars(
    bars: list[Bar], title: str, axis_label: str, palette: dict[str, str] | None = None
) -> MplFigure:
    """The bar chart's figure; call inside ``rc_context(house_rc())``."""
    labels = list(dict.fromkeys(b.label for b in bars))
    groups = list(dict.fromkeys(b.group for b in bars))
    colours = palette or dict(zip(groups, [HOME, COMPARISON, OTHER], strict=False))
    rows = pd.DataFrame(
        [{"label": wrap(b.label), "value": b.value, "group": b.group} for b in bars]
    )
    height = 1.2 + 0.5 * len(labels) * (1 + 0.3 * (len(groups) - 1))
    fig = MplFigure(figsize=(WIDTH_IN, height), layout="constrained")
    ax = fig.subplots()
    sns.barplot(
        data=rows,
        y="label",
        x="value",
        hue="group",
        hue_order=groups,
        order=[wrap(x) for x in labels],
        palette=colours,
        dodge=len(groups) > 1,
        orient="h",
        ax=ax,
        legend=len(groups) > 1,
        width=0.7,
    )
    _annotate(ax, bars, labels)
    ax.set_title(title)
    ax.set_xlabel(axis_label)
    ax.set_ylabel("")
    ax.axvline(0, color="#444444", linewidth=0.8)
    if len(groups) > 1:  # below the chart, where it hides no bar, label or title
        handles, names = ax.get_legend_handles_labels()
        ax.get_legend().remove()
        fig.legend(handles, names, loc="outside lower center", ncols=len(groups), frameon=False)
    return fig


def _annotate(ax, bars: list[Bar], labels: list[str]) -> None:
    """Print each value at the end of its bar; hatch derived bars."""
    lo = min(0.0, *(b.value for b in bars))
    hi = max(0.0, *(b.value for b in bars))
    span = (hi - lo) or 1.0
    ax.set_xlim(lo - (0.22 * span if lo < 0 else 0), hi + 0.28 * span)
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
            patch.set_hatch("///")
            patch.set_alpha(0.75)
        x = patch.get_x() + patch.get_width()
        offset = 0.01 * span if bar.value >= 0 else -0.01 * span
        ax.text(
            x + offset,
            patch.get_y() + patch.get_height() / 2,
            bar.text,
            va="center",
            ha="left" if bar.value >= 0 else "right",
            fontsize=9,
        )


@dataclass(frozen=True)
class Moment:
    start: date
    end: date
    label: str


def timeline_chart(
    moments: list[Moment], year: int, month_labels: list[str], title: str, alt: str
) -> Chart:
    """Events as dots (ranges as bars) on a one-year axis, titles as row labels."""
    rows = pd.DataFrame(
        [
            {"label": wrap(m.label, 22), "x": date2num(m.start), "row": i}
            for i, m in enumerate(moments)
        ]
    )
    height = 1.0 + 0.42 * len(moments)
    with mpl.rc_context(house_rc()):
        fig = MplFigure(figsize=(WIDTH_IN, height), layout="constrained")
        ax = fig.subplots()
        sns.scatterplot(data=rows, x="x", y="row", ax=ax, color=HOME, s=60, legend=False)
        for i, m in enumerate(moments):
            if m.end != m.start:
                ax.hlines(i, date2num(m.start), date2num(m.end), color=HOME, linewidth=5)
        ax.set_yticks(range(len(moments)), list(rows["label"]), fontsize=8.5)
        ax.set_ylim(len(moments) - 0.5, -0.5)
        starts = [date2num(date(year, m, 1)) for m in range(1, 13)]
        ax.set_xticks(starts, month_labels)
        ax.set_xlim(date2num(date(year, 1, 1)), date2num(date(year, 12, 31)))
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.set_title(title)
        png, w, h = _render(fig)
    return Chart(png, alt, w, h)
