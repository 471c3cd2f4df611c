"""New periods without code changes: synthetic multi-period data made here (never shipped)."""

import subprocess
import sys

import pytest
from conftest import SYNTHETIC_NOTE

from report_utils.briefing.changes import changes, previous_month
from report_utils.briefing.report import Briefing
from report_utils.build import runner
from report_utils.errors import ParameterError
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset

HEADER = (
    "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,quote\n"
)
# SYNTHETIC values for a later year: not from any source.
SERIES = {
    ("2021-01", "2021-06"): "10.4",
    ("2022-01", "2022-03"): "8.8",
    ("2022-01", "2022-06"): "9.1",
}


@pytest.fixture
def multi_period(data_copy):
    rows = "".join(
        f"ind_va_growth,贵州省,{start},{end},{value},%,,reported,,gzrb-industry-2021,"
        f"{SYNTHETIC_NOTE}\n"
        for (start, end), value in SERIES.items()
    )
    (data_copy / "figures" / "zz-synthetic-2022.csv").write_text(HEADER + rows, encoding="utf-8")
    return data_copy


def test_the_new_period_is_the_default(multi_period):
    latest = max(end for _, end in SERIES)
    assert load_dataset(multi_period).latest_month() == latest
    assert Briefing(data_dir=multi_period).asof.month == latest


def test_moves_compare_the_same_indicator_and_kind_of_period(multi_period):
    dataset = load_dataset(multi_period)
    assert previous_month(dataset, "2022-06") == "2022-03"
    found = changes(dataset, "2022-06")
    assert found.since == "2022-03"
    moves = {(m.new.indicator, m.new.region): m for m in found.moved}
    assert set(moves) == {("ind_va_growth", "贵州省")}
    move = moves["ind_va_growth", "贵州省"]
    assert (move.old.value, move.new.value) == (
        float(SERIES["2022-01", "2022-03"]),
        float(SERIES["2022-01", "2022-06"]),
    )
    assert move.direction == "up"
    assert found.new == [] and found.events.empty


def test_changes_section_in_words(multi_period):
    zh = repr(Briefing(data_dir=multi_period, period="2022-06").section("changes"))
    assert (
        f"由2022年1—3月的{SERIES['2022-01', '2022-03']}%提高到2022年上半年的"
        f"{SERIES['2022-01', '2022-06']}%"
    ) in zh
    en = repr(Briefing(data_dir=multi_period, period="2022-06", lang="en").section("changes"))
    assert (
        f"rose from {SERIES['2022-01', '2022-03']}% in Jan–Mar 2022 to "
        f"{SERIES['2022-01', '2022-06']}% in Jan–Jun 2022"
    ) in en


def test_compare_with_a_chosen_month(multi_period):
    shipped = load_dataset(DATA_DIR)
    q3 = shipped.figures[
        (shipped.figures["indicator"] == "ind_va_growth")
        & (shipped.figures["period_end"] == "2021-09")
    ]["value"].iloc[0]
    text = repr(
        Briefing(data_dir=multi_period, period="2022-06", compare="2021-09").section("changes")
    )
    assert f"由2021年1—9月的{q3:g}%回落到2022年上半年的{SERIES['2022-01', '2022-06']}%" in text
    with pytest.raises(ParameterError, match="before the briefing's month"):
        Briefing(data_dir=multi_period, period="2022-03", compare="2022-06")


def test_shipped_data_two_months(tmp_path):
    """As of 1—11月 against 1—9月: the ten industries' value added moved, projects are new."""
    dataset = load_dataset(DATA_DIR)
    found = changes(dataset, "2021-11")
    assert found.since == "2021-09"
    moved = {m.new.indicator for m in found.moved}
    assert moved == {"ten_ind_va_growth"}
    assert "projects_introduced" in {f.indicator for f in found.new}


def test_first_month_has_nothing_to_compare():
    dataset = load_dataset(DATA_DIR)
    first = dataset.months()[0]
    assert changes(dataset, first).since is None
    assert "没有可比的上期" in repr(Briefing(period=first).section("changes"))


def test_series_chart_with_three_or_more_periods(multi_period):
    brief = Briefing(data_dir=multi_period, period="2022-06")
    section = brief.build_section("growth")
    assert section.series is not None
    assert "折线图" in section.series.alt
    for value in SERIES.values():
        assert f"{value}%" in section.series.alt
    # with the shipped data no indicator has three periods: no line chart
    assert Briefing().build_section("growth").series is None


@pytest.mark.e2e
def test_build_picks_up_the_new_period(multi_period, tmp_path):
    results = runner.build(multi_period, tmp_path / "out", [], ["zh"], ["html"])
    assert [r.name for r in results] == ["2022-06/zh"] and results[0].status == "built"
    html = (tmp_path / "out" / "2022-06" / "zh" / "briefing.html").read_text(encoding="utf-8")
    assert 'class="chart series"' in html
    assert "与上期相比" in html and "2022年1—3月" in html


def test_cli_rejects_a_bad_compare(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "report_utils",
            "build",
            "--out",
            str(tmp_path),
            "--compare",
            "2030-01",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "compare" in result.stderr
    assert not list(tmp_path.rglob("*.ipynb"))
