"""The as-of rule on the shipped data and on synthetic rows the tests add."""

import pytest
from conftest import append_rows, synthetic_figure

from report_utils.briefing.figures import AsOf
from report_utils.errors import ParameterError
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset
from report_utils.tables.periods import Period


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


def test_latest_figure_at_or_before_the_month(dataset):
    rows = dataset.figures[dataset.figures["indicator"] == "ten_ind_va_growth"]
    by_end = {r.period_end: r.value for r in rows.itertuples()}
    assert set(by_end) == {"2021-09", "2021-11"}
    assert AsOf(dataset, "2021-09").latest("ten_ind_va_growth").value == by_end["2021-09"]
    assert AsOf(dataset, "2021-10").latest("ten_ind_va_growth").value == by_end["2021-09"]
    f = AsOf(dataset, "2021-12").latest("ten_ind_va_growth")
    assert (f.value, f.period) == (by_end["2021-11"], Period("2021-01", "2021-11"))


def test_figures_not_yet_published_are_absent(dataset):
    assert AsOf(dataset, "2021-10").latest("projects_introduced") is None
    assert AsOf(dataset, "2021-11").latest("projects_introduced") is not None


def test_related_figures_need_the_same_period(dataset):
    a = AsOf(dataset, "2021-12")
    assert a.at("ind_va_growth_rank", Period("2021-01", "2021-09")).value == 12
    assert a.at("ind_va_growth_rank", Period("2021-01", "2021-11")) is None


def test_period_before_the_data_is_rejected(dataset):
    with pytest.raises(ParameterError, match=r"period 2019-01 has no data \(earliest: "):
        AsOf(dataset, "2019-01")
    with pytest.raises(ParameterError, match="YYYY-MM"):
        AsOf(dataset, "2021-9")


def test_ties_prefer_the_cumulative_period(data_copy):
    # SYNTHETIC: a one-month figure ending in the same month as the 1—11月 one.
    append_rows(
        data_copy / "figures" / "guizhou-industry-2021.csv",
        synthetic_figure(data_copy, "ten_ind_va_growth,贵州省,2021-11,2021-11,9.9,%,,reported,"),
    )
    dataset = load_dataset(data_copy)
    f = AsOf(dataset, "2021-12").latest("ten_ind_va_growth")
    assert f.period == Period("2021-01", "2021-11")
