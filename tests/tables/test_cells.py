"""``cells.normalize_number``: spreadsheet spellings of a number made plain, anything else kept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report_utils.tables.cells import normalize_number

PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d+)?|\.\d+)$")
FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("11.7", "11.7", id="plain-decimal"),
        pytest.param("12", "12", id="plain-integer"),
        pytest.param("１１.７", "11.7", id="full-width-digits"),
        pytest.param("１１．７", "11.7", id="full-width-digits-and-point"),
        pytest.param("１１.７％", "11.7", id="full-width-digits-and-percent"),
        pytest.param("11.7%", "11.7", id="percent"),
        pytest.param("11.7 %", "11.7", id="percent-after-space"),
        pytest.param("2,578", "2578", id="thousands"),
        pytest.param("1,234,567.5", "1234567.5", id="thousands-twice-with-decimals"),
        pytest.param("２,５７８", "2578", id="thousands-full-width-digits"),
        pytest.param("２，５７８", "2578", id="thousands-full-width-comma"),
        pytest.param(" 11.7 ", "11.7", id="spaces-around"),
        pytest.param("\u300011.7\u3000", "11.7", id="ideographic-spaces-around"),
        pytest.param("\u00a011.7\u00a0", "11.7", id="no-break-spaces-around"),
        pytest.param("-9.4", "-9.4", id="negative"),
        pytest.param("−9.4", "-9.4", id="negative-unicode-minus"),
        pytest.param("－９.４", "-9.4", id="negative-full-width"),
        pytest.param("−2,578", "-2578", id="negative-unicode-minus-thousands"),
        pytest.param("-9.4%", "-9.4", id="negative-percent"),
        pytest.param("+3", "+3", id="explicit-plus"),
    ],
)
def test_number_spellings_are_made_plain(text: str, expected: str) -> None:
    assert normalize_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("十一", id="chinese-numeral"),
        pytest.param("1,2", id="comma-not-thousands"),
        pytest.param("12,34", id="comma-two-digit-group"),
        pytest.param("1,2345", id="comma-four-digit-group"),
        pytest.param("abc", id="letters"),
        pytest.param("", id="empty"),
        pytest.param("  ", id="only-spaces"),
        pytest.param("-", id="only-minus"),
        pytest.param("%", id="only-percent"),
        pytest.param("11.7%%", id="two-percent-signs"),
        pytest.param("1 234", id="space-inside"),
        pytest.param("11.7.1", id="two-points"),
        pytest.param(" 十一 ", id="non-number-keeps-its-spaces"),
    ],
)
def test_non_numbers_are_returned_unchanged(text: str) -> None:
    assert normalize_number(text) == text


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_thousands_separated_integers_lose_their_commas(n: int) -> None:
    assert normalize_number(f"{n:,}") == str(n)


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False))
def test_full_width_spelling_of_a_decimal_reads_as_the_ascii_spelling(value) -> None:
    ascii_text = str(value)
    assert normalize_number(ascii_text.translate(FULL_WIDTH)) == ascii_text


@given(st.text(max_size=12))
def test_result_is_the_input_or_a_plain_number_and_normalising_twice_changes_nothing(
    text: str,
) -> None:
    once = normalize_number(text)
    assert once == text or PLAIN_NUMBER.match(once)
    assert normalize_number(once) == once
