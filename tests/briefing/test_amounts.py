"""A figure's displayed amount (``briefing.amounts``): qualifier, unit, the number at the
table's precision, the derived mark, in each language; shown here through ``Phrasebook.amt``, which
sentences, cards and tables use."""

from __future__ import annotations

import re

import pytest
from test_phrasing import book, case, en, fig, pp, text

from report_utils.errors import ParameterError

__all__ = ["book", "en"]  # fixtures of test_phrasing, used here by name


def test_derived_figures_are_marked(book):
    assert text(book.amt(fig(6.4, status="derived"))) == "6.4%（推算）"
    assert text(book.amt(fig(6.4))) == "6.4%"
    assert text(book.phrase("rank", fig(14, "位", 0, status="derived"), among="全国")) == (
        "居全国第14位（推算）"
    )


def test_qualifiers_sit_where_chinese_puts_them(book):
    assert text(book.amt(fig(160, "亿元", 0, "约"))) == "约160亿元"
    assert text(book.amt(fig(80, "%", 0, "左右"))) == "80%左右"
    assert text(book.amt(fig(1000, "吨", 0, "以上"))) == "1000吨以上"
    assert text(book.amt(fig(1000, "万元", 0, "超过"))) == "超过1000万元"
    assert text(book.amt(fig(200, "家", 0, "近"))) == "近200家"


def test_reported_precision_is_kept(book):
    assert text(book.amt(fig(12.0, decimals=0))) == "12%"
    assert text(book.amt(fig(41.18, decimals=2))) == "41.18%"
    assert text(book.amt(fig(2578, "个", 0))) == "2578个"  # no grouping in Chinese


def test_singular_units_only_for_one(en):
    assert text(en.amt(pp(1.0))) == "1.0 percentage points"  # 1.0 is not "one"
    assert text(en.amt(fig(1, "个百分点", 0, indicator="pp"))) == "1 percentage point"


def test_derived_figures_are_marked_en(en):
    assert text(en.amt(fig(6.4, status="derived"))) == "6.4% (derived)"
    assert text(en.amt(fig(6.4))) == "6.4%"
    assert text(en.phrase("growth", fig(-9.4, status="derived"))) == (
        "down 9.4% (derived) year on year"
    )
    html = en.amt(fig(6.4, status="derived"))
    # the mark's tooltip spells the formula, the link is styled as derived
    assert 'class="fig derived"' in html and 'title="Derived: a[' in html


@pytest.mark.parametrize(
    ("qualifier", "value", "unit", "expected"),
    [
        ("约", 160, "亿元", "about CNY 16 billion"),
        ("左右", 80, "%", "about 80%"),
        ("近", 200, "家", "nearly 200"),
        ("超过", 1000, "万元", "over CNY 10 million"),
        ("以上", 1000, "吨", "1,000 tonnes or more"),
    ],
)
def test_qualifiers_en(en, qualifier, value, unit, expected):
    assert text(en.amt(case(value, unit, qualifier=qualifier))) == expected


def test_wan_and_yi_units_read_as_a_release_in_english_states_them(en):
    """The convention of messages/en.yaml: the amount in the unit's own scale, the currency
    first, every digit kept (the decimal point moves, nothing is rounded)."""
    assert text(en.amt(case(909.72, "亿元", 2))) == "CNY 90.972 billion"
    assert text(en.amt(case(160, "亿元", 0, "约"))) == "about CNY 16 billion"
    assert text(en.amt(case(1000, "万元", 0, "超过"))) == "over CNY 10 million"
    assert text(en.amt(case(8.5, "亿元", 1))) == "CNY 850 million"
    assert text(en.amt(case(0.35, "万元", 2))) == "CNY 3,500"  # below a million: no word
    assert text(en.amt(case(10, "万吨/年"))) == "100,000 tonnes a year"
    assert text(en.amt(case(58000, "吨/年"))) == "58,000 tonnes a year"
    assert text(en.amt(case(1, "吨/年"))) == "1 tonne a year"
    assert text(en.amt(case(3.3, "倍", 1))) == "3.3-fold"
    assert text(en.amt(case(118, "个"))) == "118"  # counts are bare: the measure names them
    # the link carries the English number; the lineage keeps the table's figure
    html = en.amt(case(909.72, "亿元", 2))
    ref = int(re.search(r'data-ref="F(\d+)"', html).group(1))
    assert ">90.972</a>" in html and en.lineage.figures[ref - 1].value == 909.72


def test_numbers_are_grouped_but_never_changed_en(en):
    assert en.number(fig(2578, "个", 0)) == "2,578"
    assert en.number(fig(41.18, decimals=2)) == "41.18"
    assert en.number(fig(12.0, decimals=0)) == "12"
    assert en.number(fig(-1234.5)) == "-1,234.5"
    assert en.number(fig(-1234.5), abs=True) == "1,234.5"
    assert text(en.amt(fig(1000, indicator="case-y", table="cases"))) == "1,000.0%"


def test_unit_without_translation_is_an_error(en):
    with pytest.raises(ParameterError, match="unit '公顷' has no translation"):
        en.amt(case(5, "公顷"))
