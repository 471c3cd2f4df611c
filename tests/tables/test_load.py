"""``load.validate`` and ``briefing validate``: every error class is reported as
``path:line: column: message`` at the right place, and spreadsheet variants of a file read the same.

Every broken folder is a copy of the shipped data/ in tmp_path with one thing changed.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from report_utils.batch import runner
from report_utils.errors import DataValidationError
from report_utils.tables.load import load_dataset, validate

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "data"
BRIEFING = ROOT / ".venv" / "bin" / "briefing"

FIGURES = "data/figures/guizhou-industry-2021.csv"
EVENTS = "data/events/guizhou-industry-2021.csv"
CASES = "data/cases/guizhou-industry-2021.csv"
PROJECTS = "data/projects/guizhou-industry-2021.csv"
INDICATORS = "data/meta/indicators.csv"

# Rows of the shipped figures file used below, by physical line (header = line 1).
IND_VA_GROWTH = "ind_va_growth,贵州省,2021-01,2021-09,11.7,%,"  # line 2
RANK = "ind_va_growth_rank,贵州省,2021-01,2021-09,12,位,"  # line 3
TAX = "ind_tax_growth,贵州省,2021-01,2021-09,14.5,%,"  # line 11
PROJECTS_INTRODUCED = "projects_introduced,贵州省,2021-01,2021-11,2578,"  # line 22
FAI = "fai_growth,贵州省,2021-01,2021-09,-9.4,%,"  # line 41 (derived)


# --- helpers that break one thing in the copy ---------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped data in ``tmp_path/data``, with tmp_path as the working folder so
    that problems show paths like ``data/figures/x.csv``."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "data"
    shutil.copytree(SHIPPED, target)
    return target


def _file(data: Path, shown: str) -> Path:
    return data.parent / shown


def replace_once(data: Path, shown: str, old: str, new: str) -> None:
    """Replace text that occurs exactly once in the file (so the test breaks what it means to)."""
    path = _file(data, shown)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {shown}"
    path.write_text(text.replace(old, new), encoding="utf-8", newline="")


def file_lines(data: Path, shown: str) -> list[str]:
    return _file(data, shown).read_text(encoding="utf-8").split("\n")


def write_lines(data: Path, shown: str, lines: list[str]) -> None:
    _file(data, shown).write_text("\n".join(lines), encoding="utf-8", newline="")


def delete_indicators(data: Path) -> None:
    (data / "meta" / "indicators.csv").unlink()


def rename_header_cell(data: Path) -> None:
    replace_once(data, FIGURES, "indicator,region,period_start", "indicatr,region,period_start")


def add_unknown_column(data: Path) -> None:
    lines = file_lines(data, FIGURES)
    write_lines(data, FIGURES, [f"{line},x" if line else line for line in lines])


def chinese_numeral_value(data: Path) -> None:
    replace_once(data, FIGURES, IND_VA_GROWTH, IND_VA_GROWTH.replace(",11.7,", ",十一,"))


def empty_region(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace(",贵州省,", ",,"))


def duplicate_row(data: Path) -> None:
    lines = file_lines(data, FIGURES)
    assert lines[2].startswith(RANK)
    lines.insert(5, lines[2])  # the copy becomes line 6
    write_lines(data, FIGURES, lines)


def unknown_indicator(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace("ind_tax_growth", "ind_taxx_growth"))


def unknown_region(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace(",贵州省,", ",贵州,"))


def far_indicator(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace("ind_tax_growth", "zzz"))


def far_region(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace(",贵州省,", ",Mars,"))


def month_13(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace(",2021-09,", ",2021-13,"))


def start_after_end(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace(",2021-01,", ",2021-10,"))


def event_start_after_end(data: Path) -> None:
    replace_once(data, EVENTS, ",2021-09-26,2021-09-28,", ",2021-09-29,2021-09-28,")


def capacity_without_unit(data: Path) -> None:
    replace_once(data, PROJECTS, ",60,GWh/年,", ",60,,")


def empty_file(data: Path) -> None:
    _file(data, FIGURES).write_bytes(b"")


def header_only(data: Path) -> None:
    write_lines(data, FIGURES, [file_lines(data, FIGURES)[0], ""])


def derived_value_off(data: Path) -> None:
    replace_once(data, FIGURES, FAI, FAI.replace(",-9.4,", ",-9.5,"))


def derived_value_rounded_away(data: Path) -> None:
    replace_once(data, FIGURES, FAI, FAI.replace(",-9.4,", ",-9,"))


def wrong_unit(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX.replace(",14.5,%,", ",14.5,个百分点,"))


def unknown_event_subject(data: Path) -> None:
    replace_once(
        data,
        CASES,
        "event,ev-2021-07-26-major-projects-start,,总投资",
        "event,ev-2021-07-27-major-projects-start,,总投资",
    )


def missing_cell(data: Path) -> None:
    replace_once(data, FIGURES, TAX, TAX[:-1])  # drops the empty qualifier cell


# (break the copy, the exact problems; None as the last item = the list may hold more problems)
ERROR_CASES = [
    pytest.param(delete_indicators, [f"{INDICATORS}:0: -: file is missing"], id="missing-file"),
    pytest.param(
        rename_header_cell,
        [
            f"{FIGURES}:1: indicator: required column is missing",
            f"{FIGURES}:1: indicatr: unknown column",
        ],
        id="missing-column",
    ),
    pytest.param(add_unknown_column, [f"{FIGURES}:1: x: unknown column"], id="unknown-column"),
    pytest.param(
        chinese_numeral_value,
        [f"{FIGURES}:2: value: expected a number: '十一'"],
        id="text-in-number",
    ),
    pytest.param(
        empty_region, [f"{FIGURES}:11: region: required value is empty"], id="empty-required-cell"
    ),
    pytest.param(
        duplicate_row,
        [
            f"{FIGURES}:6: indicator,region,period_start,period_end: duplicate of {FIGURES}:3 "
            "(ind_va_growth_rank, 贵州省, 2021-01, 2021-09)"
        ],
        id="duplicate-key",
    ),
    pytest.param(
        unknown_indicator,
        [
            # the near miss, not every id (issue 21)
            f"{FIGURES}:11: indicator: unknown indicator id (see meta/indicators.csv): "
            "'ind_taxx_growth' (did you mean 'ind_tax_growth'?)"
        ],
        id="unknown-indicator",
    ),
    pytest.param(
        unknown_region,
        [
            f"{FIGURES}:11: region: unknown region (see meta/regions.csv): '贵州' "
            "(did you mean '贵州省'?)"
        ],
        id="unknown-region",
    ),
    pytest.param(
        far_indicator,  # no near miss among many ids: the table to look in, not all of them
        [f"{FIGURES}:11: indicator: unknown indicator id (see meta/indicators.csv): 'zzz'"],
        id="unknown-indicator-far",
    ),
    pytest.param(
        far_region,  # no near miss among a few: each of them
        [
            f"{FIGURES}:11: region: unknown region (see meta/regions.csv); "
            "expected one of: 贵州省, 全国: 'Mars'"
        ],
        id="unknown-region-far",
    ),
    pytest.param(
        month_13,
        [f"{FIGURES}:11: period_end: expected a month as YYYY-MM, e.g. 2021-09: '2021-13'"],
        id="malformed-period",
    ),
    pytest.param(
        start_after_end,
        [f"{FIGURES}:11: period_start: period_start is after period_end"],
        id="period-start-after-end",
    ),
    pytest.param(
        event_start_after_end,
        [f"{EVENTS}:7: date_start: date_start is after date_end"],
        id="event-date-start-after-end",
    ),
    pytest.param(
        capacity_without_unit,
        [f"{PROJECTS}:2: capacity_unit: capacity and capacity_unit must be given together"],
        id="capacity-without-unit",
    ),
    pytest.param(empty_file, [f"{FIGURES}:1: -: file is empty"], id="empty-file"),
    pytest.param(
        header_only,
        [f"{FIGURES}:1: -: no data rows, only a header"],
        id="header-only",
    ),
    pytest.param(
        derived_value_off,
        [f"{FIGURES}:41: value: derived value -9.5 differs from its formula's result -9.4"],
        id="derived-value-differs",
    ),
    pytest.param(
        derived_value_rounded_away,
        [f"{FIGURES}:41: value: derived value -9 differs from its formula's result -9.4"],
        id="derived-value-with-fewer-decimals-differs",
    ),
    pytest.param(
        wrong_unit,
        [
            f"{FIGURES}:11: unit: '个百分点' differs from the indicator's unit '%' "
            "in meta/indicators.csv"
        ],
        id="unit-differs-from-indicator",
    ),
    pytest.param(
        unknown_event_subject,
        [
            f"{CASES}:3: subject: unknown event id 'ev-2021-07-27-major-projects-start' "
            "(see events/)"
        ],
        id="event-case-subject-not-an-event",
    ),
    pytest.param(
        missing_cell, [f"{FIGURES}:11: -: expected 11 cells, found 10"], id="wrong-number-of-cells"
    ),
]


@pytest.mark.parametrize(("breaker", "expected"), ERROR_CASES)
def test_each_error_is_reported_at_its_file_line_and_column(
    data_dir: Path, breaker: Callable[[Path], None], expected: list[str | None]
) -> None:
    breaker(data_dir)
    dataset, problems = validate(data_dir)
    assert dataset is None
    shown = [str(p) for p in problems]
    if expected[-1] is None:
        missing = [e for e in expected[:-1] if e not in shown]
        assert not missing, shown
    else:
        assert shown == expected
    # A build over the broken data stops at planning: no kernel, nothing in the output folder.
    out = data_dir.parent / "out"
    with pytest.raises(DataValidationError):
        runner.plan(data_dir, out, [], ["zh"], ["html", "pdf"])
    assert not out.exists()


def test_load_dataset_raises_with_every_problem(data_dir: Path) -> None:
    chinese_numeral_value(data_dir)
    with pytest.raises(DataValidationError) as caught:
        load_dataset(data_dir)
    assert [str(p) for p in caught.value.problems] == [
        f"{FIGURES}:2: value: expected a number: '十一'"
    ]
    assert f"{FIGURES}:2: value: expected a number: '十一'" in str(caught.value)


def test_period_start_after_end_rejects_that_row(data_dir: Path) -> None:
    """What works despite the row-check bug above: the row is rejected, on its own line."""
    start_after_end(data_dir)
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert problems
    assert {(p.path, p.line) for p in problems} == {(FIGURES, 11)}
    assert all("period_start is after period_end" in p.message for p in problems)


def test_header_only_reports_no_data_rows(data_dir: Path) -> None:
    """What works despite the header-only bug above: the file is named and the dataset refused."""
    header_only(data_dir)
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert f"{FIGURES}:1: -: no data rows, only a header" in [str(p) for p in problems]


def test_lines_are_physical_lines_after_multiline_cells_and_blank_lines(data_dir: Path) -> None:
    # A quote spanning two lines before the tax row, and two blank lines: the tax row moves
    # from line 11 to line 14.
    replace_once(
        data_dir,
        FIGURES,
        "gzrb-industry-2021,全省规模以上工业增加值同比增长**11.7%**",
        'gzrb-industry-2021,"全省规模以上工业增加值\n同比增长**11.7%**"',
    )
    replace_once(data_dir, FIGURES, f"\n{RANK}", f"\n\n\n{RANK}")
    replace_once(data_dir, FIGURES, TAX, TAX.replace(",14.5,", ",x14.5,"))
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert [str(p) for p in problems] == [f"{FIGURES}:14: value: expected a number: 'x14.5'"]


# --- all at once, and the command line --------------------------------------------------------

TWO_FILES_BROKEN = [
    f"{EVENTS}:4: title_zh: required value is empty",
    f"{FIGURES}:2: value: expected a number: '十一'",
]


def break_two_files(data: Path) -> None:
    chinese_numeral_value(data)
    replace_once(data, EVENTS, ",贵州省2021年重大工业项目集中开工,Construction", ",,Construction")


def test_all_problems_are_reported_at_once(data_dir: Path) -> None:
    break_two_files(data_dir)
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert [str(p) for p in problems] == TWO_FILES_BROKEN


COMMANDS = [
    pytest.param([str(BRIEFING)], id="briefing"),
    pytest.param([sys.executable, "-m", "report_utils"], id="python-m"),
]


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REPORT_UTILS_ROOT"}
    return subprocess.run(
        [*command, "validate", "--data", "data"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_prints_each_problem_and_exits_1(data_dir: Path, command: list[str]) -> None:
    break_two_files(data_dir)
    result = _run(command, data_dir.parent)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == TWO_FILES_BROKEN
    assert "2 error(s)" in result.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_exits_0_on_the_clean_data(data_dir: Path, command: list[str]) -> None:
    result = _run(command, data_dir.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    # warnings (rules that do not hold, see test_reconcile.py) may come before the summary
    summary = r"ok: \d+ files, \d+ figures\n"
    assert re.fullmatch(r"(\S+:\d+: \S+: warning: .*\n)*" + summary, result.stdout)
    assert result.stderr == ""


# --- files that must read the same as the original -------------------------------------------

COMPARED = [
    "indicator",
    "region",
    "period_start",
    "period_end",
    "value",
    "decimals",
    "unit",
    "qualifier",
    "status",
    "formula",
    "source",
    "quote",
    "_line",
]


def _reencode(encoding: str, newline: str = "\n") -> Callable[[Path], None]:
    def change(data: Path) -> None:
        path = _file(data, FIGURES)
        text = path.read_text(encoding="utf-8").replace("\n", newline)
        path.write_bytes(text.encode(encoding))

    return change


def _cell(old: str, new: str, row: str = IND_VA_GROWTH) -> Callable[[Path], None]:
    def change(data: Path) -> None:
        replace_once(data, FIGURES, row, row.replace(old, new))

    return change


def _spaces_around_ids(data: Path) -> None:
    replace_once(
        data,
        FIGURES,
        TAX,
        TAX.replace(
            "ind_tax_growth,贵州省,2021-01,2021-09,",
            " ind_tax_growth , 贵州省 , 2021-01 ,2021-09\t,",
        ),
    )
    replace_once(data, FIGURES, ",gzrb-industry-2021,工业税收", ",  gzrb-industry-2021  ,工业税收")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_reencode("gb18030"), id="gb18030"),
        pytest.param(_reencode("utf-8-sig"), id="utf-8-with-bom"),
        pytest.param(_reencode("utf-8", "\r\n"), id="crlf"),
        pytest.param(_reencode("gb18030", "\r\n"), id="gb18030-crlf"),
        pytest.param(_cell(",11.7,", ",１１.７,"), id="full-width-digits"),
        pytest.param(_cell(",-9.4,", ",－９.４,", FAI), id="full-width-negative"),
        pytest.param(_cell(",-9.4,", ",−9.4,", FAI), id="unicode-minus"),
        pytest.param(_cell(",11.7,", ",11.7%,"), id="percent-sign"),
        pytest.param(_cell(",2578,", ',"2,578",', PROJECTS_INTRODUCED), id="thousands-separator"),
        pytest.param(_spaces_around_ids, id="stray-spaces-around-ids"),
    ],
)
def test_variants_of_the_figures_file_read_the_same(
    data_dir: Path, change: Callable[[Path], None]
) -> None:
    original, problems = validate(data_dir)
    assert original is not None and problems == []
    before = _file(data_dir, FIGURES).read_bytes()
    change(data_dir)
    assert _file(data_dir, FIGURES).read_bytes() != before
    changed, problems = validate(data_dir)
    assert problems == []
    assert changed is not None
    pd.testing.assert_frame_equal(changed.figures[COMPARED], original.figures[COMPARED])


UNREADABLE = (
    f"{FIGURES}:0: -: cannot read the file as UTF-8, or as GB18030/GBK Chinese text; "
    "save it as 'CSV UTF-8 (comma delimited)'"
)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(
            (SHIPPED / "figures" / "guizhou-industry-2021.csv")
            .read_text(encoding="utf-8")
            .encode("utf-16"),
            id="utf-16-with-bom",
        ),
        pytest.param(b"\xff\xfe\x00\x80indicator,region\n\x81\xff", id="invalid-bytes"),
    ],
)
def test_a_file_neither_utf8_nor_gb18030_is_rejected(data_dir: Path, raw: bytes) -> None:
    _file(data_dir, FIGURES).write_bytes(raw)
    dataset, problems = validate(data_dir)
    assert dataset is None
    assert [str(p) for p in problems] == [UNREADABLE]


def test_errors_of_different_kinds_in_different_tables_come_in_one_run(data_dir: Path) -> None:
    """A cell error in projects/ does not hide a cross-table error in figures/ (unit against the
    indicator's) or in cases/ (an unknown event): the analyst fixes all three after one run."""
    capacity_without_unit(data_dir)
    wrong_unit(data_dir)
    unknown_event_subject(data_dir)
    dataset, problems = validate(data_dir)
    assert dataset is None
    shown = [str(p) for p in problems]
    together = "capacity and capacity_unit must be given together"
    assert f"{PROJECTS}:2: capacity_unit: {together}" in shown
    assert any(s.startswith(f"{FIGURES}:11: unit: '个百分点' differs") for s in shown), shown
    assert any(s.startswith(f"{CASES}:3: subject: unknown event id") for s in shown), shown


def test_cross_table_checks_skip_a_table_with_cell_errors(data_dir: Path) -> None:
    """A figures file with a bad cell is left out, so its derived formulas are not checked
    against rows that are missing: only the cell error is reported, no follow-on noise."""
    chinese_numeral_value(data_dir)
    _, problems = validate(data_dir)
    assert [str(p) for p in problems if p.severity == "error"] == [
        f"{FIGURES}:2: value: expected a number: '十一'"
    ]


def test_translation_columns_may_be_left_out(data_dir: Path) -> None:
    """A data folder made before company_en, place_en, expected_en and subject_en existed still
    loads; the columns read as empty (the English briefing then shows the Chinese)."""
    left_out = {"projects": ["company_en", "place_en", "expected_en"], "cases": ["subject_en"]}
    for table, columns in left_out.items():
        path = data_dir / table / "guizhou-industry-2021.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        kept = [c for c in rows[0] if c not in columns]
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=kept, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    dataset, problems = validate(data_dir)
    assert dataset is not None, [str(p) for p in problems]
    for table, columns in left_out.items():
        frame = getattr(dataset, table)
        for column in columns:
            assert (frame[column] == "").all()
