"""The briefing's HTML: the blocks the notebook shows and the markup of each part of them.

``report.Briefing`` gathers what a block says (words from the catalogues, figures with their
lineage); the functions here lay it out. The nbconvert templates show these outputs and nothing
else (no code, no prompts, no reprs), and the Typst twin of each block is converted from this
HTML (``typst_markup``): the class names and attributes written here are what those read.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from report_utils.briefing import typst_markup
from report_utils.briefing.amounts import Amount
from report_utils.briefing.charts import Chart
from report_utils.briefing.figures import Figure, Lineage
from report_utils.briefing.kinds import Table


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


def refs(lineage: Lineage, figures: list[Figure]) -> str:
    """The lineage references (F1 F2 ...) of figures, as an attribute value."""
    return " ".join(lineage.ref(f) for f in figures)


def display_quote(quote: str) -> str:
    """A quote as the reader should see it: the source's ** bold markers dropped."""
    return quote.replace("**", "")


def joined(parts: Iterable[Markup]) -> Markup:
    return Markup("").join(parts)


def title(heading: str, subtitle: Markup, lines: Iterable[Markup] = ()) -> Markup:
    """The title, the as-of line and the release facts (each a line under it)."""
    more = joined(Markup('<p class="subtitle">{}</p>').format(line) for line in lines)
    return Markup(
        '<header class="briefing-title"><h1>{}</h1><p class="subtitle">{}</p>{}</header>'
    ).format(heading, subtitle, more)


def card(
    refs: str, big: Markup, label: str, older: bool, when: Markup, comparison: Markup
) -> Markup:
    """A headline card: the big number, what it is, its period (marked when older than the
    region's latest release) and its comparison."""
    return Markup(
        '<div class="card" data-refs="{}"><div class="big">{}</div>'
        '<div class="label">{}</div><div class="period{}">{}</div>'
        '<div class="comparison">{}</div></div>'
    ).format(refs, big, label, " older" if older else "", when, comparison)


def key_message(refs: str, html: Markup) -> Markup:
    return Markup('<li class="key" data-refs="{}">{}</li>').format(refs, html)


def headlines(heading: str, cards: Markup, key_title: str, points: Markup) -> Markup:
    """Page 1: the cards, then the key messages under their heading (none: no heading)."""
    summary = (
        Markup('<h2>{}</h2><ul class="key-messages">{}</ul>').format(key_title, points)
        if points
        else ""
    )
    return Markup(
        '<section class="headlines"><h2>{}</h2><div class="cards">{}</div>{}</section>'
    ).format(heading, cards, summary)


def omitted_note(text: Markup) -> Markup:
    return Markup('<p class="omitted-note">{}</p>').format(text)


def omitted_section(section_id: str, note: Markup) -> Markup:
    return Markup('<section class="section omitted" id="sec-{}">{}</section>').format(
        section_id, note
    )


def narrative(refs: str, html: Markup) -> Markup:
    return Markup('<p class="narrative" data-refs="{}">{}</p>').format(refs, html)


def source_note(text: str) -> Markup:
    return Markup('<span class="source-note">{}</span>').format(text)


def figure(chart: Chart, kind: str, caption: Markup) -> Markup:
    """A chart with its alt text, vector (SVG), shown at its size in CSS pixels."""
    return Markup(
        '<figure class="{}"><img src="{}" alt="{}" width="{}" height="{}">'
        "<figcaption>{}</figcaption></figure>"
    ).format(kind, chart.data_uri(), chart.alt, chart.width_px, chart.height_px, caption)


def section(
    section_id: str,
    heading: str,
    paragraphs: list[Markup],
    charts: list[tuple[Chart, str]],
    note: Markup,
    table_: Table | None,
    loose_note: bool,
) -> Markup:
    """A built section: heading, paragraphs, its charts captioned with the source note, its
    table; the source note stands alone when no chart carries it (``loose_note``)."""
    parts = [Markup("<h2>{}</h2>").format(heading), *paragraphs]
    parts += [figure(chart, kind, note) for chart, kind in charts]
    if table_ is not None:
        parts.append(table(table_))
    if loose_note:
        parts.append(Markup('<p class="source-note">{}</p>').format(note))
    return Markup('<section class="section" id="sec-{}">{}</section>').format(
        section_id, joined(parts)
    )


def source_entry(text: Markup) -> Markup:
    return Markup("<li>{}</li>").format(text)


def appendix_value(amount: Amount, written: str) -> Markup:
    """The amount as the appendix shows it (the status, not a mark, says it is derived);
    data-value: the number as the table writes it (the text may show it in other units)."""
    return Markup('<strong>{}{}<span class="number" data-value="{}">{}</span>{}{}</strong>').format(
        amount.before, amount.prefix, written, amount.number, amount.suffix, amount.after
    )


def appendix_quote(quote: str, row: str) -> Markup:
    return Markup('{}<br><span class="row-ref">{}</span>').format(quote, row)


def appendix_row(number: int, what: str, value: Markup, status: str, quotes: Markup) -> Markup:
    return Markup(
        '<tr id="ref-F{n}"><td>F{n}</td><td>{what}</td>'
        '<td class="value">{value}<br><span class="status">{status}</span></td>'
        "<td>{quotes}</td></tr>"
    ).format(n=number, what=what, value=value, status=status, quotes=quotes)


def sources(
    heading: str,
    entries: Markup,
    derived_note: str,
    appendix_heading: str,
    intro: str,
    columns: Iterable[str],
    rows: Markup,
    left_out: Iterable[Markup] = (),
) -> Markup:
    """The sources note (the sources cited, what "derived" means), then the appendix, a
    section of its own (one row per figure) and what the briefing left out and why (a change
    its figures' precision does not support): the leader's PDF ends with the note, the
    analyst's record (the HTML) has both."""
    head = joined(Markup("<th>{}</th>").format(c) for c in columns)
    note = Markup('<p class="derived-note">{}</p>').format(derived_note) if derived_note else ""
    notes = joined(Markup("<p>{}</p>").format(n) for n in left_out)
    return Markup(
        '<section class="sources" id="sources"><h2>{}</h2><ul>{}</ul>{}</section>'
        '<section class="appendix" id="appendix"><h2>{}</h2><p>{}</p>'
        '<table class="appendix"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
        "{}</section>"
    ).format(heading, entries, note, appendix_heading, intro, head, rows, notes)


def analyst(heading: str, note: str, table_: Table | None) -> Markup:
    return Markup('<section class="analyst" id="analyst"><h2>{}</h2><p>{}</p>{}</section>').format(
        heading, note, table(table_) if table_ is not None else ""
    )


def table(table: Table) -> Markup:
    head = joined(Markup("<th>{}</th>").format(c) for c in table.columns)
    body = joined(
        Markup("<tr>{}</tr>").format(joined(Markup("<td>{}</td>").format(escape(c)) for c in row))
        for row in table.rows
    )
    # Every table has a header row: a screen reader (and the PDF's tags) name cells by it.
    return Markup(
        '<table class="data {}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
    ).format(table.kind, head, body)
