"""One briefing to build (``Job``), what became of it (``BuildResult``) and its manifest: the
inputs a run read, the outputs it made and where they go.

Nothing in ``OUT/<region>/<period>/<lang>/`` is replaced until every output of the run exists:
``move_into_place`` renames a run's outputs into the folder, the manifest last.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from report_utils.batch import digests
from report_utils.briefing.request import Request, check, home_facts
from report_utils.errors import BuildError
from report_utils.paths import BRIEFING_NOTEBOOK, briefing_dir, inside

FORMATS = ("html", "pdf")
MANIFEST = "manifest.json"
FAILED = "failed.ipynb"


def languages(data_dir: Path | None = None) -> list[str]:
    """Languages a briefing can be in: the package phrases them and, given a data folder, it
    has sentences for them (read without importing the phrasing machinery)."""
    from report_utils.briefing import catalogues

    return catalogues.data_languages(data_dir) if data_dir else catalogues.languages()


@dataclass(frozen=True)
class Job:
    """One briefing to build. Picklable, so that a process pool can run it."""

    data_dir: Path
    out_dir: Path
    period: str
    lang: str
    formats: tuple[str, ...] = FORMATS
    notebook: Path = BRIEFING_NOTEBOOK
    extra: tuple[tuple[str, Any], ...] = ()  # further notebook parameters, checked first
    region: str = ""  # the region the briefing is about; empty: the data's first home region
    compare: str | None = None  # the month "since the last briefing"; None: the previous one

    @property
    def name(self) -> str:
        return f"{self.region}/{self.period}/{self.lang}"

    @property
    def folder(self) -> Path:
        return briefing_dir(self.out_dir, self.region, self.period, self.lang)

    def __post_init__(self) -> None:
        # Resolved once, here: a job travels to other processes and machines (a Dask worker's
        # working folder is not this one), and its paths name this machine's files.
        for name in ("data_dir", "out_dir", "notebook"):
            object.__setattr__(self, name, Path(getattr(self, name)).resolve())
        checked = check(self.request(), home_facts(self.data_dir), extra=dict(self.extra))
        object.__setattr__(self, "region", checked.region or "")
        if self.region:  # empty: the data checks say why (no home region)
            _ = self.folder  # a name that cannot be a folder inside out_dir: refused here

    def request(self) -> Request:
        return Request(
            self.region or None,
            self.period,
            self.lang,
            self.compare,
            str(Path(self.data_dir).resolve()),
        )

    def owned_parameters(self) -> dict[str, Any]:
        """The parameters the plan sets: they name the output folder and are hashed for it, so
        no extra parameter may replace them."""
        owned = {
            "period": self.period,
            "lang": self.lang,
            "region": self.region,
            "data_dir": str(Path(self.data_dir).resolve()),
        }
        return owned if self.compare is None else {**owned, "compare": self.compare}

    def parameters(self) -> dict[str, Any]:
        return {**dict(self.extra), **self.owned_parameters()}


@dataclass
class BuildResult:
    name: str
    folder: Path
    status: str = "built"  # built | skipped | failed
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    error: str = ""
    attempts: int = 1
    peak_memory_mb: dict[str, float | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def read_inputs(job: Job) -> dict[str, Any]:
    """Hashes of what a run reads: the data folder's tables and the notebook's code."""
    notebook = Path(job.notebook)
    return {
        "files": digests.file_hashes(job.data_dir),
        "notebook": digests.notebook_digest(notebook) if notebook.is_file() else None,
    }


def check_unchanged(job: Job, inputs: dict[str, Any]) -> None:
    now = read_inputs(job)
    before, after = inputs["files"], now["files"]
    changes = [
        f"{name} {'removed' if name not in after else 'added' if name not in before else 'changed'}"
        for name in sorted(before.keys() | after.keys())
        if before.get(name) != after.get(name)
    ]
    if now["notebook"] != inputs["notebook"]:
        changes.append(f"{Path(job.notebook).name} {'changed' if now['notebook'] else 'removed'}")
    if changes:
        shown = ", ".join(changes[:10]) + (f" and {len(changes) - 10} more" if changes[10:] else "")
        raise BuildError(
            f"the data changed while the briefing was built ({shown}); nothing was replaced: "
            "build again"
        )


def write_manifest(
    job: Job, staging: Path, result: BuildResult, stamp: dict[str, Any], inputs: dict[str, Any]
) -> None:
    outputs = {
        p.name: {"sha256": digests.sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(staging.iterdir())
        if p.is_file()
    }
    manifest = {
        "briefing": job.name,
        "parameters": {**job.parameters(), "formats": list(job.formats)},
        "notebook": {"path": str(job.notebook), "code_sha256": inputs["notebook"]},
        "inputs": {"data_dir": str(Path(job.data_dir).resolve()), "files": inputs["files"]},
        "package": {
            "report_utils": digests.library_versions()["report_utils"],
            "code_sha256": digests.code_digest(),
        },
        "libraries": digests.library_versions(),
        "timings_seconds": result.timings,
        "peak_memory_mb": {"worker": _peak_mb(), **result.peak_memory_mb},
        "outputs": outputs,
        "built_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **stamp,
    }
    (staging / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def _peak_mb() -> float:
    """Peak resident memory in MB of this process (the worker; its kernel and its PDF printer
    report their own)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return round(usage.ru_maxrss / 1024, 1)  # ru_maxrss is in kB on Linux


def move_into_place(staging: Path, folder: Path, result: BuildResult) -> None:
    """Rename a run's outputs from ``staging`` into ``folder`` (a local run's and a Dask
    worker's alike); the manifest goes last: a briefing whose manifest matches its inputs is
    complete.

    One build owns the folder: a format an earlier build made and this one did not (a PDF left
    by ``--format html,pdf`` when this is ``--format html``) is removed before the manifest
    that no longer lists it, so the folder never mixes outputs of two builds (an interrupted
    move leaves the old manifest listing a missing file: the next plan rebuilds)."""
    produced = sorted(staging.iterdir(), key=lambda p: p.name == MANIFEST)
    names = {path.name for path in produced}
    for path in produced:
        if path.name == MANIFEST:
            for stale in (f"briefing.{fmt}" for fmt in FORMATS):
                if stale not in names:
                    (folder / stale).unlink(missing_ok=True)
        os.replace(path, inside(folder, path.name))
        if path.name != MANIFEST:
            result.outputs.append(folder / path.name)
    (folder / FAILED).unlink(missing_ok=True)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)  # only left when the write failed
