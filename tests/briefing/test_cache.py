"""Loaded and checked data folders are kept for the next briefing of the same kernel: read once
per content of the folder's files, read again once a file changes, the last few kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import append_rows, synthetic_figure

from report_utils.briefing import cache


@pytest.fixture
def empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_DATASETS", {})
    monkeypatch.setattr(cache, "_SPECS", {})


def test_a_folder_is_read_once_until_a_file_of_it_changes(data_copy: Path, empty_cache) -> None:
    first = cache.loaded(data_copy)
    assert cache.loaded(data_copy) is first
    rows = len(first.figures)
    append_rows(
        data_copy / "figures" / "guizhou-industry-2021.csv",
        synthetic_figure(data_copy, "ind_va_growth,贵州省,2021-01,2021-10,11.5,%,,reported,"),
    )
    changed = cache.loaded(data_copy)
    assert changed is not first and len(changed.figures) == rows + 1
    assert len(first.figures) == rows  # what an earlier briefing read is left as it was


def test_the_spec_is_checked_once_per_language(data_copy: Path, empty_cache) -> None:
    dataset, zh = cache.checked_data(data_copy, "zh")
    again, zh_again = cache.checked_data(data_copy, "zh")
    assert (again, zh_again) == (dataset, zh) and zh_again is zh
    same, en = cache.checked_data(data_copy, "en")
    assert same is dataset and en is not zh
    assert len(cache._SPECS) == 2 and len(cache._DATASETS) == 1


def test_only_the_last_few_are_kept() -> None:
    kept: dict = {}
    for i in range(cache._KEEP + 2):
        cache._remember(kept, (str(i),), i)
    assert list(kept.values()) == list(range(2, cache._KEEP + 2))  # the oldest go first
