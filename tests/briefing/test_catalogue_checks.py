"""The analyst's catalogues checked against the spec, the kinds and the package's catalogue
before any kernel starts, each problem at its file and line: on copies of data/ that a test
breaks on purpose (SYNTHETIC edits)."""

from __future__ import annotations

from pathlib import Path

from conftest import line_of, problems_of, replace_once

from report_utils.briefing.catalogue_checks import catalogue_problems
from report_utils.briefing.spec import read_spec
from report_utils.errors import display_path
from report_utils.paths import DATA_DIR, messages_file
from report_utils.tables.load import load_dataset


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


def catalogue_of(data: Path, lang: str) -> list[str]:
    """The problems ``catalogue_problems`` alone finds in the ``lang`` catalogue of ``data``."""
    spec, _, problems = read_spec(data)
    assert spec is not None, problems
    return [str(p) for p in catalogue_problems(spec, data, lang, load_dataset(data))]


def test_the_shipped_catalogues_have_no_problem():
    assert catalogue_of(DATA_DIR, "zh") == [] and catalogue_of(DATA_DIR, "en") == []


def test_a_language_the_package_cannot_phrase_is_one_problem_for_its_file():
    [problem] = catalogue_of(DATA_DIR, "fr")
    assert problem.startswith(f"{display_path(messages_file(DATA_DIR, 'fr'))}:0: -: ")


def test_a_misspelt_headline_is_a_warning_naming_the_near_one(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, "  va_gdp_share:\n    label:", "  va_gdp_shar:\n    label:")
    found = catalogue_of(data_copy, "zh")
    assert (
        f"{display_path(zh)}:{line_of(zh, 'va_gdp_shar:')}: headlines.va_gdp_shar: warning: "
        "no headline 'va_gdp_shar' in the spec (did you mean 'va_gdp_share'?)"
    ) in found
    # the headline itself then has the package's wording or none: its label is missing
    assert any("message 'headlines.va_gdp_share.label' is missing in zh" in p for p in found)


def test_a_message_that_is_not_text_is_named(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, '    label: "工业投资增速"', "    label: 42")
    found = catalogue_of(data_copy, "zh")
    assert any(
        f":{line_of(zh, 'label: 42')}: headlines.inv_growth.label: expected text, found int" in p
        for p in found
    ), found
