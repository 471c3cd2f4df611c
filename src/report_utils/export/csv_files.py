"""Every CSV file the package writes (the PDF's attached ``lineage.csv`` and ``data-*.csv``,
``briefing reconcile --format csv``) goes through ``write``: one spreadsheet guard for all.

A spreadsheet that opens a CSV file runs a cell that starts like a formula: ``=HYPERLINK(…)`` in a
quote, ``@SUM(1+1)*cmd|' /C calc'!A0`` in an event title (CSV injection). As OWASP advises, such
text gets a leading ``'``, which a spreadsheet shows as text and keeps out of the cell's value;
nothing else of the text changes. Numbers stay numbers, negative ones too (``-1.9``, ``-9.4%``).

Hand-written rather than a library (``defusedcsv`` does the same for the csv module): the rule is
a few lines, and it must leave the numbers of the data as they are written.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection"); Excel also reads
# the full-width forms an input method types as formulas.
_ASCII_STARTS = ("=", "+", "-", "@")
# (the full-width forms are U+FF1D, U+FF0B, U+FF0D and U+FF20: the ASCII ones moved by 0xFEE0)
FORMULA_STARTS = (
    *_ASCII_STARTS,
    "\t",
    "\r",
    "\n",
    *(chr(ord(c) + 0xFEE0) for c in _ASCII_STARTS),
)
# A negative number, or percentage, is a value to a spreadsheet, not a formula: left as it is.
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?%?")


def guard(value: Any) -> Any:
    """A cell as a spreadsheet should read it: text starting like a formula behind a ``'``;
    numbers, and text that is a plain number, as they are."""
    formula = isinstance(value, str) and value.startswith(FORMULA_STARTS)
    return "'" + value if formula and not _PLAIN_NUMBER.fullmatch(value) else value


def write(
    stream: IO[str],
    columns: Iterable[str],
    rows: Iterable[Mapping[str, Any]],
    lineterminator: str = "\r\n",
) -> None:
    """A header and ``rows`` as CSV into ``stream``, every cell (header too) guarded."""
    names = list(columns)
    writer = csv.writer(stream, lineterminator=lineterminator)
    writer.writerow([guard(name) for name in names])
    for row in rows:
        writer.writerow([guard(row.get(name, "")) for name in names])


def excel_bytes(columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """A CSV file as Excel opens it with Chinese text: UTF-8 with a byte-order mark, CRLF."""
    out = io.StringIO(newline="")
    write(out, columns, rows)
    return out.getvalue().encode("utf-8-sig")
