"""nbconvert exporters of the briefing: HTML through the package's own template; Typst through
its Typst template, the way nbconvert's LaTeX exporter works (each block's output carries a
Typst representation, ``text/vnd.typst``, beside its HTML); PDF by compiling that Typst source
(A4, page numbers, fonts embedded, PDF/A-3a and PDF/UA-1, the notebook and its data attached).

Registered under the ``nbconvert.exporters`` entry point, so ``jupyter nbconvert --to
briefing_html``, ``--to briefing_typst`` and ``--to briefing_pdf`` work too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from markupsafe import Markup
from nbconvert.exporters import HTMLExporter, TemplateExporter
from traitlets import default

from report_utils.briefing import typst_markup
from report_utils.briefing.spec import source_language
from report_utils.errors import ReportError
from report_utils.export.attachments import attachments, files_date
from report_utils.export.printer import typeset
from report_utils.paths import DATA_DIR, NBCONVERT_TEMPLATES_DIR

TEMPLATE = "briefing"
TYPST_TEMPLATE = "briefing_typst"
ATTACHED_DIR = "attached"  # the embedded files, beside the Typst source
# Types of the embedded files, by suffix (PDF/A-3 asks for one; Python knows no notebook type).
MIME_TYPES = {".ipynb": "application/x-ipynb+json", ".csv": "text/csv"}


class BriefingHTMLExporter(HTMLExporter):
    """A self-contained HTML page with the briefing's outputs only (no code, no prompts)."""

    export_from_notebook = "Briefing HTML"

    @default("template_name")
    def _template_name_default(self) -> str:
        return TEMPLATE

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.html.j2"

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
        resources = _briefing_resources(nb, resources)
        return super().from_notebook_node(nb, resources=resources, **kw)


def _briefing_resources(nb, resources: dict[str, Any] | None) -> dict[str, Any]:
    """The language and the title of the briefing, for both templates: the language it was
    run in, by default the data's own (as ``Briefing`` does)."""
    resources = dict(resources or {})
    params = nb.metadata.get("papermill", {}).get("parameters", {})
    if "briefing_lang" not in resources:
        data_dir = Path(params.get("data_dir") or DATA_DIR)
        resources["briefing_lang"] = params.get("lang") or source_language(data_dir)
    resources.setdefault("briefing_title", _first_heading(nb))
    return resources


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


class BriefingTypstExporter(TemplateExporter):
    """The briefing as a Typst source: the Typst template with each block's ``text/vnd.typst``
    output; the chart images and the files to embed are ``resources["outputs"]`` (by the paths
    the source reads), which nbconvert writes beside the ``.typ`` file."""

    export_from_notebook = "Briefing Typst"
    output_mimetype = typst_markup.MIMETYPE

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".typ"

    @default("template_name")
    def _template_name_default(self) -> str:
        return TYPST_TEMPLATE

    @default("template_file")
    def _template_file_default(self) -> str:
        return "index.typ.j2"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(NBCONVERT_TEMPLATES_DIR)]

    def default_filters(self):
        yield from super().default_filters()
        yield ("typst_string", typst_markup.string)

    def from_notebook_node(self, nb, resources: dict[str, Any] | None = None, **kw):
        from report_utils.briefing import catalogues
        from report_utils.fonts import text_faces

        resources = _briefing_resources(nb, resources)
        roles = catalogues.package(resources["briefing_lang"]).get("fonts", ["cjk"])
        resources["briefing_fonts"] = [family for family, _ in text_faces(tuple(roles))]
        outputs = dict(resources.get("outputs") or {})
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if typst_markup.MIMETYPE in data and "text/html" in data:
                    outputs.update(typst_markup.images(data["text/html"]))
        resources["briefing_attached"] = []
        for a in attachments(nb):
            path = f"{ATTACHED_DIR}/{a.name}"
            outputs[path] = a.data
            resources["briefing_attached"].append(
                {
                    "name": a.name,
                    "path": path,
                    "relationship": a.relationship.lower(),
                    "mime": MIME_TYPES.get(a.name[a.name.rfind(".") :], "text/plain"),
                    "description": a.description,
                }
            )
        resources["outputs"] = outputs
        return super().from_notebook_node(nb, resources=resources, **kw)


class BriefingPDFExporter(BriefingTypstExporter):
    """The briefing's Typst source compiled to PDF by Typst (``printer.typeset``), with the
    notebook, its lineage and the data rows it used attached (``attachments``)."""

    export_from_notebook = "Briefing PDF"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb, resources: dict[str, Any] | None = None, **kw):
        shown = [
            output
            for cell in nb.cells
            for output in cell.get("outputs", [])
            if typst_markup.MIMETYPE in output.get("data", {})
        ]
        if not shown:
            raise ReportError(
                f"the notebook has no outputs with a Typst representation ({typst_markup.MIMETYPE}"
                "): run it again with this version of report_utils"
            )
        source, resources = super().from_notebook_node(nb, resources=resources, **kw)
        files = resources.pop("outputs")
        resources["outputs"] = {}  # all inside the PDF
        return typeset(source, files, files_date(nb)), resources
