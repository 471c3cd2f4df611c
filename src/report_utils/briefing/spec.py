"""The briefing spec: what a briefing shows, in order, read from ``<data>/briefing.yml``.

The spec is the analyst's: headline cards, then sections, each of a *kind* the package provides
(``briefing.kinds``), with the indicators it shows under readable slot names. Its sentences live
beside it, in ``<data>/messages/<lang>.yml`` (see ``catalogues``). Example::

    headlines:
      - id: retail
        figures: {value: retail_growth, rank: retail_rank}
    sections:
      - id: retail
        kind: figures
        figures:
          sales: retail_growth                    # the first slot: the latest figure
          rank: retail_rank                       # the others: the same period as the first
          sales_other: {indicator: retail_growth, region: compared}
          sales_before: {indicator: retail_growth, period: year_earlier}
        chart: [sales, sales_other]

The structure is checked with pydantic (unknown keys, wrong types); each problem is reported at
the spec's line, which the YAML node tree gives (pydantic knows only the path). What the ids
refer to is checked in ``checks``, against the data and the kinds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from report_utils.errors import Problem, display_path
from report_utils.paths import SPEC_FILE, spec_file
from report_utils.strict_yaml import Located, read_yaml

SLOT_NAME = r"^[a-z][a-z0-9_]*$"
SECTION_ID = r"^[a-z][a-z0-9_]*$"
# Where a slot's figure comes from, besides a region id of meta/regions.csv.
SELF, COMPARED = "self", "compared"
PERIODS = ("same", "latest", "year_earlier")
# Sizes a briefing is built for, ten times the shipped spec's (4 headlines, 10 sections, 8 slots
# a section): refused up front, with the limit, rather than a kernel that runs out of time.
MAX_SECTIONS, MAX_HEADLINES, MAX_SLOTS = 100, 40, 80


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Slot(_Model):
    """One figure a section shows, under a slot name its sentences use.

    ``region``: ``self`` (the briefing's region), ``compared`` (the first region it is compared
    with that has the figure) or a region id. ``period``: ``same`` (as the slot named in
    ``with``, by default the section's first), ``latest`` (the indicator's own latest figure)
    or ``year_earlier`` (a year before the ``with`` slot's period)."""

    indicator: str
    region: str = SELF
    period: Literal["same", "latest", "year_earlier"] = "same"
    with_: str | None = Field(default=None, alias="with", pattern=SLOT_NAME)


class ChartSpec(_Model):
    """A bar chart of some of the section's slots; bars side by side per ``groups``."""

    bars: list[str]
    groups: Literal["region", "period"] = "region"


class SectionSpec(_Model):
    id: str = Field(pattern=SECTION_ID)
    kind: str
    figures: dict[str, str | Slot] | None = Field(default=None, max_length=MAX_SLOTS)
    indicators: list[str] | None = Field(default=None, max_length=MAX_SLOTS)
    chart: list[str] | ChartSpec | None = None
    series: bool | None = None
    subjects: list[Literal["company", "project", "park", "event"]] | None = None

    def slots(self) -> dict[str, Slot]:
        """The section's slots, each spelled out (a bare id is ``{indicator: id}``); the first
        is the latest figure of its indicator."""
        return _slots(self.figures)

    def chart_spec(self) -> ChartSpec | None:
        if self.chart is None or isinstance(self.chart, ChartSpec):
            return self.chart
        return ChartSpec(bars=list(self.chart))

    def options(self) -> set[str]:
        """The keys the spec gives this section (besides id and kind)."""
        return {k for k in self.model_fields_set if k not in ("id", "kind")}


class Headline(_Model):
    """A headline card: the first slot is the big number, the others its comparison line."""

    id: str = Field(pattern=SECTION_ID)
    figures: dict[str, str | Slot] = Field(max_length=MAX_SLOTS)

    def slots(self) -> dict[str, Slot]:
        return _slots(self.figures)


class Spec(_Model):
    # The language the data is written in (its free text, its quotes, the ``<column>_<lang>``
    # columns other languages fall back to); the one place it is declared: the spec's
    # ``language``, this default where the spec does not say.
    language: str = Field(default="zh", pattern=r"^[a-z]{2,3}$")
    headlines: list[Headline] = Field(default=[], max_length=MAX_HEADLINES)
    # Key messages on page 1, under the cards: for each section named here, the one-sentence
    # ``sections.<id>.summary`` of the catalogues, given that section's slots.
    summary: list[str] = Field(default=[], max_length=MAX_SECTIONS)
    sections: list[SectionSpec] = Field(max_length=MAX_SECTIONS)


def _slots(figures: dict[str, str | Slot] | None) -> dict[str, Slot]:
    slots = {}
    for index, (name, slot) in enumerate((figures or {}).items()):
        slot = Slot(indicator=slot) if isinstance(slot, str) else slot
        if index == 0 and slot.period == "same" and slot.with_ is None:
            slot = slot.model_copy(update={"period": "latest"})
        slots[name] = slot
    return slots


def read_spec(data_dir: Path) -> tuple[Spec | None, Located, list[Problem]]:
    """The spec of a data folder, with its node lines; None when it cannot be read or its
    structure is wrong (every problem at its line)."""
    path = spec_file(data_dir)
    shown = display_path(path)
    data, located, problems = read_yaml(path)
    if problems:
        if problems[0].message == "file is missing":
            problems = [
                Problem(
                    shown,
                    0,
                    "-",
                    f"no {SPEC_FILE}: it says what a briefing shows (see data/README.md)",
                )
            ]
        return None, located, problems
    if not isinstance(data, dict):
        found = "nothing" if data is None else f"a {type(data).__name__}"
        message = f"expected the keys headlines, summary and sections, found {found}"
        return None, located, [Problem(shown, 1, "-", message)]
    try:
        return Spec.model_validate(data), located, []
    except ValidationError as exc:
        errors = [e for e in exc.errors() if _relevant(e)] or exc.errors()
        return None, located, [_problem(shown, located, e) for e in errors]


def source_language(data_dir: Path) -> str:
    """The language the data folder is written in (``Spec.language``), for a reader that has no
    spec at hand; the default when the spec cannot be read (reading it reports why)."""
    spec = read_spec(data_dir)[0]
    return (spec or Spec.model_construct()).language


def _problem(shown: str, located: Located, error: dict[str, Any]) -> Problem:
    """A pydantic error at the spec's line, the path spelled as the analyst wrote it."""
    path = tuple(p for p in error["loc"] if not _is_union_tag(p))
    where = ".".join(str(p) for p in path if not isinstance(p, int)) or "-"
    kind = error["type"]
    if kind == "extra_forbidden":
        message = f"unknown key {path[-1]!r}"
    elif kind == "missing":
        message = f"required key {path[-1]!r} is missing"
    elif kind == "too_long":
        limit, found = error["ctx"]["max_length"], error["ctx"].get("actual_length", "more")
        message = f"a briefing takes at most {limit} {path[-1]}; this one has {found}"
    else:
        message = error["msg"]
    return Problem(shown, located.line(path), where, message)


def _relevant(error: dict[str, Any]) -> bool:
    """Of the errors pydantic gives for each member of a union (a slot is an id or a mapping),
    the ones of the member that matches what was written."""
    tags = [p for p in error["loc"] if _is_union_tag(p)]
    if not tags:
        return True
    tag, value = tags[-1], error.get("input")
    if tag == "str":
        return isinstance(value, str)
    if tag.startswith("list["):
        return isinstance(value, list)
    return True


def _is_union_tag(step: Any) -> bool:
    """pydantic names the union member it tried (``str``, ``Slot``) in an error's path."""
    return isinstance(step, str) and (
        step in ("str", "Slot", "ChartSpec") or step.startswith("list[")
    )
