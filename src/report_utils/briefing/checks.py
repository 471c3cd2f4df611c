"""Checks of the spec and the analyst's catalogues against the data and the kinds, run by
``briefing validate``, by ``briefing build`` before any kernel starts, and by the notebook.

Each problem is located in its file (``briefing.yml``, ``messages/<lang>.yml``) at its line:

- the spec's structure (``spec``), unknown section kinds and indicator ids (with "did you
  mean"), keys a kind does not take, slots that name no slot, regions that are not regions;
- per language (``catalogue_checks``): catalogue syntax (YAML, and each template's Jinja),
  message keys a section or headline needs and neither catalogue has, template variables that
  nothing provides;
- warnings: indicators in the data that no section or headline shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report_utils.briefing import catalogues
from report_utils.briefing.catalogue_checks import BRIEFING_VALUES, catalogue_problems
from report_utils.briefing.figure_charts import mixed_measure
from report_utils.briefing.kinds import KINDS
from report_utils.briefing.phrasing import TEMPLATE_GLOBALS
from report_utils.briefing.spec import (
    COMPARED,
    SELF,
    SectionSpec,
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
from report_utils.strict_yaml import Located


def check_briefing(
    dataset: Any, data_dir: Path, langs: list[str] | None = None
) -> tuple[Spec | None, list[Problem]]:
    """The spec and every problem of the spec and the catalogues of ``langs`` (default: every
    language the data folder has sentences for). ``dataset`` None (its tables have errors):
    what can be checked without them, the spec's structure and the catalogues' syntax, keys and
    template variables, not the ids the spec names, the sentences' trials or what is shown."""
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
        problems += catalogue_problems(spec, data_dir, lang, dataset)
    if dataset is not None:
        problems += _unshown(spec, dataset)
    return spec, sorted(set(problems))


def validate(data_dir: Path) -> tuple[Any, list[Problem]]:
    """What ``briefing validate`` checks: the dataset (None when its tables have errors) and
    every problem of the tables, the rules (``rules/``: errors, and a warning per rule that
    fails), the spec, the sentences of every language and the units the catalogues cannot say."""
    from report_utils.briefing.amounts import untranslated_units
    from report_utils.tables.load import validate as validate_tables
    from report_utils.tables.reconcile import check as check_rules

    dataset, problems = validate_tables(data_dir)
    if not Path(data_dir).is_dir():
        return None, problems
    if dataset is None:  # the spec and the sentences as far as they go without the tables
        return None, sorted({*problems, *check_briefing(None, data_dir)[1]})
    problems = sorted(
        {
            *problems,
            *check_rules(dataset)[1],
            *check_briefing(dataset, data_dir)[1],
            *untranslated_units(dataset),
        }
    )
    return dataset, problems


def checked_spec(dataset: Any, data_dir: Path, langs: list[str]) -> Spec:
    """The spec, or ``DataValidationError`` listing every error (warnings do not stop it)."""
    spec, problems = check_briefing(dataset, data_dir, langs)
    errors = [p for p in problems if p.severity == "error"]
    if spec is None or errors:
        raise DataValidationError(errors)
    return spec


# --- the spec -----------------------------------------------------------------------------------


class _Unchecked(frozenset):
    """The ids of a table that has errors: every id counts as known (no check, no noise)."""

    def __contains__(self, item: object) -> bool:
        return True


def _spec_problems(spec: Spec, located: Located, dataset: Any, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    indicators = set(dataset.indicators.index) if dataset is not None else _Unchecked()
    regions = set(dataset.regions.index) if dataset is not None else _Unchecked()

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
            drawn = [slots[bar].indicator for bar in chart.bars if bar in slots]
            # without the tables (they have errors) the measures are not known: checked later
            mixed = None if dataset is None else mixed_measure(drawn, dataset.indicators)
            if mixed is not None:
                at((*path, "chart"), "chart", mixed)
    return problems


def _section_needs(section: SectionSpec, options: frozenset[str], path, at) -> list[Problem]:
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
