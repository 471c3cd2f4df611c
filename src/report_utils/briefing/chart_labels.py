"""Chart labels: their printed width in columns (a CJK character is two) and line wrapping that
keeps words and punctuation where a reader expects them. Chinese has no spaces between words:
jieba's segmenter says where its words end, so "两年平均增速" breaks before 平均, never
inside it ("两年平/均增速")."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path


def display_width(text: str) -> int:
    """Columns ``text`` takes: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(label: str, width: int = 24, max_lines: int | None = 4) -> str:
    """Wrap each line of a label to ``width`` display columns, at most ``max_lines`` lines (the
    rest ends in "…": alt text and tables carry the full text; None: every line).

    Hand-written because textwrap counts characters, and a Chinese character is twice as wide as
    a Latin one; words are kept whole when they fit (Chinese words as jieba finds them), never
    a break before closing punctuation (，。）), never one character on a line of its own.
    """
    lines: list[str] = []
    for text in label.split("\n"):
        inside = _inside_words(text) if display_width(text) > width else frozenset()
        rows: list[list[str]] = [[]]  # the tokens of each line
        for word in _tokens(text, inside):
            line = "".join(rows[-1])
            if display_width(line + word) <= width or not line.strip() or _width(word) > width:
                rows[-1].append(word)
            else:
                while rows[-1] and not rows[-1][-1].strip():  # no space at a line's end
                    rows[-1].pop()
                rows.append([word.lstrip()])
            while display_width(line := "".join(rows[-1])) > width:  # a word longer than a line
                cut = _cut(line, width)
                rows[-1:] = [[line[:cut]], [line[cut:]]]
        wrapped = ["".join(row).rstrip() for row in rows]
        # never one character alone on the last line: the word before it joins it there
        if len(rows) > 1 and display_width(wrapped[-1]) <= 2 and _wide(wrapped[-2][-1:]):
            if len(rows[-2]) > 1:
                moved = rows[-2].pop()
            else:  # one word filled the line: its last character moves
                moved, rows[-2] = wrapped[-2][-1], [wrapped[-2][:-1]]
            wrapped = ["".join(row).rstrip() for row in rows[:-1]] + [moved + wrapped[-1]]
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


def _width(word: str) -> int:
    return display_width(word.strip())


def _wide(char: str) -> bool:
    return bool(char) and display_width(char) == 2 and not closing(char)


def _tokens(text: str, inside: frozenset[int] = frozenset()) -> list[str]:
    """Break opportunities: each space, each wide character (with the closing punctuation that
    follows it) unless it continues a word (its index in ``inside``), and runs of anything
    else."""
    tokens, word, opened = [], "", ""
    for index, char in enumerate(text):
        if index in inside and not word and not opened and tokens:
            tokens[-1] += char
            continue
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


# --- Chinese words --------------------------------------------------------------------------


def _inside_words(text: str) -> frozenset[int]:
    """Indices of the characters of ``text`` that continue a Chinese word (no break before
    them), as jieba segments it (its dictionary, no guessing of unknown words)."""
    if not any(display_width(c) == 2 for c in text):
        return frozenset()
    inside, at = set(), 0
    for word in _tokenizer(text).cut(text, HMM=False):
        if len(word) > 1 and all(display_width(c) == 2 for c in word):
            inside.update(range(at + 1, at + len(word)))
        at += len(word)
    return frozenset(inside)


LONGEST_WORD = 8  # characters: longer dictionary entries are idioms, not label words


def _tokenizer(text: str):  # -> jieba.Tokenizer
    """A jieba tokenizer that knows the dictionary words inside ``text``. jieba's own start-up
    reads its whole dictionary into a prefix table (3-5 s on a loaded 2-core machine, measured);
    a label needs the few words it holds, looked up in the table read once (``_dictionary``)."""
    import jieba

    frequencies, total = _dictionary()
    table: dict[str, int] = {}
    for start in range(len(text)):
        for end in range(start + 1, min(len(text), start + LONGEST_WORD) + 1):
            piece = text[start:end]
            table.setdefault(piece, 0)  # a prefix: jieba's DAG walks on through it
            if piece in frequencies:
                table[piece] = int(frequencies[piece])
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = table, total, True
    return tokenizer


@functools.cache
def _dictionary() -> tuple[dict[str, str], int]:
    """jieba's dictionary (word → frequency, as written) and its total, read once per process.
    Each line of dict.txt is "word frequency tag"; splitting the whole file is the fastest read
    (a regex over its 349,046 lines took 1.4 times as long, measured)."""
    import jieba

    fields = (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").split()
    frequencies = fields[1::3]
    return dict(zip(fields[0::3], frequencies, strict=True)), sum(map(int, frequencies))
