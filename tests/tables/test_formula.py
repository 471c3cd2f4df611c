import pytest

from report_utils.tables.formula import FormulaError, evaluate, references
from report_utils.tables.periods import Period

P = Period("2021-01", "2021-09")
VALUES = {("a", "贵州省", P): 8.9, ("b", "贵州省", P): 18.3, ("c", "全国", P): 2.0}


def test_references_in_order():
    refs = references("a[贵州省,2021-01..2021-09] - b[贵州省, 2021-01..2021-09]")
    assert refs == [("a", "贵州省", P), ("b", "贵州省", P)]


def test_arithmetic():
    assert evaluate("a[贵州省,2021-01..2021-09] - b[贵州省,2021-01..2021-09]", VALUES.get) == (
        pytest.approx(-9.4)
    )
    assert evaluate(
        "(a[贵州省,2021-01..2021-09] + 1.1) / c[全国,2021-01..2021-09]", VALUES.get
    ) == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("a[贵州省,2021-01..2021-09] - z[贵州省,2021-01..2021-09]", "not in the data"),
        ("8.9 - 18.3", "no reference"),
        ("__import__('os')", "no reference"),
        ("a[贵州省,2021-01..2021-09] ** 2", "only"),
        ("a[贵州省,2021-01..2021-09] / (c[全国,2021-01..2021-09] - 2)", "division by zero"),
        ("a[贵州省,2021-01..2021-09] -", "cannot read"),
    ],
)
def test_bad_formulas(formula, message):
    with pytest.raises(FormulaError, match=message):
        evaluate(formula, VALUES.get)


def test_a_reference_is_written_as_references_reads_it():
    from report_utils.tables.formula import reference

    key = ("ind_va_growth", "贵州省", Period("2021-01", "2021-09"))
    written = reference(*key)
    assert written == "ind_va_growth[贵州省,2021-01..2021-09]"
    assert references(f"{written} - {written}") == [key, key]
