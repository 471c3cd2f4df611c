"""Chart labels: their printed width in columns (a CJK character is two) and line wrapping that
keeps words and punctuation where a reader expects them."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns ``text`` takes: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(label: str, width: int = 24, max_lines: int | None = 4) -> str:
    """Wrap each line of a label to ``width`` display columns, at most ``max_lines`` lines (the
    rest ends in "…": alt text and tables carry the full text; None: every line).

    Hand-written because textwrap counts characters, and a Chinese character is twice as wide as
    a Latin one; Latin words are kept whole when they fit, Chinese breaks between characters but
    never before closing punctuation (，。）) and never leaves one character on a line of its own.
    """
    lines: list[str] = []
    for text in label.split("\n"):
        wrapped: list[str] = []
        line = ""
        for word in _tokens(text):
            if display_width(line + word) <= width or not line.strip():
                line += word
            else:
                wrapped.append(line.rstrip())
                line = word.lstrip()
            while display_width(line) > width:  # one word longer than a line
                cut = _cut(line, width)
                wrapped.append(line[:cut])
                line = line[cut:]
        wrapped.append(line.rstrip())
        if len(wrapped) > 1 and display_width(wrapped[-1]) <= 2 and _wide(wrapped[-2][-1:]):
            wrapped[-2], wrapped[-1] = wrapped[-2][:-1], wrapped[-2][-1] + wrapped[-1]
        lines += wrapped
    if max_lines is not None and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _ellipsis(lines[max_lines - 1], width)]
    return "\n".join(lines)


# Punctuation that closes a phrase (，。） ” by its Unicode category) stays at the end of the
# line it follows; punctuation that opens one (（ “) stays with what it opens.
CLOSING_CATEGORIES = ("Pe", "Pf", "Po")
OPENING_CATEGORIES = ("Ps", "Pi")


def closing(char: str) -> bool:
    return unicodedata.category(char) in CLOSING_CATEGORIES


def opening(char: str) -> bool:
    return unicodedata.category(char) in OPENING_CATEGORIES


def _wide(char: str) -> bool:
    return bool(char) and display_width(char) == 2 and not closing(char)


def _tokens(text: str) -> list[str]:
    """Break opportunities: each space, each wide character (with the closing punctuation that
    follows it), and runs of anything else."""
    tokens, word, opened = [], "", ""
    for char in text:
        if opening(char) and display_width(char) == 2:
            opened += char
            continue
        if opened:  # what follows an opening mark begins its token
            char, opened = opened + char, ""
        if closing(char[-1]) and display_width(char[-1]) == 2 and (word or tokens):
            if word:
                word += char
            else:
                tokens[-1] += char
        elif char.isspace() or display_width(char[-1]) == 2:
            tokens += [word, char] if word else [char]
            word = ""
        else:
            word += char
    word += opened
    return [*tokens, word] if word else tokens


def _cut(text: str, width: int) -> int:
    """The longest prefix of ``text`` that fits ``width`` columns (at least one character)."""
    used = 0
    for i, char in enumerate(text):
        used += display_width(char)
        if used > width:
            return max(i, 1)
    return len(text)


def _ellipsis(line: str, width: int) -> str:
    return line[: _cut(line, width - 1)] + "…"
