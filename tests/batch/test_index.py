"""``OUT/index.html``: every briefing's files, linked by relative paths whatever the folders are
named (no kernel needed: the index is written from manifests)."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import HOME

from report_utils.batch import index

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
    html = index.write(out).read_text(encoding="utf-8")
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


HOSTILE = [  # folder names: no "/"
    '"><svg onload=alert(1)>',
    "<script>alert(1)",
    "' onmouseover='alert(1)",
    "<img src=x onerror=alert(1)>",
]
TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "table"}
TEMPLATE_TAGS |= {"thead", "tbody", "tr", "th", "td", "a"}
TEMPLATE_ATTRIBUTES = {"lang", "charset", "name", "content", "href"}


def test_index_shows_hostile_names_as_text(tmp_path):
    """The index template, ending in ``.j2``, was not autoescaped: a region folder named
    ``"><svg onload=…>`` was live markup in the page."""
    out = tmp_path / "out"
    for region in HOSTILE:
        folder = out / region / HOSTILE[1] / HOSTILE[2]  # region, period, language
        folder.mkdir(parents=True)
        name = f"briefing.{HOSTILE[0]}"
        (folder / name).write_text("x", encoding="utf-8")
        manifest = {"outputs": {name: {}}, "built_at": HOSTILE[1], "timings_seconds": {}}
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    html = index.write(out).read_text(encoding="utf-8")

    page = _Page()
    page.feed(html)
    assert {tag for tag, _ in page.tags} <= TEMPLATE_TAGS  # no <svg>, no <script>
    names = {name for _, attributes in page.tags for name, _ in attributes}
    assert names <= TEMPLATE_ATTRIBUTES  # no onload, no onmouseover
    for text in HOSTILE:
        assert any(text in cell for cell in page.text), text  # shown, as text
    hrefs = [dict(attributes)["href"] for tag, attributes in page.tags if tag == "a"]
    assert len(hrefs) == len(HOSTILE)
    for href in hrefs:
        assert re.fullmatch(r"\./[A-Za-z0-9._~%/-]+", href), href  # every other byte encoded
        assert (out / unquote(href)).is_file()


class _Page(HTMLParser):
    """Start tags with their attributes, and text, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text.append(data)
