"""Plan and run batches of briefings.

``plan`` decides, from content hashes, which (period, language) briefings are out of date and
checks data, parameters, fonts and the output folder before any kernel starts; ``run`` executes
the rest on a ``concurrent.futures.Executor`` (a local process pool unless another is given, so a
distributed executor can be plugged in later) and ``write_index`` lists every briefing.

Up to date means: the briefing's manifest records the same *fingerprint* (hashes of every data
file, the notebook, the package's code and templates, the parameters and the key libraries'
versions), or, when a data file changed, the same *content digest*, which hashes only the rows the
briefing can see as of its month: a new file for a later period rebuilds nothing older.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from concurrent.futures import Executor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from report_utils.build import digests, spares
from report_utils.build.execute import (
    FORMATS,
    BuildResult,
    Job,
    build_one,
    languages,
    read_manifest,
)
from report_utils.errors import BuildError, DataValidationError, ParameterError, ReportError
from report_utils.paths import FACT_TABLES, INDEX_TEMPLATES_DIR
from report_utils.tables import asof

STATE = ".build-state.json"
LOCK = ".briefing.lock"


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    stamps: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[BuildResult] = field(default_factory=list)


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
    on_pending: Callable[[int], None] | None = None,
) -> Plan:
    """The briefings to build: for each region (default: the home regions; ``all_regions``:
    every region a briefing can be about), each period (default: the region's latest month;
    ``all_periods``: every month with data for it) and each language (default: every language
    the data has sentences for).

    ``on_pending`` hears how many briefings may need building as soon as the hashes tell,
    before the slower checks (the CLI starts spare kernel processes then)."""
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
    hashes = digests.file_hashes(data_dir)
    state = _read_state(out_dir)
    data_key = digests.digest_of(hashes)
    dataset = None
    if all_periods or all_regions or not periods or not regions:
        if data_key not in state:
            dataset = _dataset(data_dir)
            state = {data_key: _data_state(dataset)}
            _write_state(out_dir, state)
        known = state[data_key]
        if regions:
            for region in regions:
                if region not in known["briefed"]:
                    raise ParameterError(
                        f"no briefing for region {region!r}; regions (meta/regions.csv): "
                        f"{', '.join(known['briefed'])}"
                    )
                if region not in known["latest"]:
                    raise ParameterError(f"region {region!r} has no figures yet")
        else:  # every home region (or every region) that has figures; the others wait
            chosen = known["briefed" if all_regions else "homes"]
            regions = [r for r in chosen if r in known["latest"]]
    wanted = {
        region: list(
            dict.fromkeys(
                periods
                or (state[data_key]["months"][region] if all_periods else [])
                or [state[data_key]["latest"][region]]
            )
        )
        for region in regions or []
    }

    jobs = [
        Job(
            data_dir,
            out_dir,
            period,
            lang,
            tuple(formats),
            **({"notebook": notebook} if notebook else {}),
            extra=tuple(sorted((extra or {}).items())),
            region=region,
        )
        for region, region_periods in wanted.items()
        for period in region_periods
        for lang in langs
    ]
    result = Plan()
    common = {
        "notebook": digests.sha256_file(jobs[0].notebook) if jobs else "",
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
    if on_pending is not None:
        on_pending(len(pending))

    # Something may need building: check everything before any kernel starts.
    from report_utils.briefing.catalogues import package
    from report_utils.briefing.checks import check_briefing
    from report_utils.briefing.phrasing import untranslated_units
    from report_utils.build.execute import check_parameters
    from report_utils.fonts import require_fonts

    dataset = dataset or _dataset(data_dir)
    pending_langs = sorted({job.lang for job, _ in pending})
    for job, _ in pending:  # an unknown language or region: a clear message, not a traceback
        region_months = dataset.months(job.region) if job.region in dataset.regions.index else []
        check_parameters(
            job.notebook,
            job.parameters(),
            region_months,
            asof.latest_month(dataset, job.region),
            dataset.briefed_regions(),
        )
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
            _restamp(job.folder, manifest, fingerprint)
            result.skipped.append(
                BuildResult(job.name, job.folder, "skipped", _outputs(manifest, job))
            )
            continue
        result.jobs.append(job)
        result.stamps[job.name] = {
            "fingerprint": fingerprint,
            "content_digest": content,
            # what was checked and hashed here: the manifest records it, the run compares
            "inputs": {"files": hashes, "notebook": common["notebook"]},
        }
    if result.jobs:
        roles = {role for lang in pending_langs for role in package(lang).get("fonts", ["cjk"])}
        require_fonts(sorted(roles))
        check_writable(out_dir)
    return result


def _data_state(dataset) -> dict[str, Any]:
    """What planning needs to know of the data without reading it again: regions, and the
    months with data of each."""
    briefed = dataset.briefed_regions()
    return {
        "homes": dataset.home_regions(),
        "briefed": briefed,
        "months": {region: dataset.months(region) for region in briefed},
        "latest": {
            region: latest
            for region in briefed
            if (latest := asof.latest_month(dataset, region)) is not None
        },
    }


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


def _restamp(folder: Path, manifest: dict[str, Any], fingerprint: str) -> None:
    manifest = {**manifest, "fingerprint": fingerprint}
    with contextlib.suppress(OSError):  # only saves the next plan a look at the rows
        _atomic_write(folder / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def _read_state(out_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((out_dir / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(out_dir: Path, state: dict[str, Any]) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        _atomic_write(out_dir / STATE, json.dumps(state, ensure_ascii=False))
    except OSError:
        pass  # only a cache; check_writable reports an unwritable folder properly


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)  # only left when the write failed


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


# --- running ------------------------------------------------------------------------------------


def run(
    p: Plan,
    workers: int = 1,
    executor: Executor | None = None,
    on_done: Callable[[BuildResult], None] | None = None,
) -> list[BuildResult]:
    """Build the plan's jobs; results in the plan's order. A failure never stops the others."""
    done = on_done or (lambda result: None)
    if executor is None and in_process(workers, len(p.jobs)):
        results = []
        spares.reserve(len(p.jobs))
        try:
            for job in p.jobs:  # in-process: no worker start-up for a single briefing
                results.append(build_one(job, p.stamps[job.name]))
                done(results[-1])
        finally:
            spares.release()
        return results
    if executor is None:  # the local pool: a worker that dies costs only its own briefing
        from report_utils.build.workers import run_jobs

        built = run_jobs(p.jobs, p.stamps, workers, done)
        return [built[job.name] for job in p.jobs]
    by_name: dict[str, BuildResult] = {}
    futures = {executor.submit(build_one, job, p.stamps[job.name]): job for job in p.jobs}
    for future in as_completed(futures):
        job = futures[future]
        try:
            result = future.result()
        except BrokenProcessPool as exc:
            result = BuildResult(
                job.name, job.folder, "failed", error=f"the worker process died: {exc}"
            )
        by_name[job.name] = result
        done(result)
    return [by_name[job.name] for job in p.jobs]


# --- lock and index -----------------------------------------------------------------------------


def output_lock(out_dir: Path, wait: float, notice: Callable[[str], None]):
    """A lock on the output folder: a second build waits for the first (up to ``wait`` s).

    Returns the held lock and whether it had to wait (then the caller plans again: the other
    build may have made some briefings up to date)."""
    from filelock import FileLock, Timeout

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(out_dir / LOCK))
        try:
            lock.acquire(timeout=0)
            return lock, False
        except Timeout:
            notice(f"another briefing build is writing to {out_dir}; waiting up to {wait:g} s")
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise BuildError(
                f"gave up after {wait:g} s: another briefing build still holds {out_dir / LOCK}"
            ) from None
        return lock, True
    except OSError as exc:
        raise ReportError(
            f"cannot write to the output folder {out_dir}: {exc.strerror or exc}"
        ) from None


def write_index(out_dir: Path) -> Path:
    """``OUT/index.html``: every briefing in the folder with region, period, language, formats
    and build time, newest period first."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    rows = []
    for manifest_path in sorted(out_dir.glob("*/*/*/manifest.json")):
        manifest = read_manifest(manifest_path.parent)
        if not manifest:
            continue
        folder = manifest_path.parent
        region, period, lang = folder.relative_to(out_dir).parts
        rows.append(
            {
                "region": region,
                "period": period,
                "lang": lang,
                "files": [
                    {"href": _relative_url(region, period, lang, name), "name": name}
                    for name in sorted(manifest["outputs"])
                    if not name.endswith(".ipynb")
                ],
                "built_at": manifest.get("built_at", ""),
                "seconds": manifest.get("timings_seconds", {}).get("total", ""),
            }
        )
    rows.sort(key=lambda r: (r["region"], r["period"], r["lang"]), reverse=True)
    env = Environment(loader=FileSystemLoader(INDEX_TEMPLATES_DIR), autoescape=select_autoescape())
    html = env.get_template("index.html.j2").render(rows=rows)
    try:
        _atomic_write(out_dir / "index.html", html)
    except OSError as exc:
        raise ReportError(f"cannot write {out_dir / 'index.html'}: {exc.strerror or exc}") from None
    return out_dir / "index.html"


def _relative_url(*segments: str) -> str:
    """A link to a path below the index's folder, whatever its folders are called: every
    segment percent-encoded (a folder named ``javascript:…`` or ``a#b`` stays a path) and the
    whole prefixed with ``./`` so that it never reads as a scheme or a host."""
    return "./" + "/".join(quote(segment, safe="") for segment in segments)


def build(
    data_dir: Path,
    out_dir: Path,
    periods: list[str],
    langs: list[str],
    formats: list[str],
    *,
    force: bool = False,
    workers: int = 1,
    all_periods: bool = False,
    notebook: Path | None = None,
    regions: list[str] | None = None,
) -> list[BuildResult]:
    """Plan and run in one call (the API the tests and the benchmark use): skipped briefings
    first, then the built or failed ones."""
    p = plan(
        data_dir,
        out_dir,
        periods,
        langs,
        formats,
        all_periods=all_periods,
        force=force,
        notebook=notebook,
        regions=regions,
    )
    return p.skipped + run(p, workers=workers)
