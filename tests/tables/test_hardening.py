"""Issue 10, the data-facing findings: each test is an adversarial tester's input, thrown at a
synthetic copy of data/ (see conftest's ``data_copy``) in a temporary folder.

Whatever reaches a sentence or a chart is checked where the data is read, and reported as
``path:line: column: message`` before any kernel starts: text lengths, workbook sizes, links out
of the data folder, real dates, finite numbers in a sane range for their kind, encodings.
The findings on workbooks are tested in test_spreadsheets.py, the refused encoding in
test_reading.py and the one-line problem in tests/test_errors.py, beside their modules.
"""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    SYNTHETIC_SOURCE,
    append_rows,
    synthetic_figure,
    synthetic_quote,
)

from report_utils.batch import digests, runner
from report_utils.errors import DataValidationError
from report_utils.tables import cells, schema
from report_utils.tables.load import FILE, LINE, validate
from report_utils.tables.reconcile import read_rules

FIGURES = "data/figures/guizhou-industry-2021.csv"
EVENTS = "data/events/guizhou-industry-2021.csv"
PROJECTS = "data/projects/guizhou-industry-2021.csv"
CASES = "data/cases/guizhou-industry-2021.csv"


def edit(data: Path, shown: str, match: dict[str, str], **cells: str) -> int:
    """SYNTHETIC: change cells of the one row matching ``match``; returns its line."""
    path = data.parent / shown
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    found = [i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, f"{match} should match one row of {shown}"
    rows[found[0]].update(cells)
    # A changed number gets a synthetic quote that holds it (every reported number's quote
    # must), so that what a test checks is the number, not its evidence.
    for column in {"value", "capacity"} & cells.keys():
        if "quote" in rows[found[0]] and "quote" not in cells:
            rows[found[0]].update(
                source=SYNTHETIC_SOURCE, quote=synthetic_quote(data, cells[column])
            )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return found[0] + 2  # the header is line 1; the shipped files have no multi-line cells


def errors(data: Path) -> list[str]:
    dataset, problems = validate(data)
    shown = [str(p) for p in problems if p.severity == "error"]
    assert (dataset is None) == bool(shown)
    return shown


def refused_before_any_kernel(data: Path) -> None:
    """A build over the data stops at planning: nothing is written to its output folder."""
    out = data.parent / "out"
    with pytest.raises(DataValidationError):
        runner.plan(data, out, [], ["zh"], ["html", "pdf"])
    assert not out.exists()


RANK = {"indicator": "ind_va_growth_rank", "period_end": "2021-09"}
COUNT = {"indicator": "projects_started"}
GROWTH = {"indicator": "ind_tax_growth"}
SHARE = {"indicator": "zone_output_share"}
CAPACITY = {"id": "prj-catl-guizhou-base"}
CASE = {"id": "case-ev0726-projects"}
EVENT = {"id": "ev-2021-03-02-conference"}


# --- 2: text length limits ------------------------------------------------------------------------


def test_a_4000_character_event_title_is_refused_at_its_line(data_dir: Path) -> None:
    title = "很长的标题" * 800  # 4,000 characters: 31 s of PDF layout before the limit
    line = edit(data_dir, EVENTS, EVENT, title_zh=title)
    shown = errors(data_dir)
    assert len(shown) == 1, shown
    prefix = f"{EVENTS}:{line}: title_zh: "
    assert shown[0].startswith(prefix), shown
    limit = cells.TEXT_LIMITS["title_zh"]
    assert shown[0] == f"{prefix}longer than {limit} characters (4000): '{title[:60]}…'"
    assert len(shown[0]) < 300  # the message quotes the start of the cell, not all of it
    refused_before_any_kernel(data_dir)


def test_a_title_just_within_its_limit_is_read(data_dir: Path) -> None:
    limit = cells.TEXT_LIMITS["title_en"]
    edit(data_dir, EVENTS, EVENT, title_en="x" * limit)
    assert errors(data_dir) == []
    edit(data_dir, EVENTS, EVENT, title_en="x" * (limit + 1))
    assert len(errors(data_dir)) == 1


@pytest.mark.parametrize(
    ("shown", "match", "column"),
    [
        (FIGURES, GROWTH, "quote"),
        (PROJECTS, CAPACITY, "name_en"),
        (CASES, CASE, "measure_zh"),
        ("data/meta/indicators.csv", {"id": "ind_tax_growth"}, "name_zh"),
        ("data/meta/sources.csv", {"id": "gzrb-industry-2021"}, "note"),
        ("data/rules/guizhou-industry-2021.csv", {"id": "va-gdp-share-change"}, "explanation_en"),
    ],
)
def test_every_table_limits_its_text(data_dir: Path, shown: str, match, column: str) -> None:
    line = edit(data_dir, shown, match, **{column: "长" * 20_000})
    # rules are read by `briefing validate`'s rule check, the other tables by load.validate
    rules = shown.startswith("data/rules/")
    problems = read_rules(data_dir)[1] if rules else validate(data_dir)[1]
    assert [f"{p.path}:{p.line}: {p.column}" for p in problems] == [f"{shown}:{line}: {column}"]
    if not rules:  # (rules: see test_a_broken_rule_stops_the_build_before_any_kernel)
        refused_before_any_kernel(data_dir)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("explanation_zh", "长" * 20_000),
        ("expression", "ind_va_gdp_share[贵州省,2021-01..2021-09] *"),
    ],
)
def test_a_broken_rule_stops_the_build_before_any_kernel(data_dir: Path, column, value) -> None:
    """The briefing's analyst notes recompute the rules in the kernel: a rule that cannot be
    read or evaluated is reported by the build's checks, as by validate, not in the kernel."""
    edit(
        data_dir,
        "data/rules/guizhou-industry-2021.csv",
        {"id": "va-gdp-share-change"},
        **{column: value},
    )
    refused_before_any_kernel(data_dir)


