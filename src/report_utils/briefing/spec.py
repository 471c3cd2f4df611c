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

import re
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from report_utils.errors import Problem, display_path

SPEC_FILE = "briefing.yml"
SLOT_NAME = r"^[a-z][a-z0-9_]*$"
SECTION_ID = r"^[a-z][a-z0-9_]*$"
# Where a slot's figure comes from, besides a region id of meta/regions.csv.
SELF, COMPARED = "self", "compared"
PERIODS = ("same", "latest", "year_earlier")
# Sizes a briefing is built for, ten times the shipped spec's (4 headlines, 10 sections, 8 slots
# a section): refused up front, with the limit, rather than a kernel that runs out of time.
MAX_SECTIONS, MAX_HEADLINES, MAX_SLOTS = 100, 40, 80
MAX_AGE_YEARS = 200


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


class Chart(_Model):
    """A bar chart of some of the section's slots; bars side by side per ``groups``."""

    bars: list[str]
    groups: Literal["region", "period"] = "region"


class Section(_Model):
    id: str = Field(pattern=SECTION_ID)
    kind: str
    figures: dict[str, str | Slot] | None = Field(default=None, max_length=MAX_SLOTS)
    indicators: list[str] | None = Field(default=None, max_length=MAX_SLOTS)
    chart: list[str] | Chart | None = None
    series: bool | None = None
    subjects: list[Literal["company", "project", "park", "event"]] | None = None
    # The oldest a figure shown as its indicator's latest may be, in years before the as-of
    # year (default: the spec's ``max_age``); any section kind takes it.
    max_age: int | None = Field(default=None, ge=0, le=MAX_AGE_YEARS)

    def slots(self) -> dict[str, Slot]:
        """The section's slots, each spelled out (a bare id is ``{indicator: id}``); the first
        is the latest figure of its indicator."""
        return _slots(self.figures)

    def chart_spec(self) -> Chart | None:
        if self.chart is None or isinstance(self.chart, Chart):
            return self.chart
        return Chart(bars=list(self.chart))

    def options(self) -> set[str]:
        """The keys the spec gives this section (besides id and kind)."""
        return {k for k in self.model_fields_set if k not in ("id", "kind", "max_age")}


class Headline(_Model):
    """A headline card: the first slot is the big number, the others its comparison line."""

    id: str = Field(pattern=SECTION_ID)
    figures: dict[str, str | Slot] = Field(max_length=MAX_SLOTS)

    def slots(self) -> dict[str, Slot]:
        return _slots(self.figures)


class Spec(_Model):
    headlines: list[Headline] = Field(default=[], max_length=MAX_HEADLINES)
    # Key messages on page 1, under the cards: for each section named here, the one-sentence
    # ``sections.<id>.summary`` of the catalogues, given that section's slots.
    summary: list[str] = Field(default=[], max_length=MAX_SECTIONS)
    sections: list[Section] = Field(max_length=MAX_SECTIONS)
    # What "as of a month" means (``tables.asof``): the figures whose reference period has ended
    # by then, or those whose source was published by then (``known_by_then``).
    as_of: Literal["reference_period", "known_by_then"] = "reference_period"
    # A figure shown as its indicator's latest is from the as-of year or at most this many
    # years before it (a section may say otherwise: its ``max_age``).
    max_age: int = Field(default=1, ge=0, le=MAX_AGE_YEARS)


def _slots(figures: dict[str, str | Slot] | None) -> dict[str, Slot]:
    slots = {}
    for index, (name, slot) in enumerate((figures or {}).items()):
        slot = Slot(indicator=slot) if isinstance(slot, str) else slot
        if index == 0 and slot.period == "same" and slot.with_ is None:
            slot = slot.model_copy(update={"period": "latest"})
        slots[name] = slot
    return slots


# --- reading, with the line of every node ----------------------------------------------------


