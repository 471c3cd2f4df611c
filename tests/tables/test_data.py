"""The shipped data/ folder: it validates, and every row is traceable to the source article."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from report_utils.tables.load import Dataset, load_dataset, validate

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ARTICLE = DATA / "sources" / "guizhou-industry-2021.txt"
FIGURES = DATA / "figures" / "guizhou-industry-2021.csv"
FACT_FILES = sorted(
    p for table in ("figures", "events", "projects", "cases") for p in (DATA / table).glob("*.csv")
)
KEY = ("indicator", "region", "period_start", "period_end")


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows as the CSV text spells them (no number conversion)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def figure_rows() -> list[dict[str, str]]:
    return [row for path in sorted((DATA / "figures").glob("*.csv")) for row in read_rows(path)]


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(DATA)


def figure(dataset: Dataset, indicator: str, region: str, start: str, end: str):
    frame = dataset.figures
    match = frame[
        (frame["indicator"] == indicator)
        & (frame["region"] == region)
        & (frame["period_start"] == start)
        & (frame["period_end"] == end)
    ]
    assert len(match) == 1, f"{indicator}[{region},{start}..{end}] should be one row"
    return match.iloc[0]


def test_shipped_data_validates_without_problems() -> None:
    dataset, problems = validate(DATA)
    assert [str(p) for p in problems] == []
    assert dataset is not None
    assert len(dataset.figures) == len(figure_rows())


@pytest.mark.parametrize("path", FACT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_quote_is_an_exact_substring_of_the_article(path: Path, article: str) -> None:
    rows = read_rows(path)
    assert rows
    not_found = [
        (line, row["quote"])
        for line, row in enumerate(rows, start=2)
        if not row["quote"] or row["quote"] not in article
    ]
    assert not_found == []


def test_every_reported_value_appears_in_its_quote_as_written() -> None:
    """The value as the CSV spells it, as a whole number in the quote (not part of a longer one),
    once the ``**`` bold markers are removed."""
    reported = [row for row in figure_rows() if row["status"] == "reported"]
    assert reported
    missing = []
    for row in reported:
        pattern = rf"(?<![\d.]){re.escape(row['value'])}(?!\.?\d)"
        if not re.search(pattern, row["quote"].replace("**", "")):
            missing.append((row["indicator"], row["value"], row["quote"]))
    assert missing == []


def test_derived_figures_have_a_formula_and_reported_ones_none() -> None:
    rows = figure_rows()
    assert {row["status"] for row in rows} == {"reported", "derived"}
    wrong = [
        (row["indicator"], row["status"], row["formula"])
        for row in rows
        if bool(row["formula"].strip()) != (row["status"] == "derived")
    ]
    assert wrong == []


def test_no_figure_key_appears_twice() -> None:
    counts = Counter(tuple(row[k] for k in KEY) for row in figure_rows())
    assert [key for key, n in counts.items() if n > 1] == []


def test_industrial_industry_investment_and_industrial_investment_are_distinct(
    dataset: Dataset,
) -> None:
    """工业产业投资 and 工业投资 are different measures in the article (8.9% vs 20.7%)."""
    by_name = dataset.indicators.reset_index().groupby("name_zh")["id"].apply(list)
    assert by_name["工业产业投资"] == ["ind_industry_inv_growth"]
    assert by_name["工业投资"] == ["ind_inv_growth"]
    industry = dataset.figures[dataset.figures["indicator"] == "ind_industry_inv_growth"]
    plain = dataset.figures[dataset.figures["indicator"] == "ind_inv_growth"]
    assert set(industry["value"]) == {8.9}
    assert set(plain[plain["region"] == "贵州省"]["value"]) == {20.7}


# --- spot checks against the article --------------------------------------------------------


def test_industrial_value_added_growth_is_reported_as_in_the_article(
    dataset: Dataset, article: str
) -> None:
    assert "全省规模以上工业增加值同比增长**11.7%**" in article
    row = figure(dataset, "ind_va_growth", "贵州省", "2021-01", "2021-09")
    assert row["value"] == 11.7
    assert row["status"] == "reported"
    assert row["unit"] == "%"


def test_fixed_asset_investment_growth_is_derived_from_the_article(
    dataset: Dataset, article: str
) -> None:
    match = re.search(
        r"工业产业投资增长\*\*([\d.]+)%\*\*，高于全省固定资产投资增速\*\*([\d.]+)\*\*"
        r"个百分点",
        article,
    )
    assert match, "the sentence the figure is derived from"
    growth, gap = (float(g) for g in match.groups())
    row = figure(dataset, "fai_growth", "贵州省", "2021-01", "2021-09")
    assert round(growth - gap, 1) == -9.4
    assert row["value"] == -9.4
    assert row["status"] == "derived"
    assert "ind_industry_inv_growth" in row["formula"]
    assert "ind_industry_inv_gap_fai" in row["formula"]


@pytest.mark.parametrize(
    ("end", "value", "in_article"),
    [
        pytest.param("2021-09", 11.6, "十大工业产业规模以上工业增加值同比增长**11.6%**", id="1-9"),
        pytest.param(
            "2021-11",
            12.0,
            "2021年前11月，全省十大工业产业规模以上工业增加值同比增长12%",
            id="1-11",
        ),
    ],
)
def test_ten_industries_value_added_growth_has_both_periods(
    dataset: Dataset, article: str, end: str, value: float, in_article: str
) -> None:
    assert in_article in article
    row = figure(dataset, "ten_ind_va_growth", "贵州省", "2021-01", end)
    assert row["value"] == value
    assert row["status"] == "reported"


def test_ten_industries_value_added_growth_has_exactly_those_two_periods(dataset: Dataset) -> None:
    rows = dataset.figures[dataset.figures["indicator"] == "ten_ind_va_growth"]
    assert sorted(zip(rows["period_start"], rows["period_end"], strict=True)) == [
        ("2021-01", "2021-09"),
        ("2021-01", "2021-11"),
    ]
