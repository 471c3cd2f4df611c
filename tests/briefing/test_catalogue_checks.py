"""The analyst's catalogues checked against the spec, the kinds and the package's catalogue
before any kernel starts, each problem at its file and line: on copies of data/ that a test
breaks on purpose (SYNTHETIC edits)."""

from __future__ import annotations

from pathlib import Path

from conftest import line_of, problems_of, replace_once


def test_a_missing_message_key_names_the_language(data_copy: Path):
    en = data_copy / "messages" / "en.yml"
    replace_once(en, '    chart_title: "Growth of industrial value added (%)"\n', "")
    [problem] = problems_of(data_copy)
    assert "messages/en.yml:" in problem
    assert "message 'sections.growth.chart_title' is missing in en" in problem
    assert problems_of(data_copy, ["zh"]) == []  # the zh catalogue has it


def test_a_template_variable_no_slot_provides(data_copy: Path):
    """The issue's example: a sentence that uses 'rev', which no slot of the section gives."""
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, "工业税收{{ phrase('growth', tax) }}", "工业税收{{ phrase('growth', rev) }}")
    [problem] = problems_of(data_copy, ["zh"])
    assert f"messages/zh.yml:{line_of(zh, 'text: >-')}: sections.growth.text" in problem or (
        "sections.growth.text: template variable 'rev' is not provided" in problem
    )
    assert "template variable 'rev' is not provided" in problem
    assert "va2_other" in problem  # the slots it is given are listed


def test_a_template_syntax_error_gives_its_line(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(
        zh,
        "    comparison: \"{{ phrase('gap', gap) }}\"",
        "    comparison: \"{{ phrase('gap', gap) }\"",
    )
    [problem] = problems_of(data_copy, ["zh"])
    assert f"messages/zh.yml:{line_of(zh, 'gap) }')}: headlines.inv_growth.comparison" in problem
    assert "template:" in problem


def test_a_misspelt_section_or_key_in_the_sentences_is_a_warning(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, '  events:\n    title: "大事记"', '  event:\n    title: "大事记"')
    replace_once(
        zh,
        '    chart_title: "规模以上工业增加值增速（%）"',
        '    chart_titel: "规模以上工业增加值增速（%）"',
    )
    found = problems_of(data_copy, ["zh"])
    assert any(
        f"zh.yml:{line_of(zh, '  event:')}: sections.event: warning: no section 'event' in the "
        "spec (did you mean 'events'?)" in p
        for p in found
    ), found
    assert any(
        "kind 'figures' reads no message 'chart_titel' (did you mean 'chart_title'?)" in p
        for p in found
    ), found


def test_an_unknown_phrase_is_an_error(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, "工业税收{{ phrase('growth', tax) }}", "工业税收{{ phrase('grwoth', tax) }}")
    [problem] = problems_of(data_copy, ["zh"])
    assert "sections.growth.text: no phrase 'grwoth' (did you mean 'growth'?)" in problem


def test_a_syntax_error_inside_a_folded_block_is_at_its_own_line(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, "{%- if tax %}工业税收", "{%- if tax %工业税收")
    [problem] = problems_of(data_copy, ["zh"])
    assert (
        f"zh.yml:{line_of(zh, '{%- if tax %工业税收')}: sections.growth.text: template:" in problem
    )


def test_a_misspelt_template_variable_gets_did_you_mean(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, 'title: "{{ region }}工业经济简报"', 'title: "{{ regoin }}工业经济简报"')
    [problem] = problems_of(data_copy, ["zh"])
    assert problem.endswith(
        f"data/messages/zh.yml:{line_of(zh, 'regoin')}: briefing.title: template variable "
        "'regoin' is not provided (did you mean 'region'?); it is given: as_of, region, scope "
        "and the functions amt, mark, month_abbrs, month_names, ordinal, period, phrase, val, "
        "where"
    )
