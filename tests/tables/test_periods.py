import pytest

from report_utils.tables.periods import Period, is_month, previous_year


def test_kinds_of_period():
    assert Period("2021-01", "2021-09").kind == "ytd"
    assert Period("2021-07", "2021-07").kind == "month"
    assert Period("2021-04", "2021-06").kind == "span"
    assert Period("2020-12", "2021-02").kind == "span"


def test_year_earlier_and_order():
    p = Period("2021-01", "2021-09")
    assert p.year_earlier() == Period("2020-01", "2020-09")
    assert Period("2021-01", "2021-06") < p
    assert previous_year("2021-03") == "2020-03"


@pytest.mark.parametrize("bad", ["2021-13", "2021-00", "21-01", "2021-1", "", "2021/01"])
def test_bad_months_are_rejected(bad):
    assert not is_month(bad)
    with pytest.raises(ValueError):
        Period(bad, "2021-09")


def test_start_after_end_is_rejected():
    with pytest.raises(ValueError, match="starts after it ends"):
        Period("2021-10", "2021-09")


def test_parse_round_trip():
    assert Period.parse("2021-01..2021-11") == Period("2021-01", "2021-11")
    assert str(Period("2021-01", "2021-11")) == "2021-01..2021-11"
