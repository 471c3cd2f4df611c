"""A slot without a figure as of the month: false where a sentence asks ``{% if slot %}``, and an
error naming the slot (and how to guard it) where a sentence shows its number."""

from __future__ import annotations

import jinja2
import pytest
from conftest import kind_context

from report_utils.briefing.slot_values import Missing, present, template_values
from report_utils.errors import ParameterError


def test_a_missing_figure_is_false_and_a_present_one_is_itself():
    share = kind_context("2021-11", id="x", kind="figures").view.latest("ind_va_gdp_share")
    values = template_values({"share": share, "started": None})
    assert values["share"] is share and present(values["share"]) is share
    assert isinstance(values["started"], Missing) and not values["started"]


def test_a_sentence_guarding_the_slot_renders_and_one_showing_it_names_the_slot():
    values = template_values({"started": None})
    env = jinja2.Environment(autoescape=True)
    guarded = "开工{% if started %}{{ started }}个{% endif %}。"
    assert env.from_string(guarded).render(values) == "开工。"
    with pytest.raises(ParameterError) as shown:
        env.from_string("开工{{ started }}个。").render(values)
    assert "slot 'started'" in str(shown.value)
    assert "{% if started %} ... {% endif %}" in str(shown.value)


def test_present_refuses_what_a_sentence_cannot_show():
    with pytest.raises(ParameterError, match="slot 'rank'"):
        present(Missing("rank"))
    with pytest.raises(ParameterError, match="no value as of the month"):
        present(None)
