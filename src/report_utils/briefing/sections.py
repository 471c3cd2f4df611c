"""What each section of the briefing shows: which figures, in which sentence and chart.

A section builder takes the ``Briefing`` and returns a ``Section``, or None when its figures do
not exist yet as of the briefing's month (the report then prints a one-line note instead).
Indicator ids are named here; every number comes from the tables through ``Phrasebook.amt``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup

from report_utils.briefing import charts
from report_utils.briefing.figures import Figure
from report_utils.briefing.phrasing import Paragraph, name
from report_utils.tables.load import FILE, LINE
from report_utils.tables.periods import Period

if TYPE_CHECKING:
    from report_utils.briefing.report import Briefing


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Markup | str]]


@dataclass
class Section:
    """A built section: its paragraphs carry the figures they show (their lineage), the chart
    the figures it draws."""

    id: str
    title: str
    paragraphs: list[Paragraph]
    chart: charts.Chart | None = None
    table: Table | None = None
    chart_figures: list[Figure] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    series: charts.Chart | None = None  # a line chart when an indicator has 3+ periods

    @property
    def figures(self) -> list[Figure]:
        """Every figure the section shows in its text or its chart, in order of first use."""
        seen = [f for par in self.paragraphs for f in par.figures] + self.chart_figures
        return list(dict.fromkeys(seen))


def _present(**figures: Figure | None) -> list[Figure]:
    return [f for f in figures.values() if f is not None]


def _bars(b: Briefing, items: list[tuple[str, Figure | None, str]]) -> list[charts.Bar]:
    """Bars from (label, figure, group) triples, skipping missing figures."""
    return [
        charts.Bar(label, f.value, b.phrases.plain_amount(f), group, f.derived)
        for label, f, group in items
        if f is not None
    ]


def _bar_section(
    b: Briefing,
    sid: str,
    paragraphs: list[Paragraph],
    bars: list[charts.Bar],
    figures: list[Figure],
    palette: dict[str, str] | None = None,
) -> Section:
    p = b.phrases
    title = p.text(f"section.{sid}.chart_title")
    grouped = len({x.group for x in bars}) > 1
    items = p.message("briefing.alt_sep").join(
        p.text(
            "briefing.alt_item",
            label=x.label,
            group=x.group if grouped and x.group not in x.label else "",
            value=x.text,
        )
        for x in bars
    )
    alt = p.text("briefing.alt_bar", title=title, items=items)
    chart = charts.bar_chart(
        bars, title, p.text(f"section.{sid}.axis"), alt, palette, p.message("chart.wrap")
    )
    shown = list(dict.fromkeys([f for par in paragraphs for f in par.figures] + figures))
    return Section(
        sid,
        p.text(f"section.{sid}.title"),
        paragraphs,
        chart,
        None,
        figures,
        {f.source for f in shown},
    )


def _label(b: Briefing, f: Figure, with_period: bool = True) -> str:
    """A bar label: the indicator's name, the region unless it is the home region, the period."""
    p = b.phrases
    region = "" if f.region == b.asof.home else b.region_name(f.region)
    label = p.text("chart.label", region=region, name=b.indicator_name(f.indicator))
    if with_period:
        label += "\n" + p.text("chart.label_period", when=p.period_text(f))
    return label


def _text(brief: Briefing, sid: str, /, **figures: Figure | None) -> Paragraph:
    """The section's paragraph, with the home region's name available to the template."""
    home = brief.region_name(brief.asof.home)
    return brief.phrases.paragraph(f"section.{sid}.text", home=home, **figures)


