"""Reading a table file: the encodings it is read in, and the ones it is refused in."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SYNTHETIC_NOTE

from report_utils.tables.load import validate


@pytest.fixture
def data_dir(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synthetic copy of data/ (see conftest), shown as ``data/...`` in problems."""
    monkeypatch.chdir(data_copy.parent)
    return data_copy


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
