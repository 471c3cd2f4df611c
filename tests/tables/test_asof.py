"""The as-of rule (``tables.asof``) on the shipped data: what a briefing as of a month can see,
and which month a briefing is as of by default; reference period or known by then, and how old a
latest figure may be."""

import pandas as pd
import pytest

from report_utils.briefing.figures import AsOf
from report_utils.paths import DATA_DIR
from report_utils.tables import asof
from report_utils.tables.load import load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


def test_default_is_the_latest_month(dataset):
    assert (
        AsOf(dataset).month
        == dataset.latest_month()
        == max(dataset.figures["period_end"].max(), dataset.events["date_end"].max()[:7])
    )


def test_events_up_to_the_end_of_the_month(dataset):
    ids = list(AsOf(dataset, "2021-07").events()["id"])
    assert all(d <= "2021-07-31" for d in dataset.events.set_index("id").loc[ids, "date_end"])
    later = dataset.events[dataset.events["date_end"] > "2021-07-31"]
    assert not set(later["id"]) & set(ids)
    assert len(ids) == (dataset.events["date_end"] <= "2021-07-31").sum()


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
