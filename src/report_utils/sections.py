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

from report_utils import charts
from report_utils.indicators import Figure

if TYPE_CHECKING:
    from report_utils.report import Briefing


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Markup | str]]


@dataclass
class Section:
    id: str
    title: str
    paragraphs: list[Markup]
    chart: charts.Chart | None = None
    table: Table | None = None
    figures: list[Figure] = field(default_factory=list)  # shown in the chart: for its source note
    sources: set[str] = field(default_factory=set)


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
    paragraph: Markup,
    bars: list[charts.Bar],
    figures: list[Figure],
    palette: dict[str, str] | None = None,
) -> Section:
    p = b.phrases
    title = p.text(f"section.{sid}.chart_title")
    items = "；".join(p.text("briefing.alt_item", label=x.label, value=x.text) for x in bars)
    alt = p.text("briefing.alt_bar", title=title, items=items)
    chart = charts.bar_chart(bars, title, p.text(f"section.{sid}.axis"), alt, palette)
    return Section(
        sid,
        p.text(f"section.{sid}.title"),
        [paragraph],
        chart,
        None,
        figures,
        {f.source for f in figures},
    )


def _label(b: Briefing, f: Figure, with_period: bool = True) -> str:
    name = b.indicator_name(f.indicator)
    region = "" if f.region == b.asof.home else f"{b.region_name(f.region)}："
    period = f"\n（{b.phrases.period(f)}）" if with_period else ""
    return f"{region}{name}{period}"


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
    text = b.phrases.render("section.growth.text", **fig)
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
    return _bar_section(b, "growth", text, bars, _present(**fig))


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
    text = b.phrases.render("section.shares.text", **fig)
    inv, inv_prev = (
        a.at("ind_industry_inv_fai_share", same),
        a.at("ind_industry_inv_fai_share", before),
    )
    now, then = b.phrases.period(same), b.phrases.period(before)
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
        b, "shares", text, bars, _present(**fig, inv=inv, inv_prev=inv_prev), palette
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
    text = b.phrases.render("section.investment.text", **fig)
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
    return _bar_section(b, "investment", text, bars, _present(**fig))


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
    text = b.phrases.render("section.industries.text", **fig)
    home = b.region_name(a.home)
    bars = _bars(
        b, [(_label(b, f), f, home) for f in (t_out, t_va, z, fig["out"]) if f is not None]
    )
    return _bar_section(b, "industries", text, bars, _present(**fig))


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
    text = b.phrases.render("section.projects.text", **fig)
    home = b.region_name(a.home)
    bars = _bars(
        b,
        [
            (b.indicator_name(f.indicator), f, home)
            for f in (i, fig["s"], fig["p"])
            if f is not None
        ],
    )
    return _bar_section(b, "projects", text, bars, _present(**fig))


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
    sep = p.message("number")["list_sep"]
    # Group by period so that each sentence states its own period.
    paragraphs = []
    for period in dict.fromkeys(f.period for f in found):
        same = [f for f in found if f.period == period]
        items = Markup(sep).join(
            p.render("section.innovation.item", name=b.indicator_name(f.indicator), amount=p.amt(f))
            for f in same
        )
        paragraphs.append(p.render("section.innovation.text", first=same[0], items=items))
    bars = _bars(b, [(b.indicator_name(f.indicator), f, b.region_name(a.home)) for f in found])
    section = _bar_section(b, "innovation", paragraphs[0], bars, found)
    section.paragraphs = paragraphs
    cases = a.cases("company")
    if not cases.empty:
        rows = []
        for _, row in cases.iterrows():
            f = a.case_figure(row)
            rows.append(
                [
                    row["subject"],
                    row["measure_zh"]
                    if p.lang == "zh"
                    else (row["measure_en"] or row["measure_zh"]),
                    p.amt(f),
                ]
            )
            section.sources.add(f.source)
        section.table = Table(p.message("section.innovation.cases_columns"), rows)
    return section


def events(b: Briefing) -> Section | None:
    a = b.asof
    visible = a.events()
    if visible.empty:
        return None
    p = b.phrases
    sep = p.message("number")["list_sep"]
    by_event: dict[str, list[tuple[Figure, str]]] = {}
    for _, row in a.cases("event").iterrows():
        by_event.setdefault(row["subject"], []).append((a.case_figure(row), _measure(p.lang, row)))
    rows, moments = [], []
    for _, ev in visible.iterrows():
        title = b.localized(ev, "title")
        when = (
            ev["date_text"]
            if p.lang == "zh" and ev["date_text"]
            else p.date(ev["date_start"], ev["date_end"])
        )
        detail = Markup("")
        if ev["id"] in by_event:
            items = Markup(sep).join(
                Markup("{}{}").format(measure, p.amt(f)) for f, measure in by_event[ev["id"]]
            )
            detail = p.render("section.events.figures", items=items)
        rows.append([when, Markup("{}{}").format(title, detail)])
        moments.append(
            charts.Moment(
                date.fromisoformat(ev["date_start"]), date.fromisoformat(ev["date_end"]), title
            )
        )
    year = int(a.month[:4])
    title = p.text("section.events.chart_title")
    alt = p.text(
        "briefing.alt_timeline",
        title=title,
        items="；".join(f"{r[0]} {Markup(r[1]).striptags()}" for r in rows),
    )
    ticks = [p.text("period.month_tick", month=m) for m in range(1, 13)]
    in_year = [m for m in moments if m.start.year == year]
    chart = charts.timeline_chart(in_year, year, ticks, title, alt) if in_year else None
    text = p.render("section.events.text", as_of=p.month(a.month))
    return Section(
        "events",
        p.text("section.events.title"),
        [text],
        chart,
        Table([], rows),
        [],
        set(visible["source"]),
    )


def _measure(lang: str, row) -> str:
    return row["measure_zh"] if lang == "zh" else (row["measure_en"] or row["measure_zh"])


def major_projects(b: Briefing) -> Section | None:
    a = b.asof
    visible = a.projects()
    if visible.empty:
        return None
    p = b.phrases
    sep = p.message("number")["list_sep"]
    rows, groups = [], {}
    for _, row in visible.iterrows():
        name = b.localized(row, "name")
        groups.setdefault(row["status"], []).append(name)
        size = ""
        if row["capacity_unit"]:
            size = Markup("{}{}").format(p.amt(_capacity_figure(row)), row["capacity_unit"])
        rows.append([name, row["company"], row["place"], size, row["status_text"], row["expected"]])
    ordered = [(s, sep.join(groups[s])) for s in ("开工", "在建", "筹建", "投产") if s in groups]
    text = p.render("section.major_projects.text", groups=ordered)
    note = p.render("section.major_projects.as_of", as_of=p.month(max(visible["as_of"])))
    return Section(
        "major_projects",
        p.text("section.major_projects.title"),
        [text, note],
        None,
        Table(p.message("section.major_projects.columns"), rows),
        [],
        set(visible["source"]),
    )


def _capacity_figure(row) -> Figure:
    from report_utils.load import FILE, LINE
    from report_utils.periods import Period

    text = f"{row['capacity']:g}"
    return Figure(
        "projects",
        row["id"],
        row["place"],
        Period(row["as_of"], row["as_of"]),
        float(row["capacity"]),
        len(text.partition(".")[2]),
        "",
        "",
        "reported",
        "",
        row["source"],
        row["quote"],
        row[FILE],
        int(row[LINE]),
    )


# Order of the briefing.
BUILDERS: dict[str, Callable[[Briefing], Section | None]] = {
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
