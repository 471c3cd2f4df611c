"""The registry of section kinds: a kind registered by name is what a section of that kind
builds with; a section's slots resolve to figures as of the month; a message is the section's
own where the analyst wrote one, else its kind's."""

from __future__ import annotations

import pytest
from conftest import kind_context
from markupsafe import Markup

from report_utils.briefing.kinds import registry
from report_utils.briefing.kinds.registry import KINDS, Section, build, register, resolve
from report_utils.briefing.phrasing import Paragraph
from report_utils.briefing.spec import Slot


def test_every_kind_of_the_shipped_spec_is_registered():
    assert {"cases", "changes", "counts", "events", "figures", "indicators"} <= set(KINDS)
    assert {"notes", "projects", "series"} <= set(KINDS)


def test_a_registered_kind_builds_the_sections_of_its_kind(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(registry, "KINDS", {})

    @register("greeting", options={"indicators"}, keys=("title", "hello"))
    def greet(ctx):
        return Section(ctx.spec.id, "hi", [])

    kind = registry.KINDS["greeting"]
    assert kind.options == frozenset({"indicators"})
    ctx = kind_context("2021-11", id="welcome", kind="greeting")
    assert kind.keys(ctx.spec) == ("title", "hello")
    assert kind.variables(ctx.spec) == {}
    built = build(ctx)
    assert built is not None and (built.id, built.title) == ("welcome", "hi")


def test_slots_resolve_to_the_latest_figure_and_the_others_of_its_period():
    view = kind_context("2021-11", id="x", kind="figures").view
    slots = {
        "share": Slot(indicator="ind_va_gdp_share", period="latest"),
        "before": Slot(indicator="ind_va_gdp_share", period="year_earlier"),
        "national": Slot(indicator="ind_va_growth_2yr", region="compared"),
        "missing": Slot(indicator="projects_introduced"),  # none for 1—9月
        "projects": Slot(indicator="projects_introduced", period="latest"),
        "started": Slot(indicator="projects_started", with_="projects"),
    }
    found = {
        name: f and (f.region, str(f.period), f.value) for name, f in resolve(slots, view).items()
    }
    assert found == {
        "share": ("贵州省", "2021-01..2021-09", 26.9),
        "before": ("贵州省", "2020-01..2020-09", 26.1),
        "national": ("全国", "2021-01..2021-09", 6.4),
        "missing": None,
        "projects": ("贵州省", "2021-01..2021-11", 2578.0),
        "started": ("贵州省", "2021-01..2021-11", 1062.0),
    }


def test_a_message_is_the_sections_own_else_its_kinds():
    own = kind_context("2021-12", id="company_cases", kind="cases")
    assert own.key("columns") == "sections.company_cases.columns"
    assert own.message("columns")[0] == "企业"
    other = kind_context("2021-12", id="all_cases", kind="cases")
    assert other.key("columns") == "kinds.cases.columns"
    assert other.message("columns")[0] == "对象"


def test_a_sections_figures_are_those_it_shows_once_each_in_order_of_use():
    view = kind_context("2021-11", id="x", kind="figures").view
    share = view.latest("ind_va_gdp_share")
    rank = view.latest("ind_va_growth_rank")
    tax = view.latest("ind_tax_growth")
    assert share and rank and tax
    section = Section(
        "x",
        "t",
        [Paragraph(Markup("a"), [share, rank]), Paragraph(Markup("b"), [rank])],
        chart_figures=[tax, share],
    )
    assert section.figures == [share, rank, tax]