def test_every_text_column_of_every_schema_has_a_limit() -> None:
    schemas = [
        schema.INDICATORS,
        schema.REGIONS,
        schema.SOURCES,
        schema.RULES,
        schema.figures_schema(None, None, None),
        schema.events_schema(None),
        schema.projects_schema(None),
        schema.cases_schema(None),
    ]
    for table in schemas:
        for name, column in table.columns.items():
            names = [check.name or "" for check in column.checks]
            if name in cells.NUMBER_COLUMNS.get(table.name, ()):  # bounded by their digits
                assert any("at most 15 digits" in n for n in names), (table.name, name)
            else:
                assert any(n.startswith("longer than") for n in names), (table.name, name)


# --- 4: links out of the data folder --------------------------------------------------------------


def test_a_table_file_linking_outside_the_data_folder_is_not_read(data_dir: Path) -> None:
    outside = data_dir.parent / "outside.csv"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (data_dir / "figures" / "extra.csv").symlink_to(outside)
    shown = errors(data_dir)
    assert shown == [
        "data/figures/extra.csv:0: -: a link to a file outside the data folder; "
        "not read (copy the file into the data folder instead)"
    ]
    assert not any("root" in s for s in shown)
    refused_before_any_kernel(data_dir)


def test_a_table_folder_linking_outside_the_data_folder_is_not_read(data_dir: Path) -> None:
    elsewhere = data_dir.parent / "elsewhere-cases"
    (data_dir / "cases").rename(elsewhere)
    (data_dir / "cases").symlink_to(elsewhere, target_is_directory=True)
    shown = errors(data_dir)
    assert shown == [
        "data/cases:0: -: a link to a folder outside the data folder; "
        "not read (copy the folder into the data folder instead)"
    ]
    refused_before_any_kernel(data_dir)


def test_a_link_to_a_system_file_is_never_quoted(data_dir: Path) -> None:
    (data_dir / "meta" / "regions.csv").unlink()
    (data_dir / "meta" / "regions.csv").symlink_to("/etc/passwd")
    shown = errors(data_dir)
    assert any(s.startswith("data/meta/regions.csv:0: -: a link to a file outside") for s in shown)
    assert not any("root" in s for s in shown), shown


def test_links_inside_the_data_folder_are_read(data_dir: Path) -> None:
    (data_dir / "archive").mkdir()
    target = data_dir / "archive" / "more.csv"
    with (data_dir / "figures" / "guizhou-industry-2021.csv").open(encoding="utf-8") as handle:
        header = handle.readline()
    target.write_text(header, encoding="utf-8")
    append_rows(
        target,
        synthetic_figure(data_dir, "ind_tax_growth,贵州省,2021-01,2021-11,15,%,,reported,"),
    )
    (data_dir / "figures" / "more.csv").symlink_to(Path("..") / "archive" / "more.csv")
    dataset, problems = validate(data_dir)
    assert problems == [] and dataset is not None
    assert "data/figures/more.csv" in set(dataset.figures[FILE])  # shown under its own name
    assert digests.data_files(data_dir) == dataset.files
    assert "figures/more.csv" in digests.file_hashes(data_dir)


