"""The built HTML briefing of every language, opened in a real browser (Debian's Chromium through
Playwright): it loads cleanly and offline, its images and text are shown, and it reads on a
phone. Screenshots are saved under test-artifacts/browser/ for a person to look at."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import Watched, headline_indicators, narrative, shipped_spec

from report_utils.briefing.figures import AsOf
from report_utils.briefing.phrasing import languages
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset

pytestmark = pytest.mark.e2e
PHONE, DESKTOP = 390, 1280


@pytest.fixture(scope="module", params=languages())
def lang(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module", params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def width(request: pytest.FixtureRequest) -> int:
    return request.param


@pytest.fixture(scope="module")
def watched(browser, briefing_for, lang: str, width: int) -> Iterator[Watched]:
    """The briefing open at that width, once for all the tests below (they only read it)."""
    page = Watched(browser, briefing_for(lang) / "briefing.html", width)
    yield page
    page.close()


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_loads_without_errors_and_without_leaving_the_file(watched: Watched, lang, width):
    watched.screenshot(f"browser/{lang}-{width}px.png")
    assert watched.errors == []
    assert watched.dialogs == []
    assert watched.outside == []
    assert watched.page.evaluate("() => document.documentElement.lang") == lang
    assert watched.page.title()  # the briefing's title, not an empty tab


def test_every_image_loads_and_has_alt_text(watched: Watched):
    images = watched.page.evaluate(
        """() => Array.from(document.images).map(i => ({
            complete: i.complete, natural: i.naturalWidth, alt: i.getAttribute('alt') || ''}))"""
    )
    # a chart per section of a kind that draws one (figures, counts; events has its table only)
    drawn = [s for s in shipped_spec().sections if s.kind in ("figures", "counts")]
    assert len(images) >= len(drawn)
    for image in images:
        assert image["complete"] and image["natural"] > 0, image
        assert image["alt"].strip(), image


def test_headline_figures_and_narrative_are_visible(watched: Watched, lang: str):
    page = watched.page
    asof = AsOf(load_dataset(DATA_DIR))
    shown = [f for f in map(asof.latest, headline_indicators()) if f is not None]
    cards = page.locator(".card .big")
    assert cards.count() == len(shown) > 0
    for index, figure in enumerate(shown):
        card = cards.nth(index)
        assert card.is_visible()
        assert figure.number() in card.inner_text().replace(",", ""), figure.indicator
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]

    narratives = page.locator("p.narrative")
    # a paragraph per section but a table of cases
    assert narratives.count() >= len([s for s in shipped_spec().sections if s.kind != "cases"])
    for index in range(narratives.count()):
        assert narratives.nth(index).is_visible()
        assert len(narratives.nth(index).inner_text().strip()) > 10
    growth = page.locator("#sec-growth p.narrative").first
    assert _normal(growth.inner_text()) == _normal(narrative(lang, "growth"))


def test_no_horizontal_scrolling_and_charts_fit(watched: Watched, width: int):
    assert watched.horizontal_overflow() <= 0
    charts = watched.page.evaluate(
        """() => Array.from(document.querySelectorAll('figure.chart img')).map(i => ({
            shown: i.getBoundingClientRect().width, right: i.getBoundingClientRect().right,
            declared: Number(i.getAttribute('width'))}))"""
    )
    assert charts
    for chart in charts:
        assert chart["right"] <= width
        if width == PHONE:  # scaled down to the column, not cut
            assert chart["shown"] < chart["declared"]
            assert chart["shown"] >= 0.8 * width
