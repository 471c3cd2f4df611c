"""``kinds.events``: the region's events up to the month, oldest first, each dated as the source
dates it, with the figures the cases table gives about it."""

from __future__ import annotations

from conftest import kind_context
from markupsafe import Markup

from report_utils.briefing.kinds import events


def column(section, i: int) -> list[str]:
    return [Markup(row[i]).striptags() for row in section.table.rows]


def test_only_events_up_to_the_month_are_listed_oldest_first():
    september = events.build(kind_context("2021-09", id="events", kind="events"))
    december = events.build(kind_context("2021-12", id="events", kind="events"))
    assert september is not None and december is not None
    assert len(september.table.rows) < len(december.table.rows)
    assert column(december, 1)[: len(september.table.rows)] == column(september, 1)
    assert column(december, 0)[0] == "2021年3月2日"
    assert column(december, 0)[-1].startswith("2021年12月")
    # each listed event is named by its row of the events table, for the briefing's record
    assert len(set(december.rows)) == len(december.table.rows)
    assert {file for file, _ in december.rows} == {"data/events/guizhou-industry-2021.csv"}


def test_a_date_the_source_gives_in_words_is_shown_as_written():
    section = events.build(kind_context("2021-12", id="events", kind="events"))
    assert section is not None
    assert "2021年3月中下旬" in column(section, 0)  # not a day the source does not give


def test_an_event_carries_its_figures_from_the_cases_table():
    ctx = kind_context("2021-12", id="events", kind="events")
    section = events.build(ctx)
    assert section is not None
    about_events = ctx.view.cases("event")
    assert len(section.chart_figures) == len(about_events) > 0
    assert {f.source for f in section.chart_figures} <= section.sources
    assert (
        Markup(section.paragraphs[0].html).striptags()
        == "截至2021年12月，全省工业领域重要事件如下。"
    )
