"""One check of a briefing's parameters (``briefing/request.py``): each bad parameter gets the same
message from the same function whichever way it comes in: the command line, the plan, a job and
the notebook run by papermill."""

from __future__ import annotations

from pathlib import Path

import papermill as pm
import pytest
from click.testing import CliRunner
from conftest import HOME
from papermill.exceptions import PapermillExecutionError

from report_utils.batch import execute, planner
from report_utils.batch.job import Job
from report_utils.briefing import catalogues, request
from report_utils.briefing.request import Facts, Request, check
from report_utils.cli import app
from report_utils.errors import ParameterError
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR
from report_utils.tables.load import load_dataset

DATASET = load_dataset(DATA_DIR)
FACTS = request.facts_of(DATASET, catalogues.data_languages(DATA_DIR))
MONTHS = DATASET.months(HOME)
REQUEST_PY = Path(request.__file__).name

# name: the request (region, period, lang, compare) and the options of `briefing build`
BAD = {
    "unknown region": (
        Request("无此地", MONTHS[-1], "zh"),
        ["--region", "无此地", "--period", MONTHS[-1], "--lang", "zh"],
    ),
    "period not a month": (Request(HOME, "2021-9", "zh"), ["--period", "2021-9", "--lang", "zh"]),
    "period before the data": (
        Request(HOME, "1999-01", "zh"),
        ["--period", "1999-01", "--lang", "zh"],
    ),
    "period after the data": (
        Request(HOME, "2030-01", "zh"),
        ["--period", "2030-01", "--lang", "zh"],
    ),
    "compare after the period": (
        Request(HOME, MONTHS[0], "zh", MONTHS[-1]),
        ["--period", MONTHS[0], "--compare", MONTHS[-1], "--lang", "zh"],
    ),
    "compare not a month": (
        Request(HOME, MONTHS[-1], "zh", "2021/09"),
        ["--period", MONTHS[-1], "--compare", "2021/09", "--lang", "zh"],
    ),
    "unknown language": (Request(HOME, MONTHS[-1], "xx"), ["--period", MONTHS[-1], "--lang", "xx"]),
}


def expected(asked: Request) -> str:
    with pytest.raises(ParameterError) as caught:
        check(asked, FACTS)
    return str(caught.value)


def raised_here(caught: pytest.ExceptionInfo) -> bool:
    """The error was raised in request.py's ``check``."""
    last = caught.traceback[-1]
    return Path(str(last.path)).name == REQUEST_PY and last.name == "check"


@pytest.mark.parametrize("case", BAD)
def test_the_command_line_says_what_check_says(tmp_path, case):
    asked, options = BAD[case]
    result = CliRunner().invoke(
        app, ["build", "--out", str(tmp_path / "out"), "--format", "html", *options]
    )
    assert result.exit_code == 1, result.output
    assert f"error: {expected(asked)}" in result.output
    assert not list(tmp_path.rglob("*.ipynb"))


@pytest.mark.parametrize("case", BAD)
def test_the_plan_raises_from_check(tmp_path, case):
    asked, _ = BAD[case]
    with pytest.raises(ParameterError) as caught:
        planner.plan(
            DATA_DIR,
            tmp_path,
            [asked.period] if asked.period else [],
            [str(asked.lang)],
            ["html"],
            regions=[str(asked.region)],
            compare=asked.compare,
        )
    assert str(caught.value) == expected(asked)
    assert raised_here(caught)


@pytest.mark.e2e
@pytest.mark.parametrize("case", BAD)
def test_a_job_and_the_notebook_say_what_check_says(tmp_path, case):
    """A job refuses what it can tell without the data as it is made; the rest its notebook
    refuses (the job's run fails with the message), as does the notebook run by papermill."""
    asked, _ = BAD[case]
    message = expected(asked)
    options = dict(region=asked.region, compare=asked.compare, formats=("html",))
    try:
        made = Job(DATA_DIR, tmp_path / "out", str(asked.period), str(asked.lang), **options)
    except ParameterError as exc:
        assert str(exc) == message
    else:
        result = execute.build_one(made)
        assert result.status == "failed"
        assert result.error.endswith(f"ParameterError: {message}"), result.error
    with pytest.raises(PapermillExecutionError) as caught:
        pm.execute_notebook(
            str(BRIEFING_NOTEBOOK),
            str(tmp_path / "run.ipynb"),
            parameters=asked.parameters(),
            kernel_name="python3",
            progress_bar=False,
        )
    assert caught.value.ename == "ParameterError"
    assert caught.value.evalue == message
    frames = [line for line in caught.value.traceback if REQUEST_PY in line]
    assert frames, "not raised in request.py"


def test_defaults_are_filled_from_the_facts():
    asked = check(Request(), FACTS)
    assert (asked.region, asked.period) == (HOME, FACTS.latest[HOME])
    assert check(Request(period=MONTHS[0]), FACTS).region == HOME


def test_owned_and_unknown_parameters():
    with pytest.raises(ParameterError, match=r"compare is set by the build \(--compare\)"):
        check(Request(), FACTS, extra={"compare": "2021-09"})
    with pytest.raises(ParameterError, match=r"data_dir is set by the build \(--data\)"):
        check(Request(), FACTS, extra={"data_dir": "x"})
    with pytest.raises(ParameterError, match=r"unknown parameter.*colour.*its parameters: period"):
        check(Request(), FACTS, extra={"colour": "red"}, notebook=BRIEFING_NOTEBOOK)


def test_data_without_any_month_is_a_clear_error():
    facts = Facts(homes=("a",), briefed=("a",), months={"a": []}, latest={"a": "2021-12"})
    for asked in (Request(period="2021-12"), Request(compare="2021-09")):
        with pytest.raises(ParameterError, match="the data has no months"):
            check(asked, facts)


def test_a_comparison_region_and_a_missing_folder():
    comparison = next(r for r in FACTS.regions or () if r not in (FACTS.briefed or ()))
    with pytest.raises(ParameterError, match="is only compared with"):
        check(Request(comparison), FACTS)
    with pytest.raises(ParameterError, match="data_dir must be an existing folder"):
        check(Request(data_dir="/nonexistent/folder"), FACTS)
