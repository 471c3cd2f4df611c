"""Generated input thrown at the loader: whatever a table file holds, ``load.validate`` returns
problems and never raises, and ``load_dataset`` raises nothing but ``DataValidationError``.

Synthetic data only: each example rewrites one table of a copy of data/ in a temporary folder.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from report_utils.errors import DataValidationError, Problem
from report_utils.paths import DATA_DIR
from report_utils.tables.load import Dataset, load_dataset, validate

TABLES = {
    "figures": "figures/guizhou-industry-2021.csv",
    "events": "events/guizhou-industry-2021.csv",
    "projects": "projects/guizhou-industry-2021.csv",
    "cases": "cases/guizhou-industry-2021.csv",
    "indicators": "meta/indicators.csv",
    "sources": "meta/sources.csv",
}
SHIPPED = {name: (DATA_DIR / path).read_bytes() for name, path in TABLES.items()}
FIGURES_HEADER = SHIPPED["figures"].decode("utf-8").splitlines()[0].split(",")
FUZZ = settings(
    max_examples=examples(150),
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def fuzz_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic copy of data/ whose tables the examples overwrite (and restore)."""
    target = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(DATA_DIR, target)
    (target / "SYNTHETIC.txt").write_text("SYNTHETIC TEST DATA: tables rewritten by hypothesis\n")
    return target


# --- strategies ---------------------------------------------------------------------------------

# Pieces of real cells, so that generated rows get past the first checks into the later ones
# (cross-table ids, periods, derived formulas).
PLAUSIBLE = [
    "ind_va_growth",
    "fai_growth",
    "贵州省",
    "全国",
    "2021-01",
    "2021-09",
    "2021-13",
    "2020-01..2020-09",
    "11.7",
    "-9.4",
    "１１.７",
    "2,578",
    "14.5%",
    "%",
    "reported",
    "derived",
    "gzrb-industry-2021",
    "ind_va_growth[贵州省,2021-01..2021-09]",
    "ind_va_growth[贵州省,2021-01..2021-09] - 1",
    "(ind_va_growth[贵州省,2021-01..2021-09] / 0)",
    "ind_va_growth[贵州,2021-09..2021-01] * 2",
    "约",
    "左右",
]
cell = st.one_of(
    st.sampled_from(PLAUSIBLE),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.text(alphabet=',"\n\r %-.0123456789贵州省１２', max_size=8),
    st.from_regex(r"-?[0-9]{1,400}(\.[0-9]{1,20})?", fullmatch=True),
)
row = st.lists(cell, min_size=0, max_size=13)


def _csv(rows: list[list[str]], header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@st.composite
def mutated(draw, table: str) -> bytes:
    """The shipped file with a few random edits (most rows stay valid)."""
    text = SHIPPED[table].decode("utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 6))
        text = text[:at] + draw(st.text(max_size=6)) + text[at + cut :]
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return text.encode(encoding, errors="replace")


def content(table: str):
    return st.one_of(
        st.binary(max_size=600),
        st.text(max_size=400).map(lambda t: t.encode("utf-8", errors="replace")),
        st.lists(row, max_size=8).map(lambda rows: _csv(rows, FIGURES_HEADER)),
        st.lists(row, max_size=4).map(
            lambda rows: _csv(rows, SHIPPED[table].decode("utf-8").splitlines()[0].split(","))
        ),
        mutated(table),
    )


@st.composite
def table_files(draw) -> tuple[str, bytes]:
    table = draw(st.sampled_from(list(TABLES)))
    return table, draw(content(table))


def _with_table(data: Path, table: str, raw: bytes):
    path = data / TABLES[table]
    path.write_bytes(raw)
    return path


def _check_result(dataset: Dataset | None, problems: list[Problem]) -> None:
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    if dataset is None:
        assert any(p.severity == "error" for p in problems)
    else:
        assert isinstance(dataset, Dataset)


# --- tests ---------------------------------------------------------------------------------------


@FUZZ
@given(generated=table_files())
@example(generated=("figures", b",,,\n , ,\n"))  # only empty cells: was an AssertionError
@example(generated=("events", b"\xef\xbb\xbf"))  # a BOM and nothing else
def test_validate_returns_problems_and_never_raises(fuzz_data: Path, generated) -> None:
    table, raw = generated
    path = _with_table(fuzz_data, table, raw)
    try:
        _check_result(*validate(fuzz_data))
    finally:
        path.write_bytes(SHIPPED[table])


@settings(FUZZ, max_examples=examples(15))
@given(generated=table_files())
def test_load_dataset_raises_only_data_validation_error(fuzz_data: Path, generated) -> None:
    table, raw = generated
    path = _with_table(fuzz_data, table, raw)
    try:
        try:
            load_dataset(fuzz_data)
        except DataValidationError as exc:
            assert exc.problems
    finally:
        path.write_bytes(SHIPPED[table])


excel_cell = st.one_of(
    st.none(),
    cell.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),  # what a cell can hold
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
)


@settings(FUZZ, max_examples=examples(20))
@given(
    blank_rows=st.integers(0, 2),
    rows=st.lists(st.lists(excel_cell, max_size=13), max_size=6),
    number_format=st.sampled_from(
        ["General", "0.0", "0.00%", "#,##0", "yyyy-mm", "@", "0.0;[Red]-0.0"]
    ),
)
def test_any_xlsx_figures_sheet_is_validated_without_raising(
    fuzz_data: Path, blank_rows: int, rows, number_format: str
) -> None:
    csv_path = fuzz_data / TABLES["figures"]
    xlsx_path = csv_path.with_suffix(".xlsx")
    workbook = Workbook()
    sheet = workbook.active
    for r, values in enumerate([FIGURES_HEADER, *rows], start=blank_rows + 1):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value).number_format = number_format
    workbook.save(xlsx_path)
    csv_path.unlink()
    try:
        _check_result(*validate(fuzz_data))
    finally:
        xlsx_path.unlink()
        csv_path.write_bytes(SHIPPED["figures"])


