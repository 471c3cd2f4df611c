"""Reading a table file: the encodings it is read in and the ones it is refused in, each row
with the line it starts on, and files that hold no table named as such."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SYNTHETIC_NOTE

from report_utils.errors import display_path
from report_utils.tables.load import validate
from report_utils.tables.reading import FILE, LINE, decode, read_table, rows_as_written

CP1252_CASE = (
    "case-synthetic-cp1252,company,Générale Réunion,Générale Réunion,"
    "Output,Output,12,%,,2021-07,gzrb-industry-2021,"
    f"{SYNTHETIC_NOTE}: Générale Réunion"
)


def test_a_cp1252_file_is_rejected_not_read_as_mojibake(data_dir: Path) -> None:
    cases = data_dir / "cases" / "guizhou-industry-2021.csv"
    header = cases.read_text(encoding="utf-8").splitlines()[0]
    extra = data_dir / "cases" / "western.csv"
    extra.write_bytes(f"{header}\n{CP1252_CASE}\n".encode("cp1252"))
    assert extra.read_bytes().decode("gb18030")  # it would decode: "G閚閞ale R閡nion"
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert [str(p) for p in problems] == [
        "data/cases/western.csv:0: -: cannot read the file as UTF-8, or as GB18030/GBK Chinese "
        "text; save it as 'CSV UTF-8 (comma delimited)'"
    ]


def test_utf8_with_a_byte_order_mark_and_gbk_chinese_decode(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    assert decode("\ufeffid,名称\n".encode(), path) == ("id,名称\n", [])
    # GBK from Excel on Chinese Windows: a rare character of a name (镕) among common ones
    text = "id,名称,备注\n1,朱镕基,国务院原总理\n"
    assert decode(text.encode("gbk"), path) == (text, [])
    # but text that is mostly rare characters in GB18030 is Western text misread: refused
    refused, problems = decode("Générale Réunion".encode("cp1252"), path)
    assert refused is None and "cannot read the file as UTF-8" in problems[0].message


def test_each_row_keeps_the_line_it_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,note\n\na,"two\nlines"\n b , c \n', encoding="utf-8")
    frame, problems = read_table(path)
    assert problems == [] and frame is not None
    assert frame[["id", "note", LINE]].values.tolist() == [["a", "two\nlines", 3], ["b", "c", 5]]
    assert set(frame[FILE]) == {display_path(path)}


def test_a_short_row_is_named_at_its_line_and_the_others_are_read(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,note\na,x\nb\nc,z\n", encoding="utf-8")
    frame, problems = read_table(path)
    assert [str(p) for p in problems] == [f"{display_path(path)}:3: -: expected 2 cells, found 1"]
    assert frame is not None and list(frame["id"]) == ["a", "c"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ":1: -: file is empty"),
        ("id,note\n", ":1: -: no data rows, only a header"),
        ("id,id\na,b\n", ":1: id: column appears more than once in the header"),
    ],
)
def test_a_file_without_a_table_in_it_is_refused(tmp_path: Path, text: str, expected: str):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    frame, problems = read_table(path)
    assert [str(p) for p in problems] == [display_path(path) + expected]
    assert frame is None or frame.empty


def test_a_missing_file_and_an_old_excel_file_are_named(tmp_path: Path) -> None:
    _, missing = read_table(tmp_path / "gone.csv")
    assert [p.message for p in missing] == ["file is missing"]
    old = tmp_path / "t.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    _, problems = read_table(old)
    assert [p.message for p in problems] == [
        "old Excel format (.xls) is not read; save it as 'Excel Workbook (.xlsx)' or CSV UTF-8"
    ]


def test_the_rows_a_briefing_used_are_given_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,value\na,11.70\nb,−0\nc,3\n", encoding="utf-8")
    assert rows_as_written(path, {2, 4}) == (
        ["id", "value"],
        [(2, ["a", "11.70"]), (4, ["c", "3"])],
    )
    assert rows_as_written(tmp_path / "gone.csv", {2}) == ([], [])
