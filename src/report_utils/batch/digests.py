"""Content hashes of everything a briefing depends on, for incremental rebuilds.

Standard library only, on purpose: a no-op ``briefing build`` must decide that nothing changed in
well under a second, without importing pandas, papermill or nbconvert.
"""

from __future__ import annotations

import hashlib
import json
import site
import sys
from functools import cache
from pathlib import Path

from report_utils import __version__, notebook_code
from report_utils.paths import PACKAGE_DIR

# The data folder's files and their hashes are the tables layer's (a kernel keys what it read
# by them too); re-exported here with the other hashes a build compares.
from report_utils.tables.files import OUTSIDE as OUTSIDE
from report_utils.tables.files import file_hashes as file_hashes
from report_utils.tables.files import input_files, sha256_file

# Libraries whose version changes what a briefing looks like or says.
KEY_LIBRARIES = (
    "pandas",
    "pandera",
    "numpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbclient",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "jinja2",
    "markupsafe",
    "typst",
    "fonttools",
    "pyyaml",
    "openpyxl",
)
CODE_SUFFIXES = (".py", ".yaml", ".j2", ".css", ".typ", ".json")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(value: object) -> str:
    """Hash of a JSON-serialisable value, independent of dict order."""
    return sha256_bytes(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8"))


def notebook_digest(path: Path) -> str:
    """Hash of a notebook's code (``notebook_code.digest``): its outputs, saved from Jupyter,
    change nothing a briefing depends on."""
    return notebook_code.digest(Path(path).read_bytes())


def data_files(data_dir: Path) -> list[Path]:
    """The input files of a data folder: the files that reading reads (``tables.files``)."""
    return [p for p in input_files(data_dir) if p.is_file()]


@cache
def code_digest() -> str:
    """Hash of the package's code, message catalogues and templates."""
    parts = {
        str(p.relative_to(PACKAGE_DIR)): sha256_file(p)
        for p in sorted(PACKAGE_DIR.rglob("*"))
        if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts
    }
    return digest_of(parts)


@cache
def library_versions() -> dict[str, str]:
    """Versions of the key libraries, read from the installed distributions' folder names
    (one directory listing; ``importlib.metadata`` would cost a tenth of a second)."""
    versions: dict[str, str] = {"python": sys.version.split()[0], "report_utils": __version__}
    wanted = {name.replace("-", "_").lower() for name in KEY_LIBRARIES}
    for folder in {*site.getsitepackages(), *sys.path}:
        path = Path(folder)
        if not path.is_dir():
            continue
        for entry in path.iterdir():
            if entry.suffix != ".dist-info":
                continue
            name, _, version = entry.stem.partition("-")
            if name.lower() in wanted:
                versions.setdefault(name.lower(), version)
    return dict(sorted(versions.items()))
