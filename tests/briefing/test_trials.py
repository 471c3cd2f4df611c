"""Every sentence is tried before any kernel starts (``briefing.trials``, through the checks): a
hostile or broken sentence is one line ``path:line: key: message``, on copies of data/ that a test
breaks on purpose (SYNTHETIC edits)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import line_of, problems_of, replace_once

from report_utils.briefing.report import Briefing

TITLE = '    title: "工业增长与比较"\n'


def retitle(data: Path, title: str) -> Path:
    """The zh title of section growth replaced by ``title`` (a YAML scalar as written)."""
    zh = data / "messages" / "zh.yml"
    replace_once(zh, TITLE, f"    title: {title}\n")
    return zh


def only(data: Path) -> str:
    [problem] = problems_of(data, ["zh"])
    assert "\n" not in problem
    return problem


def test_code_in_a_sentence_is_refused_and_never_runs(data_copy: Path, tmp_path: Path):
    marker = tmp_path / "ran"
    code = f"amt.__globals__.__builtins__.__import__('os').system('touch {marker}')"
    zh = retitle(data_copy, f'"{{{{ {code} }}}}"')
    problem = only(data_copy)
    assert f"messages/zh.yml:{line_of(zh, '__globals__')}: sections.growth.title: " in problem
    assert "sentence fails: access to attribute '__globals__'" in problem and "unsafe" in problem
    assert not marker.exists()


def test_a_build_with_code_in_a_sentence_stops_before_any_kernel(
    data_copy: Path, tmp_path: Path, kernel_tripwire
):
    env, kernel_started = kernel_tripwire
    marker = tmp_path / "ran"
    retitle(data_copy, f"\"{{{{ ''.__class__.__mro__[1].__subclasses__() }}}}{marker}\"")
    retitle_en = data_copy / "messages" / "en.yml"
    code = f"amt.__globals__.__builtins__.open('{marker}', 'w')"
    replace_once(retitle_en, '    title: "Key events"\n', f'    title: "{{{{ {code} }}}}"\n')
    for command in (["validate"], ["build", "--out", str(tmp_path / "out")]):
        done = subprocess.run(
            [sys.executable, "-m", "report_utils", *command, "--data", str(data_copy)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        assert "messages/zh.yml:" in done.stdout + done.stderr
        assert "messages/en.yml:" in done.stdout + done.stderr
    assert not marker.exists() and not kernel_started()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


@pytest.mark.parametrize(
    ("sentence", "message"),
    [
        ("{% for i in range(10**10) %}x{% endfor %}", "more than 10,000 items"),
        ("{% for i in 'x'*10**9 %}x{% endfor %}", "longer than 100,000 characters"),
        ("{{ 1/0 }}", "ZeroDivisionError: division by zero"),
        ("{{ va.nonexistent }}", "nonexistent"),
        ("{{ amt(va, bogus=1) }}", "TypeError:"),
        ("{{ phrase('growth') }}", "TypeError:"),
        ("{{ va.value + '%' }}", "TypeError:"),
        ("{{ '<img src=x onerror=alert(1)>'|safe }}", "no filter 'safe'"),
        ("{% include 'x.html' %}", "{% include %} is not available in a sentence"),
        ("{% import 'x.html' as x %}", "{% import %} is not available in a sentence"),
        ("{% macro m() %}{% endmacro %}", "{% macro %} is not available in a sentence"),
    ],
)
def test_a_sentence_that_fails_is_named_at_its_line(data_copy: Path, sentence: str, message: str):
    zh = retitle(data_copy, f'"{sentence}"')
    problem = only(data_copy)
    line = line_of(zh, f'title: "{sentence[:12]}')
    assert f"messages/zh.yml:{line}: sections.growth.title: " in problem
    assert message in problem


def test_a_slot_phrased_as_another_kind_is_refused(data_copy: Path):
    """The issue's example: a growth rate phrased as a rank ("居全国第14.5位")."""
    zh = data_copy / "messages" / "zh.yml"
    replace_once(
        zh,
        "累计增速{{ phrase('rank', rank) }}{% endif %}。\"",
        "累计增速{{ phrase('rank', va) }}{% endif %}。\"",
    )
    problem = only(data_copy)
    assert f"messages/zh.yml:{line_of(zh, 'summary:')}: sections.growth.summary: " in problem
    assert (
        "phrase('rank', va) states a rank, but slot 'va' holds 'ind_va_growth', of kind 'growth'"
        in problem
    )


