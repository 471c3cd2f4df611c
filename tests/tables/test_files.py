"""What a data folder's inputs are, by content (``tables.files``): the key a warm kernel reads a
folder once by, and the hashes a build compares."""

from __future__ import annotations

import shutil
from pathlib import Path

from report_utils.batch import digests
from report_utils.paths import DATA_DIR
from report_utils.tables.files import content_key, file_hashes
from report_utils.tables.load import validate


def test_the_key_follows_the_content_not_the_folder(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(DATA_DIR, one)
    shutil.copytree(DATA_DIR, two)
    assert content_key(one) == content_key(two) == content_key(DATA_DIR)
    figures = sorted((two / "figures").glob("*.csv"))[0]
    figures.write_text(figures.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert content_key(two) != content_key(one)  # an edited file
    shutil.copytree(DATA_DIR, two, dirs_exist_ok=True)
    assert content_key(two) == content_key(one)  # edited back
    (two / "figures" / "extra.csv").write_text("a,b\n", encoding="utf-8")
    assert content_key(two) != content_key(one)  # an added file
    (two / "figures" / "extra.csv").unlink()
    (two / "README.md").write_text("notes", encoding="utf-8")  # not an input: no change
    assert "README.md" not in file_hashes(two)
    assert content_key(two) == content_key(one)


def test_the_hashes_cover_exactly_the_files_reading_reads():
    assert set(file_hashes(DATA_DIR)) == {
        str(p.relative_to(DATA_DIR)) for p in digests.data_files(DATA_DIR)
    }


def test_tables_are_only_read_from_csv_and_xlsx(data_dir: Path) -> None:
    """Other files in a table folder (a README, a backup) are not tables."""
    for name in ("README.md", "guizhou.csv.bak", "notes.txt"):
        (data_dir / "figures" / name).write_text("not a table\n", encoding="utf-8")
    shutil.copy(data_dir / "meta" / "regions.csv", data_dir / "figures" / "regions.tsv")
    dataset, problems = validate(data_dir)
    assert problems == []
    assert dataset is not None
