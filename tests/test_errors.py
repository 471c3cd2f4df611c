"""A problem is one printable line naming file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from report_utils.errors import (
    QUOTED_CHARS,
    DataValidationError,
    Problem,
    display_path,
    quoted,
    suggest,
)


def test_a_problem_is_one_printable_line_whatever_it_quotes() -> None:
    header = "col\x1b[2J\u202e" + "x" * 100
    problem = Problem("data/a\x1b.csv", 1, header, "unknown \x07 column\n")
    assert str(problem) == (
        "data/a\\x1b.csv:1: col\\x1b[2J\\u202e" + "x" * 44 + "…: unknown \\x07 column\\n"
    )
    assert str(problem).isprintable()
    chinese = Problem("data/表.csv", 2, "title_zh", "expected a number: '十一　万'")
    assert str(chinese) == "data/表.csv:2: title_zh: expected a number: '十一\\u3000万'"


def test_a_warning_says_so_after_its_column() -> None:
    warning = Problem("data/a.csv", 3, "value", "looks rounded", severity="warning")
    assert str(warning) == "data/a.csv:3: value: warning: looks rounded"


def test_a_quoted_cell_shows_every_character_and_is_cut_when_long() -> None:
    assert quoted("十一\t万") == "'十一\\t万'"
    long = quoted("年" * (QUOTED_CHARS + 5))
    assert long == "'" + "年" * QUOTED_CHARS + "…'"


def test_a_validation_error_lists_the_errors_in_file_order_but_not_the_warnings() -> None:
    error = DataValidationError(
        [
            Problem("data/b.csv", 2, "unit", "unknown unit"),
            Problem("data/a.csv", 9, "value", "looks rounded", severity="warning"),
            Problem("data/a.csv", 4, "value", "expected a number"),
        ]
    )
    assert str(error).splitlines() == [
        "2 problem(s) in the data:",
        "data/a.csv:4: value: expected a number",
        "data/b.csv:2: unit: unknown unit",
    ]
    assert len(error.problems) == 3  # the warning is kept for whoever asks


def test_a_near_miss_is_suggested_and_a_far_one_is_not() -> None:
    known = ["fai_growth", "ind_va_growth"]
    assert suggest("fai_grwth", known) == " (did you mean 'fai_growth'?)"
    assert suggest("population", known) == ""


def test_a_path_is_shown_relative_to_the_working_folder_when_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "data" / "briefing.yml") == str(Path("data/briefing.yml"))
    outside = tmp_path.parent / "elsewhere.csv"
    assert display_path(outside) == str(outside)