def growth(b: Briefing) -> Section | None:
    a = b.asof
    va = a.latest("ind_va_growth")
    if va is None:
        return None
    same = va.period
    fig = {
        "va": va,
        "rank": a.at("ind_va_growth_rank", same),
        "rank_change": a.at("ind_va_growth_rank_change", same),
        "va2": a.at("ind_va_growth_2yr", same),
        "gap2": a.at("ind_va_growth_2yr_gap_national", same),
        "va2_nat": next(
            (
                a.at("ind_va_growth_2yr", same, r)
                for r in a.comparison
                if a.at("ind_va_growth_2yr", same, r)
            ),
            None,
        ),
        "tax": a.at("ind_tax_growth", same),
    }
    text = _text(b, "growth", **fig)
    home, other = b.region_name(a.home), b.region_name(a.comparison[0]) if a.comparison else ""
    bars = _bars(
        b,
        [
            (_label(b, va, False), va, home),
            (b.indicator_name("ind_va_growth_2yr"), fig["va2"], home),
            (b.indicator_name("ind_va_growth_2yr"), fig["va2_nat"], other),
            (_label(b, fig["tax"], False) if fig["tax"] else "", fig["tax"], home),
        ],
    )
    return _bar_section(b, "growth", [text], bars, _present(**fig))


def shares(b: Briefing) -> Section | None:
    a = b.asof
    s = a.latest("ind_va_gdp_share")
    if s is None:
        return None
    same, before = s.period, s.period.year_earlier()
    fig = {
        "s": s,
        "sc": a.at("ind_va_gdp_share_change", same),
        "m": a.at("mfg_va_gdp_share", same),
        "mc": a.at("mfg_va_gdp_share_change", same),
        "s_prev": a.at("ind_va_gdp_share", before),
        "m_prev": a.at("mfg_va_gdp_share", before),
    }
    text = _text(b, "shares", **fig)
    inv, inv_prev = (
        a.at("ind_industry_inv_fai_share", same),
        a.at("ind_industry_inv_fai_share", before),
    )
    now, then = b.phrases.period_text(same), b.phrases.period_text(before)
    bars = _bars(
        b,
        [
            (b.indicator_name("ind_va_gdp_share"), fig["s_prev"], then),
            (b.indicator_name("ind_va_gdp_share"), s, now),
            (b.indicator_name("mfg_va_gdp_share"), fig["m_prev"], then),
            (b.indicator_name("mfg_va_gdp_share"), fig["m"], now),
            (b.indicator_name("ind_industry_inv_fai_share"), inv_prev, then),
            (b.indicator_name("ind_industry_inv_fai_share"), inv, now),
        ],
    )
    palette = {then: charts.COMPARISON, now: charts.HOME}
    return _bar_section(
        b, "shares", [text], bars, _present(**fig, inv=inv, inv_prev=inv_prev), palette
    )


def investment(b: Briefing) -> Section | None:
    a = b.asof
    ia, ib = a.latest("ind_industry_inv_growth"), a.latest("ind_inv_growth")
    if ia is None and ib is None:
        return None
    pa_, pb = (ia.period if ia else None), (ib.period if ib else None)
    fig = {
        "a": ia,
        "a_gap": a.at("ind_industry_inv_gap_fai", pa_),
        "fai": a.at("fai_growth", pa_),
        "a_share": a.at("ind_industry_inv_fai_share", pa_),
        "a_share_change": a.at("ind_industry_inv_fai_share_change", pa_),
        "b": ib,
        "b_gap": a.at("ind_inv_gap_national", pb),
        "b_nat": next(
            (a.at("ind_inv_growth", pb, r) for r in a.comparison if a.at("ind_inv_growth", pb, r)),
            None,
        ),
    }
    text = _text(b, "investment", **fig)
    home = b.region_name(a.home)
    other = b.region_name(a.comparison[0]) if a.comparison else ""
    bars = _bars(
        b,
        [
            (_label(b, f), f, other if f.region != a.home else home)
            for f in (fig["a"], fig["fai"], fig["b"], fig["b_nat"])
            if f
        ],
    )
    return _bar_section(b, "investment", [text], bars, _present(**fig))


def industries(b: Briefing) -> Section | None:
    a = b.asof
    t_out, t_va, z = (
        a.latest("ten_ind_output_growth"),
        a.latest("ten_ind_va_growth"),
        a.latest("zone_output_growth"),
    )
    if t_out is None and t_va is None and z is None:
        return None
    fig = {
        "t_out": t_out,
        "t_out_n": a.at("ten_ind_output_double_digit_count", t_out and t_out.period),
        "t_va": t_va,
        "t_va_n": a.at("ten_ind_va_double_digit_count", t_va and t_va.period),
        "z": z,
        "z_gap": a.at("zone_output_gap_province", z and z.period),
        "out": a.at("output_growth", z and z.period),
        "z_share": a.at("zone_output_share", z and z.period),
    }
    text = _text(b, "industries", **fig)
    home = b.region_name(a.home)
    bars = _bars(
        b, [(_label(b, f), f, home) for f in (t_out, t_va, z, fig["out"]) if f is not None]
    )
    return _bar_section(b, "industries", [text], bars, _present(**fig))


