"""``counts``: a list of counts (new platforms, enterprises ...) in one sentence per period, and
a bar chart of them.

Spec keys: ``indicators`` (a list of indicator ids, each shown with its latest figure).
Messages: ``title``, ``text`` (given ``items``, the counts joined, and ``first``, the first
figure of the sentence's period), ``item`` (given ``name`` and ``f``), ``item_sep``,
``chart_title``, ``axis``.
"""

from __future__ import annotations

from report_utils.briefing.figure_charts import bar_chart
from report_utils.briefing.kinds.registry import Context, Section, register
from report_utils.briefing.phrasing import Paragraph

KEYS = ("title", "text", "item", "item_sep", "chart_title", "axis")


def _variables(spec) -> dict[str, set[str]]:
    return {"text": {"items", "first"}, "item": {"name", "f"}}


@register("counts", options={"indicators"}, keys=KEYS, variables=_variables)
def build(ctx: Context) -> Section | None:
    view, book = ctx.view, ctx.book
    latest = (view.latest(i, max_age=ctx.spec.max_age) for i in ctx.spec.indicators or [])
    found = [f for f in latest if f is not None]
    if not found:
        return None
    paragraphs = []
    for period in dict.fromkeys(f.period for f in found):  # each sentence states its period
        same = [f for f in found if f.period == period]
        with book.recording() as used:
            items = book.join(
                [ctx.render("item", name=ctx.names.indicator(f.indicator), f=f) for f in same],
                ctx.key("item_sep"),
            )
            html = ctx.render("text", first=same[0], items=items)
        paragraphs.append(Paragraph(html, used))
    chart = bar_chart(ctx, found, "region", ctx.text("chart_title"), ctx.text("axis"))
    section = Section(ctx.spec.id, ctx.text("title"), paragraphs, chart, None, found)
    section.sources = {f.source for f in section.figures}
    return section
