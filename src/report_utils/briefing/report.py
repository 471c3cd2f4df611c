"""The briefing as the notebook builds it: one call per block, each returning HTML.

The notebook holds a parameters cell and then::

    brief = Briefing(data_dir=data_dir, period=period, lang=lang, compare=compare, region=region)
    brief.title()
    brief.headlines()
    brief.sections()      # every section of the spec, each shown as its own output
    brief.sources()
    brief.analyst_notes()

What the headlines and sections show comes from the spec beside the data (``spec``), their words
from the catalogues (``catalogues``). Each block is an object with ``_repr_html_`` (and its
Typst twin in ``_repr_mimebundle_``); the nbconvert templates show these outputs and nothing else
(no code, no prompts, no reprs).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from report_utils.briefing import catalogues, kinds, record, typst_markup
from report_utils.briefing.figures import AsOf, Figure, Lineage
from report_utils.briefing.kinds import Context, Section, Table
from report_utils.briefing.kinds.changes import check_compare
from report_utils.briefing.meaning import Meaning
from report_utils.briefing.names import Names
from report_utils.briefing.phrasing import (
    Paragraph,
    Phrasebook,
    indicator_units,
    template_values,
)
from report_utils.errors import DataValidationError, ParameterError, ReportError
from report_utils.fonts import cjk_font
from report_utils.limits import TimeLimitExceeded, briefing_time_limit, section_time_limit
from report_utils.paths import DATA_DIR
from report_utils.tables.asof import known_by
from report_utils.tables.files import content_key
from report_utils.tables.formula import REF_RE
from report_utils.tables.load import load_dataset
from report_utils.tables.periods import Period


class SectionError(ReportError):
    """A section could not be built; the message names it."""


class Block:
    """A piece of the briefing: HTML for the notebook and the HTML export, the same content as
    Typst for the PDF export (``typst_markup.MIMETYPE``, converted from the HTML), plain text
    for reprs, and optionally data for the exporters under a type of its own
    (``record.MIMETYPE``)."""

    def __init__(self, html: Markup, data: dict[str, object] | None = None):
        self.html = Markup(html)
        self.data = data or {}

    def _repr_html_(self) -> str:
        return str(self.html)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        # IPython adds the HTML and plain text of the methods here.
        return {typst_markup.MIMETYPE: typst_markup.to_typst(self.html), **self.data}

    def __repr__(self) -> str:
        return self.html.striptags()


class Blocks:
    """Several blocks shown one after another, each as its own output of the cell."""

    def __init__(self, blocks: list[Block]):
        self.blocks = blocks

    def _ipython_display_(self) -> None:
        from IPython.display import display

        for block in self.blocks:
            display(block)

    def __repr__(self) -> str:
        return "\n\n".join(map(repr, self.blocks))

    def __iter__(self):
        return iter(self.blocks)


class Briefing:
    def __init__(
        self,
        data_dir: str | Path | None = None,
        period: str | None = None,
        lang: str = "zh",
        compare: str | None = None,
        region: str | None = None,
    ):
        catalogues.package(lang)  # unknown language: ParameterError before anything else
        cjk_font()  # no CJK font: MissingFontError naming the package, before any work
        self.lang = lang
        self.data_dir = Path(data_dir) if data_dir else DATA_DIR
        # The checks `briefing build` ran before starting this kernel, run again for a notebook
        # opened by hand: a problem is reported at its file and line, not halfway through.
        self.dataset, self.spec = checked_data(self.data_dir, lang)
        self.asof = AsOf(
            self.dataset, period, region, rule=self.spec.as_of, max_age=self.spec.max_age
        )
        check_compare(self.dataset, self.asof.month, compare, self.asof.home)
        self.compare = compare  # the month "since the last briefing" compares with
        self.names = Names(self.dataset, lang)
        self.lineage = Lineage()
        self.phrases = Phrasebook(
            lang,
            self.lineage,
            {},
            unit_names=indicator_units(self.dataset.indicators, lang),
            readable_formula=self._readable,
            messages=catalogues.briefing_catalogue(self.data_dir, lang),
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
        p = self.phrases
        return Block(
            Markup(
                '<header class="briefing-title"><h1>{}</h1><p class="subtitle">{}</p></header>'
            ).format(
                p.text("briefing.title"),
                p.render("briefing.subtitle", as_of=p.month(self.asof.month)),
            )
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
            html = Markup(
                '<div class="card" data-refs="{}"><div class="big">{}</div>'
                '<div class="label">{}</div><div class="period{}">{}</div>'
                '<div class="comparison">{}</div></div>'
            ).format(
                _refs(self.lineage, used),
                big,
                label,
                " older" if older else "",
                when,
                comparison,
            )
            cards.append(Paragraph(html, used))
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
        p = self.phrases
        cards = self.headline_cards()
        body = (
            Markup("").join(c.html for c in cards)
            if cards
            else self._omitted(p.text("briefing.headlines"))
        )
        points = Markup("").join(
            Markup('<li class="key" data-refs="{}">{}</li>').format(
                _refs(self.lineage, m.figures), m.html
            )
            for m in self.key_messages()
        )
        summary = (
            Markup('<h2>{}</h2><ul class="key-messages">{}</ul>').format(
                p.text("briefing.key_messages"), points
            )
            if points
            else ""
        )
        return Block(
            Markup(
                '<section class="headlines"><h2>{}</h2><div class="cards">{}</div>{}</section>'
            ).format(p.text("briefing.headlines"), body, summary)
        )

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
            return Block(
                Markup('<section class="section omitted" id="sec-{}">{}</section>').format(
                    section_id, self._omitted(title)
                )
            )
        self.shown_sources |= built.sources
        self.shown_rows += built.rows
        for figure in built.chart_figures:  # a chart prints its values: they are shown too
            self.lineage.ref(figure)
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
        if built.chart is None and built.series is None and built.sources:
            parts.append(Markup('<p class="source-note">{}</p>').format(note))
        return Block(
            Markup('<section class="section" id="sec-{}">{}</section>').format(
                section_id, Markup("").join(parts)
            )
        )

    def sources(self) -> Block:
        p = self.phrases
        entries = []
        cited = {c.source for f in self.lineage.figures for c in (f, *f.inputs)}
        for sid in sorted(self.shown_sources | cited):
            s = self.dataset.sources.loc[sid]
            title = self.names.localized(s, "title")
            entries.append(
                Markup("<li>{}</li>").format(
                    p.render(
                        "briefing.source_entry",
                        publisher=self.names.localized(s, "publisher"),
                        title=title,
                        original=s["title_zh"] if s["title_zh"] != title else "",
                        authors=self.names.localized(s, "authors"),
                        published=_published(p, s["published"]),
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
            ),
            data={
                record.MIMETYPE: record.record(
                    self.lineage, p, self.describe, self._relative, self.shown_rows
                )
            },
        )

    def analyst_notes(self) -> Block:
        """The relations declared in the data's rules, recomputed: mismatches listed, never
        fixed. For the analyst; the last block of the briefing."""
        from report_utils.tables.reconcile import reconcile

        p = self.phrases
        results = reconcile(self.dataset)
        rows = [
            [
                r.explanation_zh if self.lang == "zh" else r.explanation_en,
                f"{r.reported:.{r.decimals}f}",
                f"{r.recomputed:.{r.decimals + 2}f}",
                f"±{r.tolerance:g}",
                p.text(f"analyst.{'ok' if r.ok else 'mismatch'}"),
            ]
            for r in results
            if known_by(r.checked.period.end, self.asof.month)
            and r.checked.region == self.asof.home
        ]
        note = p.text("analyst.intro")
        if rows and all(r[-1] == p.text("analyst.ok") for r in rows):
            note += " " + p.text("analyst.all_ok")
        table = _table(Table(p.message("analyst.columns"), rows, "analyst")) if rows else ""
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

    def _source_note(self, built: Section) -> Markup:
        p = self.phrases
        refs = p.message("briefing.source_sep").join(
            p.source_titles[s] for s in sorted(built.sources)
        )
        derived = any(f.derived for f in built.figures)
        note = p.text("briefing.source_note", sources=refs, derived=derived)
        return Markup('<span class="source-note">{}</span>').format(note)

    def describe(self, f: Figure) -> str:
        """What a figure is, for the appendix: indicator (region, period), or subject: measure."""
        p, names = self.phrases, self.names
        if f.table in ("figures", "computed"):
            return p.text(
                "briefing.appendix_change" if f.table == "computed" else "briefing.appendix_what",
                name=names.indicator(f.indicator),
                region=names.region(f.region),
                when=p.period_text(f),
            )
        # A project's capacity or a case's figure: the source gives it no period of its own.
        if f.table == "projects":
            return p.text(
                "briefing.appendix_case",
                subject=names.localized(names.project(f.indicator), "name"),
                measure=p.text("briefing.capacity"),
            )
        row = names.case(f.indicator)
        return p.text(
            "briefing.appendix_case",
            subject=names.subject(row),
            measure=names.localized(row, "measure"),
        )

    def _appendix_row(self, number: int, f: Figure) -> Markup:
        p = self.phrases
        status = (
            p.text("briefing.derived_formula", formula=self._readable(f.formula))
            if f.derived
            else p.text("briefing.reported")
        )
        before, after = p.qualifier(f)
        prefix, shown, suffix = p.parts(f)
        # data-value: the number as the table writes it (the text may show it in other units)
        value = Markup(
            '<strong>{}{}<span class="number" data-value="{}">{}</span>{}{}</strong>'
        ).format(before, prefix, f.number(), shown, suffix, after)
        # A figure worked out here cites the rows it is worked out from.
        cited = f.inputs or (f,)
        quotes = Markup("<br>").join(
            Markup('{}<br><span class="row-ref">{}</span>').format(
                p.text("briefing.appendix_quote", quote=display_quote(c.quote)),
                f"{self._relative(c.file)}:{c.line}",
            )
            for c in cited
        )
        return Markup(
            '<tr id="ref-F{n}"><td>F{n}</td><td>{what}</td>'
            '<td class="value">{value}<br><span class="status">{status}</span></td>'
            "<td>{quotes}</td></tr>"
        ).format(n=number, what=self.describe(f), value=value, status=status, quotes=quotes)

    def _readable(self, formula: str) -> str:
        """A formula with each reference spelled as name (region, period)."""
        p = self.phrases

        def spell(match: re.Match[str]) -> str:
            return p.text(
                "briefing.formula_ref",
                name=self.names.indicator(match.group(1)),
                region=self.names.region(match.group(2).strip()),
                when=p.period_text(Period.parse(match.group(3))),
            )

        return REF_RE.sub(spell, formula).replace(" - ", " − ")

    def _relative(self, file: str) -> str:
        path = Path(file).resolve()
        try:
            return str(path.relative_to(self.data_dir.resolve()))
        except ValueError:
            return path.name


# Loaded and checked data folders, by folder and content (a warm kernel builds one briefing
# after another, mostly from the same data); the last few are kept. Nothing a briefing does
# changes a dataset or a spec: a test builds the same briefing alone and after others.
_DATASETS: dict[tuple[str, str], Any] = {}
_SPECS: dict[tuple[str, str, str], Any] = {}
_KEEP = 4


def checked_data(data_dir: Path, lang: str) -> tuple[Any, Any]:
    """The data folder's dataset and its spec checked for ``lang``, read and checked once per
    content of the folder's input files (``tables.files.content_key``)."""
    from report_utils.briefing.checks import checked_spec

    folder = (str(Path(data_dir).resolve()), content_key(data_dir))
    if folder not in _DATASETS:
        _remember(_DATASETS, folder, load_dataset(data_dir))
    dataset = _DATASETS[folder]
    if (*folder, lang) not in _SPECS:
        _remember(_SPECS, (*folder, lang), checked_spec(dataset, data_dir, [lang]))
    return dataset, _SPECS[(*folder, lang)]


def _remember(cache: dict, key: tuple, value: Any) -> None:
    while len(cache) >= _KEEP:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _refs(lineage: Lineage, figures: list[Figure]) -> str:
    """The lineage references (F1 F2 ...) of figures, as an attribute value."""
    return " ".join(lineage.ref(f) for f in figures)


def display_quote(quote: str) -> str:
    """A quote as the reader should see it: the source's ** bold markers dropped."""
    return quote.replace("**", "")


def _table(table: Table) -> Markup:
    head = Markup("").join(Markup("<th>{}</th>").format(c) for c in table.columns)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(Markup("<td>{}</td>").format(escape(c)) for c in row)
        )
        for row in table.rows
    )
    # Every table has a header row: a screen reader (and the PDF's tags) name cells by it.
    return Markup(
        '<table class="data {}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
    ).format(table.kind, head, body)


__all__ = ["Block", "Blocks", "Briefing", "DataValidationError", "SectionError"]


def _published(p: Phrasebook, published: str) -> str:
    """A source's publication date as the language writes it: a day, or the month when that is
    all the source says (2022-03); empty when not known."""
    if not published:
        return ""
    return p.month_text(published) if len(published) == 7 else p.date_text(published)
