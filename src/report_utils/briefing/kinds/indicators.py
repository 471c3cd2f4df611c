"""``indicators``: the main-indicators table (主要指标), as a statistical release has it.

One row per indicator of the spec's ``indicators`` list that has a figure as of the month (its
latest, by the as-of rule), with the columns a release's table has:

- the indicator and its own period (2021年1—9月);
- its level, where the data has one: a count or amount (2578个), a rank (居全国第12位);
- its growth rate or share, as a number of per cent (the column says %);
- its change against the base the metadata names, and its gap to what it is measured against:
  the data's change and gap indicators of it (``of`` in meta/indicators.csv) for the same period
  (比上年同期提高0.8个百分点, 比2021年上半年前移2位, 高于全国0.7个百分点).

Decimals: each indicator's ``decimals`` in meta/indicators.csv is its policy. A figure is never
padded or rounded to it: a figure the source writes with fewer digits (13% where the table has
one decimal) is shown as written and marked, and the text above the table says what the mark
means. Every number is rendered through the phrasebook, so each cell is linked to its row.

Spec keys: ``indicators`` (the rows, in order). Messages: ``title``, ``text`` (given ``marked``:
whether any figure is marked), ``columns``, ``integer_mark``, ``sep``.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from report_utils.briefing.figures import Figure
from report_utils.briefing.kinds.registry import Context, Section, Table, register

KEYS = ("title", "text", "columns", "integer_mark", "sep")
LEVEL_KINDS = ("count", "amount", "capacity", "rank")
RATE_KINDS = ("growth", "share")
QUALIFYING = ("change", "gap")


def _variables(spec) -> dict[str, set[str]]:
    return {"text": {"marked"}}


def policy(ctx: Context, indicator: str) -> int | None:
    """The decimals the metadata gives an indicator (None where it gives none)."""
    table = ctx.view.dataset.indicators
    if indicator not in table.index or "decimals" not in table:
        return None
    given = str(table.at[indicator, "decimals"])
    return int(given) if given.isdigit() else None


def less_precise(ctx: Context, f: Figure) -> bool:
    """Whether the source writes the figure with fewer decimals than its indicator's policy
    (13% in a table of one decimal): shown as written, and marked."""
    wanted = policy(ctx, f.indicator)
    return wanted is not None and f.decimals < wanted


def qualifying(ctx: Context, f: Figure) -> list[Figure]:
    """The data's change and gap figures of ``f``'s indicator for the same period and region."""
    table = ctx.view.dataset.indicators
    ids = table.index[(table["of"] == f.indicator) & table["kind"].isin(QUALIFYING)]
    found = (ctx.view.at(str(i), f.period, f.region) for i in ids)
    return [g for g in found if g is not None]


@register("indicators", options={"indicators"}, keys=KEYS, variables=_variables)
def build(ctx: Context) -> Section | None:
    view, book, meaning = ctx.view, ctx.book, ctx.meaning
    found = [f for f in (view.latest(i) for i in ctx.spec.indicators or []) if f is not None]
    if not found:
        return None
    mark = ctx.text("integer_mark")
    rows: list[list[Markup | str]] = []
    with book.recording() as used:
        marked = False
        for f in found:
            kind = meaning.kind(f.indicator)
            level: Markup | str = ""
            rate: Markup | str = ""
            if kind == "rank":
                level = book.phrase("rank", f)
            elif kind in RATE_KINDS:
                rate = book.amt(f, unit=False)
            else:
                level = book.amt(f)
            if less_precise(ctx, f):
                marked = True
                rate = Markup("{}{}").format(rate, mark) if rate else rate
                level = Markup("{}{}").format(level, mark) if level else level
            others = [book.phrase(meaning.kind(g.indicator), g) for g in qualifying(ctx, f)]
            rows.append(
                [
                    escape(ctx.names.indicator(f.indicator)),
                    book.period(f),
                    level,
                    rate,
                    escape(ctx.message("sep")).join(others),
                ]
            )
    text = ctx.paragraph("text", marked=marked)
    table = Table(list(ctx.message("columns")), rows, "indicators")
    # The table's figures are shown as a chart's are: the briefing lists them in the appendix.
    section = Section(ctx.spec.id, ctx.text("title"), [text], None, table, list(used))
    section.sources = {f.source for f in section.figures}
    return section
