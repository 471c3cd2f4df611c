"""The appendix of a briefing: what each figure is, its value, whether it was reported or
worked out (and from what), and the rows of the data it is quoted from. ``report`` gathers the
figures a briefing shows; this module says each one's row; ``html`` lays the rows out."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from report_utils.briefing import html
from report_utils.briefing.figures import Figure
from report_utils.briefing.meaning import Meaning
from report_utils.briefing.names import Names
from report_utils.briefing.phrasing import Phrasebook
from report_utils.tables.formula import REF_RE
from report_utils.tables.periods import Period


def describe(f: Figure, p: Phrasebook, names: Names, meaning: Meaning) -> str:
    """What a figure is, for the appendix: indicator (region, period), or subject: measure."""
    if f.table in ("figures", "computed"):
        # a rate is named as a rate (规模以上工业增加值增速), not as the level it grows
        return p.text(
            "briefing.appendix_change" if f.table == "computed" else "briefing.appendix_what",
            name=meaning.subject(f.indicator).striptags()
            if f.table == "figures"
            else names.indicator(f.indicator),
            region=names.region(f.region),
            when=p.period_text(f),
        )
    # A project's capacity or a case's figure: the source gives it no period of its own.
    if f.table == "projects":
        return p.text(
            "briefing.appendix_case",
            subject=names.localized(names.project(f.indicator), "name"),
            measure=p.text("briefing.capacity"),
        )
    row = names.case(f.indicator)
    return p.text(
        "briefing.appendix_case",
        subject=names.subject(row),
        measure=names.localized(row, "measure"),
    )


def row(
    number: int,
    f: Figure,
    what: str,
    p: Phrasebook,
    readable_formula: Callable[[str], str],
    relative_path: Callable[[str], str],
) -> Markup:
    """The appendix row of figure number ``number``: what it is, its value, reported or how it
    was worked out, and the rows it is quoted from."""
    status = (
        p.text("briefing.derived_formula", formula=readable_formula(f.formula))
        if f.derived
        else p.text("briefing.reported")
    )
    value = html.appendix_value(p.amount(f), f.number())
    # A figure worked out here cites the rows it is worked out from.
    cited = f.inputs or (f,)
    quotes = Markup("<br>").join(
        html.appendix_quote(
            p.text("briefing.appendix_quote", quote=html.display_quote(c.quote)),
            f"{relative_path(c.file)}:{c.line}",
        )
        for c in cited
    )
    return html.appendix_row(number, what, value, status, quotes)


def readable(formula: str, p: Phrasebook, names: Names) -> str:
    """A formula with each reference spelled as name (region, period)."""

    def spell(match: re.Match[str]) -> str:
        return p.text(
            "briefing.formula_ref",
            name=names.indicator(match.group(1)),
            region=names.region(match.group(2).strip()),
            when=p.period_text(Period.parse(match.group(3))),
        )

    return REF_RE.sub(spell, formula).replace(" - ", " − ")


def relative(file: str, data_dir: Path) -> str:
    """A data file's path as the appendix cites it: relative to the data folder."""
    path = Path(file).resolve()
    try:
        return str(path.relative_to(data_dir.resolve()))
    except ValueError:
        return path.name
