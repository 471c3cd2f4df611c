"""``briefing preview`` really serves the briefing on localhost and builds it again when the
data changes (a real build, a real HTTP server, a real edit of a catalogue)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from report_utils.preview import VERSION_PATH, signature

pytestmark = pytest.mark.e2e


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _until(test, seconds: float = 120.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = test()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("timed out")


def test_preview_serves_the_briefing_and_rebuilds_it_on_a_change(data_copy: Path, tmp_path):
    out = tmp_path / "out"
    with subprocess.Popen(
        [sys.executable, "-m", "report_utils", "preview", "--data", str(data_copy),
         "--out", str(out), "--lang", "en", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as process:  # fmt: skip
        try:
            _check_served(process, data_copy, out)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    assert not list(out.rglob(".staging-*"))


def test_signature_sees_an_edit_and_a_new_file(tmp_path):
    (tmp_path / "a.yml").write_text("a", encoding="utf-8")
    before = signature([tmp_path])
    (tmp_path / "a.yml").write_text("ab", encoding="utf-8")
    edited = signature([tmp_path])
    assert edited != before
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv").write_text("b", encoding="utf-8")
    assert signature([tmp_path]) != edited


def _check_served(process: subprocess.Popen, data_copy: Path, out: Path) -> None:
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()  # after the first build
    assert line.startswith("serving http://127.0.0.1:"), line + process.stderr.read()
    url = line.split()[1]
    root = url.split("/", 3)[:3]
    page = _get(url)
    assert "<title>Guizhou Province: Industrial Economy Briefing</title>" in page
    assert VERSION_PATH in page  # the reload script, in what is served
    assert VERSION_PATH not in next(out.glob("*/*/en/briefing.html")).read_text("utf-8")
    version = _get("/".join([*root, VERSION_PATH.lstrip("/")]))
    # The analyst edits the title: the page is built again and served.
    en = data_copy / "messages" / "en.yml"
    text = en.read_text(encoding="utf-8")
    en.write_text(text.replace("Industrial Economy Briefing", "Preview Test"), "utf-8")
    _until(lambda: "<title>Guizhou Province: Preview Test</title>" in _get(url))
    assert _get("/".join([*root, VERSION_PATH.lstrip("/")])) != version
