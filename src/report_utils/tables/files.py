"""Which files of a data folder are inputs: the one answer that reading and hashing share.

Standard library only, on purpose: a no-op ``briefing build`` hashes these files to decide that
nothing changed, without importing pandas (see ``build.digests``).

The inputs are ``meta/<table>.csv`` for each metadata table, and every ``.csv`` and ``.xlsx``
file directly inside ``figures/``, ``events/``, ``projects/``, ``cases/`` and ``rules/`` (with the
``.xls`` and ``.ods`` files there, so that reading can report them); the briefing spec
``briefing.yml`` and its sentences ``messages/<lang>.yml``; and the source texts the quotes are
checked against (``locator`` in ``meta/sources.csv``). Not inputs: hidden files
(``.name``, which editors and macOS leave next to the tables), the ``~$name.xlsx`` lock files Excel
keeps while a workbook is open, sub-folders and any other folder.

An input must stay inside the data folder: a table file or folder that is a link to somewhere
else is refused (``outside``), never read, never hashed by its content.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from report_utils.paths import (
    FACT_TABLES,
    MESSAGES_SUFFIX,
    META_TABLES,
    RULES_SUBDIR,
    messages_dir,
    meta_file,
    spec_file,
)

TABLE_SUFFIXES = (".csv", ".xlsx")
# Spreadsheet files that look like tables but cannot be read: inputs all the same, so that
# reading reports them rather than skipping them silently.
UNSUPPORTED_SUFFIXES = {
    ".xls": "old Excel format (.xls) is not read; save it as 'Excel Workbook (.xlsx)' or CSV UTF-8",
    ".ods": "OpenDocument spreadsheets (.ods) are not read; save it as .xlsx or CSV UTF-8",
}


def table_files(data_dir: Path, table: str) -> list[Path]:
    """The files of one table, in name order: ``meta/<table>.csv`` for metadata; for facts and
    rules the table files directly inside its folder, as listed in this module's docstring."""
    data_dir = Path(data_dir)
    if table in META_TABLES:
        return [meta_file(data_dir, table)]
    folder = data_dir / table
    if not folder.is_dir():
        return []
    wanted = (*TABLE_SUFFIXES, *UNSUPPORTED_SUFFIXES)
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in wanted and not p.name.startswith((".", "~$")) and not p.is_dir()
    )


def input_files(data_dir: Path) -> list[Path]:
    """Every input file of the data folder (metadata, facts, rules, the spec, its sentences,
    the source texts), sorted by path."""
    data_dir = Path(data_dir)
    tables = (*META_TABLES, *FACT_TABLES, RULES_SUBDIR)
    files = [p for table in tables for p in table_files(data_dir, table)]
    if spec_file(data_dir).exists():
        files.append(spec_file(data_dir))
    messages = messages_dir(data_dir)
    if messages.is_dir():
        files += [p for p in messages.glob(f"*{MESSAGES_SUFFIX}") if not p.name.startswith(".")]
    files += source_text_files(data_dir)
    return sorted(set(files))


OUTSIDE = "a link outside the data folder"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_hashes(data_dir: Path) -> dict[str, str]:
    """``{path relative to the data folder: sha256}`` of every input file. A file that links out
    of the data folder is never read: it stands as a marker, so that adding one changes the
    hashes and the build then reports it."""
    data_dir = Path(data_dir)
    return {
        str(p.relative_to(data_dir)): OUTSIDE if outside(data_dir, p) else sha256_file(p)
        for p in input_files(data_dir)
        if p.is_file()
    }


def content_key(data_dir: Path) -> str:
    """One digest of ``file_hashes``: what a process that reads the same folder many times keys
    what it read by (an edited, added or removed file changes it)."""
    text = json.dumps(file_hashes(data_dir), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_text_files(data_dir: Path) -> list[Path]:
    """The source texts ``meta/sources.csv`` locates inside the data folder (read with the csv
    module: planning a no-op build imports no pandas)."""
    import csv

    found = []
    try:
        with meta_file(data_dir, "sources").open(encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                locator = (row.get("locator") or "").strip()
                if locator:
                    found.append(Path(data_dir) / locator)
    except (OSError, UnicodeDecodeError, csv.Error):
        pass  # reading the table reports what is wrong with it
    return [p for p in found if p.is_file() and outside(data_dir, p) is None]


def outside(data_dir: Path, path: Path) -> Path | None:
    """What links out of ``data_dir`` on the way to the input ``path``: its table folder or the
    file itself; None when both resolve to places inside the data folder."""
    root = Path(data_dir).resolve()
    for part in (path.parent, path):
        if not _within(Path(os.path.realpath(part)), root):
            return part
    return None


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
