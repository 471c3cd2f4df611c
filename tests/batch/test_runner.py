"""Batches, incremental rebuilds, manifests, locks: real builds (kernel, nbconvert, Typst)."""

import csv
import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from conftest import HOME, add_synthetic_source, synthetic_figure, synthetic_quote
from filelock import FileLock

from report_utils.batch import runner
from report_utils.batch.job import read_manifest
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR
from report_utils.tables.load import load_dataset

pytestmark = pytest.mark.e2e
LATEST = load_dataset(DATA_DIR).latest_month()


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def briefing_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "report_utils", "build", *args],
        capture_output=True,
        text=True,
        timeout=240,
    )


LATER_VALUE = "5.5"  # SYNTHETIC: a figure of the year after the data's latest


@pytest.fixture(scope="module")
def first_build(tmp_path_factory):
    """A data copy, an output folder with the zh briefing of the latest month (HTML and PDF)
    built once by the command, and what the command printed."""
    import shutil

    root = tmp_path_factory.mktemp("incremental")
    data = root / "data"
    shutil.copytree(DATA_DIR, data)
    add_synthetic_source(data)
    # the quote of the later figure a test adds (its source's text is an input of every briefing)
    synthetic_quote(data, LATER_VALUE)
    out = root / "out"
    args = ("--data", str(data), "--out", str(out), "--period", LATEST, "--lang", "zh")
    result = briefing_build(*args)
    assert result.returncode == 0, result.stderr
    return data, out, result


@pytest.fixture(scope="module")
def built(first_build):
    data, out, _ = first_build
    return data, out


def test_nothing_changed_means_nothing_is_built(built):
    data, out = built
    plan = runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"])
    assert plan.jobs == [] and [r.status for r in plan.skipped] == ["skipped"]
    assert runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"], force=True).jobs


