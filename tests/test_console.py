"""What the console prints after a batch: the summary line and what was retried."""

from __future__ import annotations

from pathlib import Path

from report_utils.batch.job import BuildResult
from report_utils.console import summary


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
