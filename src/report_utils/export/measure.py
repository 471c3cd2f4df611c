"""A briefing PDF measured as its reader sees it: how many pages, how full each page is, and which
words are split across two lines without a hyphen.

Fill is read off the rendered page (poppler's ``pdftoppm``): the share of the page's text area,
between the top margin and the footer, down to the lowest ink. Split words are read off poppler's
``pdftotext -bbox-layout`` (lines inside each text block, so a table cell is its own block): a
line that ends in letters followed by a line that starts with a lower-case letter, when the two
together make a word of the briefing's own text and the first part alone does not. A break at a
hyphen is the language's hyphenation and is not counted; Chinese breaks between characters.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

# A4 at the resolution pages are rendered at, and the template's @page margins (mm).
DPI = 40
MM = DPI / 25.4
TOP_MM, BOTTOM_MM = 18, 20
WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Layout:
    pages: int
    fill: list[float]  # per page, 0..1
    split_words: list[str]  # "Septembe|r"

    def thin_pages(self, least: float) -> list[int]:
        """Pages (1-based) but the last that are less than ``least`` full."""
        return [i for i, f in enumerate(self.fill[:-1], start=1) if f < least]


def measure(pdf: Path, html: str) -> Layout:
    fill = page_fill(pdf)
    return Layout(len(fill), fill, split_words(pdf, html))


def page_fill(pdf: Path) -> list[float]:
    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-gray", "-r", str(DPI), "-png", str(pdf), f"{folder}/p"], check=True
        )
        fills = []
        for page in sorted(Path(folder).glob("p-*.png"), key=lambda p: int(p.stem[2:])):
            pixels = np.asarray(Image.open(page).convert("L"))
            top, bottom = round(TOP_MM * MM), pixels.shape[0] - round(BOTTOM_MM * MM)
            ink = np.flatnonzero(pixels[top:bottom].min(axis=1) < 200)
            fills.append(float(ink.max() / (bottom - top)) if ink.size else 0.0)
    return fills


def split_words(pdf: Path, html: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    words = set(WORD.findall(unescape(text)))
    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", layout, re.S):
        lines = [_line(match) for match in re.finditer(r"<line ([^>]*)>(.*?)</line>", page, re.S)]
        for line in lines:
            below = _next_line(line, lines)
            if below is None or not line[3] or not below[3]:
                continue
            end = re.search(r"([A-Za-z]+)$", line[3][-1])
            start = re.match(r"([a-z]+)", below[3][0])
            if end and start:
                head, tail = end.group(1), start.group(1)
                if head + tail in words and head not in words:
                    found.append(f"{head}|{tail}")
    return found


Line = tuple[float, float, float, list[str]]  # left, top, bottom, words


def _line(match: re.Match[str]) -> Line:
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1)))
    words = [unescape(w) for w in re.findall(r"<word[^>]*>(.*?)</word>", match.group(2), re.S)]
    return float(attrs["xMin"]), float(attrs["yMin"]), float(attrs["yMax"]), words


def _next_line(line: Line, lines: list[Line]) -> Line | None:
    """The line that continues ``line``: the next one down that starts at the same left edge
    (the same column or table cell), within a line's height. pdftotext may put each line of a
    narrow cell in a block of its own, so blocks do not tell."""
    left, _, bottom, _ = line
    height = line[2] - line[1]
    below = [
        other
        for other in lines
        if abs(other[0] - left) < 1.0 and -0.5 < other[1] - bottom < 0.8 * height
    ]
    return min(below, key=lambda other: other[1], default=None)


def figure_pages(pdf: Path) -> list[tuple[int, str]]:
    """Each tagged figure (a chart) of the PDF in reading order: the page (1-based) it starts on
    and its alt text. Charts are vector drawings, not images, so the tag tree is what finds them."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        numbers = {page.objgen: i for i, page in enumerate(document.pages, start=1)}
        found: list[tuple[int, str]] = []

        def page_of(node: object) -> int | None:
            if isinstance(node, pikepdf.Dictionary):
                if "/Pg" in node:
                    return numbers.get(node.Pg.objgen)
                return page_of(node.get("/K"))
            if isinstance(node, pikepdf.Array):
                return next((n for n in map(page_of, node) if n is not None), None)
            return None

        def walk(node: object) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    found.append((page_of(node) or 0, str(node.get("/Alt", ""))))
                walk(node.get("/K"))
            elif isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)

        walk(document.Root.get("/StructTreeRoot"))
    return found
