"""Units as data: ``meta/units.csv`` declares the units the tables write (亿元, 万人), over the
package's (``units`` in ``messages/<lang>.yaml``), so that an analyst adds one without touching
the package.

A row gives the unit as the tables write it (``id``), the base unit it scales to (``base``,
``scale``: 亿元 is 100000000 元, 万人 10000 人) and how each language shows an amount of it: the
words after the number (``zh``; ``en``, with ``en_one`` for one), before it (``en_before``:
"CNY") and, for an amount of a million or more, in words or digits (``en_large``: "CNY 1.96
trillion", "38.52 million people"; "100,000 tonnes a year"). A language's entries have the
shape of its catalogue's ``units`` (see ``briefing.phrasing``), which they are merged over.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from report_utils.errors import Problem
from report_utils.tables.reading import FILE, LINE

LANGS = ("zh", "en")  # the languages meta/units.csv has columns for


def entries(units: pd.DataFrame, lang: str) -> dict[str, Any]:
    """The catalogue ``units`` entries of ``lang`` that meta/units.csv (indexed by id) gives: a
    row that says nothing of the language gives none."""
    if units is None or units.empty or lang not in units:
        return {}
    found: dict[str, Any] = {}
    for unit, row in units.iterrows():
        entry = _entry(row, lang)
        if entry is not None:
            found[str(unit)] = entry
    return found


def _entry(row: pd.Series, lang: str) -> dict[str, Any] | str | None:
    if f"{lang}_large" not in row:  # the tables' own language: its words as written (亿元)
        return str(row.get(lang, "")) or None
    words, one = str(row.get(lang, "")), str(row.get(f"{lang}_one", ""))
    before, large = str(row.get(f"{lang}_before", "")), str(row.get(f"{lang}_large", ""))
    if not (words or one or before):
        return None
    scale = row.get("scale")
    entry: dict[str, Any] = {"one": _spaced(one or words), "other": _spaced(words)}
    if before:
        entry["currency"] = before + (" " if before[-1].isalnum() else "")
    if scale is not None and not pd.isna(scale) and float(scale) != 1:
        entry["scale"] = int(scale) if float(scale).is_integer() else float(scale)
        entry["magnitudes"] = large == "words"
    return entry


def _spaced(words: str) -> str:
    """Words after a number, with the space a word needs ("38.52 million people") and a sign
    does not ("45%", "3-fold"). (A CSV cell loses its leading space, so it is put back here.)"""
    return f" {words}" if words and words[0].isalnum() else words


def scale(units: pd.DataFrame, unit: str) -> Decimal | None:
    """How many base units one ``unit`` is, when meta/units.csv says."""
    if units is None or units.empty or unit not in units.index:
        return None
    value = units.at[unit, "scale"]
    return None if pd.isna(value) else Decimal(str(value))


def base(units: pd.DataFrame, unit: str) -> str:
    """The base unit ``unit`` scales to (itself when meta/units.csv does not say)."""
    if units is None or units.empty or unit not in units.index:
        return unit
    return str(units.at[unit, "base"]) or unit


def unit_rules(units: pd.DataFrame, magnitude: Any) -> list[Problem]:
    """A unit named with a magnitude word (万人, 亿元: ``magnitude`` reads the word) declares
    that scale, so that its amounts are shown as the word says (万人 at scale 1 would show 3852万人
    as "3,852 people")."""
    problems = []
    for unit, row in units.iterrows():
        said = magnitude(str(unit))
        given = scale(units, str(unit))
        if said != 1 and given is not None and given != said:
            problems.append(
                Problem(
                    row[FILE],
                    int(row[LINE]),
                    "scale",
                    f"{unit!r} is {format(said, 'f')} of its base unit, not {format(given, 'f')}",
                )
            )
        if said != 1 and given is None and any(row.get(lang, "") for lang in LANGS[1:]):
            problems.append(
                Problem(
                    row[FILE],
                    int(row[LINE]),
                    "scale",
                    f"{unit!r} needs its scale ({format(said, 'f')}) and base unit to be shown "
                    "in another language",
                )
            )
    return problems
