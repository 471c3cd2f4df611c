"""``cases``: a table of figures about named companies, parks, projects or events (the cases
table), for the briefing's region.

Spec keys: ``subjects`` (which kinds of subject: company, park, project, event; default all).
Messages: ``title`` and ``columns`` (subject, measure, value).
"""

from __future__ import annotations

from markupsafe import Markup

from report_utils.briefing.kinds.registry import Context, Section, Table, register
from report_utils.briefing.phrasing import name
from report_utils.tables.schema import SUBJECT_KINDS


@register("cases", options={"subjects"}, keys=("title", "columns"))
def build(ctx: Context) -> Section | None:
    cases = ctx.view.cases()
    cases = cases[cases["subject_kind"].isin(ctx.spec.subjects or SUBJECT_KINDS)]
    if cases.empty:
        return None
    rows: list[list[Markup | str]] = []
    shown = []
    for _, row in cases.iterrows():
        f = ctx.view.case_figure(row)
        shown.append(f)
        rows.append(
            [name(ctx.names.subject(row)), ctx.names.localized(row, "measure"), ctx.book.amt(f)]
        )
    table = Table(list(ctx.message("columns")), rows, "cases")
    section = Section(ctx.spec.id, ctx.text("title"), [], None, table)
    section.sources = {f.source for f in shown}
    return section
