"""A figure's amount as a language shows it: the one formatter of a displayed amount.

An amount is its qualifier (约, 左右, about), the unit's words before the number (a currency),
the number at the table's precision (grouped and rescaled as the language writes it, never
rounded), the unit after it, and the derived mark (（推算）, (derived)) when it is worked out.
``Amounts.amount`` assembles these parts once; the sentences and cards (``Phrasebook.amt``), the
chart labels (``Amount.text``), the appendix (``html.appendix_value``) and the lineage record
(``record``) each lay out the same parts.

Every word comes from the language's catalogue: ``units`` (absent in the data's own language,
which writes units as the tables do), ``number.thousands_sep``, ``number.magnitudes``,
``number.qualifiers`` and ``number.derived_mark``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from report_utils.briefing import catalogues
from report_utils.briefing.figures import Figure
from report_utils.errors import ParameterError, Problem
from report_utils.paths import PACKAGE_DIR
from report_utils.tables.units import entries


@dataclass(frozen=True)
class Amount:
    """The parts of a displayed amount, in reading order."""

    before: str  # the qualifier's words before the number (约, about)
    prefix: str  # the unit's words before the number (CNY)
    number: str  # the number as the language shows it
    suffix: str  # the unit's words after the number (亿元, billion)
    after: str  # the qualifier's words after the number (左右)
    mark: str  # the derived mark, or "" for a reported figure
    magnitude: str = ""  # the word of the number's magnitude that begins ``suffix`` (million)

    def words(self) -> str:
        """The suffix without the unit's words, for a sentence that has just named them
        ("38.52 million people, down 60,000 from the end of 2020")."""
        return self.magnitude

    def text(self, unit: bool = True, mark: bool = True) -> str:
        """The amount as plain text: 约160亿元, 6.4%（推算）; without its unit or mark."""
        prefix, suffix = (self.prefix, self.suffix) if unit else ("", "")
        return f"{self.before}{prefix}{self.number}{suffix}{self.after}{self.mark if mark else ''}"


class Amounts:
    """Formats figures' amounts in one language. ``unit_names`` maps an indicator id to its
    unit in this language (``indicator_units``); units of other tables are translated by the
    catalogue's ``units``."""

    def __init__(
        self,
        lang: str,
        messages: dict[str, Any],
        unit_names: Mapping[str, str],
        data_units: Mapping[str, Any] | None = None,
        precision: Mapping[str, int] | None = None,
    ):
        self.lang = lang
        self.messages = messages
        self.unit_names = dict(unit_names)
        # meta/units.csv's entries for this language (``tables.units.entries``), over the
        # catalogue's ``units``; an indicator's significant digits (``indicator_precision``)
        self.data_units = dict(data_units or {})
        self.precision = dict(precision or {})

    def amount(self, figure: Figure, abs: bool = False) -> Amount:
        before, after = self.qualifier(figure)
        prefix, number, suffix = self.parts(figure, abs)
        magnitude = self._magnitude(figure, abs)
        return Amount(before, prefix, number, suffix, after, self.derived_mark(figure), magnitude)

    def derived_mark(self, figure: Figure) -> str:
        """（推算）, (derived) for a figure worked out here; "" for a reported one."""
        return self._message("derived_mark") if figure.derived else ""

    def qualifier(self, figure: Figure) -> tuple[str, str]:
        """The words before and after the number for the figure's qualifier (约, 左右, ...)."""
        if not figure.qualifier:
            return "", ""
        before, after = self._message("qualifiers")[figure.qualifier]
        return before, after

    def parts(self, figure: Figure, abs: bool = False) -> tuple[str, str, str]:
        """(before the number, the number, after it) for the figure's unit.

        The number is the digits of the table, grouped in thousands where the language does;
        never rounded. A unit with a ``scale`` (亿元 in English) shows the same amount in the
        language's magnitude: 909.72亿元 is CNY 90.972 billion, every digit kept."""
        unit, entry = self._unit_entry(figure)
        text = figure.number(absolute=abs)
        if entry is None:
            return "", self._signed(self._grouped(text)), unit
        if isinstance(entry, str):
            return "", self._signed(self._grouped(text)), entry
        prefix, suffix = entry.get("currency", ""), ""
        if "scale" in entry:
            text, suffix = self._rescaled(text, entry, self._significant(figure))
        shown = self._grouped(text)
        if "one" in entry:  # after the magnitude: "38.52 million people"
            suffix += entry["one"] if shown == "1" else entry["other"]
        return prefix, self._signed(shown), suffix

    def _signed(self, shown: str) -> str:
        """A negative number with the language's minus sign (``number.minus``: U+2212 in a
        release's tables, not the ASCII hyphen of the data file)."""
        minus = self.messages.get("number", {}).get("minus", "-")
        return minus + shown[1:] if shown.startswith("-") else shown

    def _magnitude(self, figure: Figure, abs: bool) -> str:
        _, entry = self._unit_entry(figure)
        if not isinstance(entry, dict) or "scale" not in entry:
            return ""
        return self._rescaled(figure.number(absolute=abs), entry, self._significant(figure))[1]

    def _significant(self, figure: Figure) -> int | None:
        """The significant digits an amount of the figure's indicator keeps when restated in a
        magnitude word (meta/indicators.csv ``precision``); None: every digit of the table."""
        return self.precision.get(figure.indicator) if figure.table == "figures" else None

    def _message(self, name: str) -> Any:
        return catalogues.lookup(self.messages, f"number.{name}", self.lang)

    def _unit_entry(self, figure: Figure) -> tuple[str, Any]:
        """The unit as the data writes it, and its entry in the catalogue's ``units`` (None in
        the data's own language, which writes units as the tables do)."""
        unit = (self.unit_names.get(figure.indicator) if figure.table == "figures" else "") or (
            figure.unit
        )
        if unit in self.data_units:
            return unit, self.data_units[unit]
        table = self.messages.get("units")
        if table is None:
            return unit, None
        if unit not in table:
            raise ParameterError(f"unit {unit!r} {unknown_unit(self.lang)}")
        return unit, table[unit]

    def _rescaled(
        self, text: str, entry: dict[str, Any], significant: int | None = None
    ) -> tuple[str, str]:
        """The number times the unit's scale, in the largest of the language's magnitudes it
        reaches (``magnitudes``: CNY 1.96 trillion, 38.52 million people), exactly: Decimal
        arithmetic moves the decimal point and drops no digit, unless the indicator gives the
        ``significant`` digits a restated amount keeps (19586.42亿元 with 3: 1.96 trillion)."""
        value = Decimal(text) * Decimal(str(entry["scale"]))
        word = ""
        if entry.get("magnitudes", False):
            for size, name in self._message("magnitudes"):
                if abs(value) >= Decimal(str(size)):
                    value, word = value / Decimal(str(size)), name
                    break
            if word and significant and value:
                # the digits the indicator keeps, trailing zeros too (CNY 2.00 trillion)
                step = Decimal(1).scaleb(value.adjusted() - significant + 1)
                rounded = value.quantize(step, rounding=ROUND_HALF_UP)
                return format(rounded, "f"), word
        digits = format(value.normalize(), "f")
        return ("0" if digits in ("-0", "") else digits), word

    def _grouped(self, text: str) -> str:
        sep = self.messages.get("number", {}).get("thousands_sep", "")
        if not sep:
            return text
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        whole, dot, fraction = digits.partition(".")
        grouped = f"{int(whole):,}".replace(",", sep)
        return f"{sign}{grouped}{dot}{fraction}"


