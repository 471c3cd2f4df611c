import subprocess
import sys

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
