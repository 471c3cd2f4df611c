"""``changes``: what changed, against a base each change names.

"Since the last briefing" is said only against a briefing that exists: the latest earlier month
in which the region's own figures were released (``last_briefing``), or the month given as the
``compare`` parameter; the section says which ("与上期简报（数据截至2021年9月）相比"). A briefing
with no earlier one (the first release of the data) states each change against its own base
(比上年同期, 比2021年上半年) under a title of its own, and lists no "new figures" (they all are:
the main-indicators table shows them).

For each of the region's indicators whose latest figure changed:

- a *move*, when the two figures are comparable (``meaning.comparable``: consecutive cumulative
  periods of one year, or the same period a year apart): the change in the words of what the
  indicator is (位次前移2位, 增速加快0.3个百分点, 比重提高0.8个百分点), its base (比2021年1—9月,
  比上年同期) and both figures; the change is the data's own change indicator where it has one,
  else worked out and marked as derived, when the precision of the two figures supports it
  (``briefing.precision``); else both figures are stated without a change, and the section's
  record (``Section.notes``) says why;
- else, after a briefing that exists, a *new* figure, stated by its kind, grouped by period;

moves grouped by period (a period label once per group), and the region's events since the
last briefing. Messages (all with defaults in the package catalogue): ``title``,
``title_first``, ``first``, ``none``, ``intro``, ``intro_first``, ``sep``, ``moved``,
``group``, ``new``, ``new_group``, ``new_sep``, ``unstated``, ``omitted_note``, ``events``,
``event``.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from report_utils.briefing.figures import AsOf, Figure
from report_utils.briefing.kinds.registry import Context, Section, register
from report_utils.briefing.meaning import Meaning, Move
from report_utils.briefing.phrasing import Paragraph, name
from report_utils.briefing.sandbox import lower_first
from report_utils.tables import asof

KEYS = (
    "title",
    "title_first",
    "first",
    "none",
    "intro",
    "intro_first",
    "sep",
    "moved",
    "group",
    "new",
    "new_group",
    "new_sep",
    "unstated",
    "omitted_note",
    "events",
    "event",
)


def _variables(spec) -> dict[str, set[str]]:
    return {
        "none": {"since"},
        "intro": {"since"},
        "moved": {"items"},
        "group": {"when", "items"},
        "new": {"items"},
        "events": {"items"},
        "new_group": {"when", "items"},
        "unstated": {"item", "old", "old_when"},
        "omitted_note": {"subject", "old", "old_when", "new", "new_when", "low", "high", "reason"},
        "event": {"when", "title"},
    }


def last_briefing(view: AsOf) -> str | None:
    """The month of the last briefing with figures of its own before ``view``'s: the latest
    earlier month in which a reported figure of the region was released. None when the
    briefing's figures are the data's first release for the region."""
    figures = asof.of_region(view.dataset.figures, view.home)
    reported = figures[figures["status"] == "reported"]
    earlier = sorted(m for m in set(asof.month_of(reported, "figures")) if m < view.month)
    return earlier[-1] if earlier else None


def found_changes(
    view: AsOf, meaning: Meaning, compare: str | None = None
) -> tuple[str | None, list[Move], list[Figure]]:
    """The month of the briefing compared with (``compare``, else ``last_briefing``; None when
    there is none), the moves and, after a briefing that exists, the new figures of the
    region."""
    since = compare or last_briefing(view)
    then = (
        AsOf(view.dataset, since, view.home, rule=view.rule, max_age=view.max_age)
        if since is not None
        else None
    )
    moves, new = [], []
    for indicator in view.indicators():
        now_f = view.latest(indicator)
        then_f = then.latest(indicator) if then is not None else None
        if now_f is None or now_f == then_f:
            continue
        # against what the last briefing showed; else against the comparable figure known now
        # (1—6月's rank, worked back from September's release, or the same period a year ago)
        earlier = [
            then_f,
            view.before(indicator, now_f.period),
            view.at(indicator, now_f.period.year_earlier()),
        ]
        move = next(
            (m for old in earlier if old is not None and (m := meaning.move(old, now_f))), None
        )
        if move is not None:
            moves.append(move)
        else:
            new.append(now_f)
    stated = {m.change for m in moves}
    new = [f for f in new if f not in stated] if since is not None else []
    return since, moves, new


@register("changes", keys=KEYS, variables=_variables)
def build(ctx: Context) -> Section:
    view, book, meaning = ctx.view, ctx.book, ctx.meaning
    since, moves, new = found_changes(view, meaning, ctx.compare)
    if since is None and not moves:
        return Section(ctx.spec.id, ctx.text("title"), [ctx.paragraph("first")])
    paragraphs = []
    if since is None:
        title = ctx.text("title_first")
        paragraphs.append(ctx.paragraph("intro_first"))
    else:
        title = ctx.text("title")
        # Marked like a period label, as the month of the briefing compared with.
        when = Markup('<span class="period since">{}</span>').format(book.month_text(since))
        paragraphs.append(ctx.paragraph("intro", since=when))
    if moves:
        groups = []
        for period in dict.fromkeys(m.new.period for m in moves):
            same = [m for m in moves if m.new.period == period]
            groups.append(
                lambda period=period, same=same: ctx.render(
                    "group",
                    when=book.period(period),
                    items=escape(ctx.message("sep")).join(_move(ctx, m) for m in same),
                )
            )
        paragraphs.append(_paragraph(ctx, "moved", groups))
    if new:
        groups = []
        for period in dict.fromkeys(f.period for f in new):
            same = [f for f in new if f.period == period]
            groups.append(
                lambda period=period, same=same: ctx.render(
                    "new_group",
                    when=book.period(period),
                    items=escape(ctx.message("new_sep")).join(meaning.item(f) for f in same),
                )
            )
        paragraphs.append(_paragraph(ctx, "new", groups))
    events = asof.after(view.events(), "events", since) if since else view.events().iloc[0:0]
    if not events.empty:
        paragraphs.append(
            _paragraph(
                ctx,
                "events",
                [
                    lambda ev=ev: ctx.render(
                        "event",
                        when=Markup('<span class="period date">{}</span>').format(
                            book.date_text(ev["date_start"], ev["date_end"])
                        ),
                        # inside the sentence "Events since …: the …; CATL …"
                        title=name(lower_first(ctx.names.localized(ev, "title"))),
                    )
                    for _, ev in events.iterrows()
                ],
            )
        )
    if len(paragraphs) == 1 and since is not None:
        paragraphs = [ctx.paragraph("none", since=when)]
    section = Section(ctx.spec.id, title, paragraphs)
    section.notes = [_omitted_note(ctx, m) for m in moves if m.change is None]
    section.sources = {f.source for f in section.figures} | set(events["source"])
    return section


def _move(ctx: Context, move: Move) -> Markup:
    book, meaning = ctx.book, ctx.meaning
    indicator = move.new.indicator
    kind = meaning.kind(indicator)
    if move.change is None:  # the figures' precision does not support a change: both stated
        return ctx.render(
            "unstated",
            item=meaning.item(move.new),
            old=book.render("phrase.move_value", f=move.old, kind=kind),
            old_when=book.period(move.old),
        )
    way = meaning.direction(move)  # a rank that moved up went down in number
    if move.worked_out:
        frame = meaning.frame(move.base, move.old, kind, way, move.new.period.year - 1)
        change = book.phrase("change", move.change, of_kind=kind, direction=way, frame=frame)
    else:
        change = book.phrase("change", move.change)
    return book.render(
        "phrase.move",
        when=book.period(move.new),
        old_when=book.period(move.old),
        subject=meaning.subject(indicator).striptags(),
        change=change,
        old=book.render("phrase.move_value", f=move.old, kind=kind),
        new=book.render("phrase.move_value", f=move.new, kind=kind),
        direction=way,
        kind=kind,
    )


def _omitted_note(ctx: Context, move: Move) -> str:
    """For the record: a change worked out from two figures whose precision does not support
    it, and why it is not stated."""
    book, verdict = ctx.book, move.omitted
    assert verdict is not None
    return ctx.text(
        "omitted_note",
        subject=ctx.meaning.subject(move.new.indicator),
        old=book.plain_amount(move.old),
        old_when=book.period_text(move.old),
        new=book.plain_amount(move.new),
        new_when=book.period_text(move.new),
        low=_signed(verdict.low),
        high=_signed(verdict.high),
        reason=verdict.reason,
    )


def _signed(value) -> str:
    """A bound of an interval, with a true minus sign (U+2212) when negative."""
    text = format(value.normalize(), "f")
    return text.replace("-", "\u2212")


def _paragraph(ctx: Context, key: str, items: list[Callable[[], Markup]]):
    """One paragraph of the section; its items are rendered inside, so their figures count."""
    book = ctx.book
    with book.recording() as used:
        joined = escape(ctx.message("sep")).join(item() for item in items)
        html = ctx.render(key, items=joined)
    return Paragraph(html, used)
