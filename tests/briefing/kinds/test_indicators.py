"""The main-indicators table (``kinds.indicators``): a row per indicator with its level, rate,
change and gap; the metadata's decimals as a policy that never pads or rounds a figure."""

from __future__ import annotations

import re

from markupsafe import Markup

from report_utils.briefing.report import Briefing


def rows(period: str, lang: str = "zh") -> dict[str, list[str]]:
    html = Briefing(period=period, lang=lang).section("main_indicators").html
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]:
        cells = [Markup(c).striptags() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        found[cells[0]] = cells[1:]
    return found


def test_each_row_has_its_period_level_rate_and_stated_base():
    table = rows("2021-11")
    assert table["全部工业增加值占地区生产总值比重"] == [
        "2021年1—9月",
        "",
        "26.9",
        "比上年同期提高0.8个百分点",
    ]
    assert table["规模以上工业增加值累计增速位次"] == [
        "2021年1—9月",
        "居全国第12位",
        "",
        "比2021年上半年前移2位",
    ]
    assert table["引进工业产业项目"][:3] == ["2021年1—11月", "2578个", ""]
    assert table["工业投资"] == ["2021年1—11月", "", "20.7", "高于全国9.5个百分点"]


def test_a_figure_with_fewer_digits_than_its_policy_is_shown_as_written_and_marked():
    """13% in a column of one decimal: 13, never 13.0, and marked; 11.7 is not marked."""
    table = rows("2021-09")
    assert table["十大工业产业规模以上工业总产值"][2] == "13*"
    assert table["规模以上工业增加值"][2] == "11.7"
    text = Markup(Briefing(period="2021-09").section("main_indicators").html).striptags()
    assert "标“*”的数值在原文中为整数" in text


def test_only_figures_known_as_of_the_month():
    assert "引进工业产业项目" not in rows("2021-09")  # released with 1—11月
    assert "Industrial projects introduced" in rows("2021-11", "en")
