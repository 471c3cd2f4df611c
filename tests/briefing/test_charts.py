"""Charts: asserted on the drawn objects and on the SVG they are written as."""

import base64
import io
from pathlib import Path
from xml.etree import ElementTree

import matplotlib as mpl
import pytest

from report_utils.briefing import charts


@pytest.fixture
def bars():
    return [
        charts.Bar("规模以上工业增加值", 11.7, "11.7%", "贵州省"),
        charts.Bar("两年平均增速", 7.1, "7.1%", "贵州省"),
        charts.Bar("两年平均增速", 6.4, "6.4%（推算）", "全国", derived=True),
        charts.Bar("固定资产投资", -9.4, "-9.4%（推算）", "贵州省", derived=True),
    ]


def test_bars_values_and_labels(bars):
    with mpl.rc_context(charts.house_rc()):
        fig = charts.draw_bars(bars, "工业增速（%）", "增速（%）")
        ax = fig.axes[0]
        widths = sorted(
            round(p.get_width(), 1) for p in ax.patches if p.get_height() > 0 and p.get_width() != 0
        )
        assert widths == sorted(b.value for b in bars)
        texts = {t.get_text() for t in ax.texts}
        assert {b.text for b in bars} <= texts
        assert fig.get_suptitle() == "工业增速（%）"
        assert ax.get_xlabel() == "增速（%）"
        hatched = sorted(round(p.get_width(), 1) for p in ax.patches if p.get_hatch())
        assert hatched == [-9.4, 6.4]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert ticks[0] == "规模以上工业增加值"
        assert ax.get_xlim()[0] < -9.4  # room for the negative bar and its label
        fig.canvas.draw()  # a missing glyph would warn here, and warnings are errors
        # the legend's swatches look like their bars: 全国's only bar is derived, so hatched
        [legend] = fig.legends
        swatches = {
            t.get_text(): h for t, h in zip(legend.texts, legend.legend_handles, strict=True)
        }
        assert swatches["全国"].get_hatch() == "///"
        assert not swatches["贵州省"].get_hatch()  # some of its bars are reported


def test_chart_text_is_drawn_in_the_languages_faces(bars):
    """A Chinese chart draws in the CJK face; an English one in its Latin face, a Chinese name
    in it falling back to the CJK face (a missing glyph would be a warning, an error here)."""
    from matplotlib import font_manager

    from report_utils.fonts import families

    for roles, expected in ((("cjk",), "NotoSansCJK"), (("latin", "cjk"), "NotoSans-")):
        fonts = families(roles)
        with mpl.rc_context(charts.house_rc(fonts)):
            figure = charts.draw_bars(bars, "标题 Title", "增速 Growth (%)")
            figure.savefig(io.BytesIO(), format="png")  # draws every glyph
            title = figure._suptitle  # matplotlib has no public getter for the artist
            path = font_manager.findfont(title.get_fontproperties())
        assert expected in Path(path).name, (roles, path)


def test_every_drawn_text_has_a_font_with_its_glyphs(bars):
    """The font each text is drawn with, as matplotlib resolves it, has a glyph for every
    character of that text (Chinese labels, title, axis label and values)."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    with mpl.rc_context(charts.house_rc()):
        fig = charts.draw_bars(bars, "工业增速（%）", "增速（%）")
        fig.canvas.draw()  # ticks and their labels are made when drawn
        texts = [t for t in fig.findobj(mpl.text.Text) if t.get_text().strip()]
        assert {"工业增速（%）", "增速（%）", "规模以上工业增加值"} <= {t.get_text() for t in texts}
        for text in texts:
            path = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
            charmap = FT2Font(path).get_charmap()
            missing = {c for c in text.get_text() if not c.isspace() and ord(c) not in charmap}
            assert not missing, (text.get_text(), path)


def _svg_size(chart: charts.Chart) -> tuple[float, float]:
    """The SVG's own width and height, in points."""
    root = ElementTree.fromstring(chart.svg)
    return float(root.get("width", "").removesuffix("pt")), float(
        root.get("height", "").removesuffix("pt")
    )


def _size_matches(chart: charts.Chart) -> bool:
    """The page shows the chart at its declared CSS size: 75 px per inch of the figure."""
    width, height = _svg_size(chart)
    return (round(width / 72 * 75), round(height / 72 * 75)) == (chart.width_px, chart.height_px)


def test_bar_chart_is_deterministic_vector_with_its_text_as_outlines(bars):
    one = charts.bar_chart(bars, "标题", "增速（%）", "替代文字")
    two = charts.bar_chart(bars, "标题", "增速（%）", "替代文字")
    assert one.svg == two.svg  # no date, fixed ids
    assert one.svg.startswith(b"<?xml") and b"<svg" in one.svg
    assert b"<image" not in one.svg  # nothing raster inside
    assert b"<text" not in one.svg  # glyphs as paths: no font needed to show them
    assert _size_matches(one)
    assert one.alt == "替代文字"
    assert one.data_uri() == "data:image/svg+xml;base64," + base64.b64encode(one.svg).decode()


def test_no_state_leaks_into_the_caller(bars):
    before = dict(mpl.rcParams)
    charts.bar_chart(bars, "标题", "增速（%）", "alt")
    assert dict(mpl.rcParams) == before
