"""``changes``: what changed since the last briefing of the region.

A briefing as of month P is compared with the previous month that has data for its region (or
the month given as the ``compare`` parameter). For each of the region's indicators whose latest
figure changed:

- a *move*, when the two figures are comparable (``meaning.comparable``: consecutive cumulative
  periods of one year, or the same period a year apart): the change in the words of what the
  indicator is (位次前移2位, 增速加快0.4个百分点, 比重提高0.8个百分点), its base (比2021年1—9月,
  比上年同期) and both figures; the change is the data's own change indicator where it has one,
  else worked out and marked as derived;
- else a *new* figure, stated by its kind (同比增长11.7%, 居全国第12位), grouped by period;

and the region's events in between. Messages (all with defaults in the package catalogue):
``title``, ``first``, ``none``, ``sep``, ``moved``, ``new``, ``new_group``, ``new_sep``,
``events``, ``event``.
"""

from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from report_utils.briefing.figures import AsOf, Figure
from report_utils.briefing.kinds.registry import Context, Section, register
from report_utils.briefing.meaning import Meaning, Move
from report_utils.briefing.phrasing import Paragraph, name
from report_utils.tables import asof

KEYS = ("title", "first", "none", "sep", "moved", "new", "new_group", "new_sep", "events", "event")


def _variables(spec) -> dict[str, set[str]]:
    since = {"since", "items"}
    return {
        "none": {"since"},
        "moved": since,
        "new": since,
        "events": since,
        "new_group": {"when", "items"},
        "event": {"when", "title"},
    }


def found_changes(
    view: AsOf, meaning: Meaning, compare: str | None = None
) -> tuple[str | None, list[Move], list[Figure]]:
    """The month compared with (``compare``, else the previous month with data for the
    region), the moves and the new figures of the region."""
    since = compare or asof.previous_month(view.dataset, view.month, view.home)
    if since is None:
        return None, [], []
    then = AsOf(view.dataset, since, view.home)
    moves, new = [], []
    for indicator in view.indicators():
        now_f, then_f = view.latest(indicator), then.latest(indicator)
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
    return since, moves, [f for f in new if f not in stated]


@register("changes", keys=KEYS, variables=_variables)
def build(ctx: Context) -> Section:
    view, book, meaning = ctx.view, ctx.book, ctx.meaning
    title = ctx.text("title")
    since, moves, new = found_changes(view, meaning, ctx.compare)
    if since is None:
        return Section(ctx.spec.id, title, [ctx.paragraph("first")])
    # Marked like a period label, as the month compared with.
    when = Markup('<span class="period since">{}</span>').format(book.month_text(since))
    paragraphs = []
    if moves:
        paragraphs.append(
            _paragraph(ctx, "moved", when, [lambda m=m: _move(ctx, m) for m in moves])
        )
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
        paragraphs.append(_paragraph(ctx, "new", when, groups))
    events = asof.after(view.events(), "events", since)
    if not events.empty:
        paragraphs.append(
            _paragraph(
                ctx,
                "events",
                when,
                [
                    lambda ev=ev: ctx.render(
                        "event",
                        when=Markup('<span class="period date">{}</span>').format(
                            book.date_text(ev["date_start"], ev["date_end"])
                        ),
                        title=name(ctx.names.localized(ev, "title")),
                    )
                    for _, ev in events.iterrows()
                ],
            )
        )
    if not paragraphs:
        paragraphs.append(ctx.paragraph("none", since=when))
    section = Section(ctx.spec.id, title, paragraphs)
    section.sources = {f.source for f in section.figures} | set(events["source"])
    return section


def _move(ctx: Context, move: Move) -> Markup:
    book, meaning = ctx.book, ctx.meaning
    indicator = move.new.indicator
    kind = meaning.kind(indicator)
    way = meaning.direction(move)  # a rank that moved up went down in number
    if move.worked_out:
        frame = meaning.frame(move.base, move.old, kind, way)
        change = book.phrase("change", move.change, of_kind=kind, direction=way, frame=frame)
    else:
        change = book.phrase("change", move.change)
    return book.render(
        "phrase.move",
        when=book.period(move.new),
        subject=meaning.subject(indicator),
        change=change,
        old=book.render("phrase.move_value", f=move.old, kind=kind),
        new=book.render("phrase.move_value", f=move.new, kind=kind),
        direction=way,
    )


def _paragraph(ctx: Context, key: str, since: Markup, items: list[Callable[[], Markup]]):
    """One paragraph of the section; its items are rendered inside, so their figures count."""
    book = ctx.book
    with book.recording() as used:
        joined = escape(ctx.message("sep")).join(item() for item in items)
        html = ctx.render(key, since=since, items=joined)
    return Paragraph(html, used)