def test_a_data_folder_that_is_itself_a_link_reads(data_copy: Path, tmp_path: Path) -> None:
    link = tmp_path / "data-link"
    link.symlink_to(data_copy, target_is_directory=True)
    dataset, problems = validate(link)
    assert dataset is not None and problems == []
    assert digests.data_files(link) == dataset.files


# --- 5: the files read are the files hashed -------------------------------------------------------


def test_a_hidden_table_file_is_neither_read_nor_hashed(data_dir: Path) -> None:
    hidden = data_dir / "figures" / ".extra.csv"
    with (data_dir / "figures" / "guizhou-industry-2021.csv").open(encoding="utf-8") as handle:
        header = handle.readline()
    hidden.write_text(header, encoding="utf-8")
    append_rows(
        hidden,
        synthetic_figure(data_dir, "ind_tax_growth,贵州省,2021-01,2021-11,99,%,,reported,"),
    )
    dataset, problems = validate(data_dir)
    assert dataset is not None and problems == []
    assert 99 not in set(dataset.figures["value"])
    assert hidden not in dataset.files
    assert hidden not in digests.data_files(data_dir)


def test_the_files_read_are_the_files_hashed(data_dir: Path) -> None:
    """Hidden files, files in sub-folders, other folders, lock files: one rule for all."""
    (data_dir / "figures" / "2022").mkdir()
    (data_dir / "figures" / "2022" / "nested.csv").write_text("x\n", encoding="utf-8")
    (data_dir / "scratch").mkdir()
    (data_dir / "scratch" / "notes.csv").write_text("x\n", encoding="utf-8")
    (data_dir / "events" / "~$events.xlsx").write_bytes(b"lock")
    (data_dir / "rules" / ".backup.csv").write_text("x\n", encoding="utf-8")
    dataset, problems = validate(data_dir)
    assert dataset is not None and problems == []
    relative = sorted(str(p.relative_to(data_dir)) for p in dataset.files)
    assert relative == [
        "briefing.yml",
        "cases/guizhou-industry-2021.csv",
        "events/guizhou-industry-2021.csv",
        "figures/guizhou-industry-2021.csv",
        "messages/en.yml",
        "messages/zh.yml",
        "meta/indicators.csv",
        "meta/regions.csv",
        "meta/sources.csv",
        "projects/guizhou-industry-2021.csv",
        "rules/guizhou-industry-2021.csv",
        "sources/guizhou-industry-2021.txt",  # quotes are checked against it
        "sources/synthetic-test.txt",
    ]
    assert digests.data_files(data_dir) == dataset.files
    assert sorted(digests.file_hashes(data_dir)) == relative


# --- 6: data that passes validate must not fail in the kernel -------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("date_start", "2021-02-30"),
        ("date_start", "0000-01-01"),
        ("date_end", "2021-04-31"),
    ],
)
def test_an_event_on_a_day_that_does_not_exist_is_refused(
    data_dir: Path, column: str, value: str
) -> None:
    cells = {"date_start": "2021-03-02", "date_end": "2021-03-02", column: value}
    if value < "2021-03-02":
        cells["date_start"] = cells["date_end"] = value
    line = edit(data_dir, EVENTS, EVENT, **cells)
    shown = errors(data_dir)
    assert shown and all(s.startswith(f"{EVENTS}:{line}: date_") for s in shown), shown
    assert any(repr(value) in s for s in shown), shown
    refused_before_any_kernel(data_dir)


@pytest.mark.parametrize("month", ["0000-01", "9999-12"])
def test_a_month_outside_the_years_a_briefing_covers_is_refused(data_dir: Path, month) -> None:
    line = edit(data_dir, CASES, CASE, as_of=month)
    assert [s.partition(": ")[0] for s in errors(data_dir)] == [f"{CASES}:{line}"]


@pytest.mark.parametrize(
    ("shown", "match", "column", "value"),
    [
        (FIGURES, GROWTH, "value", "9" * 400),
        (FIGURES, GROWTH, "value", "1" + "0" * 20),
        (FIGURES, GROWTH, "value", "inf"),
        (FIGURES, GROWTH, "value", "nan"),
        (CASES, CASE, "value", "9" * 400),
        (PROJECTS, CAPACITY, "capacity", "9" * 400),
    ],
)
def test_a_number_that_is_not_finite_in_a_double_is_refused(
    data_dir: Path, shown: str, match, column: str, value: str
) -> None:
    line = edit(data_dir, shown, match, **{column: value})
    assert [s.partition(": ")[0] + ": " + s.split(": ")[1] for s in errors(data_dir)] == [
        f"{shown}:{line}: {column}"
    ]
    refused_before_any_kernel(data_dir)


