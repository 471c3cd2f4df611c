"""Numbers and sentences in the phrasing of a language's statistical releases.

All words live in the language's message catalogue (``messages/<lang>.yaml``); this module only
chooses among them and fills in figures. Every number is rendered by ``amt``/``val``, which tag it
with its lineage reference, so the text never holds a number that did not come from a table.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined
from markupsafe import Markup, escape

from report_utils.errors import ParameterError
from report_utils.indicators import Figure, Lineage
from report_utils.paths import MESSAGES_DIR
from report_utils.periods import Period


def languages() -> list[str]:
    return sorted(p.stem for p in MESSAGES_DIR.glob("*.yaml"))


@cache
def catalogue(lang: str) -> dict[str, Any]:
    path = MESSAGES_DIR / f"{lang}.yaml"
    if not path.is_file():
        raise ParameterError(
            f"no message catalogue for language {lang!r}; available: {', '.join(languages())}"
        )
    return yaml.safe_load(path.read_text(encoding="utf-8"))


_ENV = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)


class Phrasebook:
    """Renders catalogue templates for one briefing, recording the figures it shows."""

    def __init__(self, lang: str, lineage: Lineage, source_titles: dict[str, str]):
        self.lang = lang
        self.messages = catalogue(lang)
        self.lineage = lineage
        self.source_titles = source_titles

    # --- lookup ---------------------------------------------------------------------------

    def message(self, key: str) -> Any:
        node: Any = self.messages
        for part in key.split("."):
            node = node[part]
        return node

    def render(self, key_or_template: str, /, *, template: bool = False, **values: Any) -> Markup:
        """Render the catalogue entry ``key`` (or a template string) as escaped HTML."""
        text = key_or_template if template else self.message(key_or_template)
        compiled = _ENV.from_string(text)
        return Markup(
            compiled.render(
                amt=self.amt, val=self.val, period=self.period, phrase=self.phrase, **values
            ).strip()
        )

    def text(self, key: str, **values: Any) -> str:
        """A catalogue entry as plain text (for chart labels and alt text)."""
        return _plain(self.render(key, **values))

    # --- numbers --------------------------------------------------------------------------

    def val(self, figure: Figure, abs: bool = False) -> Markup:
        ref = self.lineage.ref(figure)
        title = self.render(
            "number.source_title",
            source=self.source_titles[figure.source],
            quote=figure.quote.replace("**", ""),
        )
        number = figure.number(absolute=abs)
        return Markup(
            '<a class="fig{cls}" href="#ref-{ref}" data-ref="{ref}" title="{title}">{number}</a>'
        ).format(
            cls=" derived" if figure.derived else "", ref=ref, title=_plain(title), number=number
        )

    def amt(self, figure: Figure, abs: bool = False) -> Markup:
        """Number with qualifier and unit, marked when derived: 约160亿元, 80%左右, 6.4%（推算）."""
        numbers = self.message("number")
        before = figure.qualifier if figure.qualifier in numbers["qualifier_before"] else ""
        after = figure.qualifier if figure.qualifier in numbers["qualifier_after"] else ""
        html = Markup("{}{}{}{}").format(before, self.val(figure, abs=abs), figure.unit, after)
        if figure.derived:
            title = self.render("number.derived_title", formula=figure.formula)
            html += Markup('<span class="derived-mark" title="{}">{}</span>').format(
                _plain(title), numbers["derived_mark"]
            )
        return html

    def plain_amount(self, figure: Figure) -> str:
        """``amt`` as plain text, without recording lineage (chart labels)."""
        numbers = self.message("number")
        before = figure.qualifier if figure.qualifier in numbers["qualifier_before"] else ""
        after = figure.qualifier if figure.qualifier in numbers["qualifier_after"] else ""
        mark = numbers["derived_mark"] if figure.derived else ""
        return f"{before}{figure.number()}{figure.unit}{after}{mark}"

    def phrase(self, name: str, figure: Figure | None, **values: Any) -> Markup:
        if figure is None:
            return Markup("")
        return self.render(f"phrase.{name}", f=figure, **values)

    # --- periods and dates ------------------------------------------------------------------

    def period(self, item: Figure | Period) -> str:
        period = item.period if isinstance(item, Figure) else item
        keys = {
            "year": period.year,
            "end": period.end_month,
            "start": period.start_month,
            "start_year": int(period.start[:4]),
        }
        if period.kind == "ytd":
            key = {12: "full_year", 6: "first_half"}.get(period.end_month, "ytd")
        else:
            key = period.kind
        return self.text(f"period.{key}", **keys)

    def month(self, month: str) -> str:
        return self.text("period.as_of", year=int(month[:4]), month=int(month[5:7]))

    def date(self, start: str, end: str) -> str:
        parts = {"year": int(start[:4]), "month": int(start[5:7]), "day": int(start[8:10])}
        if start == end:
            return self.text("period.date", **parts)
        return self.text(
            "period.date_range", **parts, end_month=int(end[5:7]), end_day=int(end[8:10])
        )


def _plain(html: Markup | str) -> str:
    """Text of rendered HTML (tags dropped, entities decoded)."""
    return Markup(html).striptags()


def escape_text(value: object) -> Markup:
    return escape(value)
