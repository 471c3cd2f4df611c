"""Issue 20's second data set (SYNTHETIC, see synthetic_release.py): a statistical release added
from data alone. A stock and its change since the previous year's end, a money level in 亿元,
a gap to a group of regions, a 2018 figure and a communiqué published a quarter after its period
are worded as NBS releases word them, in zh and en, under both as-of rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import synthetic_release as synthetic
from markupsafe import Markup

from report_utils.briefing.report import Briefing


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.make(tmp_path_factory.mktemp("release"))


def text(brief: Briefing, section: str) -> str:
    return Markup(brief.section(section).html).striptags()


def test_the_release_validates_with_its_own_units(data: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "report_utils", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stock_changes_since_the_end_of_the_previous_year(data: Path) -> None:
    zh = text(Briefing(data_dir=data, period="2021-12", lang="zh"), "release")
    en = text(Briefing(data_dir=data, period="2021-12", lang="en"), "release")
    assert "常住人口3852万人，比上年末减少6万人。" in zh
    assert "同期" not in zh and "降低" not in zh
    assert ": 38.52 million people, down 60,000 from the end of 2020." in en


def test_a_money_level_is_restated_at_its_indicators_precision(data: Path) -> None:
    zh = text(Briefing(data_dir=data, period="2021-12", lang="zh"), "economy")
    en = text(Briefing(data_dir=data, period="2021-12", lang="en"), "economy")
    assert "地区生产总值19586.42亿元" in zh  # the table's digits in the table's language
    assert "was CNY 1.96 trillion," in en  # precision 3 in meta/indicators.csv
    assert "1,958.642" not in en and "19,586" not in en


def test_a_gap_to_a_group_of_regions_is_worded_as_the_group(data: Path) -> None:
    zh = text(Briefing(data_dir=data, period="2021-12", lang="zh"), "economy")
    en = text(Briefing(data_dir=data, period="2021-12", lang="en"), "economy")
    assert "高于西部地区1.8个百分点" in zh and "全省1.8" not in zh
    assert "1.8 percentage points above the rate of the western region" in en
    assert "provincial rate" not in en


def test_a_2018_figure_is_not_the_latest_of_a_2021_briefing(data: Path) -> None:
    for lang in ("zh", "en"):
        later = Briefing(data_dir=data, period="2021-12", lang=lang)
        assert "8.7" not in text(later, "small")  # left out: no figure fresh enough
        assert all("8.7" not in Markup(p.html).striptags() for p in later.key_messages())
        then = Briefing(data_dir=data, period="2018-12", lang=lang)
        assert "8.7%" in text(then, "small")


def test_max_age_is_declared_per_section(data: Path, tmp_path: Path) -> None:
    spec = (data / "briefing.yml").read_text(encoding="utf-8")
    older = synthetic.make(tmp_path)
    (older / "briefing.yml").write_text(
        spec.replace(
            "  - id: small\n    kind: figures\n",
            "  - id: small\n    kind: figures\n    max_age: 3\n",
        ),
        encoding="utf-8",
    )
    assert "8.7%" in text(Briefing(data_dir=older, period="2021-12", lang="zh"), "small")


def test_reference_period_rule_shows_a_year_as_of_its_december(data: Path) -> None:
    brief = Briefing(data_dir=data, period="2021-12", lang="zh")
    assert "3852万人" in text(brief, "release")


def test_known_by_then_rule_waits_for_the_publication(tmp_path: Path) -> None:
    data = synthetic.make(tmp_path, as_of_rule="known_by_then")
    december = Briefing(data_dir=data, period="2021-12", lang="zh")
    assert "3852" not in text(december, "release")  # published 2022-03: not known yet
    assert "19586.42" not in text(december, "economy")
    march = Briefing(data_dir=data, period="2022-03", lang="en")
    assert "38.52 million people" in text(march, "release")
    assert "Published March 2022." in Markup(march.sources().html).striptags()


def test_a_chart_of_bars_in_different_units_is_refused(tmp_path: Path) -> None:
    data = synthetic.make(tmp_path)
    spec = (data / "briefing.yml").read_text(encoding="utf-8")
    mixed = spec.replace(
        "      gap: gdp_growth_gap_west\n", "      gap: gdp_growth_gap_west\n    chart: [gdp, g]\n"
    )
    (data / "briefing.yml").write_text(mixed, encoding="utf-8")
    for lang, title in (("zh", "经济"), ("en", "Economy")):
        path = data / "messages" / f"{lang}.yml"
        words = f'    title: "{title}"\n'
        charted = words + f'    chart_title: "{title}"\n    axis: "-"\n'
        path.write_text(path.read_text(encoding="utf-8").replace(words, charted), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "report_utils", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1  # refused before any kernel: one axis, one measure
    line = mixed.splitlines().index("    chart: [gdp, g]") + 1
    assert (
        f"briefing.yml:{line}: chart: a chart draws one measure, but its indicators differ in "
        in (result.stdout)
    )


def test_the_data_check_appendix_leaves_out_rules_on_stale_figures(tmp_path: Path) -> None:
    data = synthetic.make(tmp_path)
    (data / "rules").mkdir()
    (data / "rules" / "release.csv").write_text(
        "id,kind,checked,expression,explanation_zh,explanation_en\n"
        'gap-west,gap,"gdp_growth_gap_west[示例省,2021-01..2021-12]",'
        '"gdp_growth[示例省,2021-01..2021-12] - 6.3",与西部地区之差,Gap to the west\n'
        'small-2018,total,"small_va_growth[示例省,2018-01..2018-09]",'
        '"gdp_growth[示例省,2021-01..2021-12] + 0.6",二〇一八年规则,The 2018 rule\n',
        encoding="utf-8",
    )
    later = Markup(Briefing(data_dir=data, period="2021-12", lang="en").analyst_notes().html)
    assert "Gap to the west" in later.striptags() and "The 2018 rule" not in later.striptags()
    then = Markup(Briefing(data_dir=data, period="2018-12", lang="en").analyst_notes().html)
    assert "The 2018 rule" in then.striptags()
