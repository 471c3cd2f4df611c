"""Notes on the indicators (``kinds.notes``): the analyst's texts, shown as written."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from report_utils.briefing.report import Briefing


def test_the_notes_are_the_analysts_texts_shown_as_written(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    text = zh.read_text(encoding="utf-8")
    note = '      - "规模以上工业：'
    assert note in text
    zh.write_text(
        text.replace(note, '      - "<b>{{ 1 + 1 }}</b>：示例"\n' + note, 1), encoding="utf-8"
    )
    html = Briefing(data_dir=data_copy).section("notes").html
    assert "&lt;b&gt;{{ 1 + 1 }}&lt;/b&gt;" in html  # not markup, not a template
    assert "分析人员注" in Markup(html).striptags()


def test_a_note_that_is_the_analysts_reading_says_so():
    for lang, mark in (("zh", "分析人员注"), ("en", "Analyst's note")):
        text = Markup(Briefing(lang=lang).section("notes").html).striptags()
        assert mark in text
