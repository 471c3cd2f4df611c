"""SYNTHETIC BENCHMARK DATA: a data folder for a batch of briefings, from no publication.

``make(root, regions=4, months=12)`` writes ``root/data``: ``regions`` prefectures (示例市1 …),
each a home region compared with its province (示例省) and the country, with twelve cumulative
months of 2023 (1—1月 … 1—12月) of five growth rates, a rank, a share, new firms, two events,
a project and a case, all made up from a seeded random generator. The indicators, the spec and
its sentences are the tests' second data set's (``tests/briefing/synthetic_prefecture.py``).
Every row quotes a line of the synthetic source text, as every quote must be found in its
source. Every file says SYNTHETIC.

A batch over it is regions × months × languages briefings: 4 × 12 × 2 = 96 by default.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
import sys
from pathlib import Path

NOTE = "SYNTHETIC BENCHMARK DATA"
PROVINCE, COUNTRY = "示例省", "全国"
SOURCE = "synthetic-benchmark"
# The tests' second data set (a prefecture compared with its province and the country) owns
# the indicators, the spec and its sentences; this module makes more regions and months of it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "briefing"))
from synthetic_prefecture import FILES, HEADERS, INDICATORS  # noqa: E402

YEAR = 2023

SERIES = ("retail_growth", "power_growth", "freight_growth", "tourism_growth", "credit_growth")


def _csv(table: str, rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS[table])
    writer.writerows(rows)
    return buffer.getvalue()


def make(root: Path, regions: int = 4, months: int = 12, seed: int = 12) -> Path:
    """Write the synthetic data folder under ``root``; returns it."""
    rng = random.Random(seed)
    data = Path(root) / "data"
    if data.exists():
        shutil.rmtree(data)
    for sub in ("meta", "figures", "events", "projects", "cases", "sources", "messages"):
        (data / sub).mkdir(parents=True)
    (data / "SYNTHETIC.txt").write_text(f"{NOTE}: made by bench/synthetic.py\n", encoding="utf-8")
    quotes: list[str] = []

    def q(*parts: object) -> str:
        quotes.append(f"{NOTE} " + " ".join(map(str, parts)))
        return quotes[-1]

    ends = [f"{YEAR}-{m:02d}" for m in range(1, months + 1)]
    homes = [f"示例市{n}" for n in range(1, regions + 1)]
    figures, events, projects, cases = [], [], [], []

    def figure(ind: str, region: str, start: str, end: str, value: float, unit: str) -> None:
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        figures.append(
            [
                ind,
                region,
                start,
                end,
                shown,
                unit,
                "",
                "reported",
                "",
                SOURCE,
                q(ind, region, start, end, shown),
            ]
        )

    for end in ends:
        figure("retail_growth", PROVINCE, f"{YEAR}-01", end, round(rng.uniform(3, 6), 1), "%")
    for number, home in enumerate(homes, start=1):
        for ind in SERIES:
            level = rng.uniform(2, 12)
            for end in ends:
                level += rng.uniform(-0.6, 0.6)
                figure(ind, home, f"{YEAR}-01", end, round(level, 1), "%")
        rank = rng.randint(2, 9)
        for end in ends[2::3]:  # quarterly: 1—3月, 1—6月 …
            previous, rank = rank, max(1, min(12, rank + rng.randint(-2, 2)))
            figure("retail_rank", home, f"{YEAR}-01", end, rank, "位")
            if end != ends[2]:
                figure("retail_rank_change", home, f"{YEAR}-01", end, previous - rank, "位")
        for end in ends[5::6]:  # half-yearly
            share = round(rng.uniform(10, 30), 1)
            figure("export_share", home, f"{YEAR - 1}-01", f"{YEAR - 1}-{end[5:]}", share, "%")
            now = round(share + rng.uniform(-2, 2), 1)
            figure("export_share", home, f"{YEAR}-01", end, now, "%")
            change = round(now - share, 1)
            figure("export_share_change", home, f"{YEAR}-01", end, change, "个百分点")
            figure("firms_new", home, f"{YEAR}-01", end, rng.randint(500, 3000), "户")
        for month in (3, 9):
            if month > months:
                continue
            day = f"{YEAR}-{month:02d}-{10 + number:02d}"
            eid = f"ev-{day}-fair-{number}"
            events.append(
                [
                    eid,
                    home,
                    day,
                    day,
                    "",
                    "",
                    f"{home}第{month}月博览会开幕",
                    f"City {number} fair opened in month {month}",
                    "",
                    SOURCE,
                    q(eid),
                ]
            )
        as_of = ends[-1]
        pid = f"prj-synthetic-plant-{number}"
        projects.append(
            [
                pid,
                home,
                f"示例工厂{number}",
                f"Synthetic plant {number}",
                "",
                "",
                "",
                "",
                "",
                "",
                "在建",
                "",
                "",
                "",
                as_of,
                SOURCE,
                q(pid),
            ]
        )
        if months >= 3:
            cid = f"case-synthetic-fair-{number}"
            exhibitors = rng.randint(100, 400)
            cases.append(
                [
                    cid,
                    home,
                    "event",
                    f"ev-{YEAR}-03-{10 + number:02d}-fair-{number}",
                    "",
                    "参展企业",
                    "Exhibitors",
                    exhibitors,
                    "家",
                    "",
                    f"{YEAR}-03",
                    SOURCE,
                    q(cid, exhibitors),
                ]
            )

    files = {
        "meta/indicators.csv": _csv("indicators", [[*row, NOTE] for row in INDICATORS]),
        "meta/regions.csv": _csv(
            "regions",
            [
                *[
                    [
                        home,
                        f"Example City {n}",
                        "prefecture",
                        PROVINCE,
                        f"{PROVINCE};{COUNTRY}",
                        "home",
                    ]
                    for n, home in enumerate(homes, start=1)
                ],
                [PROVINCE, "Example Province", "province", COUNTRY, COUNTRY, "comparison"],
                [COUNTRY, "China (national)", "country", "", "", "comparison"],
            ],
        ),
        "meta/sources.csv": _csv(
            "sources",
            [
                [
                    SOURCE,
                    "基准测试",
                    "Benchmark",
                    "合成基准数据",
                    "Synthetic benchmark data",
                    "",
                    "",
                    "sources/synthetic.txt",
                    NOTE,
                ]
            ],
        ),
        "figures/synthetic.csv": _csv("figures", figures),
        "events/synthetic.csv": _csv("events", events),
        "projects/synthetic.csv": _csv("projects", projects),
        "cases/synthetic.csv": _csv("cases", cases),
    }
    for name in ("briefing.yml", "messages/zh.yml", "messages/en.yml"):
        _, rest = (FILES / name).read_text(encoding="utf-8").split("\n", 1)  # its mark, then
        files[name] = f"# {NOTE}: made by bench/synthetic.py from the tests' second spec\n{rest}"
    files["sources/synthetic.txt"] = "\n".join(quotes) + "\n"
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    return data


if __name__ == "__main__":
    import sys

    print(make(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
