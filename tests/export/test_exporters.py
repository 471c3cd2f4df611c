"""nbconvert exporters, on notebooks built in memory."""

import subprocess

import nbformat
from nbconvert.exporters import get_exporter
from nbformat import v4

from report_utils.briefing.typst_markup import MIMETYPE, to_typst
from report_utils.export.exporters import (
    BriefingHTMLExporter,
    BriefingPDFExporter,
    BriefingTypstExporter,
)

BLOCK = "<h1>简报标题</h1><p>同比增长11.7%</p>"


def notebook():
    code = v4.new_code_cell("secret_variable = 42\nprint('PRINTED')")
    code.outputs = [
        v4.new_output("stream", name="stdout", text="PRINTED\n"),
        v4.new_output(
            "display_data",
            data={
                "text/html": BLOCK,
                MIMETYPE: to_typst(BLOCK),  # as a Block's _repr_mimebundle_ gives it
                "text/plain": "<report_utils.Block object>",
            },
        ),
        v4.new_output(
            "execute_result", data={"text/plain": "<pandas.DataFrame at 0x7f>"}, execution_count=1
        ),
    ]
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("analyst notes"), code])
    nb.metadata["papermill"] = {"parameters": {"lang": "zh"}}
    return nb


def test_html_shows_outputs_only():
    html, _ = BriefingHTMLExporter().from_notebook_node(notebook())
    assert "同比增长11.7%" in html
    for hidden in (
        "secret_variable",
        "PRINTED",
        "<pandas",
        "report_utils.Block",
        "In&nbsp;[",
        "analyst notes",
    ):
        assert hidden not in html
    assert '<html lang="zh">' in html
    assert "<title>简报标题</title>" in html


def test_html_is_self_contained():
    html, _ = BriefingHTMLExporter().from_notebook_node(notebook())
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html and "<script" not in html


def test_pdf_exporter(tmp_path):
    """The PDF holds what the HTML shows (read back with pdftotext), and nothing it hides."""
    pdf, resources = BriefingPDFExporter().from_notebook_node(notebook())
    assert resources["output_extension"] == ".pdf"
    path = tmp_path / "briefing.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "简报标题" in text and "同比增长11.7%" in text
    for hidden in ("secret_variable", "PRINTED", "<pandas", "analyst notes"):
        assert hidden not in text


def test_typst_source_and_its_files(tmp_path):
    """``--to briefing_typst``: the source, and beside it (resources' outputs, which nbconvert
    writes) the files it reads; the source compiles with the typst command's own rules."""
    import typst

    source, resources = BriefingTypstExporter().from_notebook_node(notebook())
    assert resources["output_extension"] == ".typ"
    assert '#heading(level: 1)[#"简报标题"]' in source
    assert "secret_variable" not in source and "PRINTED" not in source
    assert set(resources["outputs"]) == {"attached/briefing.ipynb"}
    (tmp_path / "briefing.typ").write_text(source, encoding="utf-8")
    for name, data in resources["outputs"].items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    assert typst.compile(str(tmp_path / "briefing.typ")).startswith(b"%PDF-")


def test_exporters_are_registered_with_nbconvert():
    assert get_exporter("briefing_pdf") is BriefingPDFExporter
    assert get_exporter("briefing_typst") is BriefingTypstExporter
    assert get_exporter("briefing_html") is BriefingHTMLExporter


def test_template_round_trip_through_nbformat(tmp_path):
    path = tmp_path / "nb.ipynb"
    nbformat.write(notebook(), path)
    html, _ = BriefingHTMLExporter().from_filename(str(path))
    assert "同比增长11.7%" in html


def test_page_title_is_escaped_once():
    """A region named ``Guizhou & <Co>`` showed as ``&amp;amp; &amp;lt;Co&amp;gt;`` in the tab."""
    from markupsafe import Markup

    nb = notebook()
    heading = Markup("<h1>{} 工业经济简报</h1>").format("Guizhou & <Co>")
    nb.cells[1].outputs[1]["data"]["text/html"] = str(heading)
    html, _ = BriefingHTMLExporter().from_notebook_node(nb)
    assert "<title>Guizhou &amp; &lt;Co&gt; 工业经济简报</title>" in html


def test_the_page_template_escapes_what_it_inserts():
    """The page's own values (its language, its title) are escaped by the template whatever the
    environment does; the blocks' HTML, the package's own, is inserted as it is."""
    nb = notebook()
    nb.metadata["papermill"]["parameters"]["lang"] = '"><svg onload=alert(1)>'
    html, _ = BriefingHTMLExporter().from_notebook_node(nb)
    tags = _tags(html)
    assert ("html", [("lang", '"><svg onload=alert(1)>')]) in tags  # an attribute's text
    assert [name for name, _ in tags if name in ("svg", "h1", "p")] == ["h1", "p"]


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag of ``html`` and its attributes, as a browser's parser reads them."""
    from html.parser import HTMLParser

    tags = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    Tags().feed(html)
    return tags


def test_a_notebook_without_typst_outputs_is_refused():
    """A notebook executed before the blocks had a Typst representation: said, not an empty
    PDF."""
    import pytest

    from report_utils.errors import ReportError

    nb = notebook()
    del nb.cells[1].outputs[1]["data"][MIMETYPE]
    with pytest.raises(ReportError, match="run it again"):
        BriefingPDFExporter().from_notebook_node(nb)


def test_a_chart_as_svg_goes_into_the_pdf_as_a_tagged_figure(tmp_path):
    """Charts may come as SVG as well as PNG: the figure is in the PDF with its alt text."""
    import base64

    import pikepdf
    from markupsafe import Markup

    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        b'<rect width="200" height="100" fill="#1f4e79"/></svg>'
    )
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    section = Markup(
        '<section class="section" id="sec-x"><h2>图表</h2><figure class="chart">'
        '<img src="{}" alt="{}" width="200" height="100"><figcaption>'
        '<span class="source-note">资料来源</span></figcaption></figure></section>'
    ).format(uri, "柱状图：增速11.7%")
    nb = notebook()
    nb.cells[1].outputs.insert(
        2, v4.new_output("display_data", data={"text/html": section, MIMETYPE: to_typst(section)})
    )
    pdf, _ = BriefingPDFExporter().from_notebook_node(nb)
    (tmp_path / "b.pdf").write_bytes(pdf)
    with pikepdf.open(tmp_path / "b.pdf") as document:
        alts = []

        def walk(node):
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                if node.S == "/Figure":
                    alts.append(str(node.Alt))
                if "/K" in node:
                    walk(node.K)

        walk(document.Root.StructTreeRoot.K)
    assert alts == ["柱状图：增速11.7%"]
