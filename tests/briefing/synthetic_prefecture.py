"""A second data folder and spec, made by the tests: SYNTHETIC DATA, from no publication.

It shares nothing with the Guizhou data but the package: a prefecture (示例市) is the home
region, compared with its province (示例省) and the country; a county (示例县) has a single figure.
Its indicators are its own (retail, exports, power, freight, tourism, credit, new firms); five of
them have five cumulative periods of one year; two sections reuse one kind (two ``figures``
sections, two ``series`` sections). Every quote is a line of its own synthetic source text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

NOTE = "SYNTHETIC TEST DATA"
HOME, PROVINCE, COUNTRY, COUNTY = "示例市", "示例省", "全国", "示例县"
SOURCE = "synthetic-prefecture"

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
MONTHS = ["2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]
# Five cumulative periods (1—2月 … 1—6月) of five growth rates, for the prefecture.
SERIES = {
    "retail_growth": ["4.1", "4.4", "4.8", "5.0", "4.6"],
    "power_growth": ["6.0", "6.2", "5.9", "5.5", "5.1"],
    "freight_growth": ["2.0", "2.5", "3.1", "3.4", "3.9"],
    "tourism_growth": ["15.2", "14.8", "13.9", "12.6", "12.0"],
    "credit_growth": ["8.8", "8.7", "8.9", "9.0", "9.2"],
}
RANKS = {"2023-03": "5", "2023-06": "3"}  # the prefecture's rank among the province's cities
FIGURES = [
    # indicator, region, start, end, value, unit, status, formula
    *[
        (ind, HOME, "2023-01", end, value, "%", "reported", "")
        for ind, values in SERIES.items()
        for end, value in zip(MONTHS, values, strict=True)
    ],
    ("retail_growth", PROVINCE, "2023-01", "2023-06", "3.9", "%", "reported", ""),
    ("retail_gap", HOME, "2023-01", "2023-06", "0.7", "个百分点", "reported", ""),
    *[("retail_rank", HOME, "2023-01", end, v, "位", "reported", "") for end, v in RANKS.items()],
    ("retail_rank_change", HOME, "2023-01", "2023-06", "2", "位", "reported", ""),
    ("export_share", HOME, "2022-01", "2022-06", "18.2", "%", "reported", ""),
    ("export_share", HOME, "2023-01", "2023-06", "19.0", "%", "reported", ""),
    ("export_share_change", HOME, "2023-01", "2023-06", "0.8", "个百分点", "reported", ""),
    ("firms_new", HOME, "2023-01", "2023-06", "1250", "户", "reported", ""),
    ("firms_new", COUNTY, "2023-01", "2023-06", "87", "户", "reported", ""),
]
EVENTS = [
    # id, region, date, title_zh, title_en
    (
        "ev-2023-04-12-city-fair",
        HOME,
        "2023-04-12",
        "示例市消费博览会开幕",
        "City consumer fair opened",
    ),
    (
        "ev-2023-05-20-province-plan",
        PROVINCE,
        "2023-05-20",
        "示例省发布产业规划",
        "Province published its industry plan",
    ),
]


def quote(*parts: object) -> str:
    return f"{NOTE} " + " ".join(map(str, parts))


# The columns of each table, as the data folder's README gives them.
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


def _csv(header: list[str], rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# The spec and the sentences, written by hand as an analyst would: files beside this module.
FILES = Path(__file__).with_name("synthetic_prefecture_files")


def make(root: Path) -> Path:
    """Write the synthetic data folder under ``root``; returns it."""
    data = root / "data"
    for sub in ("meta", "figures", "events", "projects", "cases", "sources", "messages"):
        (data / sub).mkdir(parents=True, exist_ok=True)
    (data / "SYNTHETIC.txt").write_text(f"{NOTE}: made by tests/briefing/synthetic_prefecture.py\n")
    quotes: list[str] = []

    def q(*parts: object) -> str:
        quotes.append(quote(*parts))
        return quotes[-1]

    figure_rows = [
        [
            ind,
            region,
            start,
            end,
            value,
            unit,
            "",
            status,
            formula,
            SOURCE,
            q(ind, region, end, value),
        ]
        for ind, region, start, end, value, unit, status, formula in FIGURES
    ]
    event_rows = [
        [eid, region, day, day, "", "", zh, en, "", SOURCE, q(eid)]
        for eid, region, day, zh, en in EVENTS
    ]
    project_rows = [
        [
            "prj-synthetic-plant",
            PROVINCE,
            "示例工厂",
            "Synthetic plant",
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
            "2023-06",
            SOURCE,
            q("prj-synthetic-plant"),
        ]
    ]
    files = {
        "meta/indicators.csv": _csv(
            HEADERS["indicators"],
            [[*row, NOTE] for row in INDICATORS],
        ),
        "meta/regions.csv": _csv(
            HEADERS["regions"],
            [
                [HOME, "Example City", "prefecture", PROVINCE, f"{PROVINCE};{COUNTRY}", "home"],
                [COUNTY, "Example County", "county", HOME, HOME, "region"],
                [PROVINCE, "Example Province", "province", COUNTRY, COUNTRY, "comparison"],
                [COUNTRY, "China (national)", "country", "", "", "comparison"],
            ],
        ),
        "figures/synthetic.csv": _csv(
            HEADERS["figures"],
            figure_rows,
        ),
        "events/synthetic.csv": _csv(
            HEADERS["events"],
            event_rows,
        ),
        "projects/synthetic.csv": _csv(
            HEADERS["projects"],
            project_rows,
        ),
        "cases/synthetic.csv": _csv(
            HEADERS["cases"],
            [
                [
                    "case-synthetic-fair",
                    HOME,
                    "event",
                    "ev-2023-04-12-city-fair",
                    "",
                    "参展企业",
                    "Exhibitors",
                    "300",
                    "家",
                    "",
                    "2023-04",
                    SOURCE,
                    q("case-synthetic-fair", 300),
                ]
            ],
        ),
    }
    for name in ("briefing.yml", "messages/zh.yml", "messages/en.yml"):
        files[name] = (FILES / name).read_text(encoding="utf-8")
    files["meta/sources.csv"] = _csv(
        HEADERS["sources"],
        [
            [
                SOURCE,
                "测试",
                "Tests",
                "合成测试数据",
                "Synthetic test data",
                "",
                "",
                "sources/synthetic.txt",
                NOTE,
            ]
        ],
    )
    files["sources/synthetic.txt"] = "\n".join(quotes) + "\n"
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    return data
