"""Numbers and sentences in the phrasing of a language's statistical releases.

All words live in the language's message catalogue (``messages/<lang>.yaml``); this module only
chooses among them and fills in figures. Every number is rendered by ``amt``/``val``, which tag it
with its lineage reference, so the text never holds a number that did not come from a table;
the parts of an amount (qualifier, unit, number, derived mark) are ``amounts``'.

HTML the phrasebook writes, and what the lineage test relies on:

- ``<a class="fig" data-ref="Fn">`` around every number taken from a table;
- ``<span class="period">`` around period and date labels (their digits are years, months, days);
- ``<span class="unit">`` around units (a unit such as "× 100 million yuan" has digits of its own);
- ``<span class="name">`` around proper names from the metadata (project names hold capacities).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from report_utils.briefing import catalogues, sandbox
from report_utils.briefing.amounts import Amount, Amounts
from report_utils.briefing.figures import Figure, Lineage, direction
from report_utils.briefing.slot_values import present as _present
from report_utils.errors import ParameterError
from report_utils.tables.periods import Period


def languages() -> list[str]:
    """Languages the package can phrase."""
    return catalogues.languages()


def catalogue(lang: str) -> dict[str, Any]:
    """The package's catalogue of a language (``ParameterError`` for an unknown language)."""
    return catalogues.package(lang)


# Names every template can use besides its own values (the checks read this list).
TEMPLATE_GLOBALS = frozenset(
    {"amt", "val", "mark", "ordinal", "period", "phrase", "month_names", "month_abbrs", "where"}
)


@dataclass
class Paragraph:
    """Rendered text together with its lineage: the figures whose numbers it shows."""

    html: Markup
    figures: list[Figure] = field(default_factory=list)

    def __str__(self) -> str:
        return str(self.html)


