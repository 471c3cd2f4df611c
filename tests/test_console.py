"""What the console prints during and after a batch: progress lines in a log, the summary, what
was retried, failed or left out, and JSON that stays JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from report_utils.batch.job import BuildResult
from report_utils.console import json_safe, progress, summary


def test_the_summary_says_which_briefings_were_retried(capsys):
    results = [
        BuildResult("r/2021-11/zh", Path("a"), "built", attempts=2),
        BuildResult("r/2021-12/zh", Path("b"), "built"),
    ]
    summary(results)
    printed = capsys.readouterr().out.splitlines()
    assert "2 built, 0 skipped, 0 failed, 1 retried" in printed
    assert "r/2021-11/zh retried: its kernel or worker died; built after 2 attempts" in printed
    assert not any(line.startswith("r/2021-12/zh retried") for line in printed)


def test_a_failed_briefing_and_a_left_out_region_are_told_and_the_exit_is_1(capsys) -> None:
    results = [
        BuildResult("r/2021-11/zh", Path("a"), "built", outputs=[Path("a/briefing.pdf")]),
        BuildResult("r/2021-11/en", Path("b"), "failed", error="data/x.csv:3: value: bad"),
    ]
    with pytest.raises(SystemExit) as exited:
        summary(results, left_out={"遵义市": "no figures for 2021-11"})
    assert exited.value.code == 1
    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert "1 built, 0 skipped, 1 failed, 1 region(s) left out" in lines
    assert "遵义市 left out: no figures for 2021-11" in lines
    assert "briefing.pdf" in printed.out
    assert printed.err.splitlines() == ["r/2021-11/en failed: data/x.csv:3: value: bad"]


def test_a_batch_that_built_everything_exits_normally(capsys) -> None:
    summary([BuildResult("r/2021-11/zh", Path("a"), "skipped")])
    assert "0 built, 1 skipped, 0 failed" in capsys.readouterr().out.splitlines()


def test_progress_in_a_log_is_a_line_per_briefing_as_it_finishes(capsys) -> None:
    plan = SimpleNamespace(jobs=["one", "two"])
    with progress() as (on_plan, on_done):
        on_plan(plan)
        on_done(BuildResult("r/2021-11/zh", Path("a"), "built", seconds=1.26))
        on_done(BuildResult("r/2021-11/en", Path("b"), "failed", seconds=0.3))
    assert capsys.readouterr().err.splitlines() == [
        "[1/2] r/2021-11/zh built (1.3 s)",
        "[2/2] r/2021-11/en failed (0.3 s)",
    ]


def test_json_has_no_nan_or_infinity_anywhere() -> None:
    value = {"a": [1.5, math.nan, (math.inf, "x")], "b": {"c": -math.inf}, "d": 2}
    safe = json_safe(value)
    assert safe == {"a": [1.5, None, [None, "x"]], "b": {"c": None}, "d": 2}
    json.dumps(safe, allow_nan=False)  # raises on any NaN left
