"""The briefing as the notebook builds it: one call per block, each returning HTML.

The notebook holds a parameters cell and then::

    brief = Briefing(data_dir=data_dir, period=period, lang=lang)
    brief.title()
    brief.headlines()
    brief.section("growth")
    ...
    brief.sources()

Each block is an object with ``_repr_html_``; the nbconvert template shows these outputs and
nothing else (no code, no prompts, no reprs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from report_utils.briefing import sections
from report_utils.briefing.changes import check_compare
from report_utils.briefing.figures import AsOf, Figure, Lineage
from report_utils.briefing.phrasing import Paragraph, Phrasebook, catalogue, indicator_units
from report_utils.errors import ParameterError
from report_utils.fonts import cjk_font
from report_utils.paths import DATA_DIR
from report_utils.tables.formula import REF_RE
from report_utils.tables.load import load_dataset
from report_utils.tables.periods import Period


class Block:
    """A piece of the briefing: HTML for the notebook and the exports, plain text for reprs."""

    def __init__(self, html: Markup):
        self.html = Markup(html)

    def _repr_html_(self) -> str:
        return str(self.html)

    def __repr__(self) -> str:
        return self.html.striptags()


# The language of the data's free-text columns (date_text, status_text, expected, company, place,
# subject, quote): a briefing in this language shows them as written; another language shows
# their ``<column>_<lang>`` form where the data gives one (quotes always stay as written).
SOURCE_LANG = "zh"


class Briefing:
    def __init__(
        self,
        data_dir: str | Path | None = None,
        period: str | None = None,
        lang: str = "zh",
        compare: str | None = None,
    ):
        catalogue(lang)  # unknown language: ParameterError before anything else
        cjk_font()  # no CJK font: MissingFontError naming the package, before any work
        self.lang = lang
        self.data_dir = Path(data_dir) if data_dir else DATA_DIR
        self.dataset = load_dataset(self.data_dir)
        self.asof = AsOf(self.dataset, period)
        check_compare(self.dataset, self.asof.month, compare)
        self.compare = compare  # the month "since the last briefing" compares with
        self.lineage = Lineage()
        self.phrases = Phrasebook(
            lang,
            self.lineage,
            {},
            unit_names=indicator_units(self.dataset.indicators, lang),
            readable_formula=self._readable,
        )
        self.phrases.source_titles.update(
            {sid: self._source_ref(sid) for sid in self.dataset.sources.index}
        )
        self.shown_sources: set[str] = set()

    @property
    def in_source_language(self) -> bool:
        return self.lang == SOURCE_LANG

    # --- names from the metadata ------------------------------------------------------------

    def localized(self, row: pd.Series, stem: str) -> str:
        """``row[stem_<lang>]`` when given, else the Chinese form ``row[stem_zh]``; a column
        without language forms (``company``, ``place``) is shown as written."""
        for column in (f"{stem}_{self.lang}", f"{stem}_{SOURCE_LANG}", stem):
            if column in row.index and row[column]:
                return str(row[column])
        return ""

    def indicator_name(self, indicator: str) -> str:
        return self.localized(self.dataset.indicators.loc[indicator], "name")

    def region_name(self, region: str) -> str:
        regions = self.dataset.regions
        if region not in regions.index:
            return region
        return self.localized(regions.loc[region], "name") or region

    def _source_ref(self, source_id: str) -> str:
        s = self.dataset.sources.loc[source_id]
        return self.phrases.text(
            "briefing.source_ref",
            publisher=self.localized(s, "publisher"),
            title=self.localized(s, "title"),
        )

    # --- blocks -------------------------------------------------------------------------

    def title(self) -> Block:
        p = self.phrases
        return Block(
            Markup(
                '<header class="briefing-title"><h1>{}</h1><p class="subtitle">{}</p></header>'
            ).format(
                p.text("briefing.title", region=self.region_name(self.asof.home)),
                p.render("briefing.subtitle", as_of=p.month(self.asof.month)),
            )
        )

    def headline_cards(self) -> list[Paragraph]:
        """One card per headline indicator with a figure as of the month, with its figures."""
        p, a = self.phrases, self.asof
        cards = []
        for indicator, related in sections.HEADLINES.items():
            main = a.latest(indicator)
            if main is None:
                continue
            others = {name: a.at(ind, main.period) for name, ind in related.items()}
            with p.recording() as used:
                big = p.amt(main)
                comparison = p.render(f"headline.{indicator}.comparison", **others)
            self.shown_sources.update(f.source for f in [main, *others.values()] if f)
            html = Markup(
                '<div class="card" data-refs="{}"><div class="big">{}</div>'
                '<div class="label">{}</div><div class="period">{}</div>'
                '<div class="comparison">{}</div></div>'
            ).format(
                _refs(self.lineage, used),
                big,
                p.text(f"headline.{indicator}.label"),
                p.period(main),
                comparison,
            )
            cards.append(Paragraph(html, used))
        return cards

    def headlines(self) -> Block:
        p = self.phrases
        cards = self.headline_cards()
        body = (
            Markup("").join(c.html for c in cards)
            if cards
            else self._omitted(p.text("briefing.headlines"))
        )
        return Block(
            Markup(
                '<section class="headlines"><h2>{}</h2><div class="cards">{}</div></section>'
            ).format(p.text("briefing.headlines"), body)
        )

    def build_section(self, name: str) -> sections.Section | None:
        """The section as data: paragraphs with their figures, chart, table, sources."""
        if name not in sections.BUILDERS:
            raise ParameterError(
                f"unknown section {name!r}; sections: {', '.join(sections.BUILDERS)}"
            )
        built = sections.BUILDERS[name](self)
        if built is not None:
            sections.add_series(self, built)
        return built

    def section(self, name: str) -> Block:
        built = self.build_section(name)
        p = self.phrases
        if built is None:
            title = p.text(f"section.{name}.title")
            return Block(
                Markup('<section class="section omitted" id="sec-{}">{}</section>').format(
                    name, self._omitted(title)
                )
            )
        self.shown_sources |= built.sources
        parts = [Markup("<h2>{}</h2>").format(built.title)]
        parts += [
            Markup('<p class="narrative" data-refs="{}">{}</p>').format(
                _refs(self.lineage, par.figures), par.html
            )
            for par in built.paragraphs
        ]
        note = self._source_note(built)
        for chart, kind in ((built.chart, "chart"), (built.series, "chart series")):
            if chart is not None:
                parts.append(
                    Markup(
                        '<figure class="{}"><img src="{}" alt="{}" width="{}" height="{}">'
                        "<figcaption>{}</figcaption></figure>"
                    ).format(
                        kind,
                        chart.data_uri(),
                        chart.alt,
                        chart.width_px // 2,
                        chart.height_px // 2,
                        note,
                    )
                )
        if built.table is not None:
            parts.append(_table(built.table))
            if built.chart is None:
                parts.append(
                    Markup('<p class="source-note">{}</p>').format(self._source_note(built))
                )
        return Block(
            Markup('<section class="section" id="sec-{}">{}</section>').format(
                name, Markup("").join(parts)
            )
        )

    def sources(self) -> Block:
        p = self.phrases
        entries = []
        for sid in sorted(self.shown_sources | {f.source for f in self.lineage.figures}):
            s = self.dataset.sources.loc[sid]
            title = self.localized(s, "title")
            entries.append(
                Markup("<li>{}</li>").format(
                    p.render(
                        "briefing.source_entry",
                        publisher=self.localized(s, "publisher"),
                        title=title,
                        original=s["title_zh"] if s["title_zh"] != title else "",
                        authors=s["authors"],
                        published=p.date_text(s["published"]) if s["published"] else "",
                    )
                )
            )
        rows = [self._appendix_row(i, f) for i, f in enumerate(self.lineage.figures, start=1)]
        head = Markup("").join(
            Markup("<th>{}</th>").format(c) for c in p.message("briefing.appendix_columns")
        )
        return Block(
            Markup(
                '<section class="sources" id="sources"><h2>{}</h2><p>{}</p><ul>{}</ul>'
                '<table class="appendix"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
                "</section>"
            ).format(
                p.text("briefing.sources_title"),
                p.text("briefing.sources_intro"),
                Markup("").join(entries),
                head,
                Markup("").join(rows),
            )
        )

    def analyst_notes(self) -> Block:
        """The relations declared in the data's rules, recomputed: mismatches listed, never
        fixed. For the analyst; the last block of the briefing."""
        from report_utils.tables.reconcile import reconcile

        p = self.phrases
        results = reconcile(self.dataset)
        rows = [
            [
                r.id,
                r.explanation_zh if self.lang == "zh" else r.explanation_en,
                f"{r.reported:.{r.decimals}f}",
                f"{r.recomputed:.{r.decimals + 2}f}",
                f"±{r.tolerance:g}",
                p.text(f"analyst.{'ok' if r.ok else 'mismatch'}"),
            ]
            for r in results
            if r.checked.period.end <= self.asof.month
        ]
        note = p.text("analyst.intro")
        if rows and all(r[-1] == p.text("analyst.ok") for r in rows):
            note += " " + p.text("analyst.all_ok")
        table = _table(sections.Table(p.message("analyst.columns"), rows)) if rows else ""
        return Block(
            Markup('<section class="analyst" id="analyst"><h2>{}</h2><p>{}</p>{}</section>').format(
                p.text("analyst.title"), note, table
            )
        )

    # --- helpers ------------------------------------------------------------------------

    def _omitted(self, title: str) -> Markup:
        p = self.phrases
        return Markup('<p class="omitted-note">{}</p>').format(
            p.render("briefing.omitted", section=title, as_of=p.month(self.asof.month))
        )

    def _source_note(self, built: sections.Section) -> Markup:
        p = self.phrases
        refs = p.message("briefing.source_sep").join(
            p.source_titles[s] for s in sorted(built.sources)
        )
        derived = any(f.derived for f in built.figures)
        note = p.text("briefing.source_note", sources=refs, derived=derived)
        return Markup('<span class="source-note">{}</span>').format(note)

    def describe(self, f: Figure) -> str:
        """What a figure is, for the appendix: indicator (region, period), or subject: measure."""
        p = self.phrases
        if f.table == "figures":
            return p.text(
                "briefing.appendix_what",
                name=self.indicator_name(f.indicator),
                region=self.region_name(f.region),
                when=p.period_text(f),
            )
        when = p.month_text(f.period.end)
        if f.table == "projects":
            row = self.dataset.projects.set_index("id").loc[f.indicator]
            return p.text(
                "briefing.appendix_case",
                subject=self.localized(row, "name"),
                measure=p.text("briefing.capacity"),
                when=when,
            )
        row = self.dataset.cases.set_index("id").loc[f.indicator]
        return p.text(
            "briefing.appendix_case",
            subject=self.subject_name(row),
            measure=self.localized(row, "measure"),
            when=when,
        )

    def subject_name(self, case: pd.Series) -> str:
        """The name of a case's subject: an event's title, a project's name, else the subject in
        this language (``subject_en``) or as written."""
        if case["subject_kind"] == "event":
            events = self.dataset.events.set_index("id")
            if case["subject"] in events.index:
                return self.localized(events.loc[case["subject"]], "title")
        if case["subject_kind"] == "project":
            projects = self.dataset.projects
            match = projects[projects["name_zh"] == case["subject"]]
            if not match.empty:
                return self.localized(match.iloc[0], "name")
        return self.localized(case, "subject")

    def _appendix_row(self, number: int, f: Figure) -> Markup:
        p = self.phrases
        status = (
            p.text("briefing.derived_formula", formula=self._readable(f.formula))
            if f.derived
            else p.text("briefing.reported")
        )
        before, after = p.qualifier(f)
        value = Markup('<strong>{}<span class="number">{}</span>{}{}</strong>').format(
            before, p.number(f), p.unit(f), after
        )
        return Markup(
            '<tr id="ref-F{n}"><td>F{n}</td><td>{what}</td>'
            '<td class="value">{value}<br><span class="status">{status}</span></td>'
            '<td>{quote}<br><span class="row-ref">{row}</span></td></tr>'
        ).format(
            n=number,
            what=self.describe(f),
            row=f"{self._relative(f.file)}:{f.line}",
            value=value,
            status=status,
            quote=p.text("briefing.appendix_quote", quote=display_quote(f.quote)),
        )

    def _readable(self, formula: str) -> str:
        """A formula with each reference spelled as name (region, period)."""
        p = self.phrases

        def spell(match: re.Match[str]) -> str:
            return p.text(
                "briefing.formula_ref",
                name=self.indicator_name(match.group(1)),
                region=self.region_name(match.group(2).strip()),
                when=p.period_text(Period.parse(match.group(3))),
            )

        return REF_RE.sub(spell, formula).replace(" - ", " − ")

    def _relative(self, file: str) -> str:
        path = Path(file).resolve()
        try:
            return str(path.relative_to(self.data_dir.resolve()))
        except ValueError:
            return path.name


def _refs(lineage: Lineage, figures: list[Figure]) -> str:
    """The lineage references (F1 F2 ...) of figures, as an attribute value."""
    return " ".join(lineage.ref(f) for f in figures)


def display_quote(quote: str) -> str:
    """A quote as the reader should see it: the source's ** bold markers dropped."""
    return quote.replace("**", "")


def _table(table: sections.Table) -> Markup:
    head = Markup("").join(Markup("<th>{}</th>").format(c) for c in table.columns)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(Markup("<td>{}</td>").format(escape(c)) for c in row)
        )
        for row in table.rows
    )
    thead = Markup("<thead><tr>{}</tr></thead>").format(head) if table.columns else ""
    return Markup('<table class="data">{}<tbody>{}</tbody></table>').format(thead, body)
