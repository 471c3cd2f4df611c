"""A problem is one printable line naming file, line and column."""

from __future__ import annotations

from report_utils.errors import Problem


def test_a_problem_is_one_printable_line_whatever_it_quotes() -> None:
    header = "col\x1b[2J\u202e" + "x" * 100
    problem = Problem("data/a\x1b.csv", 1, header, "unknown \x07 column\n")
    assert str(problem) == (
        "data/a\\x1b.csv:1: col\\x1b[2J\\u202e" + "x" * 44 + "…: unknown \\x07 column\\n"
    )
    assert str(problem).isprintable()
    chinese = Problem("data/表.csv", 2, "title_zh", "expected a number: '十一　万'")
    assert str(chinese) == "data/表.csv:2: title_zh: expected a number: '十一\\u3000万'"
