"""Rules between metadata rows (``tables.relations``), each from a hostile tester's input in a
synthetic copy of data/: an indicator's ``of`` and a gap's ``base``, region parents, and region
ids that one file system folder would hold twice (issues 22 item 5, 23 item 6)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from report_utils.tables.load import validate

INDICATORS = "data/meta/indicators.csv"
REGIONS = "data/meta/regions.csv"


def _rewrite(data: Path, shown: str, change) -> list[dict[str, str]]:
    """SYNTHETIC: rewrite a metadata table row by row (``change`` edits the list in place)."""
    path = data.parent / shown
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _line(rows: list[dict[str, str]], **match: str) -> int:
    return next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items())) + 2


def _set(rows: list[dict[str, str]], row_id: str, **cells: str) -> None:
    next(r for r in rows if r["id"] == row_id).update(cells)


def errors(data: Path) -> list[str]:
    dataset, problems = validate(data)
    shown = [str(p) for p in problems if p.severity == "error"]
    assert (dataset is None) == bool(shown)
    return shown


RANK_CHANGE = "ind_va_growth_rank_change"


def test_a_change_of_itself_is_refused_at_its_line(data_dir: Path) -> None:
    rows = _rewrite(data_dir, INDICATORS, lambda rows: _set(rows, RANK_CHANGE, of=RANK_CHANGE))
    line = _line(rows, id=RANK_CHANGE)
    assert errors(data_dir) == [
        f"{INDICATORS}:{line}: of: a change is a difference of another indicator, not of itself"
    ]


def test_a_change_of_a_change_is_refused(data_dir: Path) -> None:
    other = "ind_va_gdp_share_change"
    rows = _rewrite(data_dir, INDICATORS, lambda rows: _set(rows, other, of=RANK_CHANGE))
    assert errors(data_dir) == [
        f"{INDICATORS}:{_line(rows, id=other)}: of: a change is a difference of a figure "
        f"(growth, share, rank, count, amount, capacity); '{RANK_CHANGE}' is itself a change"
    ]


def test_an_of_on_an_indicator_that_is_no_difference_is_refused(data_dir: Path) -> None:
    rows = _rewrite(
        data_dir, INDICATORS, lambda rows: _set(rows, "ind_tax_growth", of="ind_va_growth")
    )
    (shown,) = errors(data_dir)
    assert shown.startswith(f"{INDICATORS}:{_line(rows, id='ind_tax_growth')}: of: only a change")


def test_a_gap_against_itself_is_refused(data_dir: Path) -> None:
    gap = "ind_industry_inv_gap_fai"
    rows = _rewrite(
        data_dir, INDICATORS, lambda rows: _set(rows, gap, base="ind_industry_inv_growth")
    )
    assert errors(data_dir) == [
        f"{INDICATORS}:{_line(rows, id=gap)}: base: a gap is measured against another region "
        "or indicator, not 'ind_industry_inv_growth'"
    ]


def test_a_region_that_is_its_own_parent_is_refused(data_dir: Path) -> None:
    rows = _rewrite(data_dir, REGIONS, lambda rows: _set(rows, "贵州省", parent="贵州省"))
    assert errors(data_dir) == [
        f"{REGIONS}:{_line(rows, id='贵州省')}: parent: a region is not its own parent"
    ]


def test_a_cycle_of_parents_is_refused_once_naming_the_cycle(data_dir: Path) -> None:
    def cycle(rows: list[dict[str, str]]) -> None:
        _set(rows, "全国", parent="黔南州")
        rows.append(dict.fromkeys(rows[0], "") | {"id": "黔南州", "name_en": "Qiannan"})
        rows[-1].update(level="autonomous_prefecture", parent="贵州省", role="region")

    rows = _rewrite(data_dir, REGIONS, cycle)
    assert errors(data_dir) == [
        f"{REGIONS}:{_line(rows, id='贵州省')}: parent: parents form a cycle: "
        "贵州省 → 全国 → 黔南州 → 贵州省"
    ]


@pytest.mark.parametrize(
    ("first", "second"),
    [("Qiannan", "qiannan"), ("\u00c5land", "\u212bland"), ("Straße", "STRASSE")],
    ids=["case", "nfc", "casefold"],
)
def test_region_ids_one_folder_would_hold_are_refused_naming_both_rows(
    data_dir: Path, first: str, second: str
) -> None:
    def add(rows: list[dict[str, str]]) -> None:
        for region in (first, second):
            rows.append(dict.fromkeys(rows[0], "") | {"id": region, "name_en": region})
            rows[-1].update(role="region", parent="贵州省")

    rows = _rewrite(data_dir, REGIONS, add)
    assert errors(data_dir) == [
        f"{REGIONS}:{_line(rows, id=second)}: id: {second!r} and {first!r} "
        f"({REGIONS}:{_line(rows, id=first)}) differ only in case or Unicode normalisation: "
        "their briefings would share one folder on Windows or macOS; use one spelling"
    ]


def test_validate_exits_1_with_one_line_per_problem(data_dir: Path) -> None:
    _rewrite(data_dir, REGIONS, lambda rows: _set(rows, "贵州省", parent="贵州省"))
    _rewrite(data_dir, INDICATORS, lambda rows: _set(rows, RANK_CHANGE, of=RANK_CHANGE))
    result = subprocess.run(
        [sys.executable, "-m", "report_utils", "validate", "--data", "data"],
        capture_output=True,
        text=True,
        cwd=data_dir.parent,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = [s for s in result.stdout.splitlines() if s.startswith("data/")]
    assert [s.split(": ")[1] for s in lines] == ["of", "parent"]
