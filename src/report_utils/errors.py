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
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}: {self.column}: {prefix}{self.message}"


QUOTED_CHARS = 60


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


class BuildError(ReportError):
    """A briefing could not be built; the previous briefing, if any, is left in place."""


def display_path(path: Path) -> str:
    """A path as the analyst would type it: relative to the working folder when inside it.

    Links are not followed: a link is shown under its own name, never as what it points to."""
    path = Path(path)
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
