"""The as-of rule (``tables.asof``) on the shipped data: what a briefing as of a month can see,
and which month a briefing is as of by default."""

import pytest

from report_utils.briefing.figures import AsOf
from report_utils.paths import DATA_DIR
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