# --- 7: values in a sane range for their kind -----------------------------------------------------


@pytest.mark.parametrize(
    ("match", "value", "message"),
    [
        (RANK, "-12", "a rank is a whole number from 1"),
        (RANK, "0", "a rank is a whole number from 1"),
        (RANK, "12.5", "a rank is a whole number from 1"),
        (COUNT, "-3", "a count is a whole number from 0"),
        (COUNT, "1062.5", "a count is a whole number from 0"),
        (SHARE, "120", "a share is from 0 to 100"),
        (SHARE, "-1", "a share is from 0 to 100"),
        (GROWTH, "-150", "a fall is at most 100%"),
    ],
)
def test_a_value_out_of_range_for_its_kind_is_refused(
    data_dir: Path, match, value: str, message: str
) -> None:
    line = edit(data_dir, FIGURES, match, value=value)
    # (a derived figure computed from this one may be reported too, on its own line)
    shown = [s for s in errors(data_dir) if s.startswith(f"{FIGURES}:{line}:")]
    assert len(shown) == 1 and shown[0].startswith(f"{FIGURES}:{line}: value: "), shown
    assert message in shown[0] and repr(value) in shown[0]
    refused_before_any_kernel(data_dir)


def test_a_negative_capacity_is_refused(data_dir: Path) -> None:
    line = edit(data_dir, PROJECTS, CAPACITY, capacity="-60")
    assert [s.split(": ")[:2] for s in errors(data_dir)] == [[f"{PROJECTS}:{line}", "capacity"]]


@pytest.mark.parametrize(("shown", "match"), [(FIGURES, GROWTH), (CASES, CASE)])
@pytest.mark.parametrize("written", ["-0", "-0.0", "−0", "-0%"])
def test_negative_zero_reads_as_zero(data_dir: Path, shown: str, match, written: str) -> None:
    line = edit(data_dir, shown, match, value=written)
    dataset, problems = validate(data_dir)
    assert dataset is not None and problems == []
    table = dataset.figures if shown == FIGURES else dataset.cases
    (value,) = table.loc[(table[FILE] == shown) & (table[LINE] == line), "value"]
    assert value == 0 and math.copysign(1, value) == 1  # "0%", never "-0%"


# --- 12: encodings other than UTF-8 and GB18030 are rejected, not guessed -------------------------


def test_a_gbk_file_with_a_rare_name_still_reads(data_dir: Path) -> None:
    """Excel on Chinese Windows saves GBK; names may hold characters outside GB2312 (镕, 堃)."""
    edit(data_dir, CASES, {"id": "case-sunlord-output-per-worker"}, subject_en="朱镕基 堃")
    path = data_dir / "cases" / "guizhou-industry-2021.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    dataset, problems = validate(data_dir)
    assert problems == [] and dataset is not None
    assert "朱镕基 堃" in set(dataset.cases["subject_en"])


# --- 13: messages quote the data exactly, printable and escaped -----------------------------------


def _validate_cli(data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "REPORT_UTILS_ROOT"}
    return subprocess.run(
        [sys.executable, "-m", "report_utils", "validate", "--data", "data"],
        cwd=data.parent,
        env={**env, "TERM": "xterm-256color"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_escape_sequences_in_a_header_never_reach_the_terminal(data_dir: Path) -> None:
    path = data_dir / "figures" / "guizhou-industry-2021.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    bad = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\u202e"
    lines[0] += f",{bad}"
    lines[1:] = [f"{line}," if line else line for line in lines[1:]]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = _validate_cli(data_dir)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr
    assert "\x07" not in result.stdout and "\u202e" not in result.stdout
    expected = f"{FIGURES}:1: \\x1b]0;owned\\x07\\x1b[2J\\x1b[31mred\\u202e: unknown column"
    assert expected in result.stdout.splitlines(), result.stdout


@pytest.mark.parametrize("cell", [":smile:", "root:x:0:0", "[bold red]x[/]", "a\tb"])
def test_quoted_cells_are_printed_as_written(data_dir: Path, cell: str) -> None:
    line = edit(data_dir, FIGURES, GROWTH, value=cell)
    result = _validate_cli(data_dir)
    assert result.returncode == 1
    expected = f"{FIGURES}:{line}: value: expected a number: {cell!r}"
    assert result.stdout.splitlines() == [expected]
