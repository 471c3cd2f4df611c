"""Characters no data text may hold (``tables.characters``), refused by validate at their file,
line and column before anything is shown (issue 22, item 7: NUL, ESC, BEL, U+202E in a title
passed validate, reached the HTML raw and failed the PDF)."""

from __future__ import annotations

import csv
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from report_utils.tables import cells
from report_utils.tables.characters import BIDI_CONTROLS, WHITESPACE_CONTROLS, disallowed
from report_utils.tables.load import validate

EVENTS = "data/events/guizhou-industry-2021.csv"


def _edit_first(data: Path, shown: str, **cells: str) -> None:
    """SYNTHETIC: change cells of the first row of a table (line 2)."""
    path = data.parent / shown
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0].update(cells)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def errors(data: Path) -> list[str]:
    dataset, problems = validate(data)
    shown = [str(p) for p in problems if p.severity == "error"]
    assert (dataset is None) == bool(shown)
    return shown


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\x00", "U+0000 NULL"),
        ("\x1b", "U+001B ESCAPE"),
        ("\x07", "U+0007 BELL"),
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\ufffe", "U+FFFE a noncharacter"),
    ],
)
def test_a_title_with_a_control_or_bidi_character_is_refused_at_its_cell(
    data_dir: Path, character: str, named: str
) -> None:
    title = f"全省大会{character}在贵阳召开"
    _edit_first(data_dir, EVENTS, title_zh=title)
    (shown,) = errors(data_dir)
    assert shown.startswith(f"{EVENTS}:2: title_zh: {cells.CHARACTER_CHECK} ({named} at ")
    assert "\n" not in shown and character not in shown  # the message itself is printable


def test_every_text_column_of_every_table_checks_its_characters(data_dir: Path) -> None:
    _edit_first(data_dir, "data/figures/guizhou-industry-2021.csv", quote="增长\x1b11.7%")
    _edit_first(data_dir, "data/projects/guizhou-industry-2021.csv", company="宁德\u202e时代")
    _edit_first(data_dir, "data/cases/guizhou-industry-2021.csv", measure_en="x\x07")
    _edit_first(data_dir, "data/meta/indicators.csv", name_en="Value\x00added")
    _edit_first(data_dir, "data/meta/sources.csv", title_zh="工业\u202d经济")
    shown = errors(data_dir)
    assert [s.split(": ")[:2] for s in shown] == [
        ["data/cases/guizhou-industry-2021.csv:2", "measure_en"],
        ["data/figures/guizhou-industry-2021.csv:2", "quote"],
        ["data/meta/indicators.csv:2", "name_en"],
        ["data/meta/sources.csv:2", "title_zh"],
        ["data/projects/guizhou-industry-2021.csv:2", "company"],
    ]


def test_a_bidi_override_in_a_workbook_is_refused_at_its_excel_row(data_dir: Path) -> None:
    path = data_dir / "events" / "guizhou-industry-2021.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("title_zh")] = "大会\u202e召开"
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path.with_suffix(".xlsx"))
    path.unlink()
    (shown,) = errors(data_dir)
    assert shown.startswith("data/events/guizhou-industry-2021.xlsx:2: title_zh: holds a char")


def test_line_breaks_tabs_and_zero_width_characters_stay_allowed_in_text() -> None:
    # an Excel cell with Alt+Enter holds a line break; a zero-width space is invisible, harmless
    for text in ("第一行\n第二行", "a\tb", "a\r\nb", "贵\u200b州", "👩\u200d🔬"):
        assert disallowed(text) is None


def test_validate_and_build_exit_1_without_a_traceback(data_dir: Path) -> None:
    _edit_first(data_dir, EVENTS, title_zh="大会\x00\x1b\x07\u202e\u200b召开")
    for command in (["validate"], ["build", "--out", "out", "--format", "html"]):
        result = subprocess.run(
            [sys.executable, "-m", "report_utils", *command, "--data", "data"],
            capture_output=True,
            text=True,
            cwd=data_dir.parent,
        )
        assert result.returncode == 1, command
        output = result.stdout + result.stderr
        assert "Traceback" not in output
        assert f"{EVENTS}:2: title_zh: holds a character" in output
        assert not any(c in output for c in "\x00\x1b\x07\u202e")
    assert not (data_dir.parent / "out" / "贵州省").exists()


def test_the_search_refuses_exactly_the_characters_the_rule_names() -> None:
    """Every code point: controls but whitespace, bidi controls, surrogates, noncharacters."""
    for point in range(0x110000):
        c = chr(point)
        category = unicodedata.category(c)
        refused = (
            (category == "Cc" and c not in WHITESPACE_CONTROLS)
            or c in BIDI_CONTROLS
            or category == "Cs"
            or 0xFDD0 <= point <= 0xFDEF
            or point & 0xFFFE == 0xFFFE
        )
        assert (disallowed("ab" + c) is not None) == refused, hex(point)
