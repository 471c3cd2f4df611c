"""Time limits: a section that takes too long fails with its name, a cell with its number and
the limit, both configurable (``report_utils.limits``); real builds, real kernels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from report_utils.briefing.report import Briefing, SectionError
from report_utils.environment import BRIEFING_ENV, CELL_ENV, SECTION_ENV, seconds
from report_utils.errors import ReportError
from report_utils.limits import section_time_limit


def test_a_section_over_its_limit_is_named(monkeypatch: pytest.MonkeyPatch):
    brief = Briefing(lang="en")
    monkeypatch.setenv(SECTION_ENV, "0.01")
    with pytest.raises(SectionError, match=r"section 'growth' \(kind figures\) took longer than"):
        brief.section("growth")
    monkeypatch.delenv(SECTION_ENV)
    assert "<h2>" in brief.section("growth").html  # within the default, it builds


def test_the_sections_of_a_briefing_share_its_limit(monkeypatch: pytest.MonkeyPatch):
    brief = Briefing(lang="zh")
    monkeypatch.setenv(BRIEFING_ENV, "0.3")
    with pytest.raises(SectionError, match=r"section '\w+' \(kind \w+\) ran past the briefing's"):
        brief.sections()
    brief.section("growth")  # one section alone has only its own limit


def test_a_limit_must_be_seconds(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(CELL_ENV, "soon")
    with pytest.raises(ReportError, match=f"{CELL_ENV} must be a number of seconds above 0"):
        seconds(CELL_ENV, 1.0)


def test_the_limit_leaves_no_alarm_behind():
    import signal

    with section_time_limit("x"):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        # the first section of the shipped spec is the first to run out of time
        (SECTION_ENV, "0.001", "section 'main_indicators' (kind indicators) took longer than"),
        (CELL_ENV, "0.2", f"took longer than 1 s (the limit is {CELL_ENV}, in seconds)"),
    ],
)
def test_a_build_over_a_limit_fails_with_it(
    tmp_path: Path, variable: str, value: str, message: str
):
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "report_utils", "build", "--out", str(out), "--lang", "en",
         "--format", "html"],
        capture_output=True,
        text=True,
        env={**os.environ, variable: value},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stdout + done.stderr
    assert "IOPub" not in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert not list(out.rglob("briefing.html"))
