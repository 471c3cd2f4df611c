"""The spec and the catalogues are read strictly (``strict_yaml.StrictLoader``): a duplicate key, a
YAML 1.1 boolean, deep nesting and a spec too large are each one line at the file's line, never
a silent loss, a wrong type or a traceback (SYNTHETIC edits of copies of data/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import line_of, problems_of, replace_once

from report_utils.briefing.spec import MAX_SECTIONS
from report_utils.strict_yaml import MAX_NESTING


def test_a_duplicate_key_names_both_lines(data_copy: Path):
    spec = data_copy / "briefing.yml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text + "\nsections:\n  - id: extra\n    kind: changes\n", encoding="utf-8")
    [problem] = problems_of(data_copy)
    first, second = line_of(spec, "sections:"), len(text.splitlines()) + 2
    assert problem.endswith(
        f"briefing.yml:{second}: -: YAML: duplicate key 'sections' (lines {first} and {second}): "
        "only one would be kept"
    )


def test_a_duplicate_key_in_a_catalogue_names_both_lines(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(
        zh, '    title: "工业增长与比较"\n', '    title: "工业增长与比较"\n    title: "x"\n'
    )
    [problem] = problems_of(data_copy, ["zh"])
    line = line_of(zh, 'title: "x"')
    assert f"zh.yml:{line}: -: YAML: duplicate key 'title' (lines {line - 1} and {line})" in problem


def test_a_section_called_no_stays_no(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "  - id: changes\n", "  - id: no\n")
    zh = data_copy / "messages" / "zh.yml"
    text = zh.read_text(encoding="utf-8").replace(
        "  growth:\n    title:", "  no:\n    title: 否\n  growth:\n    title:", 1
    )
    zh.write_text(text, encoding="utf-8")
    assert problems_of(data_copy, ["zh"]) == []
    from report_utils.briefing.spec import read_spec

    assert "no" in [s.id for s in read_spec(data_copy)[0].sections]


@pytest.mark.parametrize("command", ["validate", "build"])
def test_deep_nesting_is_a_line_not_a_traceback(data_copy: Path, tmp_path: Path, command: str):
    spec = data_copy / "briefing.yml"
    spec.write_text(spec.read_text(encoding="utf-8") + "deep: " + "[" * 500 + "]" * 500 + "\n")
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    done = subprocess.run(
        [sys.executable, "-m", "report_utils", command, "--data", str(data_copy), *extra],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    line = line_of(spec, "deep: [[[")
    assert f"briefing.yml:{line}: -: YAML: nested more than {MAX_NESTING} levels deep" in (
        done.stdout + done.stderr
    )


def test_anchors_and_aliases_are_refused(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "  - id: changes\n", "  - &c\n    id: changes\n")
    [problem] = problems_of(data_copy)
    assert "YAML: anchors and aliases (&name, *name) are not supported" in problem


def test_ten_thousand_sections_are_refused_up_front_with_the_limit(data_copy: Path):
    spec = data_copy / "briefing.yml"
    from report_utils.briefing.spec import read_spec

    many = "".join(f"  - id: s{i}\n    kind: changes\n" for i in range(10_000))
    shipped = len(read_spec(data_copy)[0].sections)
    spec.write_text(spec.read_text(encoding="utf-8") + many, encoding="utf-8")
    [problem] = problems_of(data_copy)
    assert problem.endswith(
        f"briefing.yml:{line_of(spec, 'sections:')}: sections: a briefing takes at most "
        f"{MAX_SECTIONS} sections; this one has {10_000 + shipped}"
    )


def test_a_character_yaml_does_not_allow_is_named_at_its_line(data_copy: Path):
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, '    title: "工业增长与比较"\n', '    title: "工业\x00增长"\n')
    [problem] = problems_of(data_copy, ["zh"])
    line = line_of(zh, "工业\x00")
    assert f"zh.yml:{line}: -: YAML: character U+0000 is not allowed in a YAML file" in problem


def test_a_file_too_large_for_a_spec_is_refused_unread(data_copy: Path):
    spec = data_copy / "briefing.yml"
    spec.write_text(spec.read_text(encoding="utf-8") + "#" * 2_000_001, encoding="utf-8")
    [problem] = problems_of(data_copy)
    assert problem.endswith("briefing.yml:0: -: the file is larger than 2 MB")


def test_a_slot_cannot_take_a_name_every_sentence_has(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "      tax: ind_tax_growth\n", "      region: ind_tax_growth\n")
    found = problems_of(data_copy)
    line = line_of(spec, "region: ind_tax_growth")
    assert f"briefing.yml:{line}: region: slot name 'region' is a name every sentence has" in (
        "\n".join(found)
    )


def test_the_data_language_is_declared_once_in_the_spec(data_copy: Path):
    from report_utils.briefing.spec import source_language
    from report_utils.paths import DATA_DIR

    assert source_language(DATA_DIR) == "zh"  # data/briefing.yml says so
    spec = data_copy / "briefing.yml"
    replace_once(spec, "\nlanguage: zh\n", "\nlanguage: en\n")
    assert source_language(data_copy) == "en"
    replace_once(spec, "\nlanguage: en\n", "\n")
    assert source_language(data_copy) == "zh"  # the default where the spec does not say


def test_a_data_language_that_is_no_language_code_is_a_line(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "\nlanguage: zh\n", "\nlanguage: Chinese\n")
    [problem] = problems_of(data_copy)
    assert f"briefing.yml:{line_of(spec, 'language: Chinese')}: language: " in problem
