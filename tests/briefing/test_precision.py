"""The derived-change rule (``briefing.precision``): a change worked out from two published
figures is stated only when their precision supports its sign and its size."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report_utils.briefing.precision import judge, written


def test_an_integer_and_a_one_decimal_figure_do_not_support_a_change():
    """The issue's case: 十大工业产业增加值 11.6% (1—9月) then 12% (1—11月, an integer in the
    source): the change lies anywhere from −0.15 to +0.95, so neither "加快0.4个百分点" nor any
    sign is stated."""
    verdict = judge(written("11.6", "growth"), written("12", "growth"))
    assert not verdict.stated and verdict.reason == "sign"
    assert (verdict.low, verdict.high) == (Decimal("-0.15"), Decimal("0.95"))


def test_two_one_decimal_figures_support_a_one_decimal_change():
    verdict = judge(written("8.8", "growth"), written("9.1", "growth"))
    assert verdict.stated and verdict.change == Decimal("0.3") and verdict.decimals == 1


def test_two_one_decimal_figures_a_tenth_apart_do_not_support_a_sign():
    verdict = judge(written("8.8", "growth"), written("8.9", "growth"))
    assert not verdict.stated and verdict.reason == "sign"


def test_integers_far_apart_support_the_sign_but_not_more_than_their_digits():
    # 12% then 15%: somewhere between 2 and 4 points faster, written to no decimal: ±1 > 1 unit?
    verdict = judge(written("12", "share"), written("15", "share"))
    assert verdict.stated and verdict.change == 3 and verdict.decimals == 0
    close = judge(written("12", "share"), written("13", "share"))
    assert not close.stated and close.reason == "sign"


def test_an_integer_and_a_one_decimal_figure_far_apart_have_a_sign_but_no_size():
    verdict = judge(written("11.6", "growth"), written("14", "growth"))
    assert verdict.low > 0 and not verdict.stated and verdict.reason == "size"


def test_ranks_and_counts_are_exact():
    """A rank from 14 to 12 is two places up, whatever the digits: ranks are not rounded."""
    verdict = judge(written("14", "rank"), written("12", "rank"))
    assert verdict.stated and verdict.change == -2 and verdict.low == verdict.high
    assert judge(written("5", "count"), written("5", "count")).stated  # exactly unchanged


def test_equal_figures_written_alike_are_unchanged_as_published():
    assert judge(written("11.7", "growth"), written("11.7", "growth")).stated
    assert not judge(written("12", "growth"), written("12.0", "growth")).stated


def test_approximate_figures_support_no_change():
    verdict = judge(written("80", "share", "左右"), written("82", "share", "左右"))
    assert not verdict.stated and verdict.reason == "approximate"


digits = st.decimals(min_value=-50, max_value=50, places=1, allow_nan=False).map(str)
whole = st.integers(min_value=-50, max_value=50).map(str)


@given(old=st.one_of(digits, whole), new=st.one_of(digits, whole))
def test_no_stated_change_has_a_sign_its_inputs_do_not_support(old: str, new: str):
    """Whatever true values the published figures round from, a stated change has their sign
    (true values within half a unit of the last digit written, exclusive of the upper bound)."""
    verdict = judge(written(old, "growth"), written(new, "growth"))
    if not verdict.stated or not verdict.change:
        return
    half = [Decimal(5).scaleb(-max(0, -Decimal(x).as_tuple().exponent) - 1) for x in (old, new)]
    for e_old in (-half[0], half[0] - Decimal("1e-9")):
        for e_new in (-half[1], half[1] - Decimal("1e-9")):
            true = (Decimal(new) + e_new) - (Decimal(old) + e_old)
            assert (true > 0) == (verdict.change > 0) and (true < 0) == (verdict.change < 0)


@pytest.mark.parametrize(("old", "new"), [("11.6", "12"), ("12", "11.6"), ("7", "7.4")])
def test_mixed_precision_near_changes_are_never_stated(old: str, new: str):
    assert not judge(written(old, "growth"), written(new, "growth")).stated
