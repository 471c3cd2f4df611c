"""The Dask path's own checks, without a cluster: a worker with other code refuses to build, and
a cluster that fails under the build fails the briefings that had not landed, with a message
(the cluster itself is exercised for real in test_remote.py)."""

from __future__ import annotations

import pytest

from report_utils.batch import digests, planner, remote
from report_utils.errors import BuildError
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset


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
