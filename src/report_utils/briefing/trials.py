"""Every sentence tried before any kernel starts: what ``briefing validate`` (and a build, before
its kernels) checks of a catalogue beyond its syntax.

- Each template of the analyst's catalogue, and each default of the package's a section of the
  spec falls back to, is rendered in the sandbox with typed stand-ins: a slot's figure has its
  indicator's kind, unit and decimals (rendered once positive and once negative, so that both
  branches of ``{% if f.value > 0 %}`` run), then with each slot but the first empty (as in a
  month without its figure); any error is ``path:line: key: message``.
- A key of the package's that the analyst overrides keeps its type (``month_names`` a list of
  text, ``number.thousands_sep`` text ...).
- Text holds no control, format or bidi-override characters (NUL, ESC, U+202E, U+200B ...).
- ``phrase('rank', slot)`` is held to the kind of the slot's indicator (``meaning``).
"""

from __future__ import annotations

import re
import re._constants as re_constants
import re._parser as re_parser
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any

from jinja2 import meta, nodes
from markupsafe import Markup

from report_utils.briefing import sandbox
from report_utils.briefing.amounts import indicator_units
from report_utils.briefing.figures import Figure, Lineage, direction
from report_utils.briefing.meaning import KINDS_OF_PHRASE
from report_utils.briefing.phrasing import TEMPLATE_GLOBALS, Phrasebook
from report_utils.briefing.slot_values import Missing
from report_utils.briefing.spec import Slot
from report_utils.errors import Problem
from report_utils.strict_yaml import Located
from report_utils.tables import units as unit_table
from report_utils.tables.periods import Period

# Groups of a catalogue whose text leaves are templates (the others are words, units, regexes).
TEMPLATE_GROUPS = ("headlines", "sections", "kinds", "phrase", "period", "briefing", "chart")
TEMPLATE_GROUPS += ("series", "analyst")
TEMPLATE_KEYS = ("number.source_title", "number.derived_title")
# Stand-ins of the values a kind gives its templates besides slots (text where not listed).
_NUMBERS = {"year": 2021, "month": 9, "day": 1, "end": 9, "start": 1, "start_year": 2021}
_NUMBERS |= {"end_month": 9, "end_day": 30}
_WORDS = {"direction": "up", "of_kind": "growth", "kind": "growth", "named": False}
_WORDS |= {"derived": False, "original": "", "authors": "", "published": ""}
# Sample values of a figure by its indicator's kind; a rank is a whole number.
_SAMPLES = {"growth": 11.7, "rank": 12.0, "share": 26.9, "change": 2.0, "gap": 0.7, "count": 5.0}
_CHARACTERS_ALLOWED = {"\n", "\t"}


def forbidden_characters(text: str) -> list[str]:
    """Control, format and bidi characters in ``text``, as ``U+202E`` names (none in a
    briefing's text: they hide, reorder or break what a reader and a PDF see)."""
    found = []
    for char in dict.fromkeys(text):
        if char not in _CHARACTERS_ALLOWED and unicodedata.category(char) in ("Cc", "Cf", "Cs"):
            found.append(f"U+{ord(char):04X}")
    return found


def leaves(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))
    else:
        yield path, node


def character_problems(data: dict[str, Any], located: Located, shown: str) -> list[Problem]:
    problems = []
    for path, value in leaves(data):
        texts = [value, *(path[-1:] if path else [])]
        bad = sorted({c for t in texts if isinstance(t, str) for c in forbidden_characters(t)})
        if bad:
            key = ".".join(str(p) for p in path if not isinstance(p, int))
            problems.append(
                Problem(
                    shown,
                    located.line(path),
                    key,
                    f"text holds invisible or control characters ({', '.join(bad)}): remove them",
                )
            )
    return problems


def pattern_problems(data: dict[str, Any], located: Located, shown: str) -> list[Problem]:
    """``number.dates`` of the analyst's catalogue: each a regular expression that compiles and
    cannot backtrack for ever (it is matched against the data's free text)."""
    dates = (data.get("number") or {}).get("dates") if isinstance(data.get("number"), dict) else []
    problems = []
    for index, pattern in enumerate(dates if isinstance(dates, list) else []):
        line = located.line(("number", "dates", index))
        try:
            re.compile(str(pattern))
        except re.error as exc:
            message = f"not a regular expression: {exc}"
            problems.append(Problem(shown, line, "number.dates", message))
            continue
        if _nested_repeat(re_parser.parse(str(pattern))):
            message = (
                "a repetition inside a repetition (such as (a+)+) can take exponential time on "
                "some text: write the pattern without it"
            )
            problems.append(Problem(shown, line, "number.dates", message))
    return problems


