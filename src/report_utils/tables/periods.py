"""Reference periods: a start and an end month (``YYYY-MM``), both inclusive.

Months are kept as ``YYYY-MM`` strings: they sort in time order, and the data files spell them
the same way, so no conversion can drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
DATE_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
# Years a month or date of the data may fall in: statistics of industrial economies start well
# after 1900, and a year past 2100 is a typo (9999 once made a "数据截至9999年" briefing).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def in_years(text: str) -> bool:
    """A YYYY-MM month or YYYY-MM-DD date whose year is from FIRST_YEAR to LAST_YEAR."""
    return FIRST_YEAR <= int(text[:4]) <= LAST_YEAR


def is_calendar_date(text: str) -> bool:
    """A YYYY-MM-DD date that is a day of the calendar (not 2021-02-30)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_month(text: str) -> bool:
    return bool(MONTH_RE.match(text))


def month_parts(month: str) -> tuple[int, int]:
    match = MONTH_RE.match(month)
    if not match:
        raise ValueError(f"not a month in the form YYYY-MM: {month!r}")
    return int(match.group(1)), int(match.group(2))


def previous_year(month: str) -> str:
    year, mon = month_parts(month)
    return f"{year - 1:04d}-{mon:02d}"


@dataclass(frozen=True, order=True)
class Period:
    """A reference period; ``Period("2021-01", "2021-09")`` is 1—9月 2021."""

    start: str
    end: str

    def __post_init__(self) -> None:
        month_parts(self.start)
        month_parts(self.end)
        if self.start > self.end:
            raise ValueError(f"period starts after it ends: {self.start}..{self.end}")

    @property
    def year(self) -> int:
        return month_parts(self.end)[0]

    @property
    def start_month(self) -> int:
        return month_parts(self.start)[1]

    @property
    def end_month(self) -> int:
        return month_parts(self.end)[1]

    @property
    def kind(self) -> str:
        """``ytd`` (cumulative from January), ``month`` (one month) or ``span`` (anything else)."""
        same_year = month_parts(self.start)[0] == self.year
        if same_year and self.start_month == 1:
            return "ytd"
        if self.start == self.end:
            return "month"
        return "span"

    def year_earlier(self) -> Period:
        return Period(previous_year(self.start), previous_year(self.end))

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"

    @classmethod
    def parse(cls, text: str) -> Period:
        start, sep, end = text.partition("..")
        if not sep:
            raise ValueError(f"not a period in the form YYYY-MM..YYYY-MM: {text!r}")
        return cls(start.strip(), end.strip())
