"""Briefings built on a Dask cluster whose workers cannot see this machine's files.

The cluster is real: a ``dask scheduler`` process and ``dask worker`` processes (each with its
nanny, as a ``LocalCluster`` starts them), every worker in a working folder of its own and in a
mount namespace of its own in which the project's ``data/``, ``notebooks/`` and ``outputs/`` and
the tests' temporary folders (data copies, output folders) are empty tmpfs mounts: whatever a
briefing reads must have been shipped, whatever it writes must come back. The kill test kills a
worker process with a real SIGKILL from inside a briefing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from conftest import HOME, worker_killing_notebook

from report_utils.batch import digests, planner, remote, runner
from report_utils.batch.job import read_manifest
from report_utils.errors import BuildError
from report_utils.paths import DATA_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR
from report_utils.tables.load import load_dataset


def on_a_cluster(test):
    """A case on a real cluster (the Dask path's own checks, at the end, need none)."""
    need_root = pytest.mark.skipif(
        os.geteuid() != 0, reason="mount namespaces (unshare -m) need root"
    )
    return pytest.mark.e2e(need_root(test))


BIN = Path(sys.executable).parent
MONTHS = load_dataset(DATA_DIR).months()
START_SECONDS = 120


class Cluster:
    """A scheduler and ``count`` workers that see none of ``hidden``."""

    def __init__(self, hidden: list[Path], count: int = 2):
        # Not "briefing-*": a build sweeps $TMPDIR/briefing-* folders without an owner file.
        self.base = Path(tempfile.mkdtemp(prefix="dask-cluster-"))
        self.processes: list[subprocess.Popen] = []
        env = {k: v for k, v in os.environ.items() if k != "REPORT_UTILS_SCRATCH"}
        # The scheduler gives up on a task at the first death of its worker; the build then
        # submits it once more (the default, 3, would kill and restart a worker eight times).
        env["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = "0"
        address_file = self.base / "scheduler.json"
        self.processes.append(
            subprocess.Popen(
                [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", "0",
                 "--no-dashboard", "--scheduler-file", address_file],
                cwd=self.base, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        _wait_for(address_file.is_file, "the scheduler to start")
        self.address = _read_address(address_file)
        mounts = " && ".join(f"mount -t tmpfs none '{path}'" for path in hidden)
        for number in range(count):
            folder = self.base / f"worker-{number}"
            folder.mkdir()
            command = (
                f"{mounts} && cd '{folder}' && exec '{BIN / 'dask'}' worker {self.address} "
                f"--nworkers 1 --nthreads 1 --no-dashboard --local-directory '{folder}'"
            )
            self.processes.append(
                subprocess.Popen(
                    ["unshare", "--mount", "--propagation", "private", "sh", "-c", command],
                    cwd=folder, env=env,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        _wait_for(lambda: self.workers() >= count, f"{count} workers to join")

    def workers(self) -> int:
        from distributed import Client

        with Client(self.address, timeout="10s") as client:
            return len(client.scheduler_info(n_workers=-1)["workers"])

    def close(self) -> None:
        for process in reversed(self.processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.base, ignore_errors=True)


def _read_address(path: Path) -> str:
    import json

    return json.loads(path.read_text())["address"]


def _wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two workers that see neither the project's data, notebooks and outputs nor any folder
    of these tests."""
    test_root = tmp_path_factory.getbasetemp()
    started = Cluster([DATA_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR, test_root])
    yield started
    started.close()


def _files(out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("briefing.*"))
        if p.suffix in (".html", ".pdf")
    }


@on_a_cluster
def test_the_scheduler_builds_the_same_bytes_as_the_local_pool(cluster, tmp_path):
    remote_out, local_out = tmp_path / "remote", tmp_path / "local"
    command = [BIN / "briefing", "build", "--lang", "zh", "--lang", "en"]
    # The one date a PDF carries (its creation and its embedded files' date), pinned as
    # reproducible builds pin it;
    # the workers do not share this environment: the plan carries it to them.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1640995200"}
    built = subprocess.run(
        [*command, "--out", remote_out, "--scheduler", cluster.address],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert "2 built" in built.stdout
    local = subprocess.run(
        [*command, "--out", local_out, "-j", "2"],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip
    assert local.returncode == 0, local.stderr

    remote_files, local_files = _files(remote_out), _files(local_out)
    assert len(remote_files) == 4  # zh and en, HTML and PDF
    assert remote_files == local_files
    for lang in ("zh", "en"):
        folder = f"{HOME}/{MONTHS[-1]}/{lang}"
        manifest = read_manifest(remote_out / folder)
        assert manifest["fingerprint"] == read_manifest(local_out / folder)["fingerprint"]
        assert manifest["inputs"]["data_dir"] == str(DATA_DIR)  # this machine's view
        assert manifest["source_date"] == "2022-01-01T00:00:00+00:00"
        # The notebook names this machine's data folder, not the worker's copy: it runs again
        # here, and it is the same wherever it was built.
        nb = nbformat.read(remote_out / folder / "briefing.ipynb", as_version=4)
        injected = [c.source for c in nb.cells if "injected-parameters" in c.metadata.tags]
        assert f"data_dir = {str(DATA_DIR)!r}".replace("'", '"') in injected[0]
        assert nb.metadata.papermill.parameters.data_dir == str(DATA_DIR)
    # The workers got the data by content: each wrote the folder once, named by its digest.
    shipped = list(cluster.base.glob("worker-*/**/report-utils/data-*/briefing.yml"))
    assert shipped, "no worker wrote a shipped data folder"
    # A second build on the cluster finds everything up to date.
    again = subprocess.run(
        [*command, "--out", remote_out, "--scheduler", cluster.address],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert again.returncode == 0 and "0 built, 2 skipped" in again.stdout, again.stdout


@on_a_cluster
def test_a_killed_worker_costs_only_its_briefing(cluster, tmp_path):
    once, always, fine = MONTHS[-3], MONTHS[-2], MONTHS[-1]
    marker = cluster.base / "killed-once"  # where the workers can write
    notebook = worker_killing_notebook(tmp_path, marker, once, always)
    out = tmp_path / "out"
    kept = out / HOME / always / "zh"
    kept.mkdir(parents=True)
    for name in ("briefing.ipynb", "briefing.html", "manifest.json"):
        (kept / name).write_text(f"the last good {name}\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in kept.iterdir()}

    results = runner.build(
        DATA_DIR,
        out,
        [once, always, fine],
        ["zh"],
        ["html"],
        notebook=notebook,
        scheduler=cluster.address,
    )

    by_period = {r.name.split("/")[1]: r for r in results}
    assert marker.exists()  # the first run of `once` did kill its worker
    assert by_period[once].status == "built", by_period[once].error  # retried elsewhere
    assert by_period[fine].status == "built", by_period[fine].error
    assert by_period[once].attempts == 2
    assert by_period[fine].attempts == 1  # not touched by the other workers' deaths
    assert by_period[always].status == "failed" and by_period[always].attempts == 2
    assert "the worker died while building it (2 times)" in by_period[always].error
    assert {p.name: p.read_bytes() for p in kept.iterdir()} == before  # nothing replaced
    assert (out / HOME / once / "zh" / "briefing.html").read_text().startswith("<!DOCTYPE html>")
    assert not list(out.rglob(".staging-*"))


# --- the Dask path's own checks, without a cluster ----------------------------------------


def _here() -> dict:
    return {"code_sha256": digests.code_digest(), "libraries": digests.library_versions()}


def test_a_worker_with_the_planned_code_builds():
    remote._check_code(_here())
    remote._check_code(None)  # a task made by hand, without the plan's stamp


def test_a_worker_with_other_versions_refuses_and_names_them():
    planned = _here()
    planned["libraries"] = {**planned["libraries"], "pandas": "0.0.1"}
    with pytest.raises(BuildError, match=r"other versions.*\(pandas\)"):
        remote._check_code(planned)
    planned = {**_here(), "code_sha256": "0" * 64}
    with pytest.raises(BuildError, match="report_utils's code"):
        remote._check_code(planned)


class _GoneScheduler:
    """A client whose scheduler went away (what distributed raises: CommClosedError, an
    OSError)."""

    def scatter(self, *args, **kwargs):
        raise OSError("in <TCP (closed)>: Stream is closed")


def test_a_cluster_that_fails_under_the_build_fails_its_briefings_with_a_message(tmp_path):
    month = load_dataset(DATA_DIR).months()[-1]
    plan = planner.plan(DATA_DIR, tmp_path, [month], ["zh", "en"], ["html", "pdf"], force=True)
    assert len(plan.jobs) == 2
    seen = []
    results = remote.run_jobs(plan.jobs, plan.stamps, _GoneScheduler(), seen.append)
    assert [r.status for r in results.values()] == ["failed", "failed"]
    assert all("the Dask cluster failed (OSError" in r.error for r in results.values())
    assert seen == list(results.values())  # each reported as it failed
    assert not any(tmp_path.rglob("briefing.*"))  # nothing written
