"""Faults around a build: bad data, an output folder that cannot be written, a kernel killed in the
middle of a run. Each ends in a clear message (no traceback) and leaves outputs as they were."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from conftest import HOME

from report_utils.batch import execute as build
from report_utils.batch.job import FAILED, Job
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR

ROOT = Path(__file__).resolve().parents[2]
BRIEFING = ROOT / ".venv" / "bin" / "briefing"
FIGURES = Path("figures") / "guizhou-industry-2021.csv"


def _run_all(
    commands: dict[str, list[str]], cwd: dict[str, Path]
) -> dict[str, subprocess.CompletedProcess]:
    """Run the commands at the same time (each imports the whole stack: ~2 s) and wait."""
    running = {
        name: subprocess.Popen(
            command, cwd=cwd[name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name, command in commands.items()
    }
    done = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done


# --- bad data: nothing is written ---------------------------------------------------------------


def _text_in_number(data: Path) -> None:
    path = data / FIGURES
    text = path.read_text(encoding="utf-8")
    row = "ind_va_growth,贵州省,2021-01,2021-09,11.7,"
    assert text.count(row) == 1
    path.write_text(text.replace(row, row.replace(",11.7,", ",十一,")), encoding="utf-8")


def _missing_metadata(data: Path) -> None:
    (data / "meta" / "indicators.csv").unlink()


def _utf16(data: Path) -> None:
    path = data / FIGURES
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


BROKEN: dict[str, tuple[Callable[[Path], None], str]] = {
    "text-in-number": (_text_in_number, "data/figures/guizhou-industry-2021.csv:2: value:"),
    "missing-file": (_missing_metadata, "data/meta/indicators.csv:0: -: file is missing"),
    "unreadable": (_utf16, "data/figures/guizhou-industry-2021.csv:0: -: cannot read the file"),
}


def test_build_with_bad_data_writes_nothing(tmp_path: Path):
    folders = {name: tmp_path / name for name in BROKEN}
    for name, (breaker, _) in BROKEN.items():
        data = folders[name] / "data"
        shutil.copytree(DATA_DIR, data)
        (data / "SYNTHETIC.txt").write_text("SYNTHETIC TEST DATA: broken on purpose\n")
        breaker(data)
    command = [str(BRIEFING), "build", "--data", "data", "--out", "out"]
    results = _run_all(dict.fromkeys(BROKEN, command), folders)
    for name, result in results.items():
        assert result.returncode == 1, (name, result.stderr)
        assert BROKEN[name][1] in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
    for name, folder in folders.items():
        out = folder / "out"
        assert not out.exists() or list(out.rglob("*")) == [], (name, list(out.rglob("*")))


def test_unwritable_output_folder_is_a_clear_error(tmp_path: Path):
    a_file = tmp_path / "a-file"
    a_file.write_text("a file where the output folder's parent should be\n")
    bad = {
        "parent-is-a-file": str(a_file / "out"),
        "proc": f"/proc/report-utils-test-{tmp_path.name}/out",
    }
    results = _run_all(
        {name: [str(BRIEFING), "build", "--out", out] for name, out in bad.items()},
        dict.fromkeys(bad, tmp_path),
    )
    for name, result in results.items():
        assert result.returncode == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr, name
        assert f"cannot write to the output folder {bad[name]}" in result.stderr, result.stderr
    assert a_file.is_file()


# --- a full disk ---------------------------------------------------------------------------------


def _files_limited_to(size: int):
    """For the child: a write past ``size`` bytes of any file fails, as on a full disk.
    (RLIMIT_FSIZE; Python ignores SIGXFSZ, so the write fails with EFBIG, "File too large",
    where a full disk gives ENOSPC: both an OSError on write. Folders can still be made.)"""

    def limit() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

    return limit


@pytest.mark.parametrize(
    ("size", "first_failure"),
    [
        (0, "cannot write to the temporary folder"),  # nothing at all can be written
        (1024, "cannot write {target}"),  # small files fit, the notebook does not
    ],
)
def test_a_full_disk_at_the_start_of_a_build_is_a_clear_error(
    tmp_path: Path, size: int, first_failure: str
):
    """Papermill could not write the notebook and left it empty; reading it back raised
    ``nbformat.reader.NotJSONError`` (a traceback)."""
    out = tmp_path / "out"
    target = out / HOME / "2021-12" / "zh"
    target.mkdir(parents=True)
    for name in ("briefing.ipynb", "briefing.html", "briefing.pdf", "manifest.json"):
        (target / name).write_text(f"the last good {name}\n", encoding="utf-8")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = subprocess.run(
        [str(BRIEFING), "build", "--out", str(out), "--period", "2021-12", "--lang", "zh"],
        capture_output=True,
        text=True,
        preexec_fn=_files_limited_to(size),
        timeout=120,
    )
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert first_failure.format(target=target) in result.stderr, result.stderr
    assert "File too large" in result.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert {name: after[name] for name in before} == before  # nothing lost
    assert not [p for p in target.iterdir() if p.name.startswith(".staging")]
    assert not (target / FAILED).exists()  # no cut-short notebook kept as the failed run


# --- a kernel killed in the middle of a run -----------------------------------------------------


def _killing_notebook(tmp_path: Path) -> Path:
    """The briefing notebook with a cell that kills its own kernel after the title block ran."""
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    kill = nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
    nb.cells.insert(4, kill)
    path = tmp_path / "briefing.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.e2e
def test_kernel_killed_mid_run_keeps_the_last_good_briefing(default_build: Path, tmp_path: Path):
    out = tmp_path / "out"
    period = default_build.parent.name
    target = out / HOME / period / "zh"
    shutil.copytree(default_build, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    assert {"briefing.html", "briefing.pdf", "briefing.ipynb"} <= set(before)

    job = Job(DATA_DIR, out, period, "zh", ("html", "pdf"), notebook=_killing_notebook(tmp_path))
    result = build.build_one(job)

    assert not result.ok
    # the kill is the 5th cell of the analyst's notebook (it said "cell ?")
    assert "the kernel died while running briefing.ipynb cell 5:" in result.error
    after = {p.name: p.read_bytes() for p in target.iterdir() if p.name != FAILED}
    assert after == before  # byte for byte, nothing added, nothing removed
    failed = nbformat.read(target / FAILED, as_version=4)
    assert any(
        c.get("execution_count") for c in failed.cells if c.cell_type == "code"
    )  # the cells before the kill ran and are kept for the analyst to see
    assert not [p for p in target.iterdir() if p.name.startswith(".staging")]


# --- a PDF that would take minutes to lay out ---------------------------------------------------


def _long_title(data: Path, length: int) -> None:
    """The first event's Chinese title made ``length`` characters long (the tester's input)."""
    import csv

    path = data / "events" / "guizhou-industry-2021.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["title_zh"] = ("工业发展大会" * length)[:length]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.e2e
def test_a_20000_character_title_does_not_make_the_build_run_away(
    default_build: Path, data_copy: Path, tmp_path: Path
):
    """A 20,000-character event title: the build took over 300 s (validate said ok). Now it
    ends in bounded time with a message, exit 1, and the previous briefing is kept: refused
    where the data is read (text length limits) or stopped by the PDF time limit."""
    import os
    import time

    _long_title(data_copy, 20_000)
    out = tmp_path / "out"
    period = default_build.parent.name
    target = out / HOME / period / "zh"
    shutil.copytree(default_build, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    started = time.perf_counter()
    result = subprocess.run(
        [str(BRIEFING), "build", "--data", str(data_copy), "--out", str(out), "--lang", "zh"],
        capture_output=True,
        text=True,
        env={**os.environ, "REPORT_UTILS_PDF_TIMEOUT": "5"},
        timeout=240,
    )
    assert time.perf_counter() - started < 60
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert "PDF took longer than 5 s" in result.stderr or "title_zh" in result.stderr
    after = {p.name: p.read_bytes() for p in target.iterdir() if p.name != FAILED}
    assert after == before
    assert not [p for p in target.iterdir() if p.name.startswith(".staging")]


@pytest.mark.e2e
def test_the_pdf_time_limit_stops_the_run_and_keeps_the_last_briefing(
    default_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The limit itself, whatever the data checks allow: a notebook whose last output gives
    the PDF Typst that would run for hours (10**10 turns of a loop)."""
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "from IPython.display import display\n"
            "display({'text/plain': '', 'text/html': '', 'text/vnd.typst': "
            "'#for i in range(100000) { for j in range(100000) { } }'}, raw=True)"
        )
    )
    notebook = tmp_path / "briefing.ipynb"
    nbformat.write(nb, notebook)
    out = tmp_path / "out"
    period = default_build.parent.name
    target = out / HOME / period / "zh"
    shutil.copytree(default_build, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    monkeypatch.setenv("REPORT_UTILS_PDF_TIMEOUT", "3")

    result = build.build_one(Job(DATA_DIR, out, period, "zh", notebook=notebook))

    assert result.status == "failed"
    assert "the PDF took longer than 3 s to lay out and was stopped" in result.error
    assert result.seconds < 30  # the kernel's run, then at most the limit
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
