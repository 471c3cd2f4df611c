"""Rules between the fact tables and the metadata, on small SYNTHETIC frames: a value fits its
indicator's kind and unit, a derived value is its formula's result, the month a figure became
known, a case's event exists, an empty region is the home region while there is one."""

from __future__ import annotations

import pandas as pd

from report_utils.tables.fact_rules import (
    event_rules,
    figure_rules,
    home_by_default,
    known_months,
)
from report_utils.tables.reading import FILE, LINE

SHOWN = "data/figures/synthetic.csv"

INDICATORS = pd.DataFrame(
    {
        "kind": ["growth", "rank", "growth"],
        "unit": ["%", "位", "%"],
        "decimals": [1, 0, 1],
    },
    index=["va_growth", "va_rank", "gap"],
)


def figure(indicator: str, value: float, **cells) -> dict:
    row = {
        "indicator": indicator,
        "region": "贵州省",
        "period_start": "2021-01",
        "period_end": "2021-09",
        "value": value,
        "unit": INDICATORS.at[indicator, "unit"],
        "status": "reported",
        "formula": "",
        "decimals": int(INDICATORS.at[indicator, "decimals"]),
    }
    return row | cells


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame([row | {FILE: SHOWN, LINE: line} for line, row in enumerate(rows, start=2)])


def shown(problems) -> list[str]:
    return [str(p) for p in problems]


def test_figures_that_fit_their_metadata_have_no_problems() -> None:
    formula = "va_growth[贵州省,2021-01..2021-09] - gap[贵州省,2021-01..2021-09]"
    figures = frame(
        figure("va_growth", 11.7),
        figure("gap", 0.7),
        figure("va_growth", 11.0, region="全国", status="derived", formula=formula),
    )
    assert figure_rules(figures, INDICATORS) == []


def test_a_value_outside_its_kind_and_a_foreign_unit_are_named_at_their_line() -> None:
    figures = frame(figure("va_rank", 0), figure("va_growth", 5.0, unit="万元"))
    assert shown(figure_rules(figures, INDICATORS)) == [
        f"{SHOWN}:2: value: a rank is a whole number from 1: '0'",
        f"{SHOWN}:3: unit: '万元' differs from the indicator's unit '%' in meta/indicators.csv",
    ]


def test_a_derived_value_must_be_what_its_formula_gives() -> None:
    formula = "va_growth[贵州省,2021-01..2021-09] - gap[贵州省,2021-01..2021-09]"
    figures = frame(
        figure("va_growth", 11.7),
        figure("gap", 0.7),
        figure("va_growth", 10.0, region="全国", status="derived", formula=formula),
    )
    [problem] = figure_rules(figures, INDICATORS)
    assert (problem.line, problem.column) == (4, "value")
    assert "derived value 10 differs from its formula's result 11" in problem.message


def test_formulas_only_on_derived_figures_and_never_of_themselves() -> None:
    itself = "va_growth[贵州省,2021-01..2021-09] + 0"
    figures = frame(
        figure("gap", 0.7, formula="gap[贵州省,2021-01..2021-06]"),
        figure("va_rank", 12, status="derived"),
        figure("va_growth", 11.7, status="derived", formula=itself),
    )
    assert [(p.line, p.column, p.message) for p in figure_rules(figures, INDICATORS)] == [
        (2, "formula", "a reported figure has no formula"),
        (3, "formula", "a derived figure needs its formula"),
        (4, "formula", "refers to itself"),
    ]


def test_a_derived_figure_is_known_when_the_latest_of_its_inputs_is() -> None:
    later = "va_growth[贵州省,2021-01..2021-11] - gap[贵州省,2021-01..2021-09]"
    of_derived = "va_growth[全国,2021-01..2021-06] + 0"
    figures = frame(
        figure("va_growth", 11.7, period_end="2021-11"),
        figure("gap", 0.7),
        figure("va_growth", 11.0, region="全国", period_end="2021-06", formula=later),
        figure("gap", 11.0, region="全国", period_end="2021-03", formula=of_derived),
    )
    # the third is known in November (its input's month), the fourth through the third
    assert known_months(figures) == ["2021-11", "2021-09", "2021-11", "2021-11"]


def test_a_case_of_an_unknown_event_is_refused() -> None:
    events = pd.DataFrame({"id": ["ev-1"]})
    cases = pd.DataFrame(
        {
            "subject_kind": ["event", "event", "company"],
            "subject": ["ev-1", "ev-2", "ev-2"],
            FILE: "data/cases/synthetic.csv",
            LINE: [2, 3, 4],
        }
    )
    assert shown(event_rules(cases, events)) == [
        "data/cases/synthetic.csv:3: subject: unknown event id 'ev-2' (see events/)"
    ]


def test_an_empty_region_is_the_home_region_only_while_there_is_one() -> None:
    one_home = pd.DataFrame({"id": ["贵州省", "全国"], "role": ["home", "comparison"]})
    figures = frame(figure("va_growth", 11.7, region=""), figure("gap", 0.7, region="全国"))
    assert home_by_default(figures, one_home) == []
    assert list(figures["region"]) == ["贵州省", "全国"]

    two_homes = pd.DataFrame({"id": ["贵州省", "遵义市"], "role": ["home", "home"]})
    figures = frame(figure("va_growth", 11.7, region=""), figure("gap", 0.7))
    assert shown(home_by_default(figures, two_homes)) == [
        f"{SHOWN}:2: region: required when the data has several home regions"
    ]
    assert list(figures["region"]) == ["", "贵州省"]
