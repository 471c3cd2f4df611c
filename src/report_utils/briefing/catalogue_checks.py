"""Checks of the analyst's catalogues (``messages/<lang>.yml``) against the spec, the kinds and
the package's catalogue, for ``checks.check_briefing``: catalogue syntax (YAML, and each
template's Jinja), message keys a section or headline needs and neither catalogue has, template
variables that nothing provides, keys nothing reads; every sentence tried in the sandbox.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from report_utils.briefing import catalogues, sandbox, trials
from report_utils.briefing.kinds import KINDS
from report_utils.briefing.phrasing import TEMPLATE_GLOBALS
from report_utils.briefing.spec import Slot, Spec
from report_utils.errors import Problem, display_path, suggest
from report_utils.paths import messages_file
from report_utils.strict_yaml import Located

# What every template of a briefing is given besides the functions (``Phrasebook.context``).
BRIEFING_VALUES = frozenset({"region", "scope", "as_of"})
# Message keys a section may give that its kind reads only when present.
OPTIONAL_KEYS = frozenset({"chart_title", "axis", "title", "text"})


def catalogue_problems(spec: Spec, data_dir: Path, lang: str, dataset: Any) -> list[Problem]:
    shown = display_path(messages_file(data_dir, lang))
    try:
        package = catalogues.package(lang)
    except Exception as exc:  # an unknown language: the package cannot phrase it
        return [Problem(shown, 0, "-", str(exc))]
    data, located, problems = catalogues.read_data(data_dir, lang)
    if data is None:
        return problems
    merged = catalogues.merge(package, data)
    problems += trials.character_problems(data, located, shown)
    problems += trials.pattern_problems(data, located, shown)
    overridden = trials.override_problems(package, data, located, shown)
    problems += overridden

    def missing(key: str, fallback: str | None = None) -> None:
        owner = ".".join(key.split(".")[:2])
        also = f" (nor {fallback} in the package)" if fallback else ""
        problems.append(
            Problem(
                shown,
                located.line(tuple(owner.split("."))),
                key,
                f"message {key!r} is missing in {lang}{also}",
            )
        )

    # template -> the variables it may use, besides the functions and the briefing's values
    templates: dict[str, set[str]] = {}
    slots: dict[str, dict[str, Slot]] = {}  # template -> the slots it is given
    defaults: dict[str, set[str]] = {}  # the package's defaults the spec's sections use
    for headline in spec.headlines:
        for name in ("label", "comparison"):
            key = f"headlines.{headline.id}.{name}"
            slots[key] = headline.slots()
            if _has_key(merged, key):
                templates[key] = set(headline.slots())
            else:
                missing(key)
    for section in spec.sections:
        kind = KINDS.get(section.kind)
        if kind is None:
            continue
        given = kind.variables(section)
        for name in kind.keys(section):
            own, default = f"sections.{section.id}.{name}", f"kinds.{kind.name}.{name}"
            slots[own] = slots[default] = section.slots()
            if _has_key(merged, own):
                templates[own] = given.get(name, set())
            elif _has_key(merged, default):
                defaults[default] = given.get(name, set())
            else:
                missing(own, default)
    for section_id in spec.summary:
        section = next((s for s in spec.sections if s.id == section_id), None)
        if section is None:
            continue
        key = f"sections.{section_id}.summary"
        slots[key] = section.slots()
        if _has_key(merged, key):
            templates[key] = set(section.slots())
        else:
            missing(key)
    templates["briefing.title"] = set()
    tried: dict[str, set[str]] = {}
    for key, allowed in templates.items():
        if not _has_key(data, key):
            defaults[key] = allowed
            continue  # the package's own wording, tried below with the analyst's keys
        found = _template_problems(
            _value(merged, key), key, allowed, located, shown, sorted(package.get("phrase", {}))
        )
        problems += found
        if not found:
            tried[key] = allowed
    problems += _unused_keys(spec, data, located, shown)
    if not overridden:  # else every sentence would fail on the wrong type
        own = {*trials.overriding_templates(data), *tried}
        sentences = {k: (_value(merged, k), k in own) for k in [*own, *defaults]}
        problems += trials.sentence_problems(
            lang, merged, dataset, sentences, slots, located, shown
        )
    return problems


def _unused_keys(spec: Spec, data: dict[str, Any], located: Located, shown: str) -> list[Problem]:
    """Keys of the analyst's catalogue that nothing reads (a misspelt section id or key): a
    warning, for the package's default is used instead."""
    problems = []
    sections = {s.id: s for s in spec.sections}
    headlines = {h.id for h in spec.headlines}
    for section_id, keys in (data.get("sections") or {}).items():
        section = sections.get(section_id)
        if section is None:
            problems.append(
                Problem(
                    shown,
                    located.line(("sections", section_id)),
                    f"sections.{section_id}",
                    f"no section {section_id!r} in the spec{suggest(section_id, sections)}",
                    severity="warning",
                )
            )
            continue
        kind = KINDS.get(section.kind)
        if kind is None or not isinstance(keys, dict):
            continue
        used = {*kind.keys(section), *kind.variables(section), "summary", *OPTIONAL_KEYS}
        used |= set(_package_keys(kind.name))
        for key in keys:
            if key not in used:
                problems.append(
                    Problem(
                        shown,
                        located.line(("sections", section_id, key)),
                        f"sections.{section_id}.{key}",
                        f"kind {kind.name!r} reads no message {key!r}{suggest(key, used)}",
                        severity="warning",
                    )
                )
    for headline_id in data.get("headlines") or {}:
        if headline_id not in headlines:
            problems.append(
                Problem(
                    shown,
                    located.line(("headlines", headline_id)),
                    f"headlines.{headline_id}",
                    f"no headline {headline_id!r} in the spec{suggest(headline_id, headlines)}",
                    severity="warning",
                )
            )
    return problems


