"""A briefing's figures and charts as pandas and matplotlib objects, for an analyst working in
the notebook: ``Briefing.figures_table()`` and ``Briefing.chart_figures()`` return these. The
build never calls them; they read what the briefing reads (``AsOf``, the sections' kinds) and
add no rule of their own."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure as MplFigure

# One row per as-of figure: what it is, its value and period, whether and as what the briefing
# shows it (its F-number in the appendix), and where it comes from.
COLUMNS = (
    "indicator",
    "name",
    "region",
    "period_start",
    "period_end",
    "period",
    "value",
    "unit",
    "status",
    "shown",
    "source",
    "file",
    "line",
)


def figures_table(brief: Any) -> pd.DataFrame:
    """Every as-of figure of the briefing's region and the regions it is compared with: for
    each indicator the latest figure whose period ends by the as-of month (``AsOf.latest``).
    ``shown`` is the figure's reference in the appendix (F1, F2, ...) once the sections that
    show it have run, else empty."""
    asof, names, phrases = brief.asof, brief.names, brief.phrases
    refs = {figure: f"F{number}" for number, figure in enumerate(brief.lineage.figures, 1)}
    rows = []
    for region in [asof.home, *asof.comparison]:
        for indicator in asof.indicators(region):
            f = asof.latest(indicator, region)
            if f is None:
                continue
            rows.append(
                {
                    "indicator": f.indicator,
                    "name": names.indicator(f.indicator),
                    "region": f.region,
                    "period_start": f.period.start,
                    "period_end": f.period.end,
                    "period": phrases.period_text(f),
                    "value": f.value,
                    "unit": f.unit,
                    "status": f.status,
                    "shown": refs.get(f, ""),
                    "source": f.source,
                    "file": f.file,
                    "line": f.line,
                }
            )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def show_figures_inline() -> None:
    """In an IPython kernel, show a matplotlib figure a cell returns as a PNG, as pyplot's inline
    backend does (the package draws with ``Figure`` objects, never pyplot, so that no global
    figure state is kept, and these are shown as text otherwise). Elsewhere nothing."""
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        select_figure_formats(shell, {"png"})


def chart_figures(brief: Any) -> dict[str, list[MplFigure]]:
    """Each section's charts as matplotlib figures, by section id (a section left out for the
    month, or without a chart, has none). The sections are built again: the figures are new
    objects an analyst may restyle or save (``fig.savefig``) without touching the briefing."""
    show_figures_inline()
    figures: dict[str, list[MplFigure]] = {}
    for spec in brief.spec.sections:
        built = brief.build_section(spec.id)
        charts = [] if built is None else [built.chart, built.series]
        figures[spec.id] = [c.figure for c in charts if c is not None and c.figure is not None]
    return figures
