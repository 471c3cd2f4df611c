"""The headline cards' style where a notebook front end shows the blocks: JupyterLab, and
nbconvert's own templates (``jupyter nbconvert --to html``), which show a block's HTML without
the briefing's CSS (the cards were unstyled lines there).

The rules are the briefing's own: those of ``export``'s ``briefing.css`` whose selector is a
card's, with the colours of its ``:root`` set on the cards instead (so nothing else of the page
changes). They are shown as an output of their own, marked notebook-only in its metadata: the
briefing's templates leave it out (they have the whole CSS), so the briefing is unchanged.
"""

from __future__ import annotations

import re
from functools import cache

from report_utils.paths import NBCONVERT_TEMPLATES_DIR

CSS = NBCONVERT_TEMPLATES_DIR / "briefing" / "briefing.css"
# Output metadata the briefing's templates read to leave an output out.
METADATA = {"report_utils": {"notebook_only": True}}
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


@cache
def card_css() -> str:
    """The card rules of briefing.css (top level only), the ``:root`` colours on ``.cards``."""
    css = _COMMENT.sub("", CSS.read_text(encoding="utf-8"))
    top = css.split("@", 1)[0]  # the @media and @page blocks come after the plain rules
    rules = []
    for selector, body in _RULE.findall(top):
        selector = " ".join(selector.split())
        if selector == ":root":
            rules.append(f".cards {{ {' '.join(body.split())} }}")
        elif selector.startswith(".card"):
            rules.append(f"{selector} {{ {' '.join(body.split())} }}")
    return "\n".join(rules)


def show() -> None:
    """Display the card style in the running IPython kernel, if any (notebook-only)."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        return
    if get_ipython() is not None:
        display(HTML(f"<style>\n{card_css()}\n</style>"), metadata=METADATA)
