"""Plan a batch of briefings: decide, from content hashes, which are out of date, and check data,
parameters, fonts and the output folder before any kernel starts. Planning writes nothing:
what it decided is recorded by the build, under the output folder's lock (``runner``).

Up to date means: the briefing's manifest records the same *fingerprint* (hashes of every data
file, the notebook, the package's code and templates, the parameters and the key libraries'
versions), or, when a data file changed, the same *content digest*, which hashes only the rows the
briefing can see as of its month: a new file for a later period rebuilds nothing older. Such a
briefing is skipped, and its manifest gets the new fingerprint when the build runs
(``Plan.restamps``), so that the next plan need not look at the rows again.

What planning needs to know of the data (its regions, and the months with data of each) is
recorded in every manifest with the digest of the data and code it was worked out from
(``data_facts``): a plan of the default set whose data is unchanged reads it there, without
importing pandas.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report_utils.batch import digests
from report_utils.batch.job import (
    FORMATS,
    MANIFEST,
    BuildResult,
    Job,
    languages,
    read_manifest,
)
from report_utils.briefing import request
from report_utils.briefing.request import Facts, Request
from report_utils.errors import DataValidationError, ParameterError, ReportError
from report_utils.paths import FACT_TABLES
from report_utils.tables import asof

NO_FIGURES = "no figures in the data yet"


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    stamps: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[BuildResult] = field(default_factory=list)
    # skipped briefings whose manifest gets a new fingerprint when the build runs
    restamps: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    # regions of the default set (home or all) that get no briefing, and why
    left_out: dict[str, str] = field(default_factory=dict)


def default_workers() -> int:
    return os.cpu_count() or 1


def in_process(workers: int, jobs: int) -> bool:
    """Whether ``run`` builds in this process (one worker or one briefing: no pool start-up)."""
    return workers <= 1 or jobs <= 1


def plan(
    data_dir: Path,
    out_dir: Path,
    periods: list[str],
    langs: list[str],
    formats: list[str],
    *,
    regions: list[str] | None = None,
    all_regions: bool = False,
    all_periods: bool = False,
    force: bool = False,
    extra: dict[str, Any] | None = None,
    notebook: Path | None = None,
    compare: str | None = None,
) -> Plan:
    """The briefings to build: for each region (default: the home regions; ``all_regions``:
    every region a briefing can be about), each period (default: the region's latest month;
    ``all_periods``: every month with data for it) and each language (default: every language
    the data has sentences for)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if not formats:
        raise ParameterError(f"no format given; formats: {', '.join(FORMATS)}")
    for fmt in formats:
        if fmt not in FORMATS:
            raise ParameterError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    langs = langs or languages(data_dir)
    if not langs:
        raise ParameterError(
            f"no sentences in any language in {data_dir}: add messages/<lang>.yml "
            "(see data/README.md)"
        )
    available = languages(data_dir)
    hashes = digests.file_hashes(data_dir)
    data_key = digests.digest_of({"files": hashes, "code": digests.code_digest()})
    dataset, known = None, None
    facts = Facts(languages=tuple(available))
    left_out: dict[str, str] = {}
    if all_periods or all_regions or not periods or not regions:
        known = recorded_facts(out_dir, data_key)
        if known is None:
            dataset = _dataset(data_dir)
            known = data_facts(dataset, data_key)
        facts = request.recorded_facts(known, available)
        if not regions:  # every home region (or every region) that has figures; the others wait
            chosen = known["briefed" if all_regions else "homes"]
            regions = [r for r in chosen if r in known["latest"]]
            left_out = {r: NO_FIGURES for r in chosen if r not in known["latest"]}
    asked = [
        request.check(
            Request(region, period, lang, compare, str(data_dir.resolve())), facts, extra=extra
        )
        for region in regions or []
        for period in periods or (known["months"].get(region) if all_periods else None) or [None]
        for lang in langs
    ]
    jobs = [
        Job(
            data_dir,
            out_dir,
            str(asked_for.period),
            str(asked_for.lang),
            tuple(formats),
            **({"notebook": notebook} if notebook else {}),
            extra=tuple(sorted((extra or {}).items())),
            region=str(asked_for.region or ""),
            compare=compare,
        )
        for asked_for in dict.fromkeys(asked)
    ]
    result = Plan(left_out=left_out)
    common = {
        "notebook": digests.notebook_digest(jobs[0].notebook) if jobs else "",
        "code": digests.code_digest(),
        "libraries": digests.library_versions(),
    }
    pending: list[tuple[Job, str]] = []
    for job in jobs:
        key = {**common, "parameters": job.parameters(), "formats": list(job.formats)}
        fingerprint = digests.digest_of({**key, "files": hashes})
        manifest = read_manifest(job.folder)
        if not force and _intact(manifest, job) and manifest["fingerprint"] == fingerprint:
            result.skipped.append(
                BuildResult(job.name, job.folder, "skipped", _outputs(manifest, job))
            )
            continue
        pending.append((job, fingerprint))
    if not pending:
        return result

    # Something may need building: check everything before any kernel starts.
    from report_utils.briefing.amounts import untranslated_units
    from report_utils.briefing.catalogues import package
    from report_utils.briefing.checks import check_briefing
    from report_utils.fonts import require_fonts

    dataset = dataset or _dataset(data_dir)
    known = known or data_facts(dataset, data_key)
    facts = request.recorded_facts(known, available)
    pending_langs = sorted({job.lang for job, _ in pending})
    for job, _ in pending:  # the data checked now: a clear message, not a traceback
        request.check(job.request(), facts, extra=dict(job.extra), notebook=job.notebook)
    _, problems = check_briefing(dataset, data_dir, pending_langs)
    errors = [p for p in problems if p.severity == "error"]
    errors += untranslated_units(dataset, pending_langs)
    if errors:
        raise DataValidationError(errors)
    for job, fingerprint in pending:
        key = {**common, "parameters": job.parameters(), "formats": list(job.formats)}
        content = digests.digest_of({**key, "visible": visible_rows(dataset, job.period)})
        manifest = read_manifest(job.folder)
        if not force and _intact(manifest, job) and manifest.get("content_digest") == content:
            fields = {"fingerprint": fingerprint, "content_digest": content, "data_facts": known}
            result.restamps.append((job.folder, fields))
            result.skipped.append(
                BuildResult(job.name, job.folder, "skipped", _outputs(manifest, job))
            )
            continue
        result.jobs.append(job)
        result.stamps[job.name] = {
            "fingerprint": fingerprint,
            "content_digest": content,
            "data_facts": known,
            # what was checked and hashed here: the manifest records it, the run compares
            "inputs": {"files": hashes, "notebook": common["notebook"]},
        }
    if result.jobs:
        from report_utils.export.attachments import source_date

        pinned = source_date()  # read once here: workers elsewhere do not share this environment
        if pinned is not None:
            for stamp in result.stamps.values():
                stamp["source_date"] = pinned.isoformat()
        roles = {role for lang in pending_langs for role in package(lang).get("fonts", ["cjk"])}
        require_fonts(sorted(roles))
        check_writable(out_dir)
    return result