def _nested_repeat(node: Any, inside: bool = False) -> bool:
    """Whether a parsed pattern repeats (more than once) something that itself repeats: the
    shape of catastrophic backtracking. Reads ``re``'s own parser (a private module, but the
    one the pattern is compiled with)."""
    if isinstance(node, re_parser.SubPattern):
        for op, arg in node.data:
            if op in (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT):
                # inside a repetition of many (more than 10), anything repeated more than once
                if (inside and arg[1] > 1) or _nested_repeat(arg[2], inside or arg[1] > 10):
                    return True
            elif _nested_repeat(arg, inside):
                return True
    elif isinstance(node, (list, tuple)):
        return any(_nested_repeat(item, inside) for item in node)
    return False


def _shape(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "keys"
    return "nothing" if value is None else type(value).__name__


def override_problems(
    package: Any, data: Any, located: Located, shown: str, path: tuple[Any, ...] = ()
) -> list[Problem]:
    """Keys of the package's the analyst's catalogue overrides with another type of value."""
    problems = []
    if isinstance(package, dict) and isinstance(data, dict):
        for key, value in data.items():
            if key in package and not (not path and key in ("headlines", "sections")):
                problems += override_problems(package[key], value, located, shown, (*path, key))
        return problems
    if isinstance(package, list) and isinstance(data, list) and package:
        for index, value in enumerate(data):
            problems += override_problems(package[0], value, located, shown, (*path, index))
        return problems
    if _shape(package) != _shape(data):
        key = ".".join(str(p) for p in path if not isinstance(p, int))
        where = f" (item {path[-1] + 1})" if path and isinstance(path[-1], int) else ""
        problems.append(
            Problem(
                shown,
                located.line(path),
                key,
                f"the package's {key!r}{where} is {_shape(package)}; this catalogue gives "
                f"{_shape(data)}",
            )
        )
    return problems


def is_template(path: tuple[Any, ...]) -> bool:
    dotted = ".".join(str(p) for p in path)
    if path and path[-1] == "columns":
        return False
    return bool(path) and (path[0] in TEMPLATE_GROUPS or dotted in TEMPLATE_KEYS)


class Trial:
    """Renders templates of one language's catalogue with stand-in values."""

    def __init__(self, lang: str, messages: dict[str, Any], dataset: Any):
        self.messages = messages
        self.indicators = dataset.indicators
        levels = messages.get("levels") or {}
        self.words = dict(next(iter(levels.values()), {})) if isinstance(levels, dict) else {}
        self.region = next(iter(dataset.briefed_regions()), "region")
        self.sign = 1.0
        self._tried: dict[tuple[Any, ...], str | None] = {}
        self.book = Phrasebook(
            lang,
            Lineage(),
            {},
            unit_names=indicator_units(self.indicators, lang),
            messages=messages,
            data_units=unit_table.entries(dataset.units, lang),
            meaning=self._meaning,
            context={"region": self.region, "scope": self.words.get("scope", ""), "as_of": ""},
        )

    def _kind(self, indicator: str) -> str:
        if indicator in self.indicators.index:
            return str(self.indicators.at[indicator, "kind"])
        return ""

    def _meaning(self, name: str, f: Figure) -> dict[str, Any]:
        if name == "where":
            return {**self.words, "name": f.region}
        if name == "rank":
            return {"among": self.words.get("among", "")}
        if name == "gap":
            return {"against": self.words.get("rate", "")}
        if name == "change":
            of = ""
            if f.indicator in self.indicators.index:
                of = str(self.indicators.at[f.indicator, "of"])
            of_kind, way = self._kind(of or f.indicator), direction(f.value)
            frame = self.book.render("phrase.frame_year_earlier", of_kind=of_kind, direction=way)
            return {"of_kind": of_kind, "direction": way, "frame": frame}
        return {}

    def figure(self, indicator: str | None) -> Figure:
        """A stand-in figure of the indicator (its kind's sample value, its unit and
        decimals), or of no indicator (a count of the language's first unit)."""
        kind = self._kind(indicator or "")
        unit, decimals = "", 1
        if indicator in self.indicators.index:
            unit = self.book.unit_names.get(indicator) or str(self.indicators.at[indicator, "unit"])
            decimals = 0 if kind == "rank" else 1
        table = self.messages.get("units")
        if isinstance(table, dict) and unit not in table:
            unit = next(iter(table), "")
        value = _SAMPLES.get(kind, 1.5) * (1.0 if kind == "rank" else self.sign)
        return Figure(
            "figures",
            indicator or "",
            self.region,
            Period("2021-01", "2021-09"),
            value,
            decimals,
            unit,
            "",
            "reported",
            "",
            "",
            "",
            "",
            0,
        )

    def values(self, variables: set[str], slots: dict[str, Slot]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name in variables - TEMPLATE_GLOBALS - set(self.book.context):
            if name in slots:
                found[name] = self.figure(slots[name].indicator)
            elif name in ("f", "first"):
                found[name] = self.figure(None)
            elif name == "groups":
                found[name] = [(Markup("status"), Markup("names"))]
            elif name in _NUMBERS:
                found[name] = _NUMBERS[name]
            elif name in _WORDS:
                found[name] = _WORDS[name]
            else:
                found[name] = Markup("text")
        return found

    def error(self, text: str, slots: dict[str, Slot]) -> str | None:
        """``_error``, once per sentence and the indicators of its slots (sections that say
        the same of the same indicators are tried once)."""
        key = (text, tuple((name, slot.indicator) for name, slot in slots.items()))
        if key not in self._tried:
            self._tried[key] = self._error(text, slots)
        return self._tried[key]

    def _error(self, text: str, slots: dict[str, Slot]) -> str | None:
        """The first error rendering ``text``: with positive, then negative figures, then with
        each slot but the first (the section's latest figure) empty, as it is in a month that
        has no figure for it. None when it renders."""
        try:
            variables = set(meta.find_undeclared_variables(sandbox.parse(text)))
        except Exception as exc:  # the syntax checks report it at its line
            return f"template: {_one_line(exc)}"
        empty = [name for name in list(slots)[1:] if name in variables]
        for sign, missing in [(1.0, None), (-1.0, None), *((1.0, name) for name in empty)]:
            self.sign = sign
            values = self.values(variables, slots)
            if missing is not None:
                values[missing] = Missing(missing)
            try:
                self.book.render(text, template=True, **values)
            except Exception as exc:  # any error of a sentence is the analyst's to fix
                return _one_line(exc)
        return None


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, (TypeError, ValueError, ZeroDivisionError, AttributeError, KeyError)):
        message = f"{type(exc).__name__}: {message}"
    return message


def phrase_problems(
    text: str, slots: dict[str, Slot], kind_of: Callable[[str], str], at: Callable[[str], None]
) -> None:
    """``phrase(name, slot)`` calls whose phrase cannot state the kind of the slot's indicator."""
    try:
        parsed = sandbox.parse(text)
    except Exception:  # reported by the syntax checks
        return
    for call in parsed.find_all(nodes.Call):
        if not (
            isinstance(call.node, nodes.Name)
            and call.node.name == "phrase"
            and len(call.args) >= 2
            and isinstance(call.args[0], nodes.Const)
            and isinstance(call.args[1], nodes.Name)
        ):
            continue
        phrase, slot = call.args[0].value, call.args[1].name
        kinds = KINDS_OF_PHRASE.get(phrase)
        if kinds is None or slot not in slots:
            continue
        indicator = slots[slot].indicator
        kind = kind_of(indicator)
        if kind and kind not in kinds:
            at(
                f"phrase({phrase!r}, {slot}) states a {' or '.join(sorted(kinds))}, but slot "
                f"{slot!r} holds {indicator!r}, of kind {kind!r} in meta/indicators.csv"
            )


def overriding_templates(data: dict[str, Any]) -> list[str]:
    """Keys of templates the analyst's catalogue gives outside its headlines and sections (its
    own wording of the package's phrases, periods, frame ...)."""
    return [
        ".".join(map(str, path))
        for path, value in leaves(data)
        if path[0] not in ("headlines", "sections") and is_template(path) and isinstance(value, str)
    ]


def sentence_problems(
    lang: str,
    merged: dict[str, Any],
    dataset: Any,
    sentences: dict[str, tuple[Any, bool]],
    slots: dict[str, dict[str, Slot]],
    located: Located,
    shown: str,
) -> list[Problem]:
    """Each sentence (key -> its value, and whether the analyst wrote it) rendered with
    stand-ins, and each ``phrase()`` of a slot held to its indicator's kind: the analyst's at
    their lines; the package's defaults (which may use the analyst's keys) at line 1."""
    problems: list[Problem] = []
    trial = Trial(lang, merged, dataset)
    kinds = dataset.indicators["kind"].astype(str).to_dict()
    for key, (value, own) in sentences.items():
        line = located.line(tuple(key.split("."))) if own else 1
        given = slots.get(key, {})
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            if own:
                phrase_problems(
                    text,
                    given,
                    lambda indicator: kinds.get(indicator, ""),
                    lambda message, key=key, line=line: problems.append(
                        Problem(shown, line, key, message)
                    ),
                )
            error = trial.error(text, given)
            if error is not None:
                whose = "" if own else " (the package's default, with this catalogue's keys)"
                problems.append(Problem(shown, line, key, f"sentence fails{whose}: {error}"))
                break
    return problems
