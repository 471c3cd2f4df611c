"""``projects``: the region's projects up to the month, grouped by status in a sentence and listed
in a table (name, company, place, capacity, progress, expected completion).

Messages: ``title``, ``text`` (given ``groups``: pairs of status and names), ``name_sep``,
``columns``, ``progress`` (given ``status`` and ``text``), ``as_of`` (given ``as_of``).
"""

from __future__ import annotations

from markupsafe import Markup

from report_utils.briefing.figures import Figure
from report_utils.briefing.kinds.registry import Context, Section, Table, register
from report_utils.briefing.phrasing import name
from report_utils.tables.load import FILE, LINE
from report_utils.tables.periods import Period

KEYS = ("title", "text", "name_sep", "columns", "progress", "as_of")


def _variables(spec) -> dict[str, set[str]]:
    return {"text": {"groups"}, "progress": {"status", "text"}, "as_of": {"as_of"}}


@register("projects", keys=KEYS, variables=_variables)
def build(ctx: Context) -> Section | None:
    view, book, names = ctx.view, ctx.book, ctx.names
    visible = view.projects()
    if visible.empty:
        return None
    statuses: dict[str, str] = book.message("project_status")
    rows, groups, shown = [], {}, []
    for _, row in visible.iterrows():
        project = names.localized(row, "name")
        groups.setdefault(row["status"], []).append(name(project))
        size: Markup | str = ""
        if row["capacity_unit"]:
            capacity = capacity_figure(row)
            shown.append(capacity)
            size = Markup('<span class="amount">{}</span>').format(book.amt(capacity))
        # The progress in words, its numbers linked to the project's figures in the cases
        # table (38个厂房), its dates marked as dates.
        figures = [
            view.case_figure(case)
            for _, case in view.cases("project").iterrows()
            if case["subject"] == row["name_zh"]
        ]
        progress = ctx.render(
            "progress",
            status=Markup('<span class="label">{}</span>').format(statuses[row["status"]]),
            text=book.free_text(names.own(row, "status_text"), figures),
        )
        rows.append(
            [
                name(project),
                name(names.localized(row, "company")),
                name(names.localized(row, "place")),
                size,
                progress,
                book.free_text(names.own(row, "expected")),
            ]
        )
    ordered = [
        (label, book.join(groups[code], ctx.key("name_sep")))
        for code, label in statuses.items()
        if code in groups
    ]
    text = ctx.paragraph("text", groups=ordered)
    note = ctx.paragraph("as_of", as_of=book.month(max(visible["as_of"])))
    table = Table(list(ctx.message("columns")), rows, "projects")
    section = Section(ctx.spec.id, ctx.text("title"), [text, note], None, table, shown)
    section.sources = set(visible["source"])
    section.rows = list(zip(visible[FILE], visible[LINE], strict=True))
    return section


def capacity_figure(row) -> Figure:
    """A project's capacity as a figure (number and unit as the projects table writes them)."""
    text = f"{row['capacity']:g}"
    return Figure(
        "projects",
        row["id"],
        row["place"],
        Period(row["as_of"], row["as_of"]),
        float(row["capacity"]),
        len(text.partition(".")[2]),
        row["capacity_unit"],
        "",
        "reported",
        "",
        row["source"],
        row["quote"],
        row[FILE],
        int(row[LINE]),
    )