def data_facts(dataset, key: str) -> dict[str, Any]:
    """What planning needs to know of the data: its regions (home and all), and the months with
    data of each; ``key`` is the digest of the data and code they were worked out from."""
    facts = request.facts_of(dataset)
    return {
        "key": key,
        "homes": list(facts.homes),
        "briefed": list(facts.briefed or ()),
        "regions": list(facts.regions or ()),
        "months": dict(facts.months or {}),
        "latest": dict(facts.latest or {}),
    }


def recorded_facts(out_dir: Path, key: str) -> dict[str, Any] | None:
    """The data facts a manifest in ``out_dir`` recorded for the same data and code, if any."""
    for path in sorted(Path(out_dir).glob(f"*/*/*/{MANIFEST}")):
        facts = (read_manifest(path.parent) or {}).get("data_facts")
        if isinstance(facts, dict) and facts.get("key") == key:
            return facts
    return None


def _dataset(data_dir: Path):
    """The checked dataset, rules included: the briefing's analyst notes recompute the rules in
    the kernel, so their errors (not their mismatches) stop the build here, as in validate."""
    from report_utils.tables.load import load_dataset
    from report_utils.tables.reconcile import check

    dataset = load_dataset(data_dir)
    errors = [p for p in check(dataset)[1] if p.severity == "error"]
    if errors:
        raise DataValidationError(errors)
    return dataset


def visible_rows(dataset, period: str) -> dict[str, Any]:
    """What a briefing as of ``period`` can read: fact rows up to that month (with the file and
    line they sit on, which the appendix cites) and every other table file in full."""
    from report_utils.tables.load import FILE, LINE

    root = Path(dataset.data_dir).resolve()
    frames = {table: asof.visible(getattr(dataset, table), table, period) for table in FACT_TABLES}
    visible: dict[str, Any] = {}
    for name, frame in frames.items():
        records = (
            frame.drop(columns=[FILE])
            .assign(file=[str(Path(f).resolve().relative_to(root)) for f in frame[FILE]])
            .sort_values(["file", LINE])
            .to_dict("records")
        )
        visible[name] = json.loads(json.dumps(records, default=str))
    visible["other_files"] = {
        name: sha
        for name, sha in digests.file_hashes(dataset.data_dir).items()
        if Path(name).parts[0] not in FACT_TABLES
    }
    return visible


def _intact(manifest: dict[str, Any] | None, job: Job) -> bool:
    """The manifest exists and every output it lists is there, unchanged."""
    if not manifest or "fingerprint" not in manifest:
        return False
    outputs = manifest.get("outputs", {})
    wanted = {"briefing.ipynb", *(f"briefing.{fmt}" for fmt in job.formats)}
    if not wanted <= set(outputs):
        return False
    for name, info in outputs.items():
        path = job.folder / name
        if not path.is_file() or path.stat().st_size != info["bytes"]:
            return False
    return True


def _outputs(manifest: dict[str, Any], job: Job) -> list[Path]:
    return [job.folder / name for name in sorted(manifest["outputs"])]


def check_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ReportError(
            f"cannot write to the output folder {out_dir}: {exc.strerror or exc}"
        ) from None
