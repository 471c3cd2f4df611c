"""Every row's quote is found, word for word, in its source's text.

A source of ``meta/sources.csv`` whose ``locator`` names a text file inside the data folder
(``sources/guizhou-industry-2021.txt``) has each quote of the figures, events, projects and cases
that cite it checked against that text: a quote that is not in it is an error at the row's
``quote`` cell (a typo in a quote, or a figure whose evidence is not where the data says). A
source without a text file in the data folder cannot be checked: one warning for the source.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from report_utils.errors import Problem, display_path
from report_utils.paths import FACT_TABLES, MESSAGES_DIR
from report_utils.strict_yaml import load_yaml

LOCATOR = "locator"


def source_texts(dataset: Any) -> tuple[dict[str, str], list[Problem]]:
    """The text of each source that has one in the data folder, and a warning per source
    that has none."""
    root = Path(dataset.data_dir).resolve()
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    sources = dataset.sources
    for source_id, row in sources.iterrows():
        where = (row["_file"], int(row["_line"]), LOCATOR)
        locator = str(row.get(LOCATOR, "") or "")
        path = (root / locator).resolve() if locator else None
        if path is None or not path.is_relative_to(root) or not path.is_file():
            problems.append(
                Problem(
                    *where,
                    f"source {source_id!r} has no text file in the data folder "
                    f"({locator or 'no locator'}): its quotes cannot be checked",
                    severity="warning",
                )
            )
            continue
        try:
            texts[str(source_id)] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(
                Problem(*where, f"cannot read {display_path(path)} as UTF-8 text: {exc}")
            )
    return texts, problems


def check_quotes(dataset: Any) -> list[Problem]:
    """A problem for each quote that is not in its source's text, and for each reported value
    that its quote does not hold (``check_values``)."""
    texts, problems = source_texts(dataset)
    not_found = len(problems)
    for table in FACT_TABLES:
        frame = getattr(dataset, table)
        for row in frame.to_dict("records"):
            text = texts.get(row["source"])
            if text is not None and row["quote"] not in text:
                problems.append(
                    Problem(
                        row["_file"],
                        int(row["_line"]),
                        "quote",
                        f"not found word for word in the text of source {row['source']!r}: "
                        f"{row['quote']!r}",
                    )
                )
    # A quote that is not in its source is one problem, not a second one about its number.
    unquoted = {(p.path, p.line) for p in problems[not_found:]}
    return problems + [p for p in check_values(dataset) if (p.path, p.line) not in unquoted]


# --- the quote holds the value -------------------------------------------------------------------
# Hand-written: no library reads the numbers of a statistical text as its language writes them
# (a magnitude word after the digits, full-width digits, thousands separators, the article's
# ** bold markers).

_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
# Where each table keeps a reported number, its unit and its written decimals (None: derived
# from the number itself); a row that is not reported (``status`` derived) cites its inputs.
VALUE_COLUMNS = {
    "figures": ("value", "unit", "decimals"),
    "cases": ("value", "unit", "decimals"),
    "projects": ("capacity", "capacity_unit", None),
}


@cache
def written_magnitudes() -> dict[str, Decimal]:
    """Words that multiply the digits before them (``number.written_magnitudes`` of the
    package's catalogues: how sources in each language write large numbers), longest first."""
    words: dict[str, int] = {}
    for path in sorted(MESSAGES_DIR.glob("*.yaml")):
        number = (load_yaml(path.read_text(encoding="utf-8"))[0] or {}).get("number", {})
        words.update(number.get("written_magnitudes") or {})
    return {w: Decimal(10) ** int(p) for w, p in sorted(words.items(), key=lambda i: -len(i[0]))}


def _ascii_digits(text: str) -> str:
    """Full-width digits and full stops as ASCII (NFKC, applied to them alone: a full-width
    comma between two numbers is not a thousands separator)."""
    return "".join(
        unicodedata.normalize("NFKC", c)
        if (c.isdecimal() or unicodedata.name(c, "") == "FULLWIDTH FULL STOP")
        else c
        for c in text
    )


def numbers_in(quote: str) -> list[Decimal]:
    """The numbers a quote writes, in base units (10万 is 100000): inside its ``**bold**``
    markers when it has any (the article marks the figure it reports), else all of them."""
    text = _ascii_digits(quote)
    magnitudes = written_magnitudes()
    found = []
    for part in _BOLD.findall(text) or [text]:
        for match in _NUMBER.finditer(part):
            number = Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
            after = part[match.end() :].lstrip()
            scale = next((m for w, m in magnitudes.items() if after.startswith(w)), 1)
            found.append(number * scale)
    return found


def unit_magnitude(unit: str) -> Decimal:
    """The power of ten a unit's name starts with: 亿元 is 10⁸ yuan, 万吨/年 10⁴ tonnes."""
    return next((m for w, m in written_magnitudes().items() if str(unit).startswith(w)), Decimal(1))


def holds(quote: str, value: float, decimals: int, unit: str) -> bool:
    """Whether the quote writes the value: one of its numbers, in the value's unit and rounded
    to the value's decimals, is the value. The sign is the quote's words (下降9.4%), so sizes
    are compared; a quote may be more precise than the value (41.195 holds 41.2), never less
    (5万 does not hold 50848)."""
    step = Decimal(1).scaleb(-decimals)
    size = abs(Decimal(f"{value:.{decimals}f}"))
    scale = unit_magnitude(unit)
    return any(
        (n / scale).quantize(step, rounding=ROUND_HALF_UP) == size for n in numbers_in(quote)
    )


def check_values(dataset: Any) -> list[Problem]:
    """A problem for each reported number whose quote does not hold it (``holds``), at the
    number's cell: the quote is the number's evidence, so a typo in either breaks the promise
    that every figure shown is traced to its source. Derived figures are exempt: their formula
    cites the rows they come from."""
    problems: list[Problem] = []
    for table, (column, unit_column, decimals_column) in VALUE_COLUMNS.items():
        frame = getattr(dataset, table)
        if frame.empty or column not in frame:
            continue
        for row in frame.to_dict("records"):
            value = row[column]
            if row.get("status", "reported") != "reported" or not _is_number(value):
                continue
            decimals = int(row[decimals_column]) if decimals_column else _decimals_of(float(value))
            if not holds(str(row["quote"]), float(value), decimals, str(row[unit_column])):
                written = f"{float(value):.{decimals}f}"
                problems.append(
                    Problem(
                        row["_file"],
                        int(row["_line"]),
                        column,
                        f"the quote does not hold the value {written} "
                        f"(its numbers: {_listed(row['quote'])}): correct the value or the quote",
                    )
                )
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def _decimals_of(value: float) -> int:
    text = repr(value)
    return 0 if text.endswith(".0") else len(text.partition(".")[2])


def _listed(quote: str) -> str:
    numbers = [format(n.normalize(), "f") for n in numbers_in(str(quote))]
    return ", ".join(numbers[:8]) or "none"
