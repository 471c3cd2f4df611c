"""The briefing as the notebook builds it: one call per block, each returning HTML.

The notebook holds a parameters cell and then::

    brief = Briefing(data_dir=data_dir, period=period, lang=lang, compare=compare, region=region)
    brief.title()
    brief.headlines()
    brief.sections()      # every section of the spec, each shown as its own output
    brief.sources()
    brief.analyst_notes()

What the headlines and sections show comes from the spec beside the data (``spec``), their words
from the catalogues (``catalogues``). This module gathers what each block says; ``html`` lays it
out (each block an ``html.Block``: HTML with its Typst twin) and ``cache`` keeps the checked data
of a folder for the next briefing of a warm kernel.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from report_utils.briefing import (
    appendix,
    catalogues,
    frames,
    html,
    kinds,
    notebook_style,
    record,
    release,
    request,
)
from report_utils.briefing.amounts import indicator_precision, indicator_units
from report_utils.briefing.cache import checked_data, loaded
from report_utils.briefing.figures import AsOf, Figure, Lineage
from report_utils.briefing.html import Block, Blocks
from report_utils.briefing.kinds import Context, Section, Table
from report_utils.briefing.meaning import Meaning
from report_utils.briefing.names import Names
from report_utils.briefing.phrasing import Paragraph, Phrasebook
from report_utils.briefing.request import Request
from report_utils.briefing.slot_values import template_values
from report_utils.briefing.spec import source_language
from report_utils.errors import DataValidationError, ParameterError, ReportError
from report_utils.fonts import cjk_font
from report_utils.limits import TimeLimitExceeded, briefing_time_limit, section_time_limit
from report_utils.paths import DATA_DIR
from report_utils.tables import units as unit_table
from report_utils.tables.asof import fresh, known_by


class SectionError(ReportError):
    """A section could not be built; the message names it."""


class Briefing:
    def __init__(
        self,
        data_dir: str | Path | None = None,
        period: str | None = None,
        lang: str | None = None,
        compare: str | None = None,
        region: str | None = None,
    ):
        cjk_font()  # no CJK font: MissingFontError naming the package, before any work
        self.data_dir = Path(data_dir) if data_dir else DATA_DIR
        lang = lang or source_language(self.data_dir)  # by default, the data's own language
        # The checks `briefing build` ran before starting this kernel, run again for a notebook
        # opened by hand: a problem is reported at its file and line, not halfway through.
        asked = request.check(
            Request(region, period, lang, compare, None if data_dir is None else str(data_dir)),
            request.facts_of(loaded(self.data_dir), catalogues.data_languages(self.data_dir)),
        )
        self.lang = lang
        self.dataset, self.spec = checked_data(self.data_dir, lang)
        rule, max_age = self.spec.as_of, self.spec.max_age  # briefing.yml: tables.asof
        self.asof = AsOf(self.dataset, asked.period, asked.region, rule, max_age)
        self.compare = compare  # the month "since the last briefing" compares with
        self.names = Names(self.dataset, lang, self.spec.language)
        self.lineage = Lineage()
        self.phrases = Phrasebook(
            lang,
            self.lineage,
            {},
            unit_names=indicator_units(self.dataset.indicators, lang),
            readable_formula=self._readable,
            messages=catalogues.briefing_catalogue(self.data_dir, lang),
            data_units=unit_table.entries(self.dataset.units, lang),
            precision=indicator_precision(self.dataset.indicators),
        )
        self.meaning = Meaning(self.asof, self.names, self.phrases)
        self.phrases.meaning = self.meaning.context
        words = self.meaning.words(self.asof.home)
        self.phrases.context.update(
            region=words["name"], scope=words["scope"], as_of=self.phrases.month(self.asof.month)
        )
        self.phrases.source_titles.update(
            {sid: self._source_ref(sid) for sid in self.dataset.sources.index}
        )
        self.shown_sources: set[str] = set()
        self.shown_rows: list[tuple[str, int]] = []  # rows shown that are not figures
        self.left_out: list[str] = []  # what sections left out and why (the appendix says)

    @property
    def region(self) -> str:
        return self.asof.home

    def _source_ref(self, source_id: str) -> str:
        s = self.dataset.sources.loc[source_id]
        return self.phrases.text(
            "briefing.source_ref",
            publisher=self.names.localized(s, "publisher"),
            title=self.names.localized(s, "title"),
        )

    # --- blocks -------------------------------------------------------------------------

    def title(self) -> Block:
        """The title, the as-of month and the release facts; the facts also go to the PDF's
        metadata (``record.RELEASE_MIMETYPE``: its author and description)."""
        p = self.phrases
        facts = release.facts(p)
        subtitle = p.render("briefing.subtitle", as_of=p.month(self.asof.month))
        lines = [p.render("briefing.release", **facts)] if any(facts.values()) else []
        return Block(
            html.title(p.text("briefing.title"), subtitle, lines),
            data={record.RELEASE_MIMETYPE: release.metadata(facts)},
        )

    def headline_cards(self) -> list[Paragraph]:
        """One card per headline of the spec with a figure as of the month, with its figures.
        A figure older than the region's latest release as of the month says so."""
        p, a = self.phrases, self.asof
        latest_release = a.latest_release()
        cards = []
        for headline in self.spec.headlines:
            found = kinds.resolve(headline.slots(), a)
            main = next(iter(found.values()), None)
            if main is None:
                continue
            key = f"headlines.{headline.id}"
            values = template_values(found)
            try:
                with p.recording() as used:
                    big = p.amt(main)
                    comparison = p.render(f"{key}.comparison", **values)
                label = p.text(f"{key}.label", **values)
            except ParameterError as exc:
                raise SectionError(f"headline {headline.id!r} failed: {exc}") from exc
            self.shown_sources.update(f.source for f in found.values() if f is not None)
            older = latest_release is not None and main.period.end < latest_release
            when = p.render("briefing.older", when=p.period(main)) if older else p.period(main)
            card = html.card(html.refs(self.lineage, used), big, label, older, when, comparison)
            cards.append(Paragraph(card, used))
        return cards

    def key_messages(self) -> list[Paragraph]:
        """One sentence per section the spec's ``summary`` names, with that section's figures
        (``sections.<id>.summary``); a section with no figure as of the month has none."""
        p, messages = self.phrases, []
        for section_id in self.spec.summary:
            section = self._section_spec(section_id)
            found = kinds.resolve(section.slots(), self.asof, section.max_age)
            if next(iter(found.values()), None) is None:
                continue
            try:
                messages.append(
                    p.paragraph(f"sections.{section_id}.summary", **template_values(found))
                )
            except ParameterError as exc:
                raise SectionError(f"key message of section {section_id!r} failed: {exc}") from exc
        return messages

    def headlines(self) -> Block:
        """Page 1: the headline cards and the key messages."""
        notebook_style.show()  # the cards' style, for a notebook front end only
        p = self.phrases
        cards = self.headline_cards()
        body = (
            html.joined(c.html for c in cards)
            if cards
            else self._omitted(p.text("briefing.headlines"))
        )
        points = html.joined(
            html.key_message(html.refs(self.lineage, m.figures), m.html)
            for m in self.key_messages()
        )
        return Block(
            html.headlines(
                p.text("briefing.headlines"), body, p.text("briefing.key_messages"), points
            )
        )

    def figures_table(self):
        """The as-of figures as a pandas DataFrame, for an analyst (``frames``)."""
        return frames.figures_table(self)

    def chart_figures(self):
        """Each section's charts as matplotlib figures, by section id (``frames``)."""
        return frames.chart_figures(self)

    def build_section(self, section_id: str) -> Section | None:
        """The section as data: paragraphs with their figures, chart, table, sources."""
        spec = self._section_spec(section_id)
        context = Context(
            spec, self.asof, self.phrases, self.names, self.meaning, compare=self.compare
        )
        try:
            with section_time_limit(f"section {spec.id!r} (kind {spec.kind})"):
                return kinds.build(context)
        except TimeLimitExceeded as exc:
            raise SectionError(str(exc)) from exc
        except ParameterError as exc:  # a sentence that asks for what is not there
            raise SectionError(f"section {spec.id!r} (kind {spec.kind}) failed: {exc}") from exc
        except ReportError:
            raise
        except Exception as exc:
            raise SectionError(
                f"section {spec.id!r} (kind {spec.kind}) failed: {type(exc).__name__}: {exc}"
            ) from exc

    def _section_spec(self, section_id: str):
        for spec in self.spec.sections:
            if spec.id == section_id:
                return spec
        ids = ", ".join(s.id for s in self.spec.sections)
        raise ParameterError(f"unknown section {section_id!r}; sections of the spec: {ids}")

    def sections(self) -> Blocks:
        """Every section of the spec, in order, each its own block (output), all within the
        briefing's time limit (``limits``)."""
        with briefing_time_limit():
            return Blocks([self.section(spec.id) for spec in self.spec.sections])

    def section(self, section_id: str) -> Block:
        built = self.build_section(section_id)
        p = self.phrases
        if built is None:
            spec = self._section_spec(section_id)
            key = f"sections.{spec.id}.title"
            title = p.text(key if p.has(key) else f"kinds.{spec.kind}.title")
            return Block(html.omitted_section(section_id, self._omitted(title)))
        self.shown_sources |= built.sources
        self.shown_rows += built.rows
        self.left_out += built.notes
        for figure in built.chart_figures:  # a chart prints its values: they are shown too
            self.lineage.ref(figure)
        paragraphs = [
            html.narrative(html.refs(self.lineage, par.figures), par.html)
            for par in built.paragraphs
        ]
        charts = [
            (chart, kind)
            for chart, kind in ((built.chart, "chart"), (built.series, "chart series"))
            if chart is not None
        ]
        loose_note = not charts and bool(built.sources)
        return Block(
            html.section(
                section_id,
                built.title,
                paragraphs,
                charts,
                self._source_note(built),
                built.table,
                loose_note,
            )
        )

    def sources(self) -> Block:
        p = self.phrases
        entries = []
        cited = {c.source for f in self.lineage.figures for c in (f, *f.inputs)}
        for sid in sorted(self.shown_sources | cited):
            s = self.dataset.sources.loc[sid]
            title, original = self.names.localized(s, "title"), self.names.original(s, "title")
            entries.append(
                html.source_entry(
                    p.render(
                        "briefing.source_entry",
                        publisher=self.names.localized(s, "publisher"),
                        title=title,
                        original=original if original != title else "",
                        authors=self.names.localized(s, "authors"),
                        published=p.published_text(s["published"]),
                    )
                )
            )
        rows = [self._appendix_row(i, f) for i, f in enumerate(self.lineage.figures, start=1)]
        return Block(
            html.sources(
                p.text("briefing.sources_title"),
                html.joined(entries),
                p.text("briefing.derived_note")
                if any(f.derived for f in self.lineage.figures)
                else "",
                p.text("briefing.appendix_title"),
                p.text("briefing.sources_intro"),
                p.message("briefing.appendix_columns"),
                html.joined(rows),
                [p.render("briefing.left_out", note=n) for n in self.left_out],
            ),
            data={
                record.MIMETYPE: record.record(
                    self.lineage, p, self.describe, self._relative, self.shown_rows
                )
            },
        )

    def analyst_notes(self) -> Block:
        """The relations declared in the data's rules, recomputed: mismatches listed, never
        fixed. For the analyst; the last block of the briefing. Rules on figures the briefing
        would not show as its latest (older than its ``max_age``) are left out."""
        from report_utils.tables.reconcile import reconcile

        p = self.phrases
        results = reconcile(self.dataset)
        rows = [
            [
                r.explanation(self.lang, self.spec.language),
                *r.shown(),
                p.text(f"analyst.{'ok' if r.ok else 'mismatch'}"),
            ]
            for r in results
            if known_by(r.checked.period.end, self.asof.month)
            and fresh(r.checked.period.end, self.asof.month, self.spec.max_age)
            and r.checked.region == self.asof.home
        ]
        note = p.text("analyst.intro")
        if rows and all(r[-1] == p.text("analyst.ok") for r in rows):
            note += " " + p.text("analyst.all_ok")
        table = Table(p.message("analyst.columns"), rows, "analyst") if rows else None
        return Block(html.analyst(p.text("analyst.title"), note, table))

    # --- helpers ------------------------------------------------------------------------

    def _omitted(self, title: str) -> Markup:
        p = self.phrases
        return html.omitted_note(
            p.render("briefing.omitted", section=title, as_of=p.month(self.asof.month))
        )

    def _source_note(self, built: Section) -> Markup:
        p = self.phrases
        refs = p.message("briefing.source_sep").join(
            p.source_titles[s] for s in sorted(built.sources)
        )
        derived = any(f.derived for f in built.figures)
        note = p.text("briefing.source_note", sources=refs, derived=derived)
        return html.source_note(note)

    def describe(self, f: Figure) -> str:
        """What a figure is, for the appendix: indicator (region, period), or subject: measure."""
        return appendix.describe(f, self.phrases, self.names, self.meaning)

    def _appendix_row(self, number: int, f: Figure) -> Markup:
        return appendix.row(
            number, f, self.describe(f), self.phrases, self._readable, self._relative
        )

    def _readable(self, formula: str) -> str:
        """A formula with each reference spelled as name (region, period)."""
        return appendix.readable(formula, self.phrases, self.names)

    def _relative(self, file: str) -> str:
        return appendix.relative(file, self.data_dir)


__all__ = ["Block", "Blocks", "Briefing", "DataValidationError", "SectionError"]
