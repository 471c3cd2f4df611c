"""Number phrasing in the style of Chinese statistical releases, on synthetic figures."""

import pytest
from markupsafe import Markup

from report_utils.indicators import Figure, Lineage
from report_utils.periods import Period
from report_utils.phrasing import Phrasebook, catalogue, languages

P = Period("2021-01", "2021-09")


def fig(value, unit="%", decimals=1, qualifier="", status="reported", quote="q", period=P):
    return Figure(
        "figures",
        "x",
        "贵州省",
        period,
        value,
        decimals,
        unit,
        qualifier,
        status,
        "a[贵州省,2021-01..2021-09] - b[贵州省,2021-01..2021-09]" if status == "derived" else "",
        "src",
        quote,
        "figures/x.csv",
        2,
    )


@pytest.fixture
def book():
    return Phrasebook("zh", Lineage(), {"src": "某报《某文》"})


def text(html: Markup) -> str:
    return Markup(html).striptags()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(11.7, "同比增长11.7%"), (-9.4, "同比下降9.4%"), (0.0, "与上年同期持平")],
)
def test_growth(book, value, expected):
    assert text(book.phrase("growth", fig(value))) == expected


def test_negative_growth_never_reads_as_growth(book):
    rendered = text(book.phrase("growth", fig(-9.4)))
    assert "增长" not in rendered and "-" not in rendered


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("change", 0.8, "提高0.8个百分点"),
        ("change", -0.3, "降低0.3个百分点"),
        ("rank_move", 2, "前移2位"),
        ("rank_move", -1, "后移1位"),
        ("rank", 12, "居全国第12位"),
    ],
)
def test_changes_and_ranks(book, name, value, expected):
    unit = {"change": "个百分点", "rank_move": "位", "rank": "位"}[name]
    assert text(book.phrase(name, fig(value, unit=unit, decimals=0 if "rank" in name else 1))) == (
        expected
    )


def test_gap_above_and_below(book):
    assert text(book.phrase("gap", fig(0.7, "个百分点"), against="全国")) == "高于全国0.7个百分点"
    assert text(book.phrase("gap", fig(-1.5, "个百分点"), against="全国")) == "低于全国1.5个百分点"


def test_derived_figures_are_marked(book):
    assert text(book.amt(fig(6.4, status="derived"))) == "6.4%（推算）"
    assert text(book.amt(fig(6.4))) == "6.4%"


def test_qualifiers_sit_where_chinese_puts_them(book):
    assert text(book.amt(fig(160, "亿元", 0, "约"))) == "约160亿元"
    assert text(book.amt(fig(80, "%", 0, "左右"))) == "80%左右"
    assert text(book.amt(fig(1000, "吨", 0, "以上"))) == "1000吨以上"


def test_reported_precision_is_kept(book):
    assert text(book.amt(fig(12.0, decimals=0))) == "12%"
    assert text(book.amt(fig(41.18, decimals=2))) == "41.18%"


def test_every_number_is_linked_to_lineage(book):
    a, b = fig(11.7), fig(6.4, status="derived")
    html = book.amt(a) + book.amt(b) + book.amt(a)
    assert book.lineage.figures == [a, b]
    assert 'href="#ref-F1"' in html and 'href="#ref-F2"' in html


def test_text_from_data_is_escaped(book):
    html = book.amt(fig(1.0, quote='<script>alert("x")</script>'))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period("2021-01", "2021-09"), "2021年1—9月"),
        (Period("2021-01", "2021-11"), "2021年1—11月"),
        (Period("2021-01", "2021-12"), "2021年"),
        (Period("2021-01", "2021-06"), "2021年上半年"),
        (Period("2021-07", "2021-07"), "2021年7月"),
    ],
)
def test_period_labels(book, period, label):
    assert book.period(period) == label


def test_dates(book):
    assert book.date("2021-03-02", "2021-03-02") == "2021年3月2日"
    assert book.date("2021-09-26", "2021-09-28") == "2021年9月26日至9月28日"
    assert book.month("2021-12") == "2021年12月"


def test_catalogue():
    assert "zh" in languages()
    assert catalogue("zh")["lang"] == "zh"
