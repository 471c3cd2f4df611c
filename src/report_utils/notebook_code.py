"""A notebook's code: what of a notebook file a briefing depends on.

A notebook saved from Jupyter carries its outputs, execution counts and per-cell metadata of the
front end (timings, collapsed, scrolled). None of them changes what a run of the notebook does,
so none is kept in the file (``strip``, JupyterLab's pre-save hook, see ``lab``) nor counted in
its digest (``digest``, compared by ``briefing build``): saving the notebook in Lab does not
rebuild anything.

Standard library only: a no-op build hashes the notebook without importing nbformat.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

# Cell metadata that is part of the notebook's code: papermill finds the parameters cell by tag,
# and nbconvert removes cells by tag.
KEPT_CELL_METADATA = ("tags",)
# Notebook metadata that says how it runs (which kernel); the rest is the front end's.
KEPT_METADATA = ("kernelspec",)


def strip(nb: dict[str, Any]) -> dict[str, Any]:
    """The notebook without outputs, execution counts and front-end cell metadata (a copy)."""
    nb = copy.deepcopy(nb)
    for cell in nb.get("cells", []):
        cell["metadata"] = {
            k: v for k, v in (cell.get("metadata") or {}).items() if k in KEPT_CELL_METADATA
        }
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def digest(data: bytes) -> str:
    """SHA-256 of a notebook file's code: its cells' types, sources and tags, and its kernel.
    A file that is not a notebook is hashed as bytes (its run then fails with a message)."""
    try:
        nb = json.loads(data)
        cells = [
            {
                "type": c.get("cell_type"),
                "source": "".join(c["source"])
                if isinstance(c.get("source"), list)
                else c.get("source"),
                "metadata": strip({"cells": [c]})["cells"][0]["metadata"],
            }
            for c in nb["cells"]
        ]
        meta = {k: v for k, v in nb.get("metadata", {}).items() if k in KEPT_METADATA}
    except (ValueError, TypeError, KeyError, AttributeError):
        return hashlib.sha256(data).hexdigest()
    code = json.dumps({"cells": cells, "metadata": meta}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(code.encode("utf-8")).hexdigest()
