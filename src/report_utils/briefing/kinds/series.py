"""``series``: indicators over time, one line each, for the briefing's region.

Spec keys: ``indicators`` (a list of indicator ids). A line needs two or more periods of one
kind; lines share the first one's unit. Colours come from the indicator metadata (``colour``),
else from a palette as long as the lines; ranks are drawn with the best on top. Messages:
``title`` and ``text`` (an optional sentence above the chart, empty by default).
"""

from __future__ import annotations

from report_utils.briefing.figure_charts import series_lines
from report_utils.briefing.kinds.registry import Context, Section, register

LEAST = 2


@register("series", options={"indicators"}, keys=("title", "text"))
def build(ctx: Context) -> Section | None:
    lines = series_lines(ctx, list(ctx.spec.indicators or []), LEAST)
    if lines is None:
        return None
    text = ctx.paragraph("text")
    paragraphs = [text] if str(text.html).strip() else []
    section = Section(ctx.spec.id, ctx.text("title"), paragraphs, series=lines.draw())
    section.chart_figures = lines.figures
    section.sources = {f.source for f in section.figures}
    return section
