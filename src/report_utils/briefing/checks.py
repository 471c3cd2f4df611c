"""Checks of the spec and the analyst's catalogues against the data and the kinds, run by
``briefing validate``, by ``briefing build`` before any kernel starts, and by the notebook.

Each problem is located in its file (``briefing.yml``, ``messages/<lang>.yml``) at its line:

- the spec's structure (``spec``), unknown section kinds and indicator ids (with "did you
  mean"), keys a kind does not take, slots that name no slot, regions that are not regions;
- per language: catalogue syntax (YAML, and each template's Jinja), message keys a section or
  headline needs and neither catalogue has, template variables that nothing provides;
- warnings: indicators in the data that no section or headline shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from report_utils.briefing import catalogues, sandbox, trials
from report_utils.briefing.kinds import KINDS
from report_utils.briefing.phrasing import TEMPLATE_GLOBALS
from report_utils.briefing.spec import (
    COMPARED,
    SELF,
    Located,
    Section,
    Slot,
    Spec,
    read_spec,
)
from report_utils.errors import DataValidationError, Problem, display_path, suggest
from report_utils.paths import (
    MESSAGES_SUBDIR,
    MESSAGES_SUFFIX,
    messages_dir,
    messages_file,
    spec_file,
)

# What every template of a briefing is given besides the functions (``Phrasebook.context``).
BRIEFING_VALUES = frozenset({"region", "scope", "as_of"})
# Message keys a section may give that its kind reads only when present.
OPTIONAL_KEYS = frozenset({"chart_title", "axis", "title", "text"})


def check_briefing(
    dataset: Any, data_dir: Path, langs: list[str] | None = None
) -> tuple[Spec | None, list[Problem]]:
    """The spec and every problem of the spec and the catalogues of ``langs`` (default: every
    language the data folder has sentences for)."""
    spec, located, problems = read_spec(data_dir)
    if spec is None:
        return None, problems
    problems += _spec_problems(spec, located, dataset, display_path(spec_file(data_dir)))
    written = catalogues.data_languages(data_dir)
    if not written:
        folder = display_path(messages_dir(data_dir))
        problems.append(
            Problem(
                folder,
                0,
                "-",
                f"no sentences in any language: add {MESSAGES_SUBDIR}/<lang>"
                f"{MESSAGES_SUFFIX} for one of {', '.join(catalogues.languages())} "
                "(see data/README.md)",
            )
        )
    for lang in langs if langs is not None else written:
        if lang not in written and lang in catalogues.languages():
            path = display_path(messages_file(data_dir, lang))
            problems.append(Problem(path, 0, "-", f"no sentences for language {lang!r}"))
            continue
        problems += _catalogue_problems(spec, data_dir, lang, dataset)
    problems += _unshown(spec, dataset)
    return spec, sorted(set(problems))


def checked_spec(dataset: Any, data_dir: Path, langs: list[str]) -> Spec:
    """The spec, or ``DataValidationError`` listing every error (warnings do not stop it)."""
    spec, problems = check_briefing(dataset, data_dir, langs)
    errors = [p for p in problems if p.severity == "error"]
    if spec is None or errors:
        raise DataValidationError(errors)
    return spec


# --- the spec -----------------------------------------------------------------------------------


def _spec_problems(spec: Spec, located: Located, dataset: Any, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    indicators = set(dataset.indicators.index)
    regions = set(dataset.regions.index)

    def at(path: tuple[Any, ...], column: str, message: str) -> None:
        problems.append(Problem(shown, located.line(path), column, message))

    for name, items in (("headlines", spec.headlines), ("sections", spec.sections)):
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                at((name, index, "id"), "id", f"{name[:-1]} id {item.id!r} is used twice")
            seen.add(item.id)

    for index, headline in enumerate(spec.headlines):
        path = ("headlines", index, "figures")
        if not headline.figures:
            at(path, "figures", "a headline needs at least one figure (the first is shown big)")
        _slot_problems(headline.slots(), path, indicators, regions, at)

    by_id = {s.id: s for s in spec.sections}
    for index, section_id in enumerate(spec.summary):
        section = by_id.get(section_id)
        if section is None:
            at(
                ("summary", index),
                "summary",
                f"no section {section_id!r}{suggest(section_id, by_id)}",
            )
        elif not section.figures:
            at(
                ("summary", index),
                "summary",
                f"section {section_id!r} has no figures for a key message to state",
            )

    for index, section in enumerate(spec.sections):
        path = ("sections", index)
        kind = KINDS.get(section.kind)
        if kind is None:
            at(
                (*path, "kind"),
                "kind",
                f"unknown section kind {section.kind!r}{suggest(section.kind, KINDS)}; "
                f"kinds: {', '.join(sorted(KINDS))}",
            )
            continue
        for option in sorted(section.options() - kind.options):
            takes = ", ".join(sorted(kind.options)) or "nothing but id and kind"
            at(
                (*path, option),
                option,
                f"kind {kind.name!r} does not take {option!r} (it takes: {takes})",
            )
        problems += _section_needs(section, kind.options, path, at)
        _slot_problems(section.slots(), (*path, "figures"), indicators, regions, at)
        for position, indicator in enumerate(section.indicators or []):
            if indicator not in indicators:
                at(
                    (*path, "indicators", position),
                    "indicators",
                    f"unknown indicator {indicator!r}{suggest(indicator, indicators)}",
                )
        chart = section.chart_spec()
        if chart is not None:
            slots = section.slots()
            for position, bar in enumerate(chart.bars):
                if bar not in slots:
                    where = (
                        (*path, "chart", position)
                        if isinstance(section.chart, list)
                        else (
                            *path,
                            "chart",
                            "bars",
                            position,
                        )
                    )
                    at(where, "chart", f"no slot {bar!r} in figures{suggest(bar, slots)}")
    return problems


def _section_needs(section: Section, options: frozenset[str], path, at) -> list[Problem]:
    """A section of a kind that shows figures or indicators names some."""
    if "figures" in options and not section.figures:
        at(path, "figures", f"section {section.id!r} needs figures: slot name → indicator id")
    if "indicators" in options and not section.indicators:
        at(path, "indicators", f"section {section.id!r} needs indicators: a list of indicator ids")
    return []


def _slot_problems(
    slots: dict[str, Slot], path, indicators: set[str], regions: set[str], at
) -> None:
    earlier: list[str] = []
    for index, (name, slot) in enumerate(slots.items()):
        where = (*path, name)
        if index == 0 and slot.period == "year_earlier" and slot.with_ is None:
            at(where, name, "the first slot has no slot before it to be a year earlier than")
        if name in TEMPLATE_GLOBALS | BRIEFING_VALUES | {"range"}:
            at(where, name, f"slot name {name!r} is a name every sentence has: name it otherwise")
        if slot.indicator not in indicators:
            at(
                where,
                name,
                f"unknown indicator {slot.indicator!r}{suggest(slot.indicator, indicators)}",
            )
        if slot.region not in (SELF, COMPARED) and slot.region not in regions:
            at(
                where,
                name,
                f"region {slot.region!r} is neither self, compared nor a region of "
                f"meta/regions.csv{suggest(slot.region, {SELF, COMPARED, *regions})}",
            )
        if slot.with_ is not None and slot.with_ not in earlier:
            at(
                where,
                name,
                f"'with: {slot.with_}' names no slot before {name!r}{suggest(slot.with_, earlier)}",
            )
        earlier.append(name)


# --- the catalogues -----------------------------------------------------------------------------


def _catalogue_problems(spec: Spec, data_dir: Path, lang: str, dataset: Any) -> list[Problem]:
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


# --- indicators no section shows ------------------------------------------------------------------


def _unshown(spec: Spec, dataset: Any) -> list[Problem]:
    shown: set[str] = set()
    for item in [*spec.headlines, *spec.sections]:
        shown |= {slot.indicator for slot in item.slots().values()}
    for section in spec.sections:
        shown |= set(section.indicators or [])
    figures = dataset.figures
    briefed = set(dataset.briefed_regions())
    in_data = figures[figures["region"].isin(briefed)]
    indicators = dataset.indicators
    problems = []
    for indicator in sorted(set(in_data["indicator"]) - shown):
        row = indicators.loc[indicator]
        problems.append(
            Problem(
                row["_file"],
                int(row["_line"]),
                "id",
                f"indicator {indicator!r} has figures but no section or headline of "
                f"{display_path(Path(dataset.data_dir) / 'briefing.yml')} shows it",
                severity="warning",
            )
        )
    return problems