# --- formulas of derived figures ------------------------------------------------------------------

FAI_LINE = 41  # the derived fai_growth row of the shipped figures file
PERIODS = [
    "2021-01..2021-09",
    "2021-01..2021-11",
    "2020-01..2020-09",
    "2019-01..2019-02",
    "2021-13..2021-09",  # not a month
    "2021-09..2021-01",  # starts after it ends
]
reference = st.builds(
    "{}[{},{}]".format,
    st.sampled_from(["ind_industry_inv_growth", "ind_industry_inv_gap_fai", "fai_growth", "nope"]),
    st.sampled_from(["贵州省", " 全国 ", "火星"]),
    st.sampled_from(PERIODS),
)
atom = st.one_of(reference, st.sampled_from(["0", "1", "18.3", "1e308", "-2", "0.0"]))
expression = st.recursive(
    atom,
    lambda inner: st.one_of(
        st.builds("{} {} {}".format, inner, st.sampled_from("+-*/"), inner),
        inner.map("({})".format),
        inner.map("-{}".format),
    ),
    max_leaves=10,
)
junk = st.sampled_from(["**2", "//3", "%2", ")", "(", "[", "abs(", "__import__('os')", "\x00", "ä"])
formula = st.one_of(
    expression,
    st.builds("{}{}".format, expression, junk),
    st.builds("{}{}".format, junk, expression),
    st.text(max_size=30),
)


def _set_cell(raw: bytes, line: int, column: str, value: str) -> bytes:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    rows[line - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


@settings(FUZZ, max_examples=examples(40))
@given(text=formula)
def test_any_formula_of_a_derived_figure_is_validated_without_raising(
    fuzz_data: Path, text: str
) -> None:
    path = _with_table(
        fuzz_data, "figures", _set_cell(SHIPPED["figures"], FAI_LINE, "formula", text)
    )
    try:
        dataset, problems = validate(fuzz_data)
        _check_result(dataset, problems)
    finally:
        path.write_bytes(SHIPPED["figures"])


# Found by the fuzzing above (fixed in formula.evaluate): exceptions other than a validation
# problem escaped ``validate``, and `briefing validate` printed a traceback.
FORMULA_ESCAPES = [
    pytest.param(
        "ind_industry_inv_growth[贵州省,2021-13..2021-09] - 1",
        id="month-13-in-a-reference",
    ),
    pytest.param(
        "ind_industry_inv_growth[贵州省,2021-09..2021-01] - 1",
        id="reversed-period-in-a-reference",
    ),
    pytest.param(
        "ind_industry_inv_growth[贵州省,2021-01..2021-09]" + " + 0" * 3000,
        id="thousands-of-terms",
    ),
]


@pytest.mark.parametrize("text", FORMULA_ESCAPES)
def test_a_formula_that_cannot_be_evaluated_is_a_problem(data_copy: Path, text: str) -> None:
    path = data_copy / TABLES["figures"]
    path.write_bytes(_set_cell(SHIPPED["figures"], FAI_LINE, "formula", text))
    dataset, problems = validate(data_copy)
    assert dataset is None
    assert [(p.line, p.column) for p in problems] == [(FAI_LINE, "formula")]
