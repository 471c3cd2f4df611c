"""Exceptions the project raises on purpose; anything else is a bug."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in the input, located as ``path:line: column: message``.

    ``line`` is the physical line in the file (the header is line 1); 0 means the file as a whole
    (for instance a missing file). ``column`` is ``-`` when no single column is at fault.
    """

    path: str
    line: int
    column: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        """The problem as one line of text, safe for a terminal: path, column (a header cell is
        data too) and message are ``printable``, and a long column name is cut."""
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        column = printable(self.column)
        if len(column) > QUOTED_CHARS:
            column = column[:QUOTED_CHARS] + "…"
        return f"{printable(self.path)}:{self.line}: {column}: {prefix}{printable(self.message)}"


QUOTED_CHARS = 60


def printable(text: str) -> str:
    """``text`` with each character that is not printable escaped as Python writes it (``\x1b``,
    ``\t``, ``\u202e``): data quoted in a message cannot move the cursor, recolour or clear the
    terminal, or reverse the line. Printable text, Chinese included, is left as it is."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def quoted(value: str) -> str:
    """A cell quoted in a message: ``repr``-like, so every character shows as written (quotes,
    non-printable characters escaped), and cut after ``QUOTED_CHARS`` characters with a ``…``."""
    if len(value) <= QUOTED_CHARS:
        return repr(value)
    shown = repr(value[:QUOTED_CHARS])
    return f"{shown[:-1]}…{shown[-1]}"


class ReportError(Exception):
    """Base class: an error with a message meant for the analyst, printed without a traceback."""


class DataValidationError(ReportError):
    """The data folder has errors; ``problems`` lists all of them at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = "\n".join(str(p) for p in errors)
        super().__init__(f"{len(errors)} problem(s) in the data:\n{lines}")


class MissingFontError(ReportError):
    """No font on the machine can draw Chinese."""


class ParameterError(ReportError):
    """A briefing parameter is unknown, of the wrong type or outside the data."""


class UnsafePathError(ReportError):
    """A path computed from data would leave the folder it belongs in (or cannot name a file)."""


class BuildError(ReportError):
    """A briefing could not be built; the previous briefing, if any, is left in place."""


def suggest(word: str, known) -> str:
    """ " (did you mean 'x'?)" for a near miss among ``known``, else nothing."""
    import difflib

    close = difflib.get_close_matches(str(word), sorted(map(str, known)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def display_path(path: Path) -> str:
    """A path as the analyst would type it: relative to the working folder when inside it.

    Links are not followed: a link is shown under its own name, never as what it points to."""
    path = Path(path)
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
