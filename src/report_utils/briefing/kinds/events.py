"""``events``: the region's dated events up to the month, as a table and a timeline of the
month's year, each with the figures the cases table gives about it.

Messages: ``title``, ``text`` (given ``as_of``), ``chart_title``, ``figure`` (given ``measure``
and ``f``), ``figure_sep``, ``entry`` (given ``title`` and ``figures``), ``columns`` (the table's
headers: a screen reader names each cell by its column).
"""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from report_utils.briefing import charts
from report_utils.briefing.figures import Figure
from report_utils.briefing.kinds.registry import Context, Section, Table, register
from report_utils.briefing.phrasing import name
from report_utils.tables.load import FILE, LINE

KEYS = ("title", "text", "chart_title", "figure", "figure_sep", "entry", "columns")


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
    rows, moments, alt_items = [], [], []
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
            alt_items.append(f"{when.striptags()} {cell.striptags()}")
            moments.append(
                charts.Moment(
                    date.fromisoformat(ev["date_start"]), date.fromisoformat(ev["date_end"]), title
                )
            )
    year = int(view.month[:4])
    title = ctx.text("chart_title")
    alt = book.text(
        "briefing.alt_timeline", title=title, items=book.message("briefing.alt_sep").join(alt_items)
    )
    ticks = [book.text("period.month_tick", month=m) for m in range(1, 13)]
    in_year = [m for m in moments if m.start.year == year]
    chart = (
        charts.timeline_chart(
            in_year, year, ticks, title, alt, book.message("chart.timeline_wrap"), book.fonts
        )
        if in_year
        else None
    )
    text = ctx.paragraph("text", as_of=book.month(view.month))
    table = Table(list(ctx.message("columns")), rows, "events")
    section = Section(ctx.spec.id, ctx.text("title"), [text], chart, table)
    section.sources = set(visible["source"]) | {f.source for f in shown}
    section.chart_figures = list(shown)  # the event figures in the table, for the lineage
    section.rows = list(zip(visible[FILE], visible[LINE], strict=True))
    return section