def projects(b: Briefing) -> Section | None:
    a = b.asof
    i = a.latest("projects_introduced")
    if i is None:
        return None
    fig = {
        "i": i,
        "s": a.at("projects_started", i.period),
        "sr": a.at("projects_started_rate", i.period),
        "p": a.at("projects_in_production", i.period),
        "pr": a.at("projects_in_production_rate", i.period),
    }
    text = _text(b, "projects", **fig)
    home = b.region_name(a.home)
    bars = _bars(
        b,
        [
            (b.indicator_name(f.indicator), f, home)
            for f in (i, fig["s"], fig["p"])
            if f is not None
        ],
    )
    return _bar_section(b, "projects", [text], bars, _present(**fig))


INNOVATION = (
    "innov_national_platforms",
    "innov_demo_enterprises",
    "innov_little_giants",
    "innov_provincial_tech_centers",
    "innov_design_centers",
)


def innovation(b: Briefing) -> Section | None:
    a = b.asof
    found = [f for f in (a.latest(i) for i in INNOVATION) if f is not None]
    if not found:
        return None
    p = b.phrases
    home = b.region_name(a.home)
    # Group by period so that each sentence states its own period.
    paragraphs = []
    for period in dict.fromkeys(f.period for f in found):
        same = [f for f in found if f.period == period]
        with p.recording() as used:
            items = p.join(
                [
                    p.render("section.innovation.item", name=b.indicator_name(f.indicator), f=f)
                    for f in same
                ],
                "section.innovation.item_sep",
            )
            html = p.render("section.innovation.text", first=same[0], items=items, home=home)
        paragraphs.append(Paragraph(html, used))
    bars = _bars(b, [(b.indicator_name(f.indicator), f, home) for f in found])
    section = _bar_section(b, "innovation", paragraphs, bars, found)
    cases = a.cases("company")
    if not cases.empty:
        rows = []
        for _, row in cases.iterrows():
            f = a.case_figure(row)
            rows.append([name(b.subject_name(row)), b.localized(row, "measure"), p.amt(f)])
            section.sources.add(f.source)
        section.table = Table(p.message("section.innovation.cases_columns"), rows)
    return section


def events(b: Briefing) -> Section | None:
    a = b.asof
    visible = a.events()
    if visible.empty:
        return None
    p = b.phrases
    by_event: dict[str, list[tuple[Figure, str]]] = {}
    for _, row in a.cases("event").iterrows():
        by_event.setdefault(row["subject"], []).append(
            (a.case_figure(row), b.localized(row, "measure"))
        )
    rows, moments, alt_items = [], [], []
    for _, ev in visible.iterrows():
        title = b.localized(ev, "title")
        written = ev["date_text"] if b.in_source_language else ev.get(f"date_text_{b.lang}")
        if written:  # the source's wording ("3月中下旬"), not a precision it does not have
            when = Markup('<span class="date">{}</span>').format(written)
        else:
            when = p.date(ev["date_start"], ev["date_end"])
        figures = p.join(
            [
                p.render("section.events.figure", measure=measure, f=f)
                for f, measure in by_event.get(ev["id"], [])
            ],
            "section.events.figure_sep",
        )
        cell = p.render("section.events.entry", title=name(title), figures=figures)
        rows.append([when, cell])
        alt_items.append(f"{when.striptags()} {cell.striptags()}")
        moments.append(
            charts.Moment(
                date.fromisoformat(ev["date_start"]), date.fromisoformat(ev["date_end"]), title
            )
        )
    year = int(a.month[:4])
    title = p.text("section.events.chart_title")
    alt = p.text(
        "briefing.alt_timeline", title=title, items=p.message("briefing.alt_sep").join(alt_items)
    )
    ticks = [p.text("period.month_tick", month=m) for m in range(1, 13)]
    in_year = [m for m in moments if m.start.year == year]
    chart = (
        charts.timeline_chart(in_year, year, ticks, title, alt, p.message("chart.timeline_wrap"))
        if in_year
        else None
    )
    text = p.paragraph("section.events.text", as_of=p.month(a.month))
    return Section(
        "events",
        p.text("section.events.title"),
        [text],
        chart,
        Table([], rows),
        [],
        set(visible["source"]),
    )