def _package_keys(kind: str) -> list[str]:
    """The keys a kind has defaults for in the package's catalogue (any language)."""
    return [
        k
        for lang in catalogues.languages()
        for k in catalogues.package(lang).get("kinds", {}).get(kind, {})
    ]


def _has_key(messages: dict[str, Any], key: str) -> bool:
    """Whether the dotted ``key`` (``sections.growth.text``) is in the nested ``messages``."""
    node: Any = messages
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _value(messages: dict[str, Any], key: str) -> Any:
    node: Any = messages
    for part in key.split("."):
        node = node[part]
    return node


def _error_line(located: Located, key: str) -> int:
    """The file line of a template's syntax error. YAML folds a ``>-`` block into one line, so
    Jinja's line number says nothing: the error is on the first of the block's lines at which
    the text read so far is wrong (not merely unfinished)."""
    first, lines = located.raw(tuple(key.split(".")))
    for index in range(len(lines)):
        try:
            sandbox.parse(" ".join(line.strip() for line in lines[: index + 1]))
        except jinja2.TemplateSyntaxError as exc:
            if "end of template" not in exc.message:
                return first + index
    return 0


def _phrase_names(parsed: jinja2.nodes.Template) -> set[str]:
    """The names a template passes to ``phrase()`` as written."""
    return {
        call.args[0].value
        for call in parsed.find_all(jinja2.nodes.Call)
        if isinstance(call.node, jinja2.nodes.Name)
        and call.node.name == "phrase"
        and call.args
        and isinstance(call.args[0], jinja2.nodes.Const)
    }


def _template_problems(
    value: Any,
    key: str,
    allowed: set[str],
    located: Located,
    shown: str,
    phrases: list[str],
) -> list[Problem]:
    line = located.line(tuple(key.split(".")))
    texts = value if isinstance(value, list) else [value]
    problems = []
    for text in texts:
        if not isinstance(text, str):
            problems.append(
                Problem(shown, line, key, f"expected text, found {type(text).__name__}")
            )
            continue
        try:
            parsed = sandbox.parse(text)
        except jinja2.TemplateSyntaxError as exc:
            where = _error_line(located, key) or line + (exc.lineno or 1) - 1
            problems.append(Problem(shown, where, key, f"template: {exc.message}"))
            continue
        for name in _phrase_names(parsed) - set(phrases):
            problems.append(
                Problem(
                    shown,
                    line,
                    key,
                    f"no phrase {name!r}{suggest(name, phrases)}; phrases: {', '.join(phrases)}",
                )
            )
        known = allowed | TEMPLATE_GLOBALS | BRIEFING_VALUES
        for variable in sorted(meta.find_undeclared_variables(parsed) - known):
            offered = ", ".join(sorted(allowed)) or "no slots"
            problems.append(
                Problem(
                    shown,
                    line,
                    key,
                    f"template variable {variable!r} is not provided{suggest(variable, allowed)}; "
                    f"it is given: {offered}",
                )
            )
    return problems
