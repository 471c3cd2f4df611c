"""Benchmark: a batch of about 100 briefings from SYNTHETIC data, four ways, measured in one run.

Run with the project's own set-up:  .venv/bin/python bench/batch.py [--regions 4] [--months 12]

The data folder is made by bench/synthetic.py (marked SYNTHETIC BENCHMARK DATA): regions ×
months × 2 languages briefings (4 × 12 × 2 = 96), HTML and PDF each. Figures (wall time):
  -j 1, -j 2        `briefing build --all-regions --all-periods --force` on the local pool
  scheduler         the same through the Dask scheduler path, `--local-cluster 2` (two worker
                    processes; the cluster's start is included)
  baseline          the same batch by hand in a shell loop: `papermill` CLI, `jupyter nbconvert
                    --to html`, `jupyter nbconvert --to webpdf` (Debian's Chromium)
  marginal          (batch - first 8 of it) / (briefings - 8): what one more briefing costs,
                    in wall seconds and in core-seconds (times the workers)
  per briefing      medians over the batch's manifests (execute, HTML, PDF), and peak memory
                    per worker process, kernel and PDF printer (largest seen)
Targets: marginal <= 1.5 s per core; scheduler within 15 % of the local pool at 2 cores;
peak memory per worker <= 400 MB.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic
from run import BRIEFING, _webpdf_env, by_hand

LANGS = ("zh", "en")


def months_of(regions: int, months: int) -> list[str]:
    return [f"{synthetic.YEAR}-{m:02d}" for m in range(1, months + 1)]


def build(data: Path, out: Path, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [BRIEFING, "build", "--data", str(data), "--out", str(out), "--force", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def manifests(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(out.glob("*/*/*/manifest.json"))]


def small_batch_args(homes: list[str], months: list[str]) -> list[str]:
    """The first 8 briefings of the batch: one region, four months, both languages."""
    return ["--region", homes[0], *[a for m in months[-4:] for a in ("--period", m)]]


def baseline(data: Path, homes: list[str], months: list[str], out: Path) -> float:
    """The batch by hand: a shell script of papermill and nbconvert commands, one per line."""
    with tempfile.TemporaryDirectory() as shim:
        env = _webpdf_env(Path(shim))
        lines = ["set -e"]
        for home in homes:
            for month in months:
                for lang in LANGS:
                    nb = out / f"{home}-{month}-{lang}.ipynb"
                    parameters = {
                        "region": home,
                        "period": month,
                        "lang": lang,
                        "data_dir": str(data),
                    }
                    lines += [shlex.join(command) for command in by_hand(nb, parameters)]
        script = out / "batch.sh"
        script.write_text("\n".join(lines) + "\n")
        started = time.perf_counter()
        subprocess.run(["bash", str(script)], check=True, env=env, capture_output=True, cwd=out)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", type=int, default=4)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3, help="runs of the 8-briefing batches")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    data = synthetic.make(work, args.regions, args.months)
    homes = [f"示例市{n}" for n in range(1, args.regions + 1)]
    months = months_of(args.regions, args.months)
    count = len(homes) * len(months) * len(LANGS)
    # The twelve months named, not --all-periods: the synthetic data also has last year's
    # figures (for comparisons), whose months would be briefings too.
    every = ["--all-regions", *[a for m in months for a in ("--period", m)]]
    figures: dict[str, float] = {}
    memory: dict[str, list[float]] = {"worker": [], "kernel": [], "printer": []}
    stages: dict[str, list[float]] = {"execute": [], "html": [], "pdf": []}

    for jobs in (1, 2):
        small = [
            build(data, work / f"small-{jobs}", "-j", str(jobs), *small_batch_args(homes, months))
            for _ in range(args.runs)
        ]
        figures[f"8 briefings, -j {jobs}"] = statistics.median(small)
        out = work / f"batch-{jobs}"
        figures[f"{count} briefings, -j {jobs}"] = build(data, out, "-j", str(jobs), *every)
        built = manifests(out)
        assert len(built) == count, (len(built), count)
        for m in built:
            for who in memory:
                memory[who].append(m["peak_memory_mb"].get(who) or 0.0)
            for stage in stages:
                stages[stage].append(m["timings_seconds"].get(stage, 0.0))
        figures[f"marginal, -j {jobs}"] = (
            figures[f"{count} briefings, -j {jobs}"] - figures[f"8 briefings, -j {jobs}"]
        ) / (count - 8)
    out = work / "batch-scheduler"
    figures[f"{count} briefings, scheduler (2 workers)"] = build(
        data, out, "--local-cluster", "2", *every
    )
    built = manifests(out)
    assert len(built) == count, (len(built), count)
    dask_worker = [m["peak_memory_mb"]["worker"] for m in built]
    if not args.no_baseline:
        base = work / "baseline"
        base.mkdir()
        figures[f"{count} briefings, baseline by hand"] = baseline(data, homes, months, base)

    print(f"SYNTHETIC BENCHMARK DATA: {len(homes)} regions x {len(months)} months x 2 languages")
    print(f"{'figure':44} {'seconds':>9} {'per briefing':>13}")
    for name, value in figures.items():
        size = 8 if name.startswith("8 ") else count
        # A marginal figure is wall seconds per extra briefing; times the workers, core-seconds.
        per = (
            f"{value * int(name[-1]):10.2f} core-s"
            if name.startswith("marginal")
            else (f"{value / size:13.2f}")
        )
        print(f"{name:44} {value:9.2f} {per}")
    for stage, values in stages.items():
        print(f"median {stage} per briefing: {statistics.median(values):.2f} s")
    for who, values in memory.items():
        middle, top = statistics.median(values), max(values)
        print(f"peak memory, {who}: median {middle:.0f} MB, max {top:.0f} MB")
    print(f"peak memory, Dask worker: max {max(dask_worker):.0f} MB")
    local2 = figures[f"{count} briefings, -j 2"]
    dask2 = figures[f"{count} briefings, scheduler (2 workers)"]
    print(f"scheduler / local pool at 2: {dask2 / local2:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "memory": memory}, indent=1))


if __name__ == "__main__":
    main()
