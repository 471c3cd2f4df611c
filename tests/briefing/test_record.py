"""The record a briefing's sources block carries: a lineage row per figure shown and the data
rows it used."""

from __future__ import annotations

from pathlib import Path

from conftest import synthetic_figure
from IPython.core.formatters import DisplayFormatter

from report_utils.briefing.record import MIMETYPE
from report_utils.briefing.report import Briefing
from report_utils.tables.load import FILE, LINE


def _record(brief: Briefing) -> dict:
    list(brief.sections())
    data, _ = DisplayFormatter().format(brief.sources())
    assert "text/html" in data  # the page still shows the appendix
    return data[MIMETYPE]


def test_a_figure_worked_out_here_cites_the_rows_it_is_worked_out_from(data_copy: Path):
    # "since the last briefing" works out changes from two figures of the tables: with a
    # SYNTHETIC rank for 1—8月 (13), the move to 12 in 1—9月 is one place (ranks are exact)
    path = data_copy / "figures" / "zz-synthetic.csv"
    path.write_text(
        "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,"
        "quote\n"
        + synthetic_figure(data_copy, "ind_va_growth_rank,贵州省,2021-01,2021-08,13,位,,reported,")
        + "\n",
        encoding="utf-8",
    )
    brief = Briefing(data_dir=data_copy, lang="en", period="2021-09")
    record = _record(brief)
    assert [r["ref"] for r in record["lineage"]] == [
        f"F{i}" for i in range(1, len(brief.lineage.figures) + 1)
    ]
    worked_out = [
        (row, f)
        for row, f in zip(record["lineage"], brief.lineage.figures, strict=True)
        if f.inputs
    ]
    assert worked_out
    for row, figure in worked_out:
        cited = row["rows"].split("; ")
        assert len(cited) == len(figure.inputs) >= 2
        assert all(c.endswith(f":{i.line}") for c, i in zip(cited, figure.inputs, strict=True))
        assert row["status"] == figure.status


def test_every_event_shown_is_among_the_rows_used():
    brief = Briefing(lang="zh")
    record = _record(brief)
    events = brief.asof.events()
    used = {(r["file"], r["line"]) for r in record["rows"] if r["file"].startswith("events/")}
    assert len(used) == len(events) > 0
    assert {line for _, line in used} == set(events[LINE]) and events[FILE].nunique() == 1
