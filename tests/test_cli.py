import csv
import subprocess
import sys
from pathlib import Path

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
        "unit '台' has no translation in messages/en.yaml (units)"
    )
    assert expected in result.stdout.splitlines(), result.stdout


def test_a_unit_without_translation_stops_the_build_before_any_kernel(data_copy, tmp_path):
    line = _untranslated_case_unit(data_copy)
    out = tmp_path / "out"
    result = run("build", "--data", str(data_copy), "--out", str(out), "--lang", "en")
    assert result.returncode == 1
    assert f"guizhou-industry-2021.csv:{line}: unit:" in result.stderr, result.stderr
    assert not list(out.rglob("*.ipynb")) and not list(out.rglob("briefing.*"))
    # Chinese writes units as the tables do: that briefing does not need the translation.
    from report_utils.build import runner

    plan = runner.plan(data_copy, out, [], ["zh"], ["html"])
    assert [job.lang for job in plan.jobs] == ["zh"]
