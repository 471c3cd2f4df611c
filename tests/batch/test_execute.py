"""End to end: the default briefing built with a real kernel, nbconvert, Typst and fonts.
Expected figures are read from the tables, never typed here."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import HOME, headline_indicators

from report_utils.batch import execute as build
from report_utils.batch import runner
from report_utils.batch.job import FAILED, Job
from report_utils.batch.tools import tools
from report_utils.briefing.figures import AsOf
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR
from report_utils.tables.load import load_dataset

pytestmark = pytest.mark.e2e
CODE_MARKERS = (
    "brief.",
    "Briefing(",
    "import ",
    "In [",
    "Out[",
    "<pandas",
    "report_utils",
    "Traceback",
    "data_dir",
)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_outputs_land_in_period_and_language(default_build):
    month = load_dataset(DATA_DIR).latest_month()
    assert default_build.parts[-3:] == (HOME, month, "zh")
    for name in ("briefing.ipynb", "briefing.html", "briefing.pdf"):
        assert (default_build / name).stat().st_size > 0
    nb = nbformat.read(default_build / "briefing.ipynb", as_version=4)
    assert nb.metadata["papermill"]["parameters"]["period"] == month


def test_pdf_has_the_headline_figures(default_build):
    text = pdf_text(default_build / "briefing.pdf")
    a = AsOf(load_dataset(DATA_DIR))
    for indicator in headline_indicators():
        f = a.latest(indicator)
        assert f"{f.number()}{f.unit}" in text, indicator
    fai = a.latest("fai_growth")
    assert f"同比下降{fai.number(absolute=True)}%（推算）" in re.sub(r"\s+", "", text)
    assert "工业经济简报" in text


def test_pdf_fonts_are_embedded_and_not_type3(default_build):
    listing = subprocess.run(
        ["pdffonts", str(default_build / "briefing.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    assert any("CJK" in row for row in rows)
    for row in rows:
        assert "Type 3" not in row
        assert re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", row).group(1) == "yes", row


def test_pdf_is_a4_with_page_numbers(default_build):
    pdf = default_build / "briefing.pdf"
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert len(sizes) == pages
    for width, height in sizes:
        assert (round(float(width)), round(float(height))) == (595, 842)
    pages_text = pdf_text(pdf).split("\f")
    for number in range(1, pages + 1):
        assert f"{number} / {pages}" in pages_text[number - 1]


def test_no_code_in_pdf_or_html(default_build):
    text = pdf_text(default_build / "briefing.pdf")
    html = (default_build / "briefing.html").read_text(encoding="utf-8")
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    for marker in CODE_MARKERS:
        assert marker not in text, marker
        assert marker not in visible, marker


def test_html_references_nothing_outside_itself(default_build):
    html = (default_build / "briefing.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", html)
    assert "<link" not in html and "<script" not in html
    sources = re.findall(r'\ssrc="([^"]*)"', html)
    assert sources and all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    assert len(re.findall(r'<img [^>]*alt="[^"]+"', html)) == len(sources)
    assert 'name="viewport"' in html


def test_every_linked_figure_is_in_the_appendix(default_build):
    html = (default_build / "briefing.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="#(ref-F\d+)"', html))
    anchors = set(re.findall(r'id="(ref-F\d+)"', html))
    assert links and links <= anchors  # and the figures only charts print have rows too
    assert len(anchors) == len(set(re.findall(r'<tr id="ref-F(\d+)"', html)))


def failing_notebook(tmp_path: Path) -> Path:
    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise ValueError('boom in a report cell')"))
    path = tmp_path / "briefing.ipynb"
    nbformat.write(nb, path)
    return path


def test_failed_run_keeps_the_last_good_briefing(default_build, tmp_path):
    out = tmp_path / "out"
    target = out / HOME / default_build.parent.name / "zh"
    shutil.copytree(default_build, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    job = Job(
        DATA_DIR,
        out,
        default_build.parent.name,
        "zh",
        ("html", "pdf"),
        notebook=failing_notebook(tmp_path),
    )
    result = build.build_one(job)
    assert not result.ok
    assert "ValueError: boom in a report cell" in result.error
    # the inserted cell is the 5th of the analyst's notebook (papermill's injected cell not counted)
    assert "briefing.ipynb cell 5 failed: raise ValueError" in result.error
    assert {p.name: p.read_bytes() for p in target.iterdir() if p.name != "failed.ipynb"} == before
    failed = nbformat.read(target / "failed.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in failed.cells for o in c.get("outputs", []))
    assert not [p for p in target.iterdir() if p.name.startswith(".staging")]


def test_earlier_period_leaves_out_later_sections(tmp_path):
    results = runner.build(DATA_DIR, tmp_path, ["2021-09"], ["zh"], ["html"])
    assert results[0].ok, results[0].error
    html = (tmp_path / HOME / "2021-09" / "zh" / "briefing.html").read_text(encoding="utf-8")
    assert "尚无数据" in html
    assert "1—11月" not in html and "2021年12月" not in html.split("数据截至")[0]


def test_cli_build_failure_exits_non_zero(tmp_path):
    """Bad parameters are rejected before any kernel starts, without a traceback."""
    for args, message in (
        (["--period", "2021-13"], "YYYY-MM"),
        (["--period", "2019-01"], "has no data"),
        (["--lang", "fr"], "no message catalogue"),
        (["--format", "docx"], "unknown format"),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "report_utils", "build", "--out", str(tmp_path), *args],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 1, args
        assert message in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.rglob("*.ipynb"))


def test_jupyter_nbconvert_uses_the_registered_exporter(default_build, tmp_path):
    jupyter = Path(sys.executable).with_name("jupyter")
    subprocess.run(
        [
            str(jupyter),
            "nbconvert",
            "--to",
            "briefing_pdf",
            "--output-dir",
            str(tmp_path),
            str(default_build / "briefing.ipynb"),
        ],
        check=True,
        capture_output=True,
    )
    pdf = tmp_path / "briefing.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "工业经济简报" in pdf_text(pdf)


def test_a_kernel_that_does_not_start_is_retried_once(tmp_path, monkeypatch):
    """The first kernel process exits without ever answering (a real process that fails to
    become a kernel); the run is retried with a fresh kernel, which is ipykernel."""
    import json

    marker = tmp_path / "first-start-failed"
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    starter = (
        "import pathlib, runpy, sys\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "if not marker.exists():\n"
        "    marker.touch()\n"
        "    sys.exit(3)\n"
        "sys.argv = ['ipykernel_launcher', *sys.argv[1:]]\n"
        "runpy.run_module('ipykernel_launcher', run_name='__main__')\n"
    )
    argv = [sys.executable, "-c", starter, "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    tools.end()  # no warm kernel from an earlier test: this one starts its own
    try:
        month = load_dataset(DATA_DIR).latest_month()
        result = build.build_one(Job(DATA_DIR, tmp_path, month, "zh", ("html",)))
    finally:
        tools.end()
    assert marker.exists()  # the first kernel process ran, and failed
    assert result.status == "built", result.error
    assert result.attempts == 2
    assert (tmp_path / HOME / month / "zh" / "briefing.html").is_file()
    assert not (tmp_path / HOME / month / "zh" / FAILED).exists()