def unknown_unit(lang: str) -> str:
    """What a unit that no table says in ``lang`` lacks, naming both places it could be."""
    # named inside the package, wherever it is installed and whatever the working folder
    package = (catalogues.MESSAGES_DIR / f"{lang}.yaml").relative_to(PACKAGE_DIR.parent)
    return (
        f"has no {lang} words in meta/units.csv (column {lang}) nor in the package's "
        f"units ({package}): add a row for it to meta/units.csv"
    )


def indicator_precision(indicators) -> dict[str, int]:
    """Each indicator's significant digits (meta/indicators.csv ``precision``), where given."""
    if "precision" not in indicators:
        return {}
    return {str(k): int(v) for k, v in indicators["precision"].items() if v}


def indicator_units(indicators, lang: str) -> dict[str, str]:
    """Each indicator's unit in ``lang`` as meta/indicators.csv gives it (``unit_<lang>``, else
    ``unit``); indicators without one are left out (their figures' own unit applies)."""
    units = indicators[f"unit_{lang}"] if f"unit_{lang}" in indicators else indicators["unit"]
    return {str(k): str(v) for k, v in units.items() if v}


def untranslated_units(dataset, langs: list[str] | None = None) -> list[Problem]:
    """Units in the data that a catalogue cannot say, one problem per table cell: found by
    ``briefing validate`` and before a build starts a kernel, not halfway through a notebook.

    A figure's unit is its indicator's ``unit_<lang>`` (else ``unit``) in meta/indicators.csv; a
    case's is ``unit`` and a project's ``capacity_unit``. The data's own language (no ``units``
    table in its catalogue) writes units as the tables do."""
    from report_utils.tables.load import FILE, LINE

    problems: list[Problem] = []
    for lang in langs or catalogues.languages():
        table = catalogues.package(lang).get("units")
        if table is None:
            continue
        table = {**table, **entries(getattr(dataset, "units", None), lang)}
        where = unknown_unit(lang)
        indicators = dataset.indicators
        names = indicator_units(indicators, lang)
        column = f"unit_{lang}" if f"unit_{lang}" in indicators else "unit"
        for indicator in sorted(set(dataset.figures["indicator"])):
            row = indicators.loc[indicator]
            unit = names.get(indicator) or row["unit"]
            if unit not in table:
                problems.append(
                    Problem(row[FILE], int(row[LINE]), column, f"unit {unit!r} {where}")
                )
        for frame, column in ((dataset.cases, "unit"), (dataset.projects, "capacity_unit")):
            for _, row in frame.iterrows():
                if row[column] and row[column] not in table:
                    problems.append(
                        Problem(row[FILE], int(row[LINE]), column, f"unit {row[column]!r} {where}")
                    )
    return sorted(set(problems))
