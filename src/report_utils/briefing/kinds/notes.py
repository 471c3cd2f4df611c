"""``notes``: notes on the indicators (指标解释), written by the analyst in the data's catalogue.

The package writes none of these words: each note is an entry of the section's ``items`` in
``messages/<lang>.yml`` (a list of texts, "term: what it means"), shown as written, never as a
template (a note has no figures: its text is not rendered, so it cannot show a number that is
not traced). A note that is the analyst's own reading, not the source's, says so in its text.

Spec keys: none. Messages: ``title``, ``items``.
"""

from __future__ import annotations

from markupsafe import escape

from report_utils.briefing.kinds.registry import Context, Section, register
from report_utils.briefing.phrasing import Paragraph

KEYS = ("title", "items")


@register("notes", keys=KEYS)
def build(ctx: Context) -> Section | None:
    items = ctx.message("items") or []
    if not items:
        return None
    paragraphs = [Paragraph(escape(str(item))) for item in items]
    return Section(ctx.spec.id, ctx.text("title"), paragraphs)
