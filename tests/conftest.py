"""Shared fixtures. Synthetic data is made here, by the tests, in temporary folders, and marked as
such; the shipped data/ is never changed by a test."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from hypothesis import settings

from report_utils.batch import runner
from report_utils.briefing.request import home_facts
from report_utils.briefing.spec import Spec, read_spec
from report_utils.paths import BRIEFING_NOTEBOOK, DATA_DIR

SYNTHETIC_NOTE = "SYNTHETIC TEST DATA"
HOME = home_facts(DATA_DIR).homes[0]  # the region the shipped briefings are about


def validate_command(data: Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``briefing validate --data DATA`` run as a user runs it, in a process of its own (in
    ``cwd``: the folder problems' paths are shown relative to)."""
    return subprocess.run(
        [sys.executable, "-m", "report_utils", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


@cache
def shipped_spec() -> Spec:
    """The shipped briefing spec (data/briefing.yml), as the package reads it."""
    spec, _, problems = read_spec(DATA_DIR)
    assert spec is not None, problems
    return spec


def headline_indicators() -> list[str]:
    """The indicator of each headline card's big number, in the spec's order."""
    return [next(iter(h.slots().values())).indicator for h in shipped_spec().headlines]


def section_ids() -> list[str]:
    return [s.id for s in shipped_spec().sections]


# The fast lane (``make test-fast``) runs pytest with ``--hypothesis-profile=fast``.
FAST_PROFILE_EXAMPLES = 10
settings.register_profile("fast", max_examples=FAST_PROFILE_EXAMPLES)


def examples(full: int) -> int:
    """How many examples a property test tries: ``full`` in the whole suite, a tenth (at least
    five) under the fast lane's Hypothesis profile."""
    if settings.default.max_examples == FAST_PROFILE_EXAMPLES:
        return max(full // 10, 5)
    return full


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# The source synthetic rows cite: its text is the note, so their quotes (the note) are found in
# it, as every quote must be (tables.quotes); no synthetic row cites the shipped article.
SYNTHETIC_SOURCE = "synthetic-test"


def add_synthetic_source(data: Path) -> None:
    """Declare the synthetic source in a copy of the data folder."""
    (data / "sources" / "synthetic-test.txt").write_text(
        f"{SYNTHETIC_NOTE}: made by the tests, not from any publication.\n", encoding="utf-8"
    )
    path = data / "meta" / "sources.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    row = dict.fromkeys(header, "") | {
        "id": SYNTHETIC_SOURCE,
        "publisher_zh": SYNTHETIC_NOTE,
        "title_zh": SYNTHETIC_NOTE,
        "locator": "sources/synthetic-test.txt",
    }
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(row.values())
    append_rows(path, buffer.getvalue())


def synthetic_quote(data: Path, value: object) -> str:
    """SYNTHETIC: a quote that holds ``value`` (a reported figure's quote must hold its number,
    ``tables.quotes.check_values``), added to the synthetic source's text so that it is found
    there word for word."""
    quote = f"{SYNTHETIC_NOTE}: {value}"
    text = data / "sources" / "synthetic-test.txt"
    if quote not in text.read_text(encoding="utf-8").splitlines():
        with text.open("a", encoding="utf-8") as handle:
            handle.write(quote + "\n")
    return quote


def synthetic_figure(data: Path, row: str) -> str:
    """SYNTHETIC: a figures row given up to its formula (9 cells), completed with the synthetic
    source and a quote that holds its value."""
    value = next(csv.reader([row]))[4]
    return f"{row},{SYNTHETIC_SOURCE},{synthetic_quote(data, value)}"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the shipped data folder that a test may change, with the synthetic source."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    (target / "SYNTHETIC.txt").write_text(SYNTHETIC_NOTE + ": a copy changed by a test\n")
    add_synthetic_source(target)
    return target


@pytest.fixture
def data_dir(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``data_copy`` with its parent as the working folder: problems show ``data/...``."""
    monkeypatch.chdir(data_copy.parent)
    return data_copy


def worker_killing_notebook(folder: Path, marker: Path, once: str, always: str) -> Path:
    """The briefing notebook, written into ``folder``, with a cell that kills the worker running
    it (the kernel's parent: a pool worker or a Dask worker) with SIGKILL: for the period
    ``once`` on its first run only (``marker`` remembers it), for ``always`` on every run."""
    import nbformat

    nb = nbformat.read(BRIEFING_NOTEBOOK, as_version=4)
    kill = (
        "import os, signal, pathlib\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        f"if period == {once!r} and not marker.exists():\n"
        "    marker.touch()\n"
        "    os.kill(os.getppid(), signal.SIGKILL)\n"
        "    signal.pause()  # the kernel ends with its worker\n"
        f"if period == {always!r}:\n"
        "    os.kill(os.getppid(), signal.SIGKILL)\n"
        "    signal.pause()  # the kernel ends with its worker"
    )
    nb.cells.insert(3, nbformat.v4.new_code_cell(kill))
    path = folder / "briefing.ipynb"
    nbformat.write(nb, path)
    return path


def append_rows(path: Path, *rows: str) -> None:
    """Append CSV rows (already formatted) to a table file."""
    with path.open("a", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write(row + "\n")


def kind_context(period: str, lang: str = "zh", data_dir: Path | None = None, **section):
    """The ``Context`` a section kind builds with, for a section given as the spec writes it
    (``id``, ``kind`` and the kind's keys), in the briefing of ``period`` over ``data_dir``."""
    from report_utils.briefing.kinds import Context
    from report_utils.briefing.report import Briefing
    from report_utils.briefing.spec import SectionSpec

    brief = Briefing(data_dir=data_dir, period=period, lang=lang)
    spec = SectionSpec(**section)
    return Context(spec, brief.asof, brief.phrases, brief.names, brief.meaning, brief.compare)


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default briefing (latest month, zh, HTML and PDF), built once with the real kernel,
    nbconvert and Typst. Returns the briefing's folder."""
    out = tmp_path_factory.mktemp("outputs")
    results = runner.build(DATA_DIR, out, [], ["zh"], ["html", "pdf"], notebook=BRIEFING_NOTEBOOK)
    assert [r.error for r in results] == [""]
    return results[0].folder


# --- built briefings and a real browser (Debian's Chromium through Playwright) ------------------


@cache
def narrative(lang: str, section: str) -> str:
    """The first narrative paragraph of a section of the default briefing, as plain text, as
    report.Briefing builds it from the tables (not read back from a built file)."""
    from markupsafe import Markup

    from report_utils.briefing.report import Briefing

    html = Briefing(data_dir=DATA_DIR, lang=lang).section(section).html
    paragraph = re.search(r'<p class="narrative"[^>]*>(.*?)</p>', html, re.S).group(1)
    return Markup(paragraph).striptags()


ARTIFACTS_DIR = Path(__file__).resolve().parents[1] / "test-artifacts"  # git-ignored
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def briefing_for(default_build: Path, tmp_path_factory: pytest.TempPathFactory):
    """``briefing_for(lang)``: the folder of the default briefing (latest month, HTML and PDF) in
    that language, built at most once per session; zh is ``default_build``."""
    folders = {"zh": default_build}

    def get(lang: str) -> Path:
        if lang not in folders:
            out = tmp_path_factory.mktemp(f"outputs-{lang}")
            results = runner.build(DATA_DIR, out, [], [lang], ["html", "pdf"])
            assert [r.error for r in results] == [""]
            folders[lang] = results[0].folder
        return folders[lang]

    return get


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page opened on a local file, with everything that should not happen recorded: console
    errors, uncaught exceptions, dialogs (dismissed) and requests that leave the file (blocked)."""

    def __init__(self, browser, html: Path, width: int, height: int = 900):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.width = width
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("dialog", self._dialog)
        page.on("request", self._request)
        page.route("**/*", self._route)
        page.goto(html.as_uri(), wait_until="load")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _request(self, request) -> None:
        if not request.url.startswith(("file:", "data:")):
            self.outside.append(request.url)

    def _route(self, route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def horizontal_overflow(self) -> int:
        """Pixels the page is wider than the window (0: no horizontal scrolling)."""
        return self.page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )

    def screenshot(self, name: str) -> Path:
        path = ARTIFACTS_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        self.context.close()


# --- "before any kernel starts", checked with a real process -----------------------------------


@pytest.fixture
def kernel_tripwire(tmp_path: Path):
    """``(env, started)``: an environment in which the ``python3`` kernel, if anything starts
    one, is a process that leaves a file behind and exits; ``started()`` says whether it ran.
    (JUPYTER_PATH comes first in jupyter_client's kernel search.)"""
    import json
    import os
    import sys

    marker = tmp_path / "a-kernel-was-started"
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", f"open({str(marker)!r}, 'w').close()", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "tripwire", "language": "python"})
    )
    env = {**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter")}
    return env, marker.exists


def problems_of(data: Path, langs: list[str] | None = None) -> list[str]:
    """The problems ``check_briefing`` finds in the spec and catalogues of ``data``, as shown."""
    from report_utils.briefing.checks import check_briefing
    from report_utils.tables.load import load_dataset

    _, found = check_briefing(load_dataset(data), data, langs)
    return [str(p) for p in found]


def replace_once(path: Path, old: str, new: str) -> None:
    """SYNTHETIC: an edit of a copied file, of text that is in it exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    """The first line of ``path`` (from 1) that holds ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)