class Phrasebook:
    """Renders catalogue templates for one briefing, recording the figures it shows.

    ``messages`` is the briefing's catalogue (the analyst's over the package's, see
    ``catalogues``; by default the package's alone). ``unit_names`` maps an indicator id to its
    unit in this language, from the indicator metadata (``unit_en``); units of other tables are
    translated by the catalogue's ``units``. ``readable_formula`` spells a derived figure's
    formula for the reader (names, not ids). ``meaning`` adds, for a phrase of a figure, what
    the metadata says about it (``meaning.Meaning.context``); ``context`` holds the values every
    template sees (the region, its level's words, the as-of month). ``data_units`` are the
    entries of meta/units.csv for this language, ``precision`` each indicator's significant
    digits (``amounts``).
    """

    def __init__(
        self,
        lang: str,
        lineage: Lineage,
        source_titles: dict[str, str],
        unit_names: Mapping[str, str] | None = None,
        readable_formula: Callable[[str], str] | None = None,
        messages: dict[str, Any] | None = None,
        meaning: Callable[[str, Figure], dict[str, Any]] | None = None,
        context: dict[str, Any] | None = None,
        data_units: Mapping[str, Any] | None = None,
        precision: Mapping[str, int] | None = None,
    ):
        self.lang = lang
        self.messages = messages if messages is not None else catalogue(lang)
        self.lineage = lineage
        self.source_titles = source_titles
        self.amounts = Amounts(lang, self.messages, unit_names or {}, data_units, precision)
        self.unit_names = self.amounts.unit_names
        self.readable_formula = readable_formula or (lambda formula: formula)
        self.meaning = meaning
        self.context = dict(context or {})
        self._recorders: list[list[Figure]] = []

    # --- lookup ---------------------------------------------------------------------------

    def message(self, key: str) -> Any:
        return catalogues.lookup(self.messages, key, self.lang)

    @property
    def fonts(self) -> tuple[str, ...]:
        """The font families of this language (its catalogue's ``fonts``: faces by role)."""
        from report_utils.fonts import families

        return families(tuple(self.messages.get("fonts", ["cjk"])))

    def has(self, key: str) -> bool:
        try:
            self.message(key)
        except ParameterError:
            return False
        return True

    def render(self, key_or_template: str, /, *, template: bool = False, **values: Any) -> Markup:
        """Render the catalogue entry ``key`` (or a template string) as escaped HTML."""
        text = key_or_template if template else self.message(key_or_template)
        values = {
            "amt": self.amt,
            "val": self.val,
            "mark": self.mark,
            "ordinal": self.ordinal,
            "period": self.period,
            "phrase": self.phrase,
            "where": self.where,
            "month_names": self.messages.get("month_names", []),
            "month_abbrs": self.messages.get("month_abbrs", []),
            **self.context,
            **values,
        }
        if not isinstance(text, str):
            raise ParameterError(
                f"message {key_or_template!r} in the {self.lang} catalogues is not text"
            )
        return sandbox.render(text, values).strip()

    def text(self, key: str, **values: Any) -> str:
        """A catalogue entry as plain text (for chart labels and alt text)."""
        return _plain(self.render(key, **values))

    def paragraph(self, key: str, **values: Any) -> Paragraph:
        """A catalogue entry rendered with the figures it shows."""
        with self.recording() as used:
            html = self.render(key, **values)
        return Paragraph(html, used)

    @contextmanager
    def recording(self) -> Iterator[list[Figure]]:
        """Collect, in order of first use, the figures rendered inside the ``with`` block."""
        used: list[Figure] = []
        self._recorders.append(used)
        try:
            yield used
        finally:
            self._recorders.remove(used)

    # --- numbers --------------------------------------------------------------------------

    def amount(self, figure: Figure, abs: bool = False) -> Amount:
        """The parts of the figure's displayed amount (``amounts``)."""
        return self.amounts.amount(figure, abs)

    def number(self, figure: Figure, abs: bool = False) -> str:
        """The figure's number as this language shows it (``amounts.Amounts.parts``)."""
        return self.amounts.parts(figure, abs)[1]

    def unit(self, figure: Figure) -> str:
        """The figure's unit in this language, as it follows the number (with its space)."""
        return self.amounts.parts(figure)[2]

    def val(self, figure: Figure, abs: bool = False, spell: bool = False) -> Markup:
        figure = _present(figure)
        ref = self.lineage.ref(figure)
        for used in self._recorders:
            if figure not in used:
                used.append(figure)
        title = self.render(
            "number.source_title",
            source=self.source_titles.get(figure.source, figure.source),
            quote=figure.quote.replace("**", ""),
        )
        return Markup(
            '<a class="fig{cls}" href="#ref-{ref}" data-ref="{ref}" title="{title}">{number}</a>'
        ).format(
            cls=" derived" if figure.derived else "",
            ref=ref,
            title=_plain(title),
            number=self.spelled(figure) if spell else self.number(figure, abs),
        )

    def spelled(self, figure: Figure) -> str:
        """A whole number under ten in words where the language writes it so in a release
        (``number.words``: "six of them", "up two places"); else its digits. Only where a
        sentence asks (``amt(f, spell=True)``): tables, charts and the appendix keep digits."""
        words = self.messages.get("number", {}).get("words")
        shown, n = self.number(figure, abs=True), abs(figure.value)
        # only a number shown as the table writes it (not 5亿元 shown as CNY 500 million)
        if words and shown == figure.number(absolute=True) and shown.isdigit() and n < len(words):
            return str(words[int(n)])
        return shown

    def mark(self, figure: Figure) -> Markup:
        """The derived mark (（推算）, (derived)) when the figure is derived, else nothing."""
        if not figure.derived:
            return Markup("")
        title = self.render("number.derived_title", formula=self.readable_formula(figure.formula))
        return Markup('<span class="derived-mark" title="{}">{}</span>').format(
            _plain(title), self.amounts.derived_mark(figure)
        )

    def amt(
        self,
        figure: Figure,
        abs: bool = False,
        unit: bool = True,
        words: bool = True,
        spell: bool = False,
    ) -> Markup:
        """Number with qualifier and unit, marked when derived: 约160亿元, 80%左右, 6.4%（推算）.

        ``unit=False`` leaves the unit out, for sentences that name the counted thing;
        ``words=False`` keeps its currency and magnitude but not the words after them, for a
        change that follows its level ("38.52 million people, down 60,000 from ...");
        ``spell=True`` writes a whole number under ten in words where the language does.
        """
        figure = _present(figure)
        shown = self.amount(figure, abs)
        lead, units = (
            Markup('<span class="unit">{}</span>').format(text) if unit and text else ""
            for text in (shown.prefix, shown.suffix if words else shown.words())
        )
        return Markup("{}{}{}{}{}{}").format(
            shown.before,
            lead,
            self.val(figure, abs=abs, spell=spell),
            units,
            shown.after,
            self.mark(figure),
        )

    def plain_amount(self, figure: Figure, unit: bool = True, mark: bool = True) -> str:
        """``amt`` as plain text, without recording lineage (chart labels)."""
        return self.amount(figure).text(unit=unit, mark=mark)

    def ordinal(self, figure: Figure) -> str:
        """The ordinal suffix of a whole number (st, nd, rd, th; nothing in Chinese).

        ``number.ordinal`` maps the last two digits, then the last digit, to a suffix, with
        ``other`` for the rest.
        """
        table = self.message("number.ordinal")
        n = abs(round(figure.value))
        return str(table.get(str(n % 100), table.get(str(n % 10), table["other"])))

    def phrase(self, name: str, figure: Figure | None, **values: Any) -> Markup:
        """``phrase.<name>`` of the catalogue for a figure, with what the metadata says about
        it (``among`` for a rank, ``frame`` and ``direction`` for a change, ``against`` for a
        gap); values given here win."""
        if not figure:  # None, or a Missing slot: a phrase of nothing says nothing
            return Markup("")
        # Without metadata (a phrasebook of its own, in a test): the sign tells the direction,
        # and nothing is known of what a change is measured against.
        defaults = {
            "direction": direction(figure.value),
            "of_kind": "",
            "frame": "",
            "among": "",
            "against": "",
            "named": False,
        }
        known = self.meaning(name, figure) if self.meaning else {}
        return self.render(f"phrase.{name}", f=figure, **{**defaults, **known, **values})

    def where(self, figure: Figure | None) -> dict[str, str]:
        """The words for a figure's region: its name and its level's words (scope, among,
        adjective ...), for a sentence about a compared region."""
        if figure is None:
            return {}
        return self.meaning("where", figure) if self.meaning else {"name": figure.region}

    def free_text(self, text: str, figures: list[Figure] = ()) -> Markup:
        """Free text from the data (a project's progress) as HTML: each figure whose number
        it writes is linked to its lineage (the first time), each date is marked as a date
        (``number.dates`` of the catalogue: patterns of the language's dates)."""
        parts: list[tuple[int, int, Markup]] = []
        for figure in figures:
            written = re.escape(self.number(figure))
            found = re.search(rf"(?<![\d.,]){written}(?![\d.,])", text)
            if found and not _overlaps(parts, found.start(), found.end()):
                parts.append((found.start(), found.end(), self.val(figure)))
        for pattern in self.messages.get("number", {}).get("dates", []):
            for found in re.finditer(pattern, text):
                if not _overlaps(parts, found.start(), found.end()):
                    label = Markup('<span class="date">{}</span>').format(found.group(0))
                    parts.append((found.start(), found.end(), label))
        html, at = Markup(""), 0
        for start, end, piece in sorted(parts, key=lambda p: p[0]):
            html += escape(text[at:start]) + piece
            at = end
        return html + escape(text[at:])

    # --- periods and dates ------------------------------------------------------------------

    def period_text(self, item: Figure | Period) -> str:
        period = item.period if isinstance(item, Figure) else item
        keys = {
            "year": period.year,
            "end": period.end_month,
            "start": period.start_month,
            "start_year": int(period.start[:4]),
        }
        if period.kind == "ytd" and period.end_month > 1:
            key = {12: "full_year", 6: "first_half"}.get(period.end_month, "ytd")
        elif period.kind == "ytd":
            key = "month"
        else:
            key = period.kind
        return self.text(f"period.{key}", **keys)

    def period(self, item: Figure | Period) -> Markup:
        """The period label of a figure or period, marked as a label in HTML."""
        return _label(self.period_text(item if isinstance(item, Period) else _present(item)))

    def month_text(self, month: str) -> str:
        return self.text("period.as_of", year=int(month[:4]), month=int(month[5:7]))

    def month(self, month: str) -> Markup:
        return _label(self.month_text(month))

    def date_text(self, start: str, end: str | None = None) -> str:
        end = end or start
        parts = {"year": int(start[:4]), "month": int(start[5:7]), "day": int(start[8:10])}
        if start == end:
            return self.text("period.date", **parts)
        return self.text(
            "period.date_range", **parts, end_month=int(end[5:7]), end_day=int(end[8:10])
        )

    def published_text(self, published: str) -> str:
        """A source's publication date: a day, or the month when that is all the source says
        (2022-03, meta/sources.csv ``published``); empty when not known."""
        if not published:
            return ""
        return self.month_text(published) if len(published) == 7 else self.date_text(published)

    def date(self, start: str, end: str | None = None) -> Markup:
        return _label(self.date_text(start, end))

    # --- names and lists --------------------------------------------------------------------

    def join(self, items: list[Any], sep_key: str = "number.list_sep") -> Markup:
        """Items (escaped unless already HTML) joined with a separator of the catalogue."""
        return escape(self.message(sep_key)).join(items)


def name(text: str) -> Markup:
    """A proper name from the metadata, marked as such in HTML."""
    return Markup('<span class="name">{}</span>').format(text)


def _overlaps(parts: list[tuple[int, int, Markup]], start: int, end: int) -> bool:
    return any(start < b and a < end for a, b, _ in parts)


def _label(text: str) -> Markup:
    return Markup('<span class="period">{}</span>').format(text)


def _plain(html: Markup | str) -> str:
    """Text of rendered HTML (tags dropped, entities decoded)."""
    return Markup(html).striptags()
