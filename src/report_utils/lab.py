"""What ``make lab`` configures in JupyterLab: notebooks are saved without their outputs.

``ContentsManager.pre_save_hook`` is jupyter_server's own hook for this (the habit nbstripout
serves through git filters): the file on disk holds code only (``notebook_code.strip``), while
the open notebook in the browser keeps its outputs until it is closed.
"""

from __future__ import annotations

from typing import Any

from report_utils.notebook_code import strip


def strip_outputs(model: dict[str, Any], **kwargs: Any) -> None:
    """jupyter_server's pre-save hook: a notebook's outputs are not written to its file."""
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        model["content"] = strip(model["content"])
