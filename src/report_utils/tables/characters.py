"""Characters no text of the data may hold, whatever it is: the one rule validate applies to every
text cell (names, titles, quotes, notes) before anything is shown.

- Control characters (Unicode category Cc) but tab, line feed and carriage return: they are
  invisible or move a terminal's cursor, and XML, which the PDF is made through, has no place for
  most of them (a NUL in a title failed the PDF with "not well-formed (invalid token)").
- The bidirectional embeddings, overrides and isolates, and the directional marks (U+202A–U+202E,
  U+2066–U+2069, U+200E, U+200F, U+061C): they reorder what a reader sees without changing what
  is there (the "Trojan Source" trick, CVE-2021-42574), so a figure's quote could read otherwise
  than it is.
- The Unicode noncharacters (U+FDD0–U+FDEF and every U+xxFFFE, U+xxFFFF) and lone surrogates:
  not text, and not allowed in XML either.

Zero-width characters (U+200B, U+200D, ...) are allowed in text, where they are invisible but
harmless; names that become paths allow none (``paths.name_problem``).
"""

from __future__ import annotations

import re
import unicodedata

WHITESPACE_CONTROLS = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# One character class, searched in C: every cell of a 250,000-cell workbook is checked.
_CONTROLS = "".join(
    chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in WHITESPACE_CONTROLS
)
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
_DISALLOWED = re.compile(
    f"[{re.escape(_CONTROLS)}{''.join(sorted(BIDI_CONTROLS))}{_NONCHARACTERS}\ud800-\udfff]"
)


def disallowed(text: str) -> str | None:
    """The first character of ``text`` no data text may hold, described for a message
    (``U+001B ESCAPE at character 6``), or None when there is none."""
    found = _DISALLOWED.search(text)
    if found is None:
        return None
    c = found.group()
    point, category = ord(c), unicodedata.category(c)
    label = unicodedata.name(c, "") or _CONTROL_NAMES.get(point) or _KINDS[category]
    return f"U+{point:04X} {label} at character {found.start() + 1}"


# Names Python's unicodedata leaves out (control characters have none there).
_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x1B: "ESCAPE", 0x7F: "DELETE"}
_KINDS = {"Cc": "a control character", "Cs": "a lone surrogate", "Cn": "a noncharacter"}
