"""Benchmark: the briefing build against the tools chained by hand, measured in one run.

Run with the project's own set-up:  .venv/bin/python bench/run.py [--runs 3]

Figures (medians of several runs, wall time, on this machine):
  cold      one briefing from scratch: `briefing build --force` (execute + HTML + PDF)
  no-op     `briefing build` of the default set when everything is up to date
  batch     8 briefings at -j 1 and at -j 2
  memory    peak resident memory per worker process and per kernel (from the manifests)
  baseline  the same briefing by hand: `papermill` CLI, then `jupyter nbconvert --to html`, then
            a PDF: `jupyter nbconvert --to webpdf` pointed at Debian's Chromium (Playwright cannot
            download its own browser here), else `chromium --print-to-pdf` on that HTML
Targets: cold <= 0.5 x baseline; no-op <= 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BRIEFING = str(BIN / "briefing")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def timed(cmd: list[str], **kw) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values)


def latest_and_languages() -> tuple[list[str], list[str]]:
    sys.path.insert(0, str(ROOT / "src"))
    from report_utils.batch.job import languages
    from report_utils.tables.load import load_dataset

    return load_dataset(ROOT / "data").months(), languages()


def bench_cold(runs: int, period: str) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            times.append(
                timed(
                    [
                        BRIEFING,
                        "build",
                        "--out",
                        out,
                        "--period",
                        period,
                        "--lang",
                        "zh",
                        "--force",
                        "-j",
                        "1",
                    ]
                )
            )
    return times


def bench_noop(runs: int) -> list[float]:
    with tempfile.TemporaryDirectory() as out:
        timed([BRIEFING, "build", "--out", out])
        return [timed([BRIEFING, "build", "--out", out]) for _ in range(runs)]


def bench_batch(runs: int, jobs: int, periods: list[str], langs: list[str]) -> tuple[list, list]:
    times, memory = [], []
    args = [a for p in periods for a in ("--period", p)] + [
        a for lang in langs for a in ("--lang", lang)
    ]
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            times.append(
                timed([BRIEFING, "build", "--out", out, "--force", "-j", str(jobs), *args])
            )
            for manifest in Path(out).glob("*/*/*/manifest.json"):  # region/period/lang
                memory.append(json.loads(manifest.read_text())["peak_memory_mb"])
    return times, memory


def _webpdf_env(tmp: Path) -> dict[str, str] | None:
    """Point Playwright (used by nbconvert's webpdf) at Debian's Chromium through the folder
    layout it expects; None when Playwright is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    env = {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp)}
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(tmp)
    try:
        with sync_playwright() as pw:
            expected = Path(pw.chromium.executable_path)
    finally:
        os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
    expected.parent.mkdir(parents=True, exist_ok=True)
    expected.symlink_to(CHROMIUM)
    # Headless mode may look for the headless shell build instead.
    rev = expected.parents[1].name.split("-")[-1]
    for shell in (
        tmp / f"chromium_headless_shell-{rev}" / "chrome-linux" / "headless_shell",
        tmp
        / f"chromium_headless_shell-{rev}"
        / "chrome-headless-shell-linux64"
        / "chrome-headless-shell",
    ):
        shell.parent.mkdir(parents=True, exist_ok=True)
        shell.symlink_to(CHROMIUM)
    return env


def by_hand(nb: Path, parameters: dict[str, str]) -> list[list[str]]:
    """The peer baseline's three commands for one briefing: the notebook executed with the
    ``papermill`` CLI into ``nb``, then ``jupyter nbconvert`` to HTML and to PDF (webpdf)."""
    notebook = ROOT / "notebooks" / "briefing.ipynb"
    params = [a for name, value in parameters.items() for a in ("-p", name, value)]
    papermill = [str(BIN / "papermill"), str(notebook), str(nb), *params]
    papermill += ["--cwd", str(notebook.parent), "--no-progress-bar"]
    nbconvert = [str(BIN / "jupyter"), "nbconvert", "--no-input"]
    return [
        papermill,
        [*nbconvert, "--to", "html", str(nb)],
        [*nbconvert, "--to", "webpdf", "--WebPDFExporter.disable_sandbox=True", str(nb)],
    ]


def bench_baseline(runs: int, period: str) -> tuple[list[float], str]:
    times, route = [], ""
    with tempfile.TemporaryDirectory() as shim:
        env = _webpdf_env(Path(shim))
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as out:
                nb = Path(out) / "briefing.ipynb"
                started = time.perf_counter()
                papermill, html, webpdf_cmd = by_hand(
                    nb, {"period": period, "lang": "zh", "data_dir": str(ROOT / "data")}
                )
                subprocess.run(papermill, check=True, capture_output=True)
                subprocess.run(html, check=True, capture_output=True)
                webpdf = (
                    env is not None
                    and subprocess.run(webpdf_cmd, env=env, capture_output=True).returncode == 0
                )
                if webpdf:
                    route = "papermill CLI + nbconvert --to html + nbconvert --to webpdf"
                else:
                    subprocess.run(
                        [
                            CHROMIUM,
                            *CHROMIUM_FLAGS,
                            f"--user-data-dir={out}/chrome",
                            f"--print-to-pdf={out}/briefing-chromium.pdf",
                            f"file://{out}/briefing.html",
                        ],
                        check=True,
                        capture_output=True,
                    )
                    route = "papermill CLI + nbconvert --to html + chromium --print-to-pdf"
                times.append(time.perf_counter() - started)
    return times, route


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median taken)")
    args = parser.parse_args()
    months, langs = latest_and_languages()
    period = months[-1]
    # 8 briefings: the latest months in every language, as many months as needed.
    per_lang = -(-8 // len(langs))
    batch_periods = months[-per_lang:]
    count = len(batch_periods) * len(langs)

    results: dict[str, float] = {}
    baseline, route = bench_baseline(args.runs, period)
    results["baseline (by hand)"] = median(baseline)
    results["cold briefing"] = median(bench_cold(args.runs, period))
    results["no-op rebuild"] = median(bench_noop(max(args.runs, 5)))
    memory: list[dict] = []
    for jobs in (1, 2):
        times, mem = bench_batch(args.runs, jobs, batch_periods, langs)
        results[f"batch of {count}, -j {jobs}"] = median(times)
        memory += mem

    print(
        f"machine: {os.cpu_count()} cores; runs per figure: {args.runs}; period {period}; "
        f"languages {', '.join(langs)}"
    )
    print(f"baseline route: {route}")
    print(f"{'figure':28} {'median s':>9} {'x baseline':>11}")
    for name, value in results.items():
        print(f"{name:28} {value:9.2f} {value / results['baseline (by hand)']:11.2f}")
    workers = [m["worker"] for m in memory]
    kernels = [m["kernel"] for m in memory]
    print(
        f"peak memory per worker: median {median(workers):.0f} MB, max {max(workers):.0f} MB; "
        f"per kernel: median {median(kernels):.0f} MB, max {max(kernels):.0f} MB"
    )
    ratio = results["cold briefing"] / results["baseline (by hand)"]
    print(f"target cold <= 0.5 x baseline: {'met' if ratio <= 0.5 else 'NOT met'} ({ratio:.2f})")
    noop = results["no-op rebuild"]
    print(f"target no-op <= 0.3 s: {'met' if noop <= 0.3 else 'NOT met'} ({noop:.2f} s)")


if __name__ == "__main__":
    main()
