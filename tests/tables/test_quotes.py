"""A reported figure's quote holds its number (issue 20, item 4): the promise that every number
shown is traced to its source rests on it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import validate_command

from report_utils.paths import DATA_DIR
from report_utils.tables.load import validate
from report_utils.tables.quotes import holds, numbers_in

FIGURES = Path("figures") / "guizhou-industry-2021.csv"


@pytest.mark.parametrize(
    ("quote", "value", "decimals", "unit"),
    [
        ("全省规模以上工业增加值同比增长**11.7%**", 11.7, 1, "%"),
        ("累计增速位居全国第**12**位，较上半年进**2**位", 2, 0, "位"),
        ("总投资909.72亿元", 909.72, 2, "亿元"),
        ("年产10万吨锂电池负极材料", 10, 0, "万吨/年"),  # 10万 in a unit of 万 is 10
        ("年末常住人口3852万人", 38520000, 0, "人"),  # 万 after the digits scales them
        ("固定资产投资下降9.4%", -9.4, 1, "%"),  # the sign is the words'
        ("引进工业产业项目2,578个", 2578, 0, "个"),
        ("增长１１．７％", 11.7, 1, "%"),  # full-width digits
        ("开工率41.195%", 41.2, 1, "%"),  # a value may round its quote
        ("增长12%", 12.0, 0, "%"),
        ("GDP reached 1.96 trillion yuan", 19600, 0, "亿元"),  # an English source's magnitude
    ],
)
def test_a_quote_holds_its_value(quote: str, value: float, decimals: int, unit: str) -> None:
    assert holds(quote, value, decimals, unit)


@pytest.mark.parametrize(
    ("quote", "value", "decimals", "unit"),
    [
        ("人均地区生产总值50808元", 50848, 0, "元"),  # the typo
        ("约5万元", 50848, 0, "元"),  # less precise than the value: digits invented
        ("累计增速位居全国第**12**位，较上半年进**2**位", 1, 0, "位"),
        ("2021年，工业税收同比增长14.5%", 21, 0, "%"),  # 2021 is not 21
        ("2021年1—9月，增长**7.1%**", 9, 0, "%"),  # only the bold numbers are the figures
        ("增长11.7%", 11.75, 2, "%"),
        ("总投资909.72亿元", 909.72, 2, "万元"),  # another magnitude
    ],
)
def test_a_quote_that_does_not_hold_its_value(
    quote: str, value: float, decimals: int, unit: str
) -> None:
    assert not holds(quote, value, decimals, unit)


def test_numbers_are_read_in_base_units() -> None:
    assert [str(n) for n in numbers_in("总投资约160亿元，5个项目")] == ["16000000000", "5"]


def test_every_shipped_figure_is_held_by_its_quote() -> None:
    dataset, problems = validate(DATA_DIR)
    assert dataset is not None
    assert [p for p in problems if p.column in ("value", "capacity")] == []


def change_value(data: Path, indicator: str, value: str) -> int:
    """Change one reported figure's value in a copy of the data; return its line."""
    path = data / FIGURES
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    line = next(
        i
        for i, r in enumerate(rows, start=2)
        if r["indicator"] == indicator and r["status"] == "reported"
    )
    rows[line - 2]["value"] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return line


def test_validate_refuses_a_value_its_quote_does_not_hold(data_copy: Path) -> None:
    line = change_value(data_copy, "ind_va_growth", "12.7")  # the quote says 11.7%
    result = validate_command(data_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [x for x in result.stdout.splitlines() if ": value: " in x]
    assert len(errors) == 1, result.stdout
    assert f"{FIGURES}:{line}: value:" in errors[0]
    assert "12.7" in errors[0] and "11.7" in errors[0]
    assert "Traceback" not in result.stderr
