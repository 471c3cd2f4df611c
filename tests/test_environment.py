"""The environment a build reads: each variable checked, and a bad one stops ``briefing build``
with one line naming it before any kernel starts (an empty ``SOURCE_DATE_EPOCH`` made IPython
fail in the kernel on ``int('')`` and the build report, 130 s later, "Kernel didn't respond in
60 seconds")."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from report_utils import environment
from report_utils.errors import ReportError
from report_utils.paths import DATA_DIR


def test_an_unset_source_date_epoch_is_none_and_a_set_one_a_date(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert environment.source_date() is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1640995200")
    assert environment.source_date() == datetime(2022, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("value", ["", " ", "-1", "1.5", "+5", "soon", "９９", "99999999999999"])
def test_a_source_date_epoch_that_is_set_but_no_date_is_refused(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    message = rf"^SOURCE_DATE_EPOCH must be .*got {re.escape(repr(value))}$"
    with pytest.raises(ReportError, match=message):
        environment.check()


def test_the_pdf_timeout_defaults_to_a_minute_and_takes_seconds(monkeypatch):
    monkeypatch.delenv("REPORT_UTILS_PDF_TIMEOUT", raising=False)
    assert environment.pdf_timeout() == 60.0
    monkeypatch.setenv("REPORT_UTILS_PDF_TIMEOUT", "12.5")
    assert environment.pdf_timeout() == 12.5


@pytest.mark.parametrize("value", ["", "0", "-5", "nan", "inf", "soon"])
def test_a_pdf_timeout_that_is_no_number_of_seconds_is_refused(monkeypatch, value):
    monkeypatch.setenv("REPORT_UTILS_PDF_TIMEOUT", value)
    with pytest.raises(ReportError, match=r"^REPORT_UTILS_PDF_TIMEOUT must be"):
        environment.check()


@pytest.mark.parametrize("value", ["", "/nonexistent/report-utils"])
def test_a_root_that_is_no_folder_is_refused(monkeypatch, value):
    monkeypatch.setenv("REPORT_UTILS_ROOT", value)
    with pytest.raises(ReportError, match=r"^REPORT_UTILS_ROOT must name"):
        environment.check()


@pytest.mark.parametrize("name", environment.KERNEL_FOLDERS)
def test_a_kernel_settings_folder_must_be_one_that_can_be_written(monkeypatch, tmp_path, name):
    monkeypatch.setenv(name, str(tmp_path / "made" / "here"))
    environment.check()
    assert (tmp_path / "made" / "here").is_dir()  # made, as IPython or matplotlib would
    for value in ("", "/proc/no-such-folder", str(tmp_path / "a-file")):
        (tmp_path / "a-file").touch()
        monkeypatch.setenv(name, value)
        with pytest.raises(ReportError, match=f"^{name} must name a folder"):
            environment.check()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SOURCE_DATE_EPOCH", ""),
        ("SOURCE_DATE_EPOCH", "-1"),
        ("REPORT_UTILS_PDF_TIMEOUT", ""),
        ("REPORT_UTILS_PDF_TIMEOUT", "0"),
        ("REPORT_UTILS_ROOT", ""),
        ("IPYTHONDIR", "/proc/no-such-folder"),
        ("REPORT_UTILS_SECTION_TIMEOUT", "soon"),  # read in the kernel: checked before it
        ("REPORT_UTILS_BRIEFING_TIMEOUT", ""),
        ("REPORT_UTILS_CELL_TIMEOUT", "-1"),
    ],
)
def test_the_build_stops_on_a_bad_variable_in_one_line_before_any_kernel(
    tmp_path, kernel_tripwire, name, value
):
    env, started = kernel_tripwire
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "report_utils", "build", "--data", str(DATA_DIR), "--out", str(out)],
        capture_output=True,
        text=True,
        env={**env, name: value},
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith(f"error: {name} must ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stdout == ""
    assert not started(), "a kernel was started"
    assert not list(out.rglob("briefing.*")) and not list(out.rglob("*.ipynb"))
