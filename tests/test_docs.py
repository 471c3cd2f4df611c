"""What the docs tell an analyst to type works: data/README.md's worked example, followed
literally on a copy of the data, validates and shows its section (issue 21: the example's
indicators row had 11 cells for 12 columns)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import append_rows, synthetic_figure, validate_command
from markupsafe import Markup

from report_utils.paths import DATA_DIR


def worked_example() -> tuple[str, str, str]:
    """The worked example of data/README.md: the indicators row, the spec's section and the
    sentences, as the README writes them."""
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    start = text.index("### Worked example")
    section = text[start : text.index("\n## ", start)]
    row = re.search(r"`(energy_use_growth,[^`]+)`", section).group(1)
    # each block without the indentation of the list item it is in (its fence's)
    spec, messages = (
        "".join(line[len(indent) :] + "\n" for line in body.splitlines())
        for indent, body in re.findall(r"^( *)```yaml\n(.*?)^ *```", section, re.S | re.M)
    )
    return row, spec, messages


def test_the_worked_example_validates_and_shows_its_section(data_copy: Path) -> None:
    row, spec, messages = worked_example()
    append_rows(data_copy / "meta" / "indicators.csv", row)
    # SYNTHETIC: a figure for the made-up indicator, quoted from the synthetic source
    path = data_copy / "figures" / "zz-synthetic.csv"
    header = (data_copy / "figures" / "guizhou-industry-2021.csv").read_text(encoding="utf-8")
    path.write_text(header.splitlines()[0] + "\n", encoding="utf-8")
    append_rows(
        path,
        synthetic_figure(data_copy, "energy_use_growth,贵州省,2021-01,2021-11,-2.1,%,,reported,"),
    )
    with (data_copy / "briefing.yml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + spec)
    for lang in ("zh", "en"):  # sections: is the last mapping of both catalogues
        with (data_copy / "messages" / f"{lang}.yml").open("a", encoding="utf-8") as handle:
            handle.write(messages)
    result = validate_command(data_copy)
    assert result.returncode == 0, result.stdout + result.stderr

    from report_utils.briefing.report import Briefing

    brief = Briefing(data_dir=data_copy, period="2021-12", lang="zh")
    shown = Markup(brief.section("energy").html).striptags()
    assert "能源" in shown
    # a growth rate of −2.1 fell: the sentence says so, with its period
    assert "2021年1—11月，全省规模以上工业能源消费量同比下降2.1%。" in shown


def communique_example() -> tuple[dict[str, str], list[str]]:
    """The communiqué example of data/README.md: its CSV blocks by the file each names, and its
    YAML blocks in order (the section, the spec's top-level keys, the zh and en sentences)."""
    text = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    start = text.index("## 示例：统计公报")
    section = text[start : text.index("\n## ", start)]
    blocks = re.findall(r"^( *)```(csv|yaml)( \S+)?\n(.*?)^ *```", section, re.S | re.M)
    unindented = [
        (kind, name.strip(), "".join(line[len(indent) :] + "\n" for line in body.splitlines()))
        for indent, kind, name, body in blocks
    ]
    tables = {name: body for kind, name, body in unindented if kind == "csv"}
    return tables, [body for kind, _, body in unindented if kind == "yaml"]


def test_the_communique_example_validates_and_reads_as_the_release(data_copy: Path) -> None:
    """Followed literally: a units table, a region group, a stock and its change since the end
    of the previous year, a release published a quarter after its period, known by then."""
    tables, (section, top, zh, en) = communique_example()
    (data_copy / "meta" / "units.csv").write_text(tables["meta/units.csv"], encoding="utf-8")
    append_rows(data_copy / "meta" / "regions.csv", *tables["meta/regions.csv"].splitlines())
    append_rows(data_copy / "meta" / "sources.csv", *tables["meta/sources.csv"].splitlines())
    indicators = data_copy / "meta" / "indicators.csv"
    header, *rows = indicators.read_text(encoding="utf-8").splitlines()
    indicators.write_text(
        "\n".join([header + ",measure,precision", *(r + ",," for r in rows)]) + "\n",
        encoding="utf-8",
    )
    append_rows(indicators, *tables["meta/indicators.csv"].splitlines())
    figures = tables["figures/gz-communique-2021.csv"]
    (data_copy / "figures" / "gz-communique-2021.csv").write_text(figures, encoding="utf-8")
    # SYNTHETIC: the release's text is the example's quotes (the real text is not stored)
    quotes = [row.rsplit(",", 1)[1] for row in figures.splitlines()[1:]]
    (data_copy / "sources" / "gz-communique-2021.txt").write_text(
        "SYNTHETIC: the quotes of data/README.md's example\n" + "\n".join(quotes) + "\n",
        encoding="utf-8",
    )
    with (data_copy / "briefing.yml").open("a", encoding="utf-8") as handle:
        handle.write("\n" + section + top)
    for lang, messages in (("zh", zh), ("en", en)):
        with (data_copy / "messages" / f"{lang}.yml").open("a", encoding="utf-8") as handle:
            handle.write(messages)
    result = validate_command(data_copy)
    assert result.returncode == 0, result.stdout + result.stderr

    from report_utils.briefing.report import Briefing

    def shown(period: str, lang: str) -> str:
        brief = Briefing(data_dir=data_copy, period=period, lang=lang)
        return Markup(brief.section("communique").html).striptags()

    assert "19586.42" not in shown("2021-12", "zh")  # known by then: published 2022-03
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    zh_text = (
        "2021年，全省地区生产总值19586.42亿元，同比增长8.1%，高于西部地区1.8个百分点。"
        "年末常住人口3852万人，比上年末减少6万人。"
    )
    en_text = (
        "CNY 1.96 trillion, up 8.1% year on year, 1.8 percentage points above the rate of the "
        "western region. Resident population at the end of the year: 38.52 million people, "
        "down 60,000 from the end of 2020."
    )
    assert zh_text in shown("2022-03", "zh") and zh_text in readme
    assert en_text in shown("2022-03", "en") and en_text in readme
