"""Every path the project uses, derived from one root.

The root is the repository checkout (``src/report_utils`` lives two levels below it). The
environment variable ``REPORT_UTILS_ROOT`` overrides it, for an installed copy of the package
that should work on another checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = Path(os.environ.get("REPORT_UTILS_ROOT", PACKAGE_DIR.parents[1])).resolve()

DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
BRIEFING_NOTEBOOK = NOTEBOOKS_DIR / "briefing.ipynb"

# Package data, one folder per stage that reads it.
MESSAGES_DIR = PACKAGE_DIR / "briefing" / "messages"
NBCONVERT_TEMPLATES_DIR = PACKAGE_DIR / "export" / "templates" / "nbconvert"
INDEX_TEMPLATES_DIR = PACKAGE_DIR / "build" / "templates"

# Layout of a data folder, relative to it.
META_SUBDIR = "meta"
FACT_TABLES = ("figures", "events", "projects", "cases")
META_TABLES = ("indicators", "regions", "sources")


def briefing_dir(out_dir: Path, region: str, period: str, lang: str) -> Path:
    """Folder of one briefing: ``OUT/<region>/<period>/<lang>/``."""
    return Path(out_dir) / region / period / lang
