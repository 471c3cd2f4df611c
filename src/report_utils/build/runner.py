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
    all_periods: bool = False,
    force: bool = False,
    extra: dict[str, Any] | None = None,
    notebook: Path | None = None,
    on_pending: Callable[[int], None] | None = None,
) -> Plan:
    """``on_pending`` hears how many briefings may need building as soon as the hashes tell,
    before the slower checks (the CLI starts spare kernel processes then)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if not formats:
        raise ParameterError(f"no format given; formats: {', '.join(FORMATS)}")
    for fmt in formats:
        if fmt not in FORMATS:
            raise ParameterError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    langs = langs or languages()
    hashes = digests.file_hashes(data_dir)
    state = _read_state(out_dir)
    data_key = digests.digest_of(hashes)
    dataset = None
    if all_periods or (not periods and data_key not in state):
        dataset = _dataset(data_dir)
        state = {data_key: {"latest": dataset.latest_month(), "months": dataset.months()}}
        _write_state(out_dir, state)
    if all_periods:
        periods = state[data_key]["months"]
    periods = list(dict.fromkeys(periods or [state[data_key]["latest"]]))

    jobs = [
        Job(
            data_dir,
            out_dir,
            period,
            lang,
            tuple(formats),
            **({"notebook": notebook} if notebook else {}),
            extra=tuple(sorted((extra or {}).items())),
        )
        for period in periods
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
    from report_utils.briefing.phrasing import untranslated_units
    from report_utils.build.execute import check_parameters
    from report_utils.fonts import require_cjk_font

    dataset = dataset or _dataset(data_dir)
    untranslated = untranslated_units(dataset, sorted({job.lang for job, _ in pending}))
    if untranslated:
        raise DataValidationError(untranslated)
    months, latest = dataset.months(), dataset.latest_month()
    for job, fingerprint in pending:
        check_parameters(job.notebook, job.parameters(), months, latest)
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
        require_cjk_font()
        check_writable(out_dir)
    return result


def _dataset(data_dir: Path):
    from report_utils.tables.load import load_dataset

    return load_dataset(data_dir)


def visible_rows(dataset, period: str) -> dict[str, Any]:
    """What a briefing as of ``period`` can read: fact rows up to that month (with the file and
    line they sit on, which the appendix cites) and every other table file in full."""
    from report_utils.tables.load import FILE, LINE

    root = Path(dataset.data_dir).resolve()
    frames = {
        "figures": dataset.figures[dataset.figures["period_end"] <= period],
        "events": dataset.events[dataset.events["date_end"].str[:7] <= period],
        "projects": dataset.projects[dataset.projects["as_of"] <= period],
        "cases": dataset.cases[dataset.cases["as_of"] <= period],
    }
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
    """``OUT/index.html``: every briefing in the folder with period, language, formats and
    build time, newest period first."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    rows = []
    for manifest_path in sorted(out_dir.glob("*/*/manifest.json")):
        manifest = read_manifest(manifest_path.parent)
        if not manifest:
            continue
        folder = manifest_path.parent
        rows.append(
            {
                "period": folder.parent.name,
                "lang": folder.name,
                "files": [
                    {"href": _relative_url(folder.parent.name, folder.name, name), "name": name}
                    for name in sorted(manifest["outputs"])
                    if not name.endswith(".ipynb")
                ],
                "built_at": manifest.get("built_at", ""),
                "seconds": manifest.get("timings_seconds", {}).get("total", ""),
            }
        )
    rows.sort(key=lambda r: (r["period"], r["lang"]), reverse=True)
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
    )
    return p.skipped + run(p, workers=workers)
