"""The local pool of a batch: a worker process that dies costs only the briefing it was building,
which is retried once in a new worker. Real workers, real kernels, a real SIGKILL."""

from __future__ import annotations

import pytest
from conftest import HOME, worker_killing_notebook

from report_utils.batch import runner
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset

pytestmark = pytest.mark.e2e
MONTHS = load_dataset(DATA_DIR).months()


def test_a_dead_worker_costs_only_its_own_briefing_retried_once(tmp_path):
    """``-j 2`` with one worker killed by -9: every briefing of the batch failed, and
    ``.staging-*`` folders were left in the output folders."""
    once, always, fine = MONTHS[-3], MONTHS[-2], MONTHS[-1]
    notebook = worker_killing_notebook(tmp_path, tmp_path / "killed-once", once, always)
    out = tmp_path / "out"
    plan = runner.plan(DATA_DIR, out, [once, always, fine], ["zh"], ["html"], notebook=notebook)

    results = {r.name: r for r in runner.run(plan, workers=2)}

    assert results[f"{HOME}/{once}/zh"].status == "built", results[f"{HOME}/{once}/zh"].error
    assert results[f"{HOME}/{once}/zh"].attempts == 2  # its worker died once: retried, then built
    assert results[f"{HOME}/{fine}/zh"].status == "built", results[f"{HOME}/{fine}/zh"].error
    assert results[f"{HOME}/{fine}/zh"].attempts == 1  # not touched by the other worker's death
    dead = results[f"{HOME}/{always}/zh"]
    assert dead.status == "failed" and dead.attempts == 2
    assert "the worker process died" in dead.error and "SIGKILL" in dead.error
    assert not list(out.rglob(".staging-*"))
    assert (out / HOME / once / "zh" / "briefing.html").is_file()
    assert not (out / HOME / always / "zh" / "briefing.html").exists()