def major_projects(b: Briefing) -> Section | None:
    a = b.asof
    visible = a.projects()
    if visible.empty:
        return None
    p = b.phrases
    statuses: dict[str, str] = p.message("project_status")
    rows, groups = [], {}
    for _, row in visible.iterrows():
        project = b.localized(row, "name")
        groups.setdefault(row["status"], []).append(name(project))
        size = (
            Markup('<span class="amount">{}</span>').format(p.amt(capacity_figure(row)))
            if row["capacity_unit"]
            else ""
        )
        progress = p.render(
            "section.major_projects.progress",
            status=Markup('<span class="label">{}</span>').format(statuses[row["status"]]),
            text=b.localized(row, "status_text"),
        )
        rows.append(
            [
                name(project),
                name(b.localized(row, "company")),
                name(b.localized(row, "place")),
                size,
                progress,
                b.localized(row, "expected"),
            ]
        )
    ordered = [
        (label, p.join(groups[code], "section.major_projects.name_sep"))
        for code, label in statuses.items()
        if code in groups
    ]
    text = p.paragraph("section.major_projects.text", groups=ordered)
    note = p.paragraph("section.major_projects.as_of", as_of=p.month(max(visible["as_of"])))
    return Section(
        "major_projects",
        p.text("section.major_projects.title"),
        [text, note],
        None,
        Table(p.message("section.major_projects.columns"), rows),
        [],
        set(visible["source"]),
    )


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


# Order of the briefing.
def add_series(b: Briefing, section: Section) -> None:
    """Give the section a line chart of every indicator its text shows, for the home region,
    that has three or more periods of the same kind (those sharing the first one's unit)."""
    shown = [
        f.indicator
        for par in section.paragraphs
        for f in par.figures
        if f.table == "figures" and f.region == b.asof.home
    ]
    long = [s for s in (b.asof.series(i) for i in dict.fromkeys(shown)) if len(s) >= 3]
    if not long:
        return
    unit = long[0][0].unit
    long = [s for s in long if s[0].unit == unit]
    p = b.phrases
    points = [
        charts.Point(p.period_text(f), f.value, p.plain_amount(f), b.indicator_name(f.indicator))
        for s in long
        for f in s
    ]
    names = p.message("briefing.alt_sep").join(dict.fromkeys(x.group for x in points))
    title = p.text("series.title", names=names)
    items = p.message("briefing.alt_sep").join(f"{x.group} {x.x} {x.text}" for x in points)
    axis = p.text("series.axis", unit=p.unit(long[0][0]))
    section.series = charts.line_chart(
        points, title, axis, p.text("series.alt", title=title, items=items)
    )
    section.chart_figures += [f for s in long for f in s]
    section.sources |= {f.source for s in long for f in s}


def changes(b: Briefing) -> Section | None:
    from report_utils.briefing.changes import section

    return section(b)


BUILDERS: dict[str, Callable[[Briefing], Section | None]] = {
    "changes": changes,
    "growth": growth,
    "shares": shares,
    "investment": investment,
    "industries": industries,
    "projects": projects,
    "innovation": innovation,
    "events": events,
    "major_projects": major_projects,
}


# Headline cards: the indicator shown big, and the related figures its comparison line uses
# (taken for the same period).
HEADLINES: dict[str, dict[str, str]] = {
    "ind_va_growth": {"rank": "ind_va_growth_rank", "rank_change": "ind_va_growth_rank_change"},
    "ind_va_gdp_share": {"change": "ind_va_gdp_share_change"},
    "ind_inv_growth": {"gap": "ind_inv_gap_national"},
    "projects_introduced": {"started": "projects_started", "started_rate": "projects_started_rate"},
}
