"""The briefing's HTML parts: data is escaped wherever it lands, markup built by the package is
kept, and the structure the exporters and the Typst conversion read (ids, classes, header rows)
is there."""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import kind_context
from markupsafe import Markup

from report_utils.briefing import html, typst_markup
from report_utils.briefing.figures import Lineage
from report_utils.briefing.kinds import Table

HOSTILE = '<script>alert("x")</script>'


class Tags(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def test_data_is_escaped_and_the_packages_markup_is_kept():
    out = html.title(HOSTILE, Markup('<span class="period">2021年11月</span>'), [HOSTILE])
    assert "<script>" not in out and out.count("&lt;script&gt;") == 2
    assert '<span class="period">2021年11月</span>' in out
    cell = html.table(Table(["名称"], [[HOSTILE, Markup("<b>粗</b>")]], "cases"))
    assert "<script>" not in cell and "<b>粗</b>" in cell


def test_a_table_has_a_header_row_naming_each_column():
    out = html.table(Table(["时间", "事件"], [["3月", "大会"], ["7月", "印发"]], "events"))
    tags = Tags(out).tags
    assert tags[0] == ("table", {"class": "data events"})
    assert [t for t, _ in tags].count("th") == 2 and [t for t, _ in tags].count("tr") == 3
    assert out.index("<thead>") < out.index("<tbody>")


def test_an_older_card_is_marked_and_names_its_figures():
    out = html.card("F1 F2", Markup("11.7%"), "增速", True, Markup("1—9月"), Markup(""))
    assert Tags(out).tags[0] == ("div", {"class": "card", "data-refs": "F1 F2"})
    assert ("div", {"class": "period older"}) in Tags(out).tags
    assert "older" not in html.card("F1", Markup("1"), "x", False, Markup(""), Markup(""))


def test_page_one_without_key_messages_has_no_empty_heading():
    with_points = html.headlines("要点", Markup("<div></div>"), "主要信息", Markup("<li>a</li>"))
    without = html.headlines("要点", Markup("<div></div>"), "主要信息", Markup(""))
    assert "主要信息" in with_points and "key-messages" in with_points
    assert "主要信息" not in without and "key-messages" not in without


def test_a_section_carries_its_id_table_and_a_source_note_only_when_loose():
    table = Table(["a"], [["1"]], "cases")
    loose = html.section("cases", "案例", [Markup("<p>x</p>")], [], Markup("来源"), table, True)
    assert Tags(loose).tags[0] == ("section", {"class": "section", "id": "sec-cases"})
    assert '<p class="source-note">来源</p>' in loose and "<table" in loose
    kept = html.section("cases", "案例", [], [], Markup("来源"), None, False)
    assert "来源" not in kept and "<table" not in kept


def test_quotes_lose_the_sources_bold_markers():
    assert html.display_quote("增长**11.7%**，高于**全国**") == "增长11.7%，高于全国"


def test_references_number_figures_in_order_of_first_use():
    view = kind_context("2021-11", id="x", kind="figures").view
    share, rank = view.latest("ind_va_gdp_share"), view.latest("ind_va_growth_rank")
    assert share and rank
    lineage = Lineage()
    assert html.refs(lineage, [share, rank]) == "F1 F2"
    assert html.refs(lineage, [rank, share, rank]) == "F2 F1 F2"


def test_a_block_is_html_typst_and_plain_text_of_the_same_content():
    block = html.Block(html.narrative("F1", Markup("增速<strong>11.7%</strong>")), {"x/y": 1})
    assert repr(block) == "增速11.7%"
    assert block._repr_html_() == str(block.html)
    bundle = block._repr_mimebundle_()
    assert "11.7%" in bundle[typst_markup.MIMETYPE] and bundle["x/y"] == 1
    blocks = html.Blocks([block, html.Block(Markup("<p>二</p>"))])
    assert repr(blocks) == "增速11.7%\n\n二" and len(list(blocks)) == 2


def test_the_derived_note_is_left_out_when_there_is_none():
    args = ("来源", Markup("<li>s</li>"))
    rest = ("附录", "说明", ["编号", "内容"], Markup(""))
    assert "derived-note" in html.sources(*args, "推算：由公式算得", *rest)
    without = html.sources(*args, "", *rest)
    assert "derived-note" not in without and without.count("<th>") == 2
