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

from report_utils import sections
from report_utils.errors import ParameterError
from report_utils.fonts import cjk_font
from report_utils.formula import REF_RE
from report_utils.indicators import AsOf, Figure, Lineage
from report_utils.load import load_dataset
from report_utils.paths import DATA_DIR
from report_utils.periods import Period
from report_utils.phrasing import Phrasebook, catalogue


class Block:
    """A piece of the briefing: HTML for the notebook and the exports, plain text for reprs."""

    def __init__(self, html: Markup):
        self.html = Markup(html)

    def _repr_html_(self) -> str:
        return str(self.html)

    def __repr__(self) -> str:
        return self.html.striptags()


class Briefing:
    def __init__(
        self, data_dir: str | Path | None = None, period: str | None = None, lang: str = "zh"
    ):
        catalogue(lang)  # unknown language: ParameterError before anything else
        cjk_font()  # no CJK font: MissingFontError naming the package, before any work
        self.lang = lang
        self.data_dir = Path(data_dir) if data_dir else DATA_DIR
        self.dataset = load_dataset(self.data_dir)
        self.asof = AsOf(self.dataset, period)
        self.lineage = Lineage()
        titles = {sid: self._source_ref(sid) for sid in self.dataset.sources.index}
        self.phrases = Phrasebook(lang, self.lineage, titles)
        self.shown_sources: set[str] = set()

    # --- names from the metadata ------------------------------------------------------------

    def indicator_name(self, indicator: str) -> str:
        row = self.dataset.indicators.loc[indicator]
        return str(row["name_en"] if self.lang == "en" and row["name_en"] else row["name_zh"])

    def region_name(self, region: str) -> str:
        if self.lang == "en":
            return str(self.dataset.regions.loc[region, "name_en"] or region)
        return region

    def localized(self, row: pd.Series, stem: str) -> str:
        """``row[stem_en]`` in English when given, else the Chinese form."""
        if self.lang != "zh" and row.get(f"{stem}_{self.lang}"):
            return str(row[f"{stem}_{self.lang}"])
        return str(row[f"{stem}_zh"])

    def _source_ref(self, source_id: str) -> str:
        s = self.dataset.sources.loc[source_id]
        return self.phrases_text(
            "briefing.source_ref", publisher=s["publisher_zh"], title=s["title_zh"]
        )

    def phrases_text(self, key: str, **values) -> str:
        # Used before self.phrases exists (source titles feed the phrasebook).
        return Phrasebook(self.lang, Lineage(), {}).text(key, **values)

    # --- blocks -------------------------------------------------------------------------

    def title(self) -> Block:
        p = self.phrases
        return Block(
            Markup(
                '<header class="briefing-title"><h1>{}</h1><p class="subtitle">{}</p></header>'
            ).format(
                p.text("briefing.title", region=self.region_name(self.asof.home)),
                p.text("briefing.subtitle", as_of=p.month(self.asof.month)),
            )
        )

    def headlines(self) -> Block:
        p, a = self.phrases, self.asof
        cards = []
        for indicator, related in sections.HEADLINES.items():
            main = a.latest(indicator)
            if main is None:
                continue
            others = {name: a.at(ind, main.period) for name, ind in related.items()}
            comparison = p.render(f"headline.{indicator}.comparison", **others)
            self.shown_sources.update(f.source for f in [main, *others.values()] if f)
            cards.append(
                Markup(
                    '<div class="card"><div class="big">{}</div><div class="label">{}</div>'
                    '<div class="period">{}</div><div class="comparison">{}</div></div>'
                ).format(
                    p.amt(main), p.text(f"headline.{indicator}.label"), p.period(main), comparison
                )
            )
        body = Markup("").join(cards) if cards else self._omitted(p.text("briefing.headlines"))
        return Block(
            Markup(
                '<section class="headlines"><h2>{}</h2><div class="cards">{}</div></section>'
            ).format(p.text("briefing.headlines"), body)
        )

    def section(self, name: str) -> Block:
        if name not in sections.BUILDERS:
            raise ParameterError(
                f"unknown section {name!r}; sections: {', '.join(sections.BUILDERS)}"
            )
        built = sections.BUILDERS[name](self)
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
        parts += [Markup('<p class="narrative">{}</p>').format(par) for par in built.paragraphs]
        if built.chart is not None:
            parts.append(
                Markup(
                    '<figure class="chart"><img src="{}" alt="{}" width="{}" height="{}">'
                    "<figcaption>{}</figcaption></figure>"
                ).format(
                    built.chart.data_uri(),
                    built.chart.alt,
                    built.chart.width_px // 2,
                    built.chart.height_px // 2,
                    self._source_note(built),
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
            entries.append(
                Markup("<li>{}</li>").format(
                    p.render(
                        "briefing.source_entry",
                        publisher=s["publisher_zh"],
                        title=s["title_zh"],
                        authors=s["authors"],
                        published=s["published"],
                        note="",
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

    # --- helpers ------------------------------------------------------------------------

    def _omitted(self, title: str) -> Markup:
        p = self.phrases
        return Markup('<p class="omitted-note">{}</p>').format(
            p.text("briefing.omitted", section=title, as_of=p.month(self.asof.month))
        )

    def _source_note(self, built: sections.Section) -> Markup:
        p = self.phrases
        refs = "；".join(self.phrases.source_titles[s] for s in sorted(built.sources))
        note = p.text("briefing.source_note", sources=refs)
        if any(f.derived for f in built.figures):
            note += p.text("briefing.source_note_derived")
        return Markup('<span class="source-note">{}</span>').format(note)

    def _appendix_row(self, number: int, f: Figure) -> Markup:
        p = self.phrases
        if f.table == "figures":
            what = p.text(
                "briefing.appendix_what",
                name=self.indicator_name(f.indicator),
                region=self.region_name(f.region),
                when=p.period(f),
            )
        else:
            what = p.text(
                "briefing.appendix_what",
                name=f.indicator,
                region=f.region,
                when=p.month(f.period.end),
            )
        status = (
            p.text("briefing.derived_formula", formula=self._readable(f.formula))
            if f.derived
            else p.text("briefing.reported")
        )
        row = f"{self._relative(f.file)}:{f.line}"
        return Markup(
            '<tr id="ref-F{n}"><td>F{n}</td><td>{what}</td>'
            '<td><strong>{value}</strong><br><span class="status">{status}</span></td>'
            '<td>“{quote}”<br><span class="row-ref">{row}</span></td></tr>'
        ).format(
            n=number,
            what=what,
            row=row,
            value=f"{f.number()}{f.unit}",
            status=status,
            quote=display_quote(f.quote),
        )

    def _readable(self, formula: str) -> str:
        """A formula with each reference spelled as name（region，period）."""

        def spell(match: re.Match[str]) -> str:
            period = self.phrases.period(Period.parse(match.group(3)))
            return (
                f"{self.indicator_name(match.group(1))}（{self.region_name(match.group(2))}，"
                f"{period}）"
            )

        return REF_RE.sub(spell, formula).replace(" - ", " − ")

    def _relative(self, file: str) -> str:
        path = Path(file).resolve()
        try:
            return str(path.relative_to(self.data_dir.resolve()))
        except ValueError:
            return path.name


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