class Located:
    """A YAML document with the line (1-based) of each of its nodes, by path."""

    def __init__(self, node: yaml.Node | None, text: str = ""):
        self.node = node
        self.lines = text.splitlines()

    def line(self, path: tuple[Any, ...]) -> int:
        """The line of the node at ``path`` (keys and list indices), or of its nearest parent."""
        return self._find(path)[0]

    def raw(self, path: tuple[Any, ...]) -> tuple[int, list[str]]:
        """The first line and the lines of the file a scalar at ``path`` is written on (a block
        scalar, ``>-``, starts on the line after its key)."""
        line, node = self._find(path)
        if not isinstance(node, yaml.ScalarNode):
            return line, []
        start, end = node.start_mark.line, node.end_mark.line
        if node.style in (">", "|"):
            start += 1
        return start + 1, self.lines[start : max(end, start + 1)]

    def _find(self, path: tuple[Any, ...]) -> tuple[int, yaml.Node | None]:
        node = self.node
        line = node.start_mark.line + 1 if node is not None else 1
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == step:
                        child = value
                        line = key.start_mark.line + 1
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(step, int)
                and 0 <= step < len(node.value)
            ):
                child = node.value[step]
                line = child.start_mark.line + 1
            if child is None:
                return line, None
            node = child
        return line, node


# How deeply a spec or catalogue may nest (the shipped ones nest 6 deep); deeper is refused at
# its line before PyYAML's composer, which recurses, runs out of stack.
MAX_NESTING = 40
MAX_YAML_BYTES = 2_000_000  # the shipped catalogues are 10 KB: a larger file is not one
_CORE_SCALARS = (
    # YAML 1.2's core schema, which PyYAML (YAML 1.1) does not have: yes/no/on/off/y/n stay
    # text, as do 1_000, 0777-looking numbers, 1:20 and dates; keys are strings as written.
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
)


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, strict: YAML 1.2 core scalars only, no anchors or aliases (a
    handful of aliases can stand for billions of nodes), a duplicate key is an error naming
    both lines, and nesting is bounded. Hand-written on PyYAML because no maintained library
    gives all four with node lines (ruamel.yaml's round-trip loader would, as a new
    dependency)."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[Any]]] = {}

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not supported", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_NESTING} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A mapping whose keys are text as written (``no:`` is the key "no", ``1:`` the key
        "1"), each key once."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, _ in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be text", key.start_mark
                    )
                key.tag = "tag:yaml.org,2002:str"
                line = key.start_mark.line + 1
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key.value!r} (lines {seen[key.value]} and {line}): "
                        "only one would be kept",
                        key.start_mark,
                    )
                seen[key.value] = line
        return super().construct_mapping(node, deep)


for _tag, _pattern, _first in _CORE_SCALARS:
    StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """A YAML document read strictly (``StrictLoader``), with its node tree."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, Located, list[Problem]]:
    """A YAML file's content and node lines, read strictly (``StrictLoader``); a syntax error,
    a duplicate key or too deep a nesting is a problem at its line."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            message = f"the file is larger than {MAX_YAML_BYTES // 1_000_000} MB"
            return None, Located(None), [Problem(shown, 0, "-", message)]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, Located(None), [Problem(shown, 0, "-", "file is missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, Located(None), [Problem(shown, 0, "-", f"cannot read the file: {exc}")]
    try:
        data, node = load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        return None, Located(None), [Problem(shown, line, "-", f"YAML: {exc.problem}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ESC ...)
        line = text[: exc.position].count("\n") + 1
        message = f"YAML: character U+{exc.character:04X} is not allowed in a YAML file"
        return None, Located(None), [Problem(shown, line, "-", message)]
    except yaml.YAMLError as exc:
        return None, Located(None), [Problem(shown, 0, "-", f"YAML: {exc}")]
    return data, Located(node, text), []


def spec_path(data_dir: Path) -> Path:
    return Path(data_dir) / SPEC_FILE


def read_spec(data_dir: Path) -> tuple[Spec | None, Located, list[Problem]]:
    """The spec of a data folder, with its node lines; None when it cannot be read or its
    structure is wrong (every problem at its line)."""
    path = spec_path(data_dir)
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
    return isinstance(step, str) and (step in ("str", "Slot", "Chart") or step.startswith("list["))
