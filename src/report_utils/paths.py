"""Every path the project uses, derived from one root.

The root is the repository checkout (``src/report_utils`` lives two levels below it). The
environment variable ``REPORT_UTILS_ROOT`` overrides it, for an installed copy of the package
that should work on another checkout.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from report_utils.errors import UnsafePathError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("REPORT_UTILS_ROOT", PACKAGE_DIR.parents[1])).resolve()

DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
BRIEFING_NOTEBOOK = NOTEBOOKS_DIR / "briefing.ipynb"

# Package data, one folder per stage that reads it.
MESSAGES_DIR = PACKAGE_DIR / "briefing" / "messages"
NBCONVERT_TEMPLATES_DIR = PACKAGE_DIR / "export" / "templates" / "nbconvert"
INDEX_TEMPLATES_DIR = PACKAGE_DIR / "batch" / "templates"

# The layout of a data folder, relative to it: every reader of a data folder asks here where its
# parts are (as OWID's etl builds every directory in one paths module). Which files of a folder
# are inputs, and how they are read, is ``tables.files``'.
META_SUBDIR = "meta"  # meta/<table>.csv
META_TABLES = ("indicators", "regions", "sources")
FACT_TABLES = ("figures", "events", "projects", "cases")  # <table>/*.csv|xlsx
RULES_SUBDIR = "rules"  # rules/*.csv|xlsx
SPEC_FILE = "briefing.yml"  # what a briefing shows
MESSAGES_SUBDIR = "messages"  # messages/<lang>.yml: the analyst's sentences
MESSAGES_SUFFIX = ".yml"


def meta_file(data_dir: Path, table: str) -> Path:
    """A metadata table of a data folder: ``meta/<table>.csv``."""
    return Path(data_dir) / META_SUBDIR / f"{table}.csv"


def spec_file(data_dir: Path) -> Path:
    """The data folder's spec (``briefing.yml``)."""
    return Path(data_dir) / SPEC_FILE


def messages_dir(data_dir: Path) -> Path:
    """The folder of the analyst's sentences, one catalogue a language."""
    return Path(data_dir) / MESSAGES_SUBDIR


def messages_file(data_dir: Path, lang: str) -> Path:
    """The analyst's sentences in ``lang``: ``messages/<lang>.yml``."""
    return messages_dir(data_dir) / f"{lang}{MESSAGES_SUFFIX}"


# --- paths computed from data --------------------------------------------------------------------

# One folder name from data (a region id; a period, a language): a letter (of any script) or a
# digit, then letters, digits, "_", "-" and ".", at most this long. 60 characters are at most 240
# bytes of UTF-8, within every file system's 255-byte limit for a name.
NAME_CHARS = 60
_NAME_RE = re.compile(r"[^\W_][\w.-]*")
NAME_FORM = "a name starts with a letter or digit, then letters, digits, _, - or ."
# Names the build writes itself at the top of the output folder or in a briefing's folder, and
# the device names Windows reserves (``nul.txt`` too): a folder of that name would break a build
# or could not be copied to such a machine.
RESERVED_NAMES = frozenset(
    (
        "index.html",
        "manifest.json",
        "failed.ipynb",
        "briefing.ipynb",
        "briefing.html",
        "briefing.pdf",
    )
)
_DEVICE_RE = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def name_problem(name: str) -> str | None:
    """Why ``name``, text from data, cannot name a folder of the output, or None when it can.

    A name is one folder: no separator, not ``.`` or ``..``, nothing hidden (``.x``), no control,
    format (zero-width, bidirectional) or other invisible character, no punctuation a shell, a
    URL or another file system treats specially, not a name the build writes itself."""
    if not name:
        return "an empty name"
    if len(name) > NAME_CHARS:
        return f"longer than {NAME_CHARS} characters ({len(name)})"
    if not _NAME_RE.fullmatch(name):
        bad = next(
            (c for i, c in enumerate(name) if not _NAME_RE.fullmatch(("a" if i else "") + c)),
            name[0],
        )
        code = f"U+{ord(bad):04X}"
        label = unicodedata.name(bad, "") or unicodedata.category(bad)
        return f"the character {bad!r} ({code} {label}) is not allowed here; {NAME_FORM}"
    if name.endswith("."):
        return f"a name ending in '.' (Windows drops it); {NAME_FORM}"
    if name.casefold() in RESERVED_NAMES or _DEVICE_RE.fullmatch(name):
        return f"{name!r} is a name the build or an operating system reserves"
    return None


def inside(root: Path, relative: str | Path) -> Path:
    """``root / relative``, checked to stay inside ``root``: the one gate for every path a writer
    computes from data or receives from elsewhere (a briefing's folder, a file a Dask worker
    ships). ``relative`` must be relative, without ``..`` or a NUL, and the whole, links
    resolved, must lead inside ``root``. Raises ``UnsafePathError`` before anything is
    touched."""
    text = str(relative)
    parts = Path(text).parts
    if "\0" in text or not parts or Path(text).is_absolute() or ".." in parts:
        raise UnsafePathError(f"{text!r} is not a path inside {root}; nothing was written")
    path = Path(root, text)
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    if real != real_root and real_root not in real.parents:
        raise UnsafePathError(f"{path} leads outside {root} (to {real}); nothing was written")
    return path


def briefing_dir(out_dir: Path, region: str, period: str, lang: str) -> Path:
    """Folder of one briefing: ``OUT/<region>/<period>/<lang>/``, each a folder name
    (``name_problem``), the whole inside ``out_dir`` (``inside``)."""
    for name in (region, period, lang):
        problem = name_problem(name)
        if problem is not None:
            shown = repr(name) if len(name) <= NAME_CHARS else repr(name[:NAME_CHARS]) + "…"
            raise UnsafePathError(f"cannot write a folder named {shown} in {out_dir}: {problem}")
    return inside(Path(out_dir), Path(region, period, lang))
