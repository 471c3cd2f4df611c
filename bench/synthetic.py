"""SYNTHETIC BENCHMARK DATA: a data folder for a batch of briefings, from no publication.

``make(root, regions=4, months=12)`` writes ``root/data``: ``regions`` prefectures (示例市1 …),
each a home region compared with its province (示例省) and the country, with twelve cumulative
months of 2023 (1—1月 … 1—12月) of five growth rates, a rank, a share, new firms, two events,
a project and a case, all made up from a seeded random generator. The spec and its sentences
are those of the tests' second spec (``bench/synthetic_files/``). Every row quotes a line of the
synthetic source text, as every quote must be found in its source. Every file says SYNTHETIC.

A batch over it is regions × months × languages briefings: 4 × 12 × 2 = 96 by default.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from pathlib import Path

NOTE = "SYNTHETIC BENCHMARK DATA"
PROVINCE, COUNTRY = "示例省", "全国"
SOURCE = "synthetic-benchmark"
FILES = Path(__file__).with_name("synthetic_files")
YEAR = 2023

INDICATORS = [
    # id, name_zh, name_en, kind, better, of, base, unit, unit_en, decimals
    (
        "retail_growth",
        "社会消费品零售总额",
        "Retail sales",
        "growth",
        "higher",
        "",
        "",
        "%",
        "%",
        1,
    ),
    (
        "retail_rank",
        "零售额增速全省位次",
        "Provincial rank of retail sales growth",
        "rank",
        "lower",
        "",
        "",
        "位",
        "rank",
        0,
    ),
    (
        "retail_rank_change",
        "零售额增速位次变化",
        "Change in the rank of retail sales growth",
        "change",
        "higher",
        "retail_rank",
        "previous",
        "位",
        "places",
        0,
    ),
    (
        "retail_gap",
        "零售额增速高于全省",
        "Gap to the provincial retail sales growth",
        "gap",
        "",
        "retail_growth",
        PROVINCE,
        "个百分点",
        "percentage points",
        1,
    ),
    (
        "export_share",
        "出口占地区生产总值比重",
        "Exports as a share of GDP",
        "share",
        "",
        "",
        "",
        "%",
        "%",
        1,
    ),
    (
        "export_share_change",
        "出口比重变化",
        "Change in the export share of GDP",
        "change",
        "",
        "export_share",
        "year_earlier",
        "个百分点",
        "percentage points",
        1,
    ),
    (
        "power_growth",
        "全社会用电量",
        "Electricity consumption",
        "growth",
        "higher",
        "",
        "",
        "%",
        "%",
        1,
    ),
    ("freight_growth", "货运量", "Freight volume", "growth", "higher", "", "", "%", "%", 1),
    ("tourism_growth", "旅游收入", "Tourism revenue", "growth", "higher", "", "", "%", "%", 1),
    ("credit_growth", "贷款余额", "Outstanding loans", "growth", "higher", "", "", "%", "%", 1),
    (
        "firms_new",
        "新登记企业",
        "Newly registered firms",
        "count",
        "",
        "",
        "",
        "户",
        "enterprises",
        0,
    ),
]
SERIES = ("retail_growth", "power_growth", "freight_growth", "tourism_growth", "credit_growth")

HEADERS = {
    "indicators": [
        "id",
        "name_zh",
        "name_en",
        "kind",
        "better",
        "of",
        "base",
        "unit",
        "unit_en",
        "decimals",
        "description_zh",
    ],
    "regions": ["id", "name_en", "level", "parent", "compare", "role"],
    "sources": [
        "id",
        "publisher_zh",
        "publisher_en",
        "title_zh",
        "title_en",
        "authors",
        "published",
        "locator",
        "note",
    ],
    "figures": [
        "indicator",
        "region",
        "period_start",
        "period_end",
        "value",
        "unit",
        "qualifier",
        "status",
        "formula",
        "source",
        "quote",
    ],
    "events": [
        "id",
        "region",
        "date_start",
        "date_end",
        "date_text",
        "date_text_en",
        "title_zh",
        "title_en",
        "place",
        "source",
        "quote",
    ],
    "projects": [
        "id",
        "region",
        "name_zh",
        "name_en",
        "company",
        "company_en",
        "place",
        "place_en",
        "capacity",
        "capacity_unit",
        "status",
        "status_text",
        "expected",
        "expected_en",
        "as_of",
        "source",
        "quote",
    ],
    "cases": [
        "id",
        "region",
        "subject_kind",
        "subject",
        "subject_en",
        "measure_zh",
        "measure_en",
        "value",
        "unit",
        "qualifier",
        "as_of",
        "source",
        "quote",
    ],
}


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
        files[name] = (FILES / name).read_text(encoding="utf-8")
    files["sources/synthetic.txt"] = "\n".join(quotes) + "\n"
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    return data


if __name__ == "__main__":
    import sys

    print(make(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
