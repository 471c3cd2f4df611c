"""``events``: the region's dated events up to the month, as a table, each with the figures the
cases table gives about it. No timeline: it would repeat the table's dates and titles in small
print.

Messages: ``title``, ``text`` (given ``as_of``), ``figure`` (given ``measure``
and ``f``), ``figure_sep``, ``entry`` (given ``title`` and ``figures``), ``columns`` (the table's
headers: a screen reader names each cell by its column).
"""

from __future__ import annotations

from markupsafe import Markup

from report_utils.briefing.figures import Figure
from report_utils.briefing.kinds.registry import Context, Section, Table, register
from report_utils.briefing.phrasing import name
from report_utils.tables.load import FILE, LINE

KEYS = ("title", "text", "figure", "figure_sep", "entry", "columns")


def _variables(spec) -> dict[str, set[str]]:
    return {"figure": {"measure", "f"}, "entry": {"title", "figures"}}


@register("events", keys=KEYS, variables=_variables)
def build(ctx: Context) -> Section | None:
    view, book, names = ctx.view, ctx.book, ctx.names
    visible = view.events()
    if visible.empty:
        return None
    by_event: dict[str, list[tuple[Figure, str]]] = {}
    for _, row in view.cases("event").iterrows():
        by_event.setdefault(row["subject"], []).append(
            (view.case_figure(row), names.localized(row, "measure"))
        )
    rows = []
    with book.recording() as shown:
        for _, ev in visible.iterrows():
            title = names.localized(ev, "title")
            written = (
                ev["date_text"] if names.in_source_language else ev.get(f"date_text_{book.lang}")
            )
            if written:  # the source's wording ("3月中下旬"), not a precision it does not have
                when = Markup('<span class="date">{}</span>').format(written)
            else:
                when = book.date(ev["date_start"], ev["date_end"])
            figures = book.join(
                [
                    ctx.render("figure", measure=measure, f=f)
                    for f, measure in by_event.get(ev["id"], [])
                ],
                ctx.key("figure_sep"),
            )
            cell = ctx.render("entry", title=name(title), figures=figures)
            rows.append([when, cell])
    text = ctx.paragraph("text", as_of=book.month(view.month))
    table = Table(list(ctx.message("columns")), rows, "events")
    section = Section(ctx.spec.id, ctx.text("title"), [text], None, table)
    section.sources = set(visible["source"]) | {f.source for f in shown}
    section.chart_figures = list(shown)  # the event figures in the table, for the lineage
    section.rows = list(zip(visible[FILE], visible[LINE], strict=True))
    return section
