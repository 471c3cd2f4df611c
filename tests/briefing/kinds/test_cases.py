"""``kinds.cases``: a table of the figures about named subjects, of the kinds the spec asks for,
known as of the month."""

from __future__ import annotations

from conftest import kind_context
from markupsafe import Markup

from report_utils.briefing.kinds import cases


def subjects(section) -> list[str]:
    return [Markup(row[0]).striptags() for row in section.table.rows]


def test_only_the_subjects_asked_for_are_listed_with_their_figures():
    ctx = kind_context("2021-12", id="company_cases", kind="cases", subjects=["company"])
    section = cases.build(ctx)
    assert section is not None and section.table is not None
    companies = ctx.view.cases("company")
    assert len(section.table.rows) == len(companies) > 1
    assert set(subjects(section)) == set(companies["subject"])
    first = section.table.rows[0]
    assert Markup(first[2]).striptags() == "3%"  # the value with its unit, as the source says
    assert "良品率" in first[1]
    assert section.table.kind == "cases" and len(section.table.columns) == 3


def test_every_kind_of_subject_by_default():
    section = cases.build(kind_context("2021-12", id="all_cases", kind="cases"))
    assert section is not None and section.table is not None
    assert len(section.table.rows) == len(
        kind_context("2021-12", id="x", kind="cases").view.cases()
    )
    assert section.table.columns == ["对象", "指标", "数值"]  # the kind's own headers


def test_no_subject_of_that_kind_yet_leaves_the_section_out():
    ctx = kind_context("2021-09", id="company_cases", kind="cases", subjects=["company"])
    assert ctx.view.cases("event").shape[0] > 0  # there are cases, only not of companies
    assert cases.build(ctx) is None
