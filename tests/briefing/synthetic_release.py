"""A third data folder, made by the tests: SYNTHETIC DATA, from no publication.

Shaped like a provincial statistical communiqué's GDP paragraph and an older monthly release:
a stock (year-end resident population in 万人, with its change since the end of the previous
year), a money level in 亿元 restated in English at the precision its metadata gives, a growth
rate compared with a group of regions (西部), a 2018 figure, and a communiqué for 2021 published
a quarter after its period (2022-03). Units are declared in meta/units.csv, not in the package.
Every quote is a line of its source's synthetic text and holds its figure's value.
"""

# ruff: noqa: E501 (the tables and sentences are written as an analyst writes them, a row a line)

from __future__ import annotations

from pathlib import Path

NOTE = "SYNTHETIC TEST DATA"
HOME, GROUP, COUNTRY = "示例省", "西部", "全国"
COMMUNIQUE, OLDER = "synthetic-communique", "synthetic-older-release"
COMMUNIQUE_PUBLISHED = "2022-03"  # a quarter after the period it reports (2021)

UNITS = """id,base,scale,zh,en,en_one,en_before,en_large
万人,人,10000,万人,people,person,,words
亿元,元,100000000,亿元,,,CNY,words
"""

INDICATORS = """id,name_zh,name_en,kind,better,of,base,among,unit,unit_en,decimals,description_zh,measure,precision
pop_end,年末常住人口,Resident population at year end,amount,,,,,万人,,0,SYNTHETIC,stock,
pop_end_change,年末常住人口变化,Change in year-end resident population,change,,pop_end,previous_year_end,,万人,,0,SYNTHETIC,stock,
gdp,地区生产总值,Gross regional product,amount,,,,,亿元,,2,SYNTHETIC,flow,3
gdp_growth,地区生产总值增速,Growth of gross regional product,growth,higher,,,,%,%,1,SYNTHETIC,flow,
gdp_growth_gap_west,地区生产总值增速与西部地区之差,Gap between GRP growth and the western region's,gap,higher,gdp_growth,西部,,个百分点,percentage points,1,SYNTHETIC,,
small_va_growth,规模以下工业增加值,Value added of industry below designated size,growth,higher,,,,%,%,1,SYNTHETIC,flow,
"""

REGIONS = f"""id,name_zh,name_en,level,parent,compare,role
{HOME},示例省,Example Province,province,{COUNTRY},{GROUP};{COUNTRY},home
{GROUP},西部地区,the western region,group,,,comparison
{COUNTRY},全国,China (national),country,,,comparison
"""

SOURCES = f"""id,publisher_zh,publisher_en,title_zh,title_en,authors,authors_en,published,locator,note
{COMMUNIQUE},测试,Tests,合成统计公报,Synthetic communique,,,{COMMUNIQUE_PUBLISHED},sources/communique.txt,{NOTE}
{OLDER},测试,Tests,合成月度发布,Synthetic monthly release,,,2018-10-20,sources/older.txt,{NOTE}
"""

# indicator, region, start, end, value, unit, source, quote (a line of the source's text)
FIGURES = [
    ("pop_end", HOME, "2021-12", "2021-12", "3852", "万人", COMMUNIQUE, "年末常住人口3852万人"),
    (
        "pop_end_change",
        HOME,
        "2021-12",
        "2021-12",
        "-6",
        "万人",
        COMMUNIQUE,
        "比上年末减少6万人",
    ),
    ("gdp", HOME, "2021-01", "2021-12", "19586.42", "亿元", COMMUNIQUE, "地区生产总值19586.42亿元"),
    ("gdp_growth", HOME, "2021-01", "2021-12", "8.1", "%", COMMUNIQUE, "比上年增长8.1%"),
    (
        "gdp_growth_gap_west",
        HOME,
        "2021-01",
        "2021-12",
        "1.8",
        "个百分点",
        COMMUNIQUE,
        "高于西部地区1.8个百分点",
    ),
    (
        "small_va_growth",
        HOME,
        "2018-01",
        "2018-09",
        "8.7",
        "%",
        OLDER,
        "2018年1—9月，全省规模以下工业增加值同比增长8.7%",
    ),
]

BRIEFING = """# SYNTHETIC TEST DATA: a briefing spec made by the tests.
sections:
  - id: release
    kind: figures
    figures:
      pop: pop_end
      popc: pop_end_change
  - id: economy
    kind: figures
    figures:
      gdp: gdp
      g: gdp_growth
      gap: gdp_growth_gap_west
  - id: small
    kind: figures
    figures:
      s: small_va_growth
"""

