"""The Typst representation of the blocks: converted from their HTML by a strict converter that
knows exactly the elements the package emits, with every text kept as text."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest
from markupsafe import Markup

from report_utils.briefing.typst_markup import (
    ALLOWED,
    MIMETYPE,
    TypstConversionError,
    chart_image,
    parse,
    to_typst,
)
from report_utils.export.printer import typeset

TEMPLATE = (
    Path(__file__).resolve().parents[2]
    / "src/report_utils/export/templates/nbconvert/briefing_typst/briefing.typ"
)
# Text a data file could hold that is Typst syntax in markup or in code.
HOSTILE = [
    '#read("/etc/passwd")',
    "$x^2$ *bold* _em_ `raw` @ref <label> = Heading",
    '"] + read("x") + ["',
    ']#panic("boom")[',
    "\\u{41} \\ // not a comment /* nor this */",
    "- not a list\n+ nor this\n/ term: no",
    "~ -- --- ... 'quotes' \"double\" \t tab",
]


def _pdf_text(source: str, files: dict[str, bytes] | None = None) -> str:
    pdf = typeset(source, files or {})
    result = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def _document(blocks: str) -> str:
    return (
        TEMPLATE.read_text("utf-8")
        + '\n#show: briefing.with(lang: "en", title: "T", '
        + 'fonts: ("Noto Sans", "Noto Sans CJK SC"))\n'
        + blocks
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_text_from_the_data_stays_text(text: str):
    """Hostile text in headings, a narrative, a table cell and a name comes out of the PDF as
    written (white space aside: pdftotext lays it out)."""
    html = Markup(
        '<header class="briefing-title"><h1>{0}</h1></header>'
        '<section class="section"><h2>{0}</h2><p class="narrative">{0}</p>'
        '<table class="data events"><thead><tr><th>{0}</th></tr></thead>'
        '<tbody><tr><td><span class="name">{0}</span></td></tr></tbody></table></section>'
    ).format(text)
    shown = _pdf_text(_document(to_typst(html)))
    flat = "".join(shown.split())
    assert flat.count("".join(text.split())) == 5, shown


@pytest.mark.parametrize(
    "html, named",
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<p class="warning">x</p>', 'class="warning"'),
        ('<p style="color:red">x</p>', "style"),
        ('<section class="section"><a class="fig" href="https://e.com">x</a></section>', "inside"),
        ('<table class="appendix"><thead><tr><th>a</th></tr></thead><tbody>'
         '<tr id="x>y"><td>1</td></tr></tbody></table>', "anchor"),
        ('<figure class="chart"><img src="https://e.com/a.png" alt="" width="1" height="1">'
         "<figcaption></figcaption></figure>", "data: URI"),
        ("<p>open", "never closed"),
        ('<ul class="key-messages">loose text<li>x</li></ul>', "only <li>"),
    ],
)  # fmt: skip
def test_anything_the_converter_does_not_know_is_refused(html: str, named: str):
    with pytest.raises(TypstConversionError, match=named.replace("(", r"\(")):
        to_typst(html)


def test_charts_are_png_or_svg_named_by_content():
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 20
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    name, data = chart_image("data:image/png;base64," + base64.b64encode(png).decode())
    assert name.endswith(".png") and data == png
    name2, data = chart_image("data:image/svg+xml;base64," + base64.b64encode(svg).decode())
    assert name2.endswith(".svg") and data == svg
    assert chart_image("data:image/svg+xml;utf8," + svg.decode())[0] == name2
    with pytest.raises(TypstConversionError, match="neither PNG nor SVG"):
        chart_image("data:image/gif;base64," + base64.b64encode(b"GIF89a").decode())


@pytest.fixture(scope="module")
def shipped_blocks(tmp_path_factory: pytest.TempPathFactory) -> list:
    """Every block of the shipped briefings (2021-09, 2021-11, 2021-12; each language), and of
    the second spec's (``synthetic_prefecture``: the series kind, which the shipped spec lacks)."""
    import synthetic_prefecture

    from report_utils.briefing.phrasing import languages
    from report_utils.briefing.report import Briefing

    second = synthetic_prefecture.make(tmp_path_factory.mktemp("second-spec"))
    briefs = [Briefing(period=p, lang=lang) for p in ("2021-09", "2021-11", "2021-12")
              for lang in languages()]  # fmt: skip
    briefs += [Briefing(data_dir=second, lang=lang) for lang in ("zh", "en")]
    blocks = []
    for brief in briefs:
        blocks += [brief.title(), brief.headlines(), *brief.sections(), brief.sources()]
        blocks.append(brief.analyst_notes())
    return blocks


@pytest.mark.e2e
def test_every_element_of_the_shipped_briefings_is_known_and_used(shipped_blocks):
    """Each block of the shipped briefings (and the second spec's) converts, and the
    converter's list of elements is exactly what they contain: nothing unknown, nothing
    allowed that no block emits."""
    seen: set[tuple[str, str]] = set()

    def walk(element) -> None:
        for child in element.children:
            if not isinstance(child, str):
                seen.add((child.tag, child.cls))
                walk(child)

    for block in shipped_blocks:
        bundle = block._repr_mimebundle_()
        assert bundle[MIMETYPE] == to_typst(str(block.html))
        walk(parse(str(block.html)))
    assert seen == {(tag, cls) for tag, classes in ALLOWED.items() for cls in classes}
