"""The Typst representation of a briefing block, converted from the block's own HTML: one content
model (the HTML the blocks build), two templates (nbconvert's HTML template and the Typst one
under ``export/templates/``).

The blocks emit a small, known HTML; this converter accepts exactly those elements, classes and
attributes (``ALLOWED``) and refuses anything else with an error naming it, so that a new element
in a block cannot silently vanish from the PDF. Each element becomes a call of a function the
Typst template defines (``section``, ``para``, ``span``, ``chart``, ``data-table`` ...), with the
element's class as its first argument: the template, like the CSS, decides how each looks.

Every text is written as a Typst string literal (``#"..."``), in which only ``\\`` and ``"``
(and control characters) need escaping: text from the data never becomes Typst markup or code.
Attribute values that become Typst syntax (label names) are checked against a strict pattern.

Hand-written on the standard library's ``html.parser``: the input is the package's own HTML,
and no library converts HTML to Typst under a strict element list.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote_to_bytes

from report_utils.errors import ReportError

MIMETYPE = "text/vnd.typst"
CHARTS_DIR = "charts"  # where the exporter writes the chart images, inside the compile root

# Element -> the classes it may carry ("" for none). Attributes that only the screen uses
# (tooltips, data-refs for the lineage tests) are allowed and dropped.
ALLOWED: dict[str, set[str]] = {
    "header": {"briefing-title"},
    "section": {"headlines", "section", "section omitted", "sources", "appendix", "analyst"},
    "h1": {""},
    "h2": {""},
    "p": {"", "subtitle", "narrative", "omitted-note", "source-note", "derived-note"},
    "div": {"cards", "card", "big", "label", "period", "period older", "comparison"},
    "ul": {"", "key-messages"},
    "li": {"", "key"},
    "figure": {"chart", "chart series"},
    "img": {""},
    "figcaption": {""},
    "table": {
        "appendix",
        "data analyst",
        "data cases",
        "data events",
        "data indicators",
        "data projects",
    },
    "thead": {""},
    "tbody": {""},
    "tr": {""},
    "th": {""},
    "td": {"", "value"},
    "a": {"fig", "fig derived"},
    "span": {
        "amount",
        "date",
        "derived-mark",
        "label",
        "name",
        "number",
        "period",
        "period base",
        "period date",
        "period since",
        "row-ref",
        "source-note",
        "status",
        "unit",
    },
    "strong": {""},
    "br": {""},
}
ATTRIBUTES: dict[str, set[str]] = {
    "section": {"class", "id"},
    "a": {"class", "href", "data-ref", "title"},
    "img": {"src", "alt", "width", "height"},
    "tr": {"id"},
    "span": {"class", "title", "data-value"},
    "div": {"class", "data-refs"},
    "p": {"class", "data-refs"},
    "li": {"class", "data-refs"},
}
VOID = {"img", "br"}
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")  # a section id or a row anchor: also a Typst label
_DATA_URI = re.compile(r"data:([\w.+/-]+)((?:;[\w=.+-]+)*),(.*)", re.S)


class TypstConversionError(ReportError):
    """The block's HTML holds something the converter does not know."""


@dataclass
class Element:
    tag: str
    cls: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("", "", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        cls = " ".join(values.get("class", "").split())
        if tag not in ALLOWED:
            raise TypstConversionError(f"the PDF does not know the HTML element <{tag}>")
        if cls not in ALLOWED[tag]:
            raise TypstConversionError(f'the PDF does not know <{tag} class="{cls}">')
        unknown = sorted(set(values) - ATTRIBUTES.get(tag, {"class"}))
        if unknown:
            raise TypstConversionError(f"the PDF does not know <{tag}> attribute(s) {unknown}")
        element = Element(tag, cls, values)
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            raise TypstConversionError(f"</{tag}> closes <{self.stack[-1].tag or 'nothing'}>")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    """The block's HTML as a tree of allowed elements; ``TypstConversionError`` otherwise."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    if len(parser.stack) != 1:
        raise TypstConversionError(f"<{parser.stack[-1].tag}> is never closed")
    return parser.root


def to_typst(html: str) -> str:
    """The Typst markup of a block's HTML (calls of the template's functions)."""
    return _children(parse(html).children) + "\n"


def string(text: str) -> str:
    """``text`` as a Typst string literal: whatever it holds, it stays text."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{{{ord(m.group()):x}}}", escaped)
    return f'"{escaped}"'


def chart_image(src: str) -> tuple[str, bytes]:
    """A chart's file name (by content: the same chart, the same name) and its bytes, from the
    data URI of its ``<img>``: PNG or SVG, told by the bytes themselves."""
    match = _DATA_URI.fullmatch(src.strip())
    if match is None:
        raise TypstConversionError("a chart's <img> must carry its image as a data: URI")
    params, payload = match.group(2), match.group(3)
    data = base64.b64decode(payload) if ";base64" in params else unquote_to_bytes(payload)
    head = data[:512].lstrip()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        ext = "png"
    elif head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096]:
        ext = "svg"
    else:
        raise TypstConversionError("a chart's image is neither PNG nor SVG")
    return f"{CHARTS_DIR}/{hashlib.sha256(data).hexdigest()[:20]}.{ext}", data


