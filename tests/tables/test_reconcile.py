"""``reconcile``: the relations in ``data/rules/`` on the shipped data and on synthetic copies,
the rules file's errors at ``path:line: column``, and ``briefing reconcile`` / ``validate``.

Synthetic copies come from the ``data_copy`` fixture; every row a test changes or adds carries
``SYNTHETIC_NOTE`` in its quote or explanation.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    SYNTHETIC_NOTE,
    SYNTHETIC_SOURCE,
    append_rows,
    synthetic_quote,
)

from report_utils.errors import DataValidationError
from report_utils.tables.load import Dataset, load_dataset
from report_utils.tables.reconcile import RuleResult, check, reconcile, tolerance

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
RULES = DATA / "rules" / "guizhou-industry-2021.csv"
RULES_SHOWN = "data/rules/guizhou-industry-2021.csv"  # as printed with the checkout as cwd
FIGURES = Path("figures") / "guizhou-industry-2021.csv"

PROJECT_RATES = {
    # rule id: (reported rate, part, whole) as in the article
    "projects-started-rate": (41.18, 1062, 2578),
    "projects-in-production-rate": (51.92, 1339, 2578),
}
JSON_FIELDS = {
    "id",
    "kind",
    "status",
    "checked",
    "reported",
    "recomputed",
    "difference",
    "tolerance",
    "expression",
    "figures",
    "explanation_zh",
    "explanation_en",
    "path",
    "line",
}


def rule_rows(path: Path = RULES) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(results: list[RuleResult]) -> dict[str, RuleResult]:
    return {r.id: r for r in results}


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "report_utils", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def edit_figure(data_dir: Path, indicator: str, region: str, **changes: str) -> None:
    """SYNTHETIC: change cells of one figure row in a data copy; its quote says so."""
    path = data_dir / FIGURES
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    matched = [r for r in rows if r["indicator"] == indicator and r["region"] == region]
    assert len(matched) == 1, f"{indicator}[{region}] should be one row"
    matched[0].update(changes, source=SYNTHETIC_SOURCE)
    matched[0]["quote"] = synthetic_quote(data_dir, matched[0]["value"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def rule_line(rule_id: str, kind: str, checked: str, expression: str, en: str = "x") -> str:
    """SYNTHETIC: one rules-file row, its explanation marked as test data."""
    cells = [
        rule_id,
        kind,
        checked,
        expression,
        f"{SYNTHETIC_NOTE}：测试",
        f"{SYNTHETIC_NOTE} {en}",
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return load_dataset(DATA)


@pytest.fixture(scope="module")
def results(shipped: Dataset) -> dict[str, RuleResult]:
    return by_id(reconcile(shipped))


# --- the shipped data ---------------------------------------------------------------------------


def test_every_rule_evaluates(shipped: Dataset) -> None:
    results, problems = check(shipped)
    assert [r.id for r in results] == [row["id"] for row in rule_rows()]
    assert len(results) == 10
    assert [p for p in problems if p.severity == "error"] == []
    for r in results:
        assert r.status in ("ok", "mismatch")
        assert r.figures[0] == r.checked
        assert len(r.inputs) >= 2
        assert r.path.endswith("data/rules/guizhou-industry-2021.csv")
    assert [r.line for r in results] == list(range(2, 12))


@pytest.mark.parametrize(("rule_id", "numbers"), PROJECT_RATES.items())
def test_project_rates_do_not_reconcile(
    results: dict[str, RuleResult], rule_id: str, numbers: tuple[float, int, int]
) -> None:
    """The article's rates are not its counts' quotient: 1062/2578 = 41.19…%, 1339/2578 =
    51.94…%. They are reported as mismatches, never corrected in the data."""
    reported, part, whole = numbers
    r = results[rule_id]
    assert r.kind == "rate"
    assert r.status == "mismatch"
    assert r.reported == reported
    assert r.recomputed == pytest.approx(part / whole * 100)
    assert r.tolerance == pytest.approx(0.005)
    assert abs(r.difference) > r.tolerance
    assert [f.value for f in r.figures] == [reported, part, whole]


def test_project_rate_numbers(results: dict[str, RuleResult]) -> None:
    assert round(results["projects-started-rate"].recomputed, 3) == 41.195
    assert round(results["projects-in-production-rate"].recomputed, 2) == 51.94


def test_every_other_rule_holds(results: dict[str, RuleResult]) -> None:
    others = {i: r.status for i, r in results.items() if i not in PROJECT_RATES}
    assert len(others) == 8
    assert set(others.values()) == {"ok"}


def test_mismatches_are_warnings_at_the_rule_line(shipped: Dataset) -> None:
    _, problems = check(shipped)
    lines = {row["id"]: n for n, row in enumerate(rule_rows(), start=2)}
    assert [(p.line, p.severity) for p in problems] == [
        (lines["projects-started-rate"], "warning"),
        (lines["projects-in-production-rate"], "warning"),
    ]
    first = str(problems[0])
    assert first.startswith(
        f"{problems[0].path}:{lines['projects-started-rate']}: checked: warning:"
    )
    assert problems[0].path.endswith("rules/guizhou-industry-2021.csv")
    assert "41.18" in first and "41.1947" in first and "0.005" in first


@pytest.mark.parametrize(
    ("decimals", "expected"),
    [(0, 0.5), (1, 0.05), (2, 0.005), (3, 0.0005)],
)
def test_tolerance_is_half_a_unit_of_the_last_decimal(decimals: int, expected: float) -> None:
    assert tolerance(decimals) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("rule_id", "expected"),
    [
        ("projects-started-rate", 0.005),  # 41.18
        ("va-growth-rank-change", 0.5),  # 2
        ("va-growth-2yr-gap-national", 0.05),  # 0.7
        ("industry-inv-gap-fai", 0.05),  # 18.3
    ],
)
def test_tolerance_of_the_shipped_rules(
    results: dict[str, RuleResult], rule_id: str, expected: float
) -> None:
    assert results[rule_id].tolerance == pytest.approx(expected)


def test_records_are_plain_json(results: dict[str, RuleResult]) -> None:
    record = results["projects-started-rate"].record()
    assert set(record) == JSON_FIELDS
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    assert record["figures"][0] == {
        "reference": "projects_started_rate[贵州省,2021-01..2021-11]",
        "value": 41.18,
    }
    assert results["va-growth-2yr-gap-national"].record()["recomputed"] == 0.7  # no float noise


# --- the shipped rules file ---------------------------------------------------------------------


@pytest.mark.parametrize("row", rule_rows(), ids=lambda row: row["id"])
def test_every_rule_is_explained_in_both_languages(row: dict[str, str]) -> None:
    zh, en = row["explanation_zh"].strip(), row["explanation_en"].strip()
    assert zh and en
    assert "\n" not in zh and "\n" not in en
    assert re.search(r"[\u4e00-\u9fff]", zh)
    assert not re.search(r"[\u4e00-\u9fff]", en)


def test_every_gap_change_and_rate_in_the_data_has_a_rule(shipped: Dataset) -> None:
    """The article's relations: every difference-kind figure (gaps, changes, rank change) and
    every rate is the checked figure of some rule."""
    kinds = shipped.indicators["kind"]
    relational = {i for i in shipped.figures["indicator"] if kinds[i] in ("change", "gap")}
    relational |= {i for i in shipped.figures["indicator"] if i.endswith("_rate")}
    checked = {row["checked"].partition("[")[0] for row in rule_rows()}
    assert relational == checked


def test_no_total_is_declared() -> None:
    """The article states no total together with its parts (see data/README.md)."""
    assert "total" not in {row["kind"] for row in rule_rows()}


# --- synthetic copies ---------------------------------------------------------------------------


def test_changed_gap_is_a_mismatch(data_copy: Path) -> None:
    """SYNTHETIC: the national two-year growth reported (not derived from the gap) and the gap
    changed from 0.7 to 0.9: 7.1 − 6.4 = 0.7 no longer matches."""
    edit_figure(data_copy, "ind_va_growth_2yr", "全国", status="reported", formula="")
    edit_figure(data_copy, "ind_va_growth_2yr_gap_national", "贵州省", value="0.9")
    results, problems = check(load_dataset(data_copy))
    r = by_id(results)["va-growth-2yr-gap-national"]
    assert r.status == "mismatch"
    assert r.reported == 0.9
    assert r.recomputed == pytest.approx(0.7)
    assert r.difference == pytest.approx(0.2)
    assert [p.line for p in problems if "va-growth-2yr-gap-national" in p.message] == [r.line]
    assert {x.status for x in results if x.id not in (r.id, *PROJECT_RATES)} == {"ok"}


def test_changed_gap_with_its_derived_figure_holds_by_construction(data_copy: Path) -> None:
    """SYNTHETIC: gap 0.9 and the derived national figure recomputed from it (6.2): the rule
    repeats the derivation, so it holds."""
    edit_figure(data_copy, "ind_va_growth_2yr_gap_national", "贵州省", value="0.9")
    edit_figure(data_copy, "ind_va_growth_2yr", "全国", value="6.2")
    r = by_id(reconcile(load_dataset(data_copy)))["va-growth-2yr-gap-national"]
    assert (r.status, r.reported) == ("ok", 0.9)


def test_corrected_rate_reconciles(data_copy: Path) -> None:
    """SYNTHETIC: with 41.19 (the rounded quotient) the start rate holds."""
    edit_figure(data_copy, "projects_started_rate", "贵州省", value="41.19")
    results = by_id(reconcile(load_dataset(data_copy)))
    assert results["projects-started-rate"].status == "ok"
    assert results["projects-in-production-rate"].status == "mismatch"


def test_tolerance_follows_the_decimals_as_written(data_copy: Path) -> None:
    """SYNTHETIC: 0.70 is written with two decimals, so the tolerance is 0.005."""
    edit_figure(data_copy, "ind_va_growth_2yr_gap_national", "贵州省", value="0.70")
    r = by_id(reconcile(load_dataset(data_copy)))["va-growth-2yr-gap-national"]
    assert r.tolerance == pytest.approx(0.005)
    assert r.status == "ok"


def test_a_rank_of_12_has_tolerance_one_half(data_copy: Path) -> None:
    """SYNTHETIC rule checking the rank 12 itself: 14 − 2 = 12, within ±0.5."""
    append_rows(
        data_copy / "rules" / "guizhou-industry-2021.csv",
        rule_line(
            "synthetic-rank",
            "rank_change",
            "ind_va_growth_rank[贵州省,2021-01..2021-09]",
            "ind_va_growth_rank[贵州省,2021-01..2021-06] - "
            "ind_va_growth_rank_change[贵州省,2021-01..2021-09]",
        ),
    )
    r = by_id(reconcile(load_dataset(data_copy)))["synthetic-rank"]
    assert (r.reported, r.recomputed, r.tolerance, r.status) == (12, 12, 0.5, "ok")


def test_a_data_folder_without_rules_has_nothing_to_reconcile(data_copy: Path) -> None:
    for path in (data_copy / "rules").iterdir():
        path.unlink()
    assert check(load_dataset(data_copy)) == ([], [])


# --- errors in the rules file, at path:line: column ---------------------------------------------

CHECKED = "ind_tax_growth[贵州省,2021-01..2021-09]"
EXPRESSION = "ind_va_growth[贵州省,2021-01..2021-09] - ind_va_growth_rank[贵州省,2021-01..2021-09]"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        pytest.param(
            ("bad-kind", "ratio", CHECKED, EXPRESSION), "kind", "unknown kind", id="unknown-kind"
        ),
        pytest.param(
            ("Bad_Id", "gap", CHECKED, EXPRESSION), "id", "expected an id", id="malformed-id"
        ),
        pytest.param(
            ("two-checked", "gap", f"{CHECKED} + {CHECKED}", EXPRESSION),
            "checked",
            "expected one figure reference",
            id="checked-not-one-reference",
        ),
        pytest.param(
            ("no-refs", "gap", CHECKED, "12 - 3"),
            "expression",
            "expected figure references",
            id="expression-without-references",
        ),
        pytest.param(
            ("unknown-checked", "gap", "no_such_indicator[贵州省,2021-01..2021-09]", EXPRESSION),
            "checked",
            "unknown indicator 'no_such_indicator' in no_such_indicator[贵州省,2021-01..2021-09]",
            id="unknown-indicator-checked",
        ),
        pytest.param(
            ("unknown-in-expr", "gap", CHECKED, "no_such[贵州省,2021-01..2021-09] - 1"),
            "expression",
            "unknown indicator 'no_such'",
            id="unknown-indicator-expression",
        ),
        pytest.param(
            ("unknown-region", "gap", CHECKED, "ind_va_growth[上海市,2021-01..2021-09] - 1"),
            "expression",
            "unknown region '上海市'",
            id="unknown-region",
        ),
        pytest.param(
            ("no-figure", "gap", CHECKED, "ind_va_growth[贵州省,2020-01..2020-09] - 1"),
            "expression",
            "no figure ind_va_growth[贵州省,2020-01..2020-09] in figures/",
            id="no-figure-for-the-period",
        ),
        pytest.param(
            ("bad-month", "gap", CHECKED, "ind_va_growth[贵州省,2021-01..2021-13] - 1"),
            "expression",
            "2021-13",
            id="bad-month",
        ),
        pytest.param(
            ("self", "gap", CHECKED, f"{CHECKED} - ind_va_growth[贵州省,2021-01..2021-09]"),
            "expression",
            "refers to the figure it checks",
            id="self-reference",
        ),
        pytest.param(
            ("syntax", "gap", CHECKED, "ind_va_growth[贵州省,2021-01..2021-09] -* 2)"),
            "expression",
            "cannot read formula",
            id="syntax-error",
        ),
        pytest.param(
            ("call", "gap", CHECKED, "abs(ind_va_growth[贵州省,2021-01..2021-09])"),
            "expression",
            "only + - * / ( ) and figure references are allowed",
            id="function-call",
        ),
        pytest.param(
            ("va-growth-rank-change", "gap", CHECKED, EXPRESSION),
            "id",
            f"duplicate of {RULES_SHOWN}:2 (va-growth-rank-change)",
            id="duplicate-id",
        ),
    ],
)
def test_broken_rule_is_reported_at_its_line(
    data_copy: Path, monkeypatch: pytest.MonkeyPatch, cells, column: str, message: str
) -> None:
    monkeypatch.chdir(data_copy.parent)  # problems show data/rules/…
    append_rows(data_copy / "rules" / "guizhou-industry-2021.csv", rule_line(*cells))
    line = len(rule_rows()) + 2  # header, the shipped rules, then the synthetic one
    dataset = load_dataset(data_copy)
    results, problems = check(dataset)
    assert results == []
    errors = [str(p) for p in problems if p.severity == "error"]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{RULES_SHOWN}:{line}: {column}: ")
    assert message in errors[0]
    with pytest.raises(DataValidationError):
        reconcile(dataset)


def test_empty_explanation_is_an_error(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data_copy.parent)
    append_rows(
        data_copy / "rules" / "guizhou-industry-2021.csv",
        f'no-en,gap,"{CHECKED}","{EXPRESSION}",{SYNTHETIC_NOTE}：测试,',
    )
    _, problems = check(load_dataset(data_copy))
    line = len(rule_rows()) + 2
    assert [str(p) for p in problems] == [
        f"{RULES_SHOWN}:{line}: explanation_en: required value is empty"
    ]


# --- the command line ---------------------------------------------------------------------------


def test_cli_json(results: dict[str, RuleResult]) -> None:
    result = run("reconcile", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == list(results)
    assert all(set(r) == JSON_FIELDS for r in records)
    started = next(r for r in records if r["id"] == "projects-started-rate")
    assert started["status"] == "mismatch"
    assert started["reported"] == 41.18
    assert started["recomputed"] == pytest.approx(1062 / 2578 * 100)
    assert started["tolerance"] == pytest.approx(0.005)
    assert [f["value"] for f in started["figures"]] == [41.18, 1062, 2578]
    assert started["path"] == RULES_SHOWN
    assert "贵州省" in result.stdout  # not \u escapes
    assert sorted(r["status"] for r in records).count("ok") == 8


def test_cli_csv() -> None:
    result = run("reconcile", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert [row["id"] for row in rows] == [row["id"] for row in rule_rows()]
    assert {row["id"] for row in rows if row["status"] == "mismatch"} == set(PROJECT_RATES)
    started = next(row for row in rows if row["id"] == "projects-started-rate")
    assert float(started["reported"]) == 41.18
    assert float(started["recomputed"]) == pytest.approx(41.1947, abs=1e-4)
    assert float(started["tolerance"]) == 0.005
    assert "projects_started[贵州省,2021-01..2021-11]=1062" in started["figures"]
    assert started["explanation_en"]


def test_cli_table() -> None:
    result = run("reconcile")
    assert result.returncode == 0, result.stderr
    for row in rule_rows():
        assert row["id"] in result.stdout
    assert result.stdout.count("mismatch") == 2 + 1  # two rows and the summary
    assert "10 rules: 8 ok, 2 mismatch" in result.stdout
    assert f"{RULES_SHOWN}:9: checked: warning: rule projects-started-rate" in result.stdout


def test_cli_rejects_an_unknown_format() -> None:
    result = run("reconcile", "--format", "xml")
    assert result.returncode == 2
    assert "'xml' is not one of 'table', 'csv', 'json'" in result.stderr


def test_cli_validate_warns_and_exits_0() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    warnings = [line for line in lines if ": warning: " in line]
    assert [w.split(": warning: ")[0] for w in warnings] == [
        f"{RULES_SHOWN}:9: checked",
        f"{RULES_SHOWN}:10: checked",
    ]
    assert lines[-1].startswith("ok:")


def test_cli_unknown_indicator_is_an_error_with_file_and_line(data_copy: Path) -> None:
    append_rows(
        data_copy / "rules" / "guizhou-industry-2021.csv",
        rule_line("unknown", "gap", "no_such_indicator[贵州省,2021-01..2021-09]", EXPRESSION),
    )
    expected = f"{RULES_SHOWN}:12: checked: unknown indicator 'no_such_indicator'"
    validate = run("validate", "--data", "data", cwd=data_copy.parent)
    assert validate.returncode == 1
    assert expected in validate.stdout
    assert "1 error(s)" in validate.stderr
    report = run("reconcile", "--data", "data", "--format", "json", cwd=data_copy.parent)
    assert report.returncode == 1
    assert report.stdout == ""
    assert expected in report.stderr


def test_cli_reconcile_reports_data_errors(tmp_path: Path) -> None:
    result = run("reconcile", "--data", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert "nowhere:0: -: data folder is missing" in result.stderr


def test_an_explanation_falls_back_to_the_data_language():
    import dataclasses

    result = reconcile(load_dataset(DATA))[0]
    assert result.explanation_zh and result.explanation_en
    assert result.explanation("en", "zh") == result.explanation_en
    assert result.explanation("zh", "zh") == result.explanation_zh
    assert result.explanation("fr", "zh") == result.explanation_zh  # no column of its own
    untranslated = dataclasses.replace(result, explanation_en="")
    assert untranslated.explanation("en", "zh") == result.explanation_zh
    assert result.explanation("zh", "en") == result.explanation_zh


def test_a_written_value_rounds_to_the_exact_one_within_half_its_last_decimal():
    from report_utils.tables.reconcile import rounds_to

    assert rounds_to(0.7, 1, 7.1 - 6.4)  # float noise never decides
    assert rounds_to(1.9, 1, 1.949) and not rounds_to(1.9, 1, 1.951)
    assert rounds_to(12, 0, 12.5) and not rounds_to(12, 0, 12.6)


def test_a_rule_result_is_shown_one_way():
    result = reconcile(load_dataset(DATA))[0]
    reported, recomputed, allowed = result.shown()
    assert reported == f"{result.reported:.{result.decimals}f}"
    assert len(recomputed.split(".")[-1]) == result.decimals + 2
    assert allowed == f"±{tolerance(result.decimals):g}"


def test_a_mismatch_warning_shows_the_figure_with_every_digit_of_its_table():
    """SYNTHETIC values: a level written with two decimals (19586.42) is not cut to six
    significant digits (19586.4) in validate's warning; the recomputed value and the difference
    carry two decimals more, as ``briefing reconcile`` shows them."""
    from report_utils.tables.periods import Period
    from report_utils.tables.reconcile import RuleFigure

    year = Period.parse("2021-01..2021-12")
    checked = RuleFigure("gdp", "R", year, 19586.42)
    parts = RuleFigure("gdp_parts", "R", year, 19586.3)
    result = RuleResult(
        "sum", "sum", checked, (parts,), "gdp_parts[R,2021-01..2021-12]", 19586.42, 19586.3,
        2, 0.005, "mismatch", "", "", "rules/r.csv", 3,
    )  # fmt: skip
    message = result.warning().message
    assert "is reported as 19586.42," in message
    assert "recomputes to 19586.3000 (difference +0.1200, tolerance ±0.005)" in message
