"""``OUT/index.html``: every briefing's files, linked by relative paths whatever the folders are
named (no kernel needed: the index is written from manifests)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import HOME

from report_utils.build import runner

FOLDERS = [
    ("2021-12", "zh"),
    ("javascript:alert(document.domain)", "zh"),
    ("2021-12", "data:text"),
    ("a b#c?d%20", "zh"),
]


def _fake_briefing(out: Path, period: str, lang: str) -> None:
    """A folder with a manifest and the files it lists, as a build leaves them."""
    folder = out / HOME / period / lang
    folder.mkdir(parents=True)
    outputs = {}
    for name in ("briefing.html", "briefing.pdf", "briefing.ipynb"):
        (folder / name).write_text(f"{period} {lang} {name}\n", encoding="utf-8")
        outputs[name] = {"sha256": "-", "bytes": (folder / name).stat().st_size}
    manifest = {"outputs": outputs, "built_at": "2021-12-31T00:00:00Z"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_index_links_are_relative_paths_to_the_files(tmp_path):
    """A folder named ``javascript:alert(document.domain)`` was linked as a live
    ``javascript:`` URL."""
    out = tmp_path / "out"
    for period, lang in FOLDERS:
        _fake_briefing(out, period, lang)
    html = runner.write_index(out).read_text(encoding="utf-8")
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]
    assert len(hrefs) == 2 * len(FOLDERS)  # HTML and PDF of each
    targets = set()
    for href in hrefs:
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", ""), href
        target = (out / unquote(parts.path)).resolve()
        assert target.is_file() and target.is_relative_to(out.resolve()), href
        targets.add(target)
    expected = {
        (out / HOME / period / lang / f"briefing.{ext}").resolve()
        for period, lang in FOLDERS
        for ext in ("html", "pdf")
    }
    assert targets == expected
