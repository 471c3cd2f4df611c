"""What changed since the last briefing: comparable figures stated as changes in the words of
what the indicator is; others as new figures. Synthetic multi-period data is made here (never
shipped); expected values are read from the tables."""

import subprocess
import sys

import pytest
from conftest import HOME, synthetic_figure
from markupsafe import Markup

from report_utils.batch import runner
from report_utils.briefing.figures import AsOf
from report_utils.briefing.kinds.changes import found_changes
from report_utils.briefing.report import Briefing
from report_utils.errors import ParameterError
from report_utils.paths import DATA_DIR
from report_utils.tables.asof import previous_month
from report_utils.tables.load import load_dataset
from report_utils.tables.periods import Period

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
        synthetic_figure(data_copy, f"ind_va_growth,贵州省,{start},{end},{value},%,,reported,")
        + "\n"
        for (start, end), value in SERIES.items()
    )
    (data_copy / "figures" / "zz-synthetic-2022.csv").write_text(HEADER + rows, encoding="utf-8")
    return data_copy


def text(block) -> str:
    return Markup(block.html).striptags()


def changes_of(brief: Briefing):
    return found_changes(brief.asof, brief.meaning, brief.compare)


def test_the_new_period_is_the_default(multi_period):
    latest = max(end for _, end in SERIES)
    assert load_dataset(multi_period).latest_month() == latest
    assert Briefing(data_dir=multi_period).asof.month == latest


def test_moves_compare_the_same_indicator_and_consecutive_periods(multi_period):
    dataset = load_dataset(multi_period)
    assert previous_month(dataset, "2022-06") == "2022-03"
    since, moves, new = changes_of(Briefing(data_dir=multi_period, period="2022-06"))
    assert since == "2022-03"
    [move] = moves
    assert (move.old.value, move.new.value) == (
        float(SERIES["2022-01", "2022-03"]),
        float(SERIES["2022-01", "2022-06"]),
    )
    # worked out, to the figures' decimals, and marked as derived
    assert move.worked_out and move.change.derived
    assert move.change.value == pytest.approx(9.1 - 8.8) and move.change.unit == "个百分点"
    assert new == []


def test_a_faster_growth_rate_is_said_to_speed_up(multi_period):
    zh = text(Briefing(data_dir=multi_period, period="2022-06").section("changes"))
    assert (
        "2022年上半年规模以上工业增加值增速比2022年1—3月加快0.3个百分点（推算），"
        f"由{SERIES['2022-01', '2022-03']}%升至{SERIES['2022-01', '2022-06']}%"
    ) in zh
    en = text(Briefing(data_dir=multi_period, period="2022-06", lang="en").section("changes"))
    assert (
        f"in Jan–Jun 2022: up {SERIES['2022-01', '2022-06']}%, 0.3 percentage points (derived) "
        f"faster than in Jan–Mar 2022 (was up {SERIES['2022-01', '2022-03']}%)"
    ) in en


def test_cumulative_periods_of_different_years_are_not_a_move(multi_period):
    """1—9月 2021 and 1—6月 2022 do not follow each other: the later figure is new, with its
    period, and no rise or fall is stated between them."""
    brief = Briefing(data_dir=multi_period, period="2022-06", compare="2021-09")
    since, moves, _ = changes_of(brief)
    assert since == "2021-09"
    [move] = [m for m in moves if m.new.indicator == "ind_va_growth"]
    # not against 2021年1—9月, what that briefing showed, but against 1—3月 of the same year
    assert (move.old.period.start, move.old.period.end) == ("2022-01", "2022-03")
    zh = text(brief.section("changes"))
    september = brief.asof.at("ind_va_growth", Period("2021-01", "2021-09"))
    assert f"由{september.number()}%" not in zh
    assert "2022年上半年规模以上工业增加值增速比2022年1—3月加快" in zh
    assert "月规模以上工业增加值增速比2021年1—9月" not in zh  # (十大…增加值 may)
    with pytest.raises(
        ParameterError, match=r"compare \(2022-06\) must be before the period \(2022-03\)"
    ):
        Briefing(data_dir=multi_period, period="2022-03", compare="2022-06")


def test_shipped_data_two_months():
    """As of 1—11月 against 1—9月: the ten industries' value added moved, projects are new."""
    since, moves, new = changes_of(Briefing(period="2021-11"))
    assert since == "2021-09"
    assert {m.new.indicator for m in moves} == {"ten_ind_va_growth"}
    assert "projects_introduced" in {f.indicator for f in new}


def test_an_improved_rank_moved_up(tmp_path):
    """The 2021-09 briefing against 2021-08: the national rank went from 14 to 12, which is up
    two places (the issue: it used to say 回落 / fell)."""
    dataset = load_dataset(DATA_DIR)
    now = AsOf(dataset, "2021-09")
    new = now.latest("ind_va_growth_rank")
    old = now.before("ind_va_growth_rank", new.period)  # 1—6月, worked back from September's
    assert new.value < old.value  # the data: a better rank, as a smaller number
    brief = Briefing(period="2021-09")
    _, moves, _ = changes_of(brief)
    rank = next(m for m in moves if m.new.indicator == "ind_va_growth_rank")
    assert brief.meaning.direction(rank) == "up"
    # the data's own change of the rank is used, not worked out again
    assert not rank.worked_out and rank.change.indicator == "ind_va_growth_rank_change"
    zh = text(brief.section("changes"))
    places = int(old.value - new.value)
    assert f"前移{places}位，由第{int(old.value)}位（推算）升至第{int(new.value)}位" in zh
    assert "回落" not in zh and "后移" not in zh
    en = text(Briefing(period="2021-09", lang="en").section("changes"))
    assert f"up {places} places from Jan–Jun 2021" in en and "fell" not in en


def test_year_on_year_changes_say_so(tmp_path):
    """A share compared with the same period a year earlier says 比上年同期, not only since the
    previous month; the frame of each move is stated."""
    brief = Briefing(period="2021-09")
    _, moves, _ = changes_of(brief)
    shares = [m for m in moves if m.new.indicator == "ind_va_gdp_share"]
    assert shares and shares[0].base == "year_earlier"
    zh = text(brief.section("changes"))
    change = shares[0].change
    assert f"全部工业增加值占地区生产总值比重比上年同期提高{change.number()}个百分点" in zh


def test_growth_rates_are_stated_as_growth_not_levels():
    """A new growth figure reads 同比增长11.7% / up 11.7% year on year, a negative one 同比下降
    / down, never "11.7%" or "-9.4%" after the name."""
    brief = Briefing(period="2021-09")
    va = brief.asof.latest("ind_va_growth")
    fai = brief.asof.latest("fai_growth")
    zh = text(brief.section("changes"))
    assert f"规模以上工业增加值同比增长{va.number()}%" in zh
    assert f"固定资产投资同比下降{fai.number(absolute=True)}%（推算）" in zh
    en = text(Briefing(period="2021-09", lang="en").section("changes"))
    assert f"Fixed-asset investment: down {fai.number(absolute=True)}% (derived) year on year" in en
    assert f": {fai.number()}%" not in en


def test_first_month_has_nothing_to_compare():
    dataset = load_dataset(DATA_DIR)
    first = dataset.months()[0]
    brief = Briefing(period=first)
    assert changes_of(brief)[0] is None
    assert "没有可比的上期" in text(brief.section("changes"))


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
    assert [r.name for r in results] == [f"{HOME}/2022-06/zh"] and results[0].status == "built"
    html = (tmp_path / "out" / HOME / "2022-06" / "zh" / "briefing.html").read_text(
        encoding="utf-8"
    )
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
