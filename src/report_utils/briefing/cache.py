"""Loaded and checked data folders, kept for the next briefing of the same kernel.

A warm kernel builds one briefing after another, mostly from the same data: each folder's
dataset and its spec (per language) are read and checked once per content of the folder's input
files (``tables.files.content_key``); the last few are kept. Nothing a briefing does changes a
dataset or a spec: a test builds the same briefing alone and after others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report_utils.tables.files import content_key
from report_utils.tables.load import load_dataset

_DATASETS: dict[tuple[str, str], Any] = {}
_SPECS: dict[tuple[str, str, str], Any] = {}
_KEEP = 4


def loaded(data_dir: Path) -> Any:
    """The data folder's dataset, read and checked once per content of its input files."""
    folder = (str(Path(data_dir).resolve()), content_key(data_dir))
    if folder not in _DATASETS:
        _remember(_DATASETS, folder, load_dataset(data_dir))
    return _DATASETS[folder]


def checked_data(data_dir: Path, lang: str) -> tuple[Any, Any]:
    """The data folder's dataset and its spec checked for ``lang``, read and checked once per
    content of the folder's input files (``tables.files.content_key``)."""
    from report_utils.briefing.checks import checked_spec

    folder = (str(Path(data_dir).resolve()), content_key(data_dir))
    dataset = loaded(data_dir)
    if (*folder, lang) not in _SPECS:
        _remember(_SPECS, (*folder, lang), checked_spec(dataset, data_dir, [lang]))
    return dataset, _SPECS[(*folder, lang)]


def _remember(cache: dict, key: tuple, value: Any) -> None:
    while len(cache) >= _KEEP:
        cache.pop(next(iter(cache)))
    cache[key] = value
