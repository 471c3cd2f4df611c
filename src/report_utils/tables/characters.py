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

import unicodedata

WHITESPACE_CONTROLS = frozenset("\t\n\r")
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


def disallowed(text: str) -> str | None:
    """The first character of ``text`` no data text may hold, described for a message
    (``U+001B ESCAPE at character 6``), or None when there is none."""
    for position, c in enumerate(text, start=1):
        category = unicodedata.category(c)
        point = ord(c)
        if (
            (category == "Cc" and c not in WHITESPACE_CONTROLS)
            or c in BIDI_CONTROLS
            or category == "Cs"
            or 0xFDD0 <= point <= 0xFDEF
            or point & 0xFFFE == 0xFFFE
        ):
            label = unicodedata.name(c, "") or _CONTROL_NAMES.get(point) or _KINDS[category]
            return f"U+{point:04X} {label} at character {position}"
    return None


# Names Python's unicodedata leaves out (control characters have none there).
_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x1B: "ESCAPE", 0x7F: "DELETE"}
_KINDS = {"Cc": "a control character", "Cs": "a lone surrogate", "Cn": "a noncharacter"}
