"""``figures``: indicators under slot names, stated in one paragraph, some of them drawn as bars.

Spec keys: ``figures`` (slot name → indicator, or ``{indicator, region, period, with}``),
``chart`` (a list of slots, or ``{bars: [...], groups: region|period}``) and ``series`` (false
leaves out the line chart that is added when an indicator the text shows has three or more
periods). Messages: ``title``, ``text``, and ``chart_title``, ``axis`` with a chart; every
template is given the slots (None where the data has no figure).
"""

from __future__ import annotations

from report_utils.briefing.figure_charts import bar_chart, series_lines
from report_utils.briefing.kinds.registry import Context, Section, register
from report_utils.briefing.spec import SectionSpec

SERIES_LEAST = 3  # periods an indicator needs before its line chart is added


def _keys(spec: SectionSpec) -> tuple[str, ...]:
    return ("title", "text", *(("chart_title", "axis") if spec.chart is not None else ()))


def _variables(spec: SectionSpec) -> dict[str, set[str]]:
    return {key: set(spec.slots()) for key in _keys(spec)}


@register("figures", options={"figures", "chart", "series"}, keys=_keys, variables=_variables)
def build(ctx: Context) -> Section | None:
    found = ctx.slots()
    if not any(f is not None for f in found.values()):
        return None
    values = ctx.values()
    paragraph = ctx.paragraph("text", **values)
    chart, drawn = None, []
    spec = ctx.spec.chart_spec()
    if spec is not None:
        drawn = [f for name in spec.bars if (f := found.get(name)) is not None]
        if drawn:
            title, axis = ctx.text("chart_title", **values), ctx.text("axis", **values)
            chart = bar_chart(ctx, drawn, spec.groups, title, axis)
    section = Section(ctx.spec.id, ctx.text("title", **values), [paragraph], chart, None, drawn)
    if ctx.spec.series is not False:
        shown = [
            f.indicator
            for f in paragraph.figures
            if f.table == "figures" and f.region == ctx.view.home
        ]
        lines = series_lines(ctx, shown, SERIES_LEAST)
        if lines is not None:
            section.series = lines.draw()
            section.chart_figures += lines.figures
    section.sources = {f.source for f in section.figures}
    return section