def images(html: str) -> dict[str, bytes]:
    """The chart images of a block's HTML by the file names its Typst markup uses."""
    found: dict[str, bytes] = {}

    def walk(element: Element) -> None:
        for child in element.children:
            if isinstance(child, Element):
                if child.tag == "img":
                    name, data = chart_image(child.attrs.get("src", ""))
                    found[name] = data
                walk(child)

    walk(parse(html))
    return found


# --- rendering ----------------------------------------------------------------------------


def _children(children: list[Element | str]) -> str:
    out = []
    for i, child in enumerate(children):
        if isinstance(child, str):
            text = re.sub(r"\s+", " ", child)  # as HTML shows it
            if text:
                out.append("#" + string(_breakable(text)))
            continue
        following = next((c for c in children[i + 1 :] if isinstance(c, Element)), None)
        out.append(_element(child, following))
    return "".join(out)


# A run of Latin letters, digits and signs this long has no place to break a line (a URL, an id):
# Typst would let it run off the page, where the HTML wraps it (overflow-wrap: anywhere). A zero
# width space after each of its characters lets a line break there; it shows nothing.
_UNBROKEN = re.compile(r"[!-~]{30,}")
ZERO_WIDTH_SPACE = "\u200b"


def _breakable(text: str) -> str:
    return _UNBROKEN.sub(lambda m: ZERO_WIDTH_SPACE.join(m.group()), text)


def _body(element: Element) -> str:
    return "[" + _children(element.children) + "]"


def _element(e: Element, following: Element | None) -> str:
    cls = string(e.cls)
    if e.tag == "section":
        return f"#section({cls})" + _body(e)
    if e.tag == "header":
        return "#title-block" + _body(e)
    if e.tag in ("h1", "h2"):
        return f"#heading(level: {e.tag[1]})" + _body(e)
    if e.tag == "p":
        # A paragraph a chart or a table follows stays on its page (CSS: break-before: avoid).
        kept = following is not None and following.tag in ("figure", "table")
        sticky = "true" if kept else "false"
        return f"#para({cls}, sticky: {sticky})" + _body(e)
    if e.tag == "div":
        if e.cls == "cards":
            return "#cards(" + ", ".join(_element(c, None)[1:] for c in _elements(e)) + ")"
        return f"#card-part({cls})" + _body(e) if e.cls != "card" else "#card" + _body(e)
    if e.tag == "ul":
        return f"#bullets({cls}, " + ", ".join(_body(li) for li in _elements(e, "li")) + ")"
    if e.tag == "figure":
        return _figure(e)
    if e.tag == "table":
        return _table(e)
    if e.tag == "a":
        href = e.attrs.get("href", "")
        if not href.startswith("#"):
            raise TypstConversionError(f"a link of the briefing must point inside it: {href!r}")
        return f"#fig-link({cls}, {_label(href[1:])})" + _body(e)
    if e.tag == "span":
        return f"#span({cls})" + _body(e)
    if e.tag == "strong":
        return "#strong" + _body(e)
    if e.tag == "br":
        return "#linebreak()"
    raise TypstConversionError(f"<{e.tag}> cannot stand here (inside a block's top level)")


def _elements(e: Element, tag: str | None = None) -> list[Element]:
    found = [c for c in e.children if isinstance(c, Element)]
    wrong = [c.tag for c in found if tag is not None and c.tag != tag]
    if wrong or any(isinstance(c, str) and c.strip() for c in e.children):
        raise TypstConversionError(f"<{e.tag}> may hold only <{tag}> elements, not {wrong}")
    return found


def _label(name: str) -> str:
    if not _ID.fullmatch(name):
        raise TypstConversionError(f"{name!r} cannot be an anchor (letters, digits, - and _)")
    return f"<{name}>"


def _figure(e: Element) -> str:
    parts = _elements(e)
    if [p.tag for p in parts] != ["img", "figcaption"]:
        raise TypstConversionError("a <figure> holds an <img> and a <figcaption>")
    img, caption = parts
    name, _ = chart_image(img.attrs.get("src", ""))
    try:
        width = float(img.attrs.get("width", ""))
    except ValueError:
        raise TypstConversionError("a chart's <img> needs its width in CSS pixels") from None
    return (
        f"#chart({string(e.cls)}, {string(name)}, alt: {string(img.attrs.get('alt', ''))}, "
        f"width: {width * 0.75:g}pt)" + _body(caption)  # a CSS pixel is 0.75 pt
    )


def _table(e: Element) -> str:
    parts = _elements(e)
    if [p.tag for p in parts] != ["thead", "tbody"]:
        raise TypstConversionError("a <table> holds a <thead> and a <tbody>")
    head_rows = _elements(parts[0], "tr")
    if len(head_rows) != 1:
        raise TypstConversionError("a table has one header row")
    header = [_body(th) for th in _elements(head_rows[0], "th")]
    rows = []
    for tr in _elements(parts[1], "tr"):
        cells = [_body(td) for td in _elements(tr, "td")]
        if len(cells) != len(header):
            raise TypstConversionError("every row of a table has a cell per header cell")
        if "id" in tr.attrs:  # the row a figure's link points at
            cells[0] = f"[#metadata(none){_label(tr.attrs['id'])}{cells[0][1:]}"
        rows.append("(" + ", ".join(cells) + ",)")
    return (
        f"#data-table({string(e.cls)}, header: ({', '.join(header)},), "
        f"rows: ({', '.join(rows)}{',' if rows else ''}))"
    )
