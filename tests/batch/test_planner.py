"""What a build refuses before any kernel starts: parameters the plan owns, periods outside the
data, loose options. Each case runs the real command; a kernel that starts trips a wire
(``kernel_tripwire`` in conftest), so "before any kernel" is checked, not assumed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HOME

from report_utils.batch import planner
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR
from report_utils.tables.load import load_dataset

MONTHS = load_dataset(DATA_DIR).months()


def briefing(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "report_utils", "build", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def assert_refused(result: subprocess.CompletedProcess, message: str, out: Path, started) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not started(), "a kernel was started"
    assert not list(out.rglob("*.ipynb")) and not list(out.rglob("briefing.*"))


@pytest.mark.parametrize(
    ("param", "option"),
    [
        ("period=2021-09", "--period"),
        ("lang=en", "--lang"),
        ("data_dir={data}", "--data"),
        ("compare={previous}", "--compare"),
    ],
)
def test_parameters_the_plan_owns_cannot_be_set_with_p(
    tmp_path, kernel_tripwire, data_copy, param, option
):
    """``--period 2021-12 --lang zh -p period=2021-09`` wrote a 2021-09 briefing into
    2021-12/zh/ (exit 0); ``-p data_dir=X`` bypassed the data checks and the hashes; ``-p
    compare=…`` was accepted although the build owns it (``--compare``)."""
    env, started = kernel_tripwire
    out = tmp_path / "out"
    param = param.format(data=data_copy, previous=MONTHS[-2])
    result = briefing(
        *("--out", str(out), "--period", MONTHS[-1], "--lang", "zh", "--format", "html"),
        *("-p", param),
        env=env,
        cwd=tmp_path,
    )
    name = param.partition("=")[0]
    assert_refused(result, f"{name} is set by the build ({option})", out, started)


def test_compare_given_twice_is_refused(tmp_path, kernel_tripwire):
    env, started = kernel_tripwire
    out = tmp_path / "out"
    result = briefing(
        *("--out", str(out), "--compare", MONTHS[-3], "-p", f"compare={MONTHS[-2]}"),
        env=env,
        cwd=tmp_path,
    )
    assert_refused(result, "compare is set by the build (--compare)", out, started)


@pytest.mark.parametrize("period", ["9999-01", "2030-01"])
def test_a_period_after_the_latest_data_is_refused(tmp_path, kernel_tripwire, period):
    """``--period 9999-01`` built "数据截至9999年1月" from 2021 figures."""
    env, started = kernel_tripwire
    out = tmp_path / "out"
    result = briefing("--out", str(out), "--period", period, env=env, cwd=tmp_path)
    assert_refused(result, f"period {period} is after the latest month with data", out, started)
    assert f"months with data: {', '.join(MONTHS)}" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--wait", "nan"], "--wait"),
        (["--wait", "-1"], "--wait"),
        (["--wait", "inf"], "--wait"),
        (["--format", ""], "no format given"),
        (["--format", " , "], "no format given"),
    ],
)
def test_loose_options_are_refused(tmp_path, kernel_tripwire, args, message):
    """``--wait nan`` gave a traceback, ``--wait -1`` waited forever, ``--format ""`` built only
    the notebook and reported "built"."""
    env, started = kernel_tripwire
    out = tmp_path / "out"
    result = briefing("--out", str(out), "--force", *args, env=env, cwd=tmp_path)
    assert result.returncode != 0, result.stdout
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not started()
    assert not list(out.rglob("*.ipynb"))


def test_a_notebook_saved_with_outputs_plans_the_same_fingerprint(tmp_path):
    """Saving the notebook from Jupyter with its outputs changes nothing a briefing depends on:
    the plan's fingerprint is over the notebook's code (issue 21); a changed cell is not."""
    import json

    from report_utils.batch import planner

    month = load_dataset(DATA_DIR).months()[-1]
    nb = json.loads(BRIEFING_NOTEBOOK.read_text(encoding="utf-8"))

    def fingerprint(name: str, notebook: dict) -> str:
        path = tmp_path / name / "briefing.ipynb"
        path.parent.mkdir()
        path.write_text(json.dumps(notebook), encoding="utf-8")
        made = planner.plan(DATA_DIR, tmp_path / "out", [month], ["zh"], ["html"], notebook=path)
        return made.stamps[made.jobs[0].name]["fingerprint"]

    ran = json.loads(json.dumps(nb))
    for number, cell in enumerate(c for c in ran["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = number + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
    edited = json.loads(json.dumps(nb))
    edited["cells"][-1]["source"] = ["brief.sources()\n", "brief.sources()"]
    assert fingerprint("ran", ran) == fingerprint("clean", nb)
    assert fingerprint("edited", edited) != fingerprint("clean2", nb)


def test_the_default_set_says_which_home_regions_it_leaves_out(data_copy, tmp_path):
    with (data_copy / "meta" / "regions.csv").open("a", encoding="utf-8") as regions:
        regions.write("黔南州,Qiannan Prefecture,prefecture,贵州省,贵州省,home\n")
    p = planner.plan(data_copy, tmp_path / "out", [], ["zh"], ["html"])
    assert [job.region for job in p.jobs] == [HOME]
    assert p.left_out == {"黔南州": "no figures in the data yet"}
    named = planner.plan(data_copy, tmp_path / "out", [], ["zh"], ["html"], regions=[HOME])
    assert named.left_out == {}  # only the default set leaves regions out
