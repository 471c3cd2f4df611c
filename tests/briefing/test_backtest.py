"""Backtest: the shipped Guizhou briefings keep every figure and lineage row they had before the
briefing became data (the spec and the analyst's catalogues beside the data).

``guizhou_lineage_before_spec.csv`` lists, for each shipped briefing (every month with data, zh
and en), the appendix rows of the briefing the code built before that change (commit fdc8b80,
``briefing build --all-periods``): the table row each figure came from and the number shown.
Each briefing built now must show every one of them (it may show more, such as a change it works
out, which cites its two rows)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from report_utils.briefing.report import Briefing
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset

BEFORE = Path(__file__).with_name("guizhou_lineage_before_spec.csv")


def recorded() -> dict[tuple[str, str], set[tuple[str, str]]]:
    rows: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    with BEFORE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["period"], row["lang"]].add((row["row"], row["value"]))
    return rows


RECORDED = recorded()


def test_the_record_covers_every_shipped_briefing():
    months = load_dataset(DATA_DIR).months()
    assert set(RECORDED) == {(m, lang) for m in months for lang in ("zh", "en")}
    assert sum(map(len, RECORDED.values())) > 250


@pytest.mark.parametrize(("period", "lang"), sorted(RECORDED))
def test_every_figure_and_lineage_row_is_kept(period: str, lang: str):
    brief = Briefing(period=period, lang=lang)
    brief.headlines()
    brief.sections()
    shown = {
        (f"{brief._relative(f.file)}:{f.line}", brief.phrases.number(f))
        for f in brief.lineage.figures
        if not f.inputs  # a change worked out here cites two rows of its own
    }
    assert RECORDED[period, lang] <= shown, sorted(RECORDED[period, lang] - shown)