def test_a_no_op_default_plan_reads_the_data_facts_from_a_manifest(built):
    """No state file: what a default plan needs of the data (regions, their latest months) is
    in the manifests, for the same data and code; reading it imports no pandas, writes
    nothing."""
    data, out = built
    files = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert not list(out.glob(".*state*"))
    code = (
        "import sys\n"
        "from report_utils.batch import planner\n"
        f"p = planner.plan({str(data)!r}, {str(out)!r}, [], ['zh'], ['html', 'pdf'])\n"
        "assert not p.jobs and len(p.skipped) == 1, p\n"
        "assert 'pandas' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == files


def test_manifest_records_inputs_versions_timings_outputs(built):
    _, out = built
    folder = out / HOME / LATEST / "zh"
    manifest = read_manifest(folder)
    assert manifest["parameters"]["period"] == LATEST and manifest["parameters"]["lang"] == "zh"
    assert set(manifest["inputs"]["files"]) >= {
        "figures/guizhou-industry-2021.csv",
        "meta/indicators.csv",
    }
    assert manifest["libraries"]["papermill"] and manifest["package"]["code_sha256"]
    assert {"execute", "html", "pdf", "total"} <= set(manifest["timings_seconds"])
    assert all(v > 0 for v in manifest["timings_seconds"].values())
    import hashlib

    for name, info in manifest["outputs"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == info["sha256"]
    assert manifest["peak_memory_mb"]["kernel"] > 0 and manifest["peak_memory_mb"]["printer"] > 0


def test_a_later_period_file_rebuilds_nothing_older(built):
    data, out = built
    before = read_manifest(out / HOME / LATEST / "zh")["outputs"]
    later = data / "figures" / "zz-synthetic-later.csv"
    year = int(LATEST[:4]) + 1
    later.write_text(
        "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,"
        "quote\n"
        + synthetic_figure(
            data, f"ind_va_growth,贵州省,{year}-01,{year}-03,{LATER_VALUE},%,,reported,"
        )
        + "\n",
        encoding="utf-8",
    )
    files = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    try:
        plan = runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"])
        assert plan.jobs == []  # same visible rows as of LATEST: skipped
        assert [folder for folder, _ in plan.restamps] == [out / HOME / LATEST / "zh"]
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == files  # planning
        # wrote nothing; the build re-stamps the manifest (under the lock), the next plan needs
        # no look at the rows
        assert runner.build(data, out, [LATEST], ["zh"], ["html", "pdf"])[0].status == "skipped"
        assert read_manifest(out / HOME / LATEST / "zh")["outputs"] == before
        again = runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"])
        assert again.jobs == [] and again.restamps == []
        newer = runner.plan(data, out, [f"{year}-03"], ["zh"], ["html"])
        assert [j.period for j in newer.jobs] == [f"{year}-03"]
    finally:
        later.unlink()


def test_whitespace_only_edits_change_nothing(built):
    data, out = built
    path = data / "figures" / "guizhou-industry-2021.csv"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(",", " , ", 3), encoding="utf-8")  # cells are stripped
    try:
        assert runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"]).jobs == []
    finally:
        path.write_text(original, encoding="utf-8")


def test_a_changed_visible_figure_rebuilds(built):
    data, out = built
    path = data / "figures" / "guizhou-industry-2021.csv"
    original = path.read_text(encoding="utf-8")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # an edit of a cell the briefing shows: the quote, longer, still word for word the source's
    source = (data / "sources" / "guizhou-industry-2021.txt").read_text(encoding="utf-8")
    longer = source[source.index(rows[0]["quote"]) :][: len(rows[0]["quote"]) + 5]
    assert longer != rows[0]["quote"]
    rows[0]["quote"] = longer
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    try:
        assert runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"]).jobs
    finally:
        path.write_text(original, encoding="utf-8")
    assert not runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"]).jobs


def test_a_changed_notebook_rebuilds(built, tmp_path):
    data, out = built
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells[0].source += "\n\nEdited."
    edited = tmp_path / "briefing.ipynb"
    nbformat.write(nb, edited)
    assert runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"], notebook=edited).jobs


def test_missing_or_truncated_output_rebuilds(built):
    data, out = built
    pdf = out / HOME / LATEST / "zh" / "briefing.pdf"
    content = pdf.read_bytes()
    pdf.write_bytes(content[:100])
    try:
        assert runner.plan(data, out, [LATEST], ["zh"], ["html", "pdf"]).jobs
    finally:
        pdf.write_bytes(content)


def test_two_builds_are_identical(built, default_build):
    """Two builds of the same tables (the shipped folder in this process, a copy of it by the
    command in another): byte-identical HTML, the same PDF text, no run ids or timestamps."""
    _, out = built
    folder = out / HOME / LATEST / "zh"
    assert default_build.parts[-3:] == folder.parts[-3:]
    html = (folder / "briefing.html").read_text(encoding="utf-8")
    assert html == (default_build / "briefing.html").read_text(encoding="utf-8")
    assert pdf_text(folder / "briefing.pdf") == pdf_text(default_build / "briefing.pdf")
    built_at = read_manifest(folder)["built_at"]
    for marker in ("uuid", "papermill", built_at[:13], "execution_count", str(out)):
        assert marker not in html


def test_unknown_parameters_are_rejected_before_any_kernel(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "report_utils", "build", "--out", str(tmp_path), "-p", "colour=red"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "unknown parameter" in result.stderr
    assert "period (default None)" in result.stderr
    assert not list(tmp_path.rglob("*.ipynb"))


def test_batch_goes_on_after_a_failure_and_reports_it(tmp_path):
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells.insert(
        3,
        nbformat.v4.new_code_cell(
            "if period == min_period:\n    raise RuntimeError('synthetic failure')"
        ),
    )
    months = load_dataset(DATA_DIR).months()
    nb.cells[1].source += f"\nmin_period = {months[-2]!r}"
    broken = tmp_path / "briefing.ipynb"
    nbformat.write(nb, broken)
    p = runner.plan(DATA_DIR, tmp_path / "out", months[-2:], ["zh"], ["html"], notebook=broken)
    with ProcessPoolExecutor(max_workers=2) as pool:  # any Executor plugs in
        results = runner.run(p, executor=pool)
    status = {r.name: r.status for r in results}
    assert status == {f"{HOME}/{months[-2]}/zh": "failed", f"{HOME}/{months[-1]}/zh": "built"}
    failed = next(r for r in results if r.status == "failed")
    assert "RuntimeError: synthetic failure" in failed.error
    assert (tmp_path / "out" / HOME / months[-2] / "zh" / "failed.ipynb").exists()


def test_cli_summary_and_index(first_build):
    data, out, first = first_build
    assert "1 built, 0 skipped, 0 failed" in first.stdout
    second = briefing_build("--data", str(data), "--out", str(out), "--lang", "zh")
    assert "0 built, 1 skipped, 0 failed" in second.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f'href="./{quote(HOME)}/{LATEST}/zh/briefing.html"' in index
    assert json.loads((out / HOME / LATEST / "zh" / "manifest.json").read_text())["parameters"]


def test_a_second_build_waits_for_the_lock(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    lock = FileLock(str(out / runner.LOCK))
    with lock:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "report_utils",
                "build",
                "--out",
                str(out),
                "--wait",
                "1",
                "--format",
                "html",
            ],
            capture_output=True,
            text=True,
        )
    assert result.returncode == 1
    assert "another briefing build is writing to" in result.stderr
    assert "gave up after 1 s" in result.stderr
    assert not list(out.rglob("*.html"))


def test_a_build_with_nothing_to_do_waits_for_a_build_rewriting_the_folder(built):
    """A no-op build answered "skipped" at once while another build held the folder's lock (and
    was replacing the very files it reported). The lock is released once the build says it
    waits, and it must still be running then: no timing assumed."""
    data, out = built
    lock = FileLock(str(out / runner.LOCK))
    lock.acquire()
    args = ["--data", str(data), "--out", str(out), "--period", LATEST, "--lang", "zh"]
    build = subprocess.Popen(
        [sys.executable, "-m", "report_utils", "build", *args, "--wait", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        said = ""
        while "another briefing build is writing to" not in said:
            line = build.stderr.readline()  # blocks until the build says something
            assert line, f"it ended without waiting: {said}"
            said += line
        assert build.poll() is None  # still waiting for the lock
    finally:
        lock.release()
    stdout, _ = build.communicate(timeout=120)
    assert build.returncode == 0, said
    assert "0 built, 1 skipped, 0 failed" in stdout


def test_a_home_region_without_figures_is_named_in_the_summary(data_copy, tmp_path):
    """The default build left out a home region with no figures and said nothing."""
    with (data_copy / "meta" / "regions.csv").open("a", encoding="utf-8") as regions:
        regions.write("黔南州,Qiannan Prefecture,prefecture,贵州省,贵州省,home\n")
    args = ("--data", str(data_copy), "--out", str(tmp_path / "out"), "--lang", "zh")
    # planned from the data, then from the facts a manifest recorded
    for counts in ("1 built, 0 skipped", "0 built, 1 skipped"):
        result = briefing_build(*args, "--format", "html")
        assert result.returncode == 0, result.stderr
        assert f"{counts}, 0 failed, 1 region(s) left out\n" in result.stdout
        assert "黔南州 left out: no figures in the data yet\n" in result.stdout
    assert not (tmp_path / "out" / "黔南州").exists()


def test_a_build_of_fewer_formats_leaves_no_older_output_beside_its_own(tmp_path):
    """Issue 22, item 6: HTML and PDF built, a figure changed, then ``--format html``: the
    folder held the new HTML (12.3 %) beside the old PDF (11.7 %). One build owns the folder:
    the PDF this build did not make is gone, and manifest and index list what is there."""
    import shutil

    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(DATA_DIR, data)
    add_synthetic_source(data)
    common = ("--data", str(data), "--out", str(out), "--period", "2021-09", "--lang", "zh")
    first = briefing_build(*common, "--format", "html,pdf")
    assert first.returncode == 0, first.stderr
    folder = out / HOME / "2021-09" / "zh"
    assert "11.7" in pdf_text(folder / "briefing.pdf")
    path = data / "figures" / "guizhou-industry-2021.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("ind_va_growth,贵州省,2021-01,2021-09,11.7,")
    rows[1] = synthetic_figure(data, "ind_va_growth,贵州省,2021-01,2021-09,12.3,%,,reported,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")

    second = briefing_build(*common, "--format", "html")
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "briefing.html",
        "briefing.ipynb",
        "manifest.json",
    ]
    assert set(read_manifest(folder)["outputs"]) == {"briefing.html", "briefing.ipynb"}
    assert ">12.3</a>" in (folder / "briefing.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "briefing.html" in index and "briefing.pdf" not in index
