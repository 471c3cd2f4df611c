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