def test_a_slot_shown_outside_its_if_is_named(data_copy: Path):
    """A month without the slot's figure would fail in the kernel: it is found here."""
    zh = data_copy / "messages" / "zh.yml"
    replace_once(
        zh,
        "{%- if tax %}工业税收{{ phrase('growth', tax) }}。{% endif %}",
        "工业税收增速为{{ amt(tax) }}。",
    )
    problem = only(data_copy)
    assert f"messages/zh.yml:{line_of(zh, '  text: >-')}: sections.growth.text: " in problem
    assert "the sentence shows the figure of slot 'tax', which has none as of the month" in problem


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ('"工业\\0增长"', "U+0000"),
        ('"工业\\e[31m增长"', "U+001B"),
        ('"工业\\a增长"', "U+0007"),
        ('"工业\\u202e长增"', "U+202E"),
        ('"工业\u200b增长"', "U+200B"),
    ],
)
def test_control_and_bidi_characters_are_refused(data_copy: Path, written: str, shown: str):
    zh = retitle(data_copy, written)
    problem = only(data_copy)
    line = line_of(zh, '    title: "工业')
    assert f"messages/zh.yml:{line}: sections.growth.title: " in problem
    assert f"invisible or control characters ({shown})" in problem


@pytest.mark.parametrize(
    ("override", "key", "message"),
    [
        ("month_names: 5\n", "month_names", "is a list; this catalogue gives a number"),
        (
            "number:\n  thousands_sep: 7\n",
            "number.thousands_sep",
            "is text; this catalogue gives a number",
        ),
        ("month_abbrs: [Jan, 2]\n", "month_abbrs", "(item 2) is text"),
        ("number:\n  dates: ['(unclosed']\n", "number.dates", "not a regular expression"),
        ("number:\n  dates: ['(\\d+)+年']\n", "number.dates", "exponential time"),
        ('phrase:\n  growth: "{{ 1/0 }}"\n', "phrase.growth", "ZeroDivisionError"),
    ],
)
def test_a_package_key_keeps_its_type_and_works(
    data_copy: Path, override: str, key: str, message: str
):
    en = data_copy / "messages" / "en.yml"
    en.write_text(en.read_text(encoding="utf-8") + override, encoding="utf-8")
    found = problems_of(data_copy, ["en"])
    line = line_of(en, override.splitlines()[-1].strip())
    assert any(f"messages/en.yml:{line}: {key}: " in p and message in p for p in found), found


def test_literal_markup_of_a_sentence_is_text_in_the_briefing(data_copy: Path):
    """Issue 22, items 2 and 3: a title with angle brackets is shown whole, a script as text."""
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, TITLE, '    title: "Shares: firms <50 staff and >10 years, 5 < 6"\n')
    replace_once(
        zh,
        '    text: "截至{{ as_of }}，{{ scope }}工业领域重要事件如下。"',
        '    text: "<script>alert(document.domain)</script>{{ scope }}"',
    )
    assert problems_of(data_copy, ["zh"]) == []
    brief = Briefing(data_copy, "2021-12")
    growth, events = brief.section("growth").html, brief.section("events").html
    assert "<h2>Shares: firms &lt;50 staff and &gt;10 years, 5 &lt; 6</h2>" in growth
    assert (
        "<script>" not in events and "&lt;script&gt;alert(document.domain)&lt;/script&gt;" in events
    )


@pytest.mark.parametrize(
    ("written", "key", "message"),
    [
        ("sections: 5\n", "sections", "expected keys (section id: its messages)"),
        ("headlines: [1]\n", "headlines", "expected keys (headline id: its messages)"),
        ("sections:\n  growth: 5\n", "sections.growth", "expected keys (title, text ...)"),
    ],
)
def test_a_catalogue_of_the_wrong_shape_is_one_line(
    data_copy: Path, written: str, key: str, message: str
):
    en = data_copy / "messages" / "en.yml"
    en.write_text(written, encoding="utf-8")
    [problem] = problems_of(data_copy, ["en"])
    assert problem.endswith(f"en.yml:{len(written.splitlines())}: {key}: {message}")
