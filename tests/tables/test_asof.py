"""The as-of rule (``tables.asof``): reference period or known by then, and how old a latest
figure may be."""

from __future__ import annotations

import pandas as pd

from report_utils.tables import asof


def figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_end": ["2021-12", "2021-11", "2021-12"],
            asof.KNOWN: ["2021-12", "2021-11", "2021-12"],
            asof.PUBLISHED: ["2022-03", "", "2021-10"],  # late, unknown, before its period ended
        }
    )


def test_reference_period_sees_a_figure_as_of_its_periods_end() -> None:
    assert len(asof.visible(figures(), "figures", "2021-12")) == 3


def test_known_by_then_waits_for_a_later_publication_only() -> None:
    seen = asof.visible(figures(), "figures", "2021-12", asof.KNOWN_BY_THEN)
    assert list(seen.index) == [1, 2]
    assert len(asof.visible(figures(), "figures", "2022-03", asof.KNOWN_BY_THEN)) == 3


def test_a_latest_figure_is_from_the_as_of_year_or_the_one_before() -> None:
    assert asof.fresh("2020-12", "2021-12") and not asof.fresh("2019-12", "2021-12")
    assert not asof.fresh("2018-09", "2021-12") and asof.fresh("2018-09", "2021-12", max_age=3)
    assert asof.fresh("2021-03", "2021-03", max_age=0)