ZH = """# SYNTHETIC TEST DATA
briefing:
  title: "{{ region }}经济简报（测试）"
sections:
  release:
    title: "人口"
    text: "{{ period(pop) }}末，{{ scope }}常住人口{{ amt(pop) }}{% if popc %}，{{ phrase('change', popc) }}{% endif %}。"
  economy:
    title: "经济"
    text: "{{ period(gdp) }}，{{ scope }}地区生产总值{{ amt(gdp) }}{% if g %}，{{ phrase('growth', g) }}{% endif %}{% if gap %}，{{ phrase('gap', gap) }}{% endif %}。"
  small:
    title: "规模以下工业"
    text: "{{ period(s) }}，{{ scope }}规模以下工业增加值{{ phrase('growth', s) }}。"
"""

EN = """# SYNTHETIC TEST DATA
briefing:
  title: "{{ region }}: Economy Briefing (test)"
sections:
  release:
    title: "Population"
    text: "Resident population of {{ scope }} at the end of {{ period(pop) }}: {{ amt(pop) }}{% if popc %}, {{ phrase('change', popc) }}{% endif %}."
  economy:
    title: "Economy"
    text: "In {{ period(gdp) }}, the gross regional product of {{ scope }} was {{ amt(gdp) }}{% if g %}, {{ phrase('growth', g) }}{% endif %}{% if gap %}, {{ phrase('gap', gap) }}{% endif %}."
  small:
    title: "Small industry"
    text: "In {{ period(s) }}, value added of industry below designated size was {{ phrase('growth', s) }}."
"""

OTHER_TABLES = {
    "events": (
        "id,region,date_start,date_end,date_text,date_text_en,title_zh,title_en,place,source,quote",
        f"ev-synthetic,{HOME},2021-06-01,2021-06-01,,,合成事件,Synthetic event,,{COMMUNIQUE},合成事件",
    ),
    "projects": (
        "id,region,name_zh,name_en,company,company_en,place,place_en,capacity,capacity_unit,"
        "status,status_text,expected,expected_en,as_of,source,quote",
        f"prj-synthetic,{HOME},合成项目,Synthetic project,,,,,,,在建,,,,2021-06,{COMMUNIQUE},合成项目",
    ),
    "cases": (
        "id,region,subject_kind,subject,subject_en,measure_zh,measure_en,value,unit,qualifier,"
        "as_of,source,quote",
        f"case-synthetic,{HOME},event,ev-synthetic,,参会企业,Firms,300,家,,2021-06,{COMMUNIQUE},"
        "参会企业300家",
    ),
}


def make(root: Path, as_of_rule: str | None = None) -> Path:
    """Write the synthetic data folder under ``root`` (with ``as_of: <rule>`` in briefing.yml
    when given); returns it."""
    data = root / "data"
    for sub in ("meta", "figures", "events", "projects", "cases", "sources", "messages"):
        (data / sub).mkdir(parents=True, exist_ok=True)
    (data / "SYNTHETIC.txt").write_text(f"{NOTE}: made by tests/briefing/synthetic_release.py\n")
    texts: dict[str, list[str]] = {COMMUNIQUE: [NOTE], OLDER: [NOTE]}
    rows = [
        "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,quote"
    ]
    for indicator, region, start, end, value, unit, source, quote in FIGURES:
        texts[source].append(quote)
        rows.append(
            f"{indicator},{region},{start},{end},{value},{unit},,reported,,{source},{quote}"
        )
    texts[COMMUNIQUE] += ["合成事件", "合成项目", "参会企业300家"]
    files = {
        "meta/units.csv": UNITS,
        "meta/indicators.csv": INDICATORS,
        "meta/regions.csv": REGIONS,
        "meta/sources.csv": SOURCES,
        "figures/release.csv": "\n".join(rows) + "\n",
        "sources/communique.txt": "\n".join(texts[COMMUNIQUE]) + "\n",
        "sources/older.txt": "\n".join(texts[OLDER]) + "\n",
        "briefing.yml": BRIEFING + (f"as_of: {as_of_rule}\n" if as_of_rule else ""),
        "messages/zh.yml": ZH,
        "messages/en.yml": EN,
    }
    for table, (header, row) in OTHER_TABLES.items():
        files[f"{table}/release.csv"] = f"{header}\n{row}\n"
    for name, text in files.items():
        (data / name).write_text(text, encoding="utf-8")
    return data
