"""What a briefing is asked for (``Request``: the notebook's parameters) and the one check of it.

Every caller asks ``check``: the plan (``batch.planner``, before any kernel starts), the job
(``batch.execute.Job``, as it is made), the notebook (``report.Briefing``, for a notebook run by
hand or by papermill) and the view as of a month (``figures.AsOf``). So a bad parameter gets the
same message from the same place whichever way it came in. ``check`` fills the defaults (the
first home region, the region's latest month) and checks each value against what it knows of
the data (``Facts``); a fact it is not given (``None``) is not checked against.

Standard library only: a no-op build plans with the facts its manifests recorded, without pandas.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from report_utils.errors import ParameterError, suggest
from report_utils.paths import META_SUBDIR
from report_utils.tables.periods import is_month

# The parameters the build sets itself: they name the output folder and are hashed for it, so
# ``-p NAME=VALUE`` may not set them; the option of ``briefing build`` that does, where it is
# not ``--<name>``.
OWNED = ("period", "lang", "region", "data_dir", "compare")
OPTION_OF = {"data_dir": "--data"}


@dataclass(frozen=True)
class Request:
    """The notebook's parameters (its parameters cell declares the same names)."""

    region: str | None = None
    period: str | None = None
    lang: str | None = None
    compare: str | None = None
    data_dir: str | None = None

    def parameters(self) -> dict[str, Any]:
        """The values set, by name (what papermill injects)."""
        return {name: value for name, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class Facts:
    """What the check knows of the data: its regions (``regions``: every one in
    meta/regions.csv; ``briefed``: those a briefing can be about; ``homes``: the default ones),
    the months a briefing of each region can be as of (``months``), each region's latest month
    (``latest``, the default period) and the languages it has sentences for."""

    homes: tuple[str, ...] = ()
    briefed: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    months: Mapping[str, list[str]] | None = None
    latest: Mapping[str, str] | None = None
    languages: tuple[str, ...] | None = None


def facts_of(dataset: Any, languages: Iterable[str] | None = None) -> Facts:
    """The facts of a loaded dataset (``tables.load.Dataset``)."""
    from report_utils.tables import asof

    briefed = tuple(dataset.briefed_regions())
    return Facts(
        homes=tuple(dataset.home_regions()),
        briefed=briefed,
        regions=tuple(map(str, dataset.regions.index)),
        months={region: dataset.months(region) for region in briefed},
        latest={
            region: latest
            for region in briefed
            if (latest := asof.latest_month(dataset, region)) is not None
        },
        languages=None if languages is None else tuple(languages),
    )


def recorded_facts(recorded: Mapping[str, Any], languages: Iterable[str]) -> Facts:
    """The facts a plan worked out (``planner.data_facts``, also recorded in manifests)."""
    return Facts(
        homes=tuple(recorded["homes"]),
        briefed=tuple(recorded["briefed"]),
        regions=tuple(recorded.get("regions") or recorded["briefed"]),
        months=recorded["months"],
        latest=recorded["latest"],
        languages=tuple(languages),
    )


def home_facts(data_dir: Path) -> Facts:
    """What a job knows of the data without reading it: its first home region, from
    meta/regions.csv read with the csv module (planning a no-op build imports no pandas). None
    when the file cannot tell; the data checks then say why."""
    try:
        with (Path(data_dir) / META_SUBDIR / "regions.csv").open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                if (row.get("role") or "").strip() == "home":
                    return Facts(homes=((row.get("id") or "").strip(),))
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return Facts()


def set_by_the_build(names: Iterable[str]) -> ParameterError:
    """The error for ``-p`` parameters that an option of ``briefing build`` sets."""
    return ParameterError(
        "; ".join(
            f"{name} is set by the build ({option(name)}), not by -p NAME=VALUE" for name in names
        )
    )


def check(
    request: Request,
    facts: Facts,
    *,
    extra: Mapping[str, Any] | None = None,
    notebook: Path | None = None,
) -> Request:
    """``request`` with its defaults filled (the first home region, the region's latest month),
    or a ``ParameterError`` saying what is wrong: a parameter of ``extra`` (further notebook
    parameters, ``-p NAME=VALUE``) that the build sets itself or that ``notebook`` does not
    declare (papermill only warns), a region no briefing can be about, a period or compare
    month that is not a month with data, a language without sentences, a data folder that is
    not one."""
    extra = dict(extra or {})
    owned = sorted(set(extra) & set(OWNED))
    if owned:
        raise set_by_the_build(owned)
    if extra and notebook is not None:
        _check_declared(notebook, extra)
    region = request.region or (facts.homes[0] if facts.homes else None)
    if region is not None and facts.briefed is not None and region not in facts.briefed:
        if region in (facts.regions or ()):
            raise ParameterError(
                f"region {region!r} is only compared with (role 'comparison' in "
                f"meta/regions.csv); briefings can be about: {', '.join(facts.briefed)}"
            )
        raise ParameterError(
            f"no briefing for region {region!r}{suggest(region, facts.briefed)}; regions "
            f"(meta/regions.csv): {', '.join(facts.briefed)}"
        )
    latest = (facts.latest or {}).get(region) if region is not None else None
    if region is not None and facts.latest is not None and latest is None:
        raise ParameterError(f"region {region!r} has no figures yet")
    period = request.period if request.period is not None else latest
    months = (facts.months or {}).get(region, []) if region is not None else []
    compare = request.compare
    if facts.months is not None and (period is not None or compare is not None) and not months:
        raise ParameterError(
            "the data has no months with a reported figure or an event: no briefing can "
            "be built from it"
        )
    with_data = f"months with data: {', '.join(months)}"
    if period is not None:
        if not isinstance(period, str) or not is_month(period):
            raise ParameterError(f"period must be a month as YYYY-MM, got {period!r}")
        if months and period < months[0]:
            raise ParameterError(
                f"period {period} has no data (earliest: {months[0]}); {with_data}"
            )
        last = max(months[-1], latest or months[-1]) if months else None
        if last is not None and period > last:
            raise ParameterError(
                f"period {period} is after the latest month with data ({last}); {with_data}"
            )
    if compare is not None:
        if not isinstance(compare, str) or not is_month(compare):
            raise ParameterError(f"compare must be a month as YYYY-MM, got {compare!r}")
        if period is not None and compare >= period:
            raise ParameterError(f"compare ({compare}) must be before the period ({period})")
        if months and compare < months[0]:
            raise ParameterError(
                f"compare {compare} has no data (earliest: {months[0]}); {with_data}"
            )
    lang = request.lang
    if lang is not None and facts.languages is not None and lang not in facts.languages:
        raise ParameterError(
            f"no message catalogue for language {lang!r}{suggest(lang, facts.languages)}; "
            f"available: {', '.join(facts.languages)}"
        )
    data_dir = request.data_dir
    if data_dir is not None and not (isinstance(data_dir, str | Path) and Path(data_dir).is_dir()):
        raise ParameterError(f"data_dir must be an existing folder, got {data_dir!r}")
    return replace(request, region=region, period=period)


def declared(notebook: Path) -> dict[str, Any]:
    """The parameters ``notebook``'s parameters cell declares (papermill reads it)."""
    import papermill as pm

    return pm.inspect_notebook(str(notebook))


def _check_declared(notebook: Path, extra: Mapping[str, Any]) -> None:
    names = declared(notebook)
    unknown = sorted(set(extra) - set(names))
    if unknown:
        listing = ", ".join(f"{name} (default {spec['default']})" for name, spec in names.items())
        raise ParameterError(
            f"unknown parameter(s) {', '.join(map(_near, unknown, [names] * len(unknown)))} "
            f"for {notebook.name}; its parameters: {listing}"
        )


def _near(name: str, names: Iterable[str]) -> str:
    """``name`` with the parameter it may be a misspelling of (and the option that sets it)."""
    hint = suggest(name, names)
    for owned in OWNED:
        if hint == f" (did you mean {owned!r}?)":
            return f"{name} (did you mean {owned!r}, set with {option(owned)}?)"
    return name + hint


def option(name: str) -> str:
    """The option of ``briefing build`` that sets an owned parameter."""
    return OPTION_OF.get(name, "--" + name)


def listing(notebook: Path) -> list[str]:
    """Lines that list ``notebook``'s parameters (``briefing build --help-notebook``, papermill's
    ``--help-notebook``): each with the option that sets it, its default and its comment."""
    lines = [f"Parameters of {notebook.name}:"]
    for name, spec in declared(notebook).items():
        how = option(name) if name in OWNED else f"-p {name}=VALUE"
        lines.append(f"  {name} ({how}; default {spec['default']}): {spec['help']}")
    return [*lines, "Each can also be set in a file: -f FILE.yml (NAME: VALUE)."]


def read_parameters(path: Path) -> dict[str, Any]:
    """The notebook parameters of a YAML file (``-f FILE.yml``), read by the strict loader
    (duplicate keys and syntax errors are problems at their line): a mapping of names to
    values, each a number, a text, true/false or null, or a list of them."""
    from report_utils.briefing.spec import read_yaml
    from report_utils.errors import DataValidationError, Problem, display_path

    data, located, problems = read_yaml(path)
    shown = display_path(path)
    if not problems and not isinstance(data, dict):
        problems = [Problem(shown, 1, "-", "a parameters file is a mapping of NAME: VALUE")]
    for name, value in (data or {}).items() if not problems else ():
        values = value if isinstance(value, list) else [value]
        if not isinstance(name, str) or not name.isidentifier():
            message = f"{name!r} is not a parameter name"
        elif any(isinstance(v, dict | list) for v in values):
            message = f"{name}: a value is a number, a text, true/false or null (or a list)"
        else:
            continue
        problems.append(Problem(shown, located.line((name,)), "-", message))
    if problems:
        raise DataValidationError(problems)
    return dict(data)


def several(value: Any) -> tuple[Any, ...]:
    """A parameter a file gives as one value or a list of them (``period``, ``lang``,
    ``region``, which the command line repeats); null for the default."""
    return tuple(v for v in (value if isinstance(value, list) else [value]) if v is not None)
