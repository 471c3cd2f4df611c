"""Backtest: the shipped Guizhou briefings keep every figure and lineage row they had before the
briefing became data (the spec and the analyst's catalogues beside the data), but for figures
that were not known yet as of their month: a briefing as of 2021-03 showed last year's shares
worked back from September's release; it no longer does (``tables.asof``).

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


def recorded() -> dict[tuple[str, str], set[tuple[str, float]]]:
    """The recorded rows and values (as numbers: the English appendix grouped them, 2,578)."""
    rows: dict[tuple[str, str], set[tuple[str, float]]] = defaultdict(set)
    with BEFORE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["period"], row["lang"]].add((row["row"], float(row["value"].replace(",", ""))))
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
        (f"{brief._relative(f.file)}:{f.line}", f.value)
        for f in brief.lineage.figures
        if not f.inputs  # a change worked out here cites two rows of its own
    }
    figures = brief.dataset.figures
    rows = {f"figures/{Path(r['_file']).name}:{r['_line']}": r for r in figures.to_dict("records")}
    for row, _ in RECORDED[period, lang] - shown:
        # only a figure derived from a later release may go: it was not known yet
        figure = rows[row]
        assert figure["status"] == "derived" and figure["_known"] > period, (row, figure)
    if period in ("2021-09", "2021-11", "2021-12"):  # the months with releases: everything
        assert RECORDED[period, lang] <= shown, sorted(RECORDED[period, lang] - shown)
