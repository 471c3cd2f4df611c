"""``kinds.figures`` (named ``_kind``: tests/briefing/test_figures.py tests briefing/figures.py):
slots stated in one paragraph, some drawn as bars, and a line chart added when an indicator the
text shows has three periods or more, unless the spec says ``series: false``."""

from __future__ import annotations

from pathlib import Path

from conftest import append_rows, replace_once, synthetic_figure

from report_utils.briefing.kinds import figures
from report_utils.briefing.report import Briefing


def test_the_text_states_every_slot_and_the_chart_draws_the_chosen_ones():
    brief = Briefing(period="2021-11")
    section = brief.build_section("growth")
    assert section is not None and section.chart is not None
    drawn = [(f.indicator, f.region) for f in section.chart_figures]
    assert drawn == [
        ("ind_va_growth", "贵州省"),
        ("ind_va_growth_2yr", "贵州省"),
        ("ind_va_growth_2yr", "全国"),
    ]
    stated = {f.indicator for f in section.paragraphs[0].figures}
    assert "ind_tax_growth" in stated  # stated in the text, not drawn: another measure
    assert "ind_tax_growth" not in {f.indicator for f in section.chart_figures}
    assert section.series is None  # no indicator has three periods yet
    assert section.sources == {f.source for f in section.figures}


def test_a_section_none_of_whose_figures_is_known_yet_is_left_out():
    assert Briefing(period="2021-09").build_section("projects") is None


def three_periods_of_growth(data: Path) -> None:
    append_rows(
        data / "figures" / "guizhou-industry-2021.csv",
        *(
            synthetic_figure(data, f"ind_va_growth,贵州省,2021-01,{end},{value},%,,reported,")
            for end, value in (("2021-03", "12.9"), ("2021-06", "12.6"))
        ),
    )


def test_three_periods_add_a_line_chart_unless_the_spec_says_no(data_copy: Path):
    three_periods_of_growth(data_copy)
    section = Briefing(data_dir=data_copy, period="2021-11").build_section("growth")
    assert section is not None and section.series is not None
    lines = [f for f in section.chart_figures if f.indicator == "ind_va_growth"]
    # the bar of the latest figure, then the line through its three periods, oldest first
    assert [f.period.end for f in lines] == ["2021-09", "2021-03", "2021-06", "2021-09"]
    replace_once(
        data_copy / "briefing.yml", "  - id: growth\n", "  - id: growth\n    series: false\n"
    )
    without = Briefing(data_dir=data_copy, period="2021-11").build_section("growth")
    assert without is not None and without.series is None


def test_a_chart_adds_its_messages_to_the_keys_a_section_needs():
    growth = next(s for s in Briefing().spec.sections if s.id == "growth")
    assert set(figures._keys(growth)) == {"title", "text", "chart_title", "axis"}
    plain = growth.model_copy(update={"chart": None})
    assert figures._keys(plain) == ("title", "text")
    assert figures._variables(growth)["text"] == set(growth.slots())
