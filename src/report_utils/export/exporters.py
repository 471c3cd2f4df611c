"""nbconvert exporters of the briefing: HTML through the package's own template, and PDF by
printing that HTML with WeasyPrint (A4, page numbers, CJK font embedded as a CID font).

Registered under the ``nbconvert.exporters`` entry point, so ``jupyter nbconvert --to
briefing_html`` and ``--to briefing_pdf`` work too.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup
from nbconvert.exporters import HTMLExporter
from traitlets import default

from report_utils.export.attachments import attachments, files_date
from report_utils.export.printer import html_to_pdf
from report_utils.paths import NBCONVERT_TEMPLATES_DIR

TEMPLATE = "briefing"


class BriefingHTMLExporter(HTMLExporter):
    """A self-contained HTML page with the briefing's outputs only (no code, no prompts)."""

    export_from_notebook = "Briefing HTML"

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.html.j2"  # also for the PDF exporter, which prints this HTML

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(NBCONVERT_TEMPLATES_DIR)]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def from_notebook_node(self, nb, resources: dict[str, Any] | None = None, **kw):
        resources = dict(resources or {})
        params = nb.metadata.get("papermill", {}).get("parameters", {})
        resources.setdefault("briefing_lang", params.get("lang") or "zh")
        resources.setdefault("briefing_title", _first_heading(nb))
        return super().from_notebook_node(nb, resources=resources, **kw)


def _first_heading(nb) -> str:
    """The text of the first ``<h1>``, as a reader sees it (tags dropped, entities decoded): the
    template escapes it once for ``<title>``."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            match = re.search(r"<h1>(.*?)</h1>", html, re.S)
            if match:
                return Markup(match.group(1)).striptags()
    return ""


class BriefingPDFExporter(BriefingHTMLExporter):
    """The briefing HTML printed to PDF with WeasyPrint, the notebook, its lineage and the
    data rows it used attached (``attachments``)."""

    export_from_notebook = "Briefing PDF"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb, resources: dict[str, Any] | None = None, **kw):
        html, resources = super().from_notebook_node(nb, resources=resources, **kw)
        return html_to_pdf(html, attachments(nb), files_date(nb)), resources
