"""``kinds.projects``: the region's projects up to the month, named in a sentence grouped by
status and listed in a table; a project's capacity is a figure as the table writes it."""

from __future__ import annotations

import pandas as pd
from conftest import kind_context
from markupsafe import Markup

from report_utils.briefing.kinds import projects
from report_utils.briefing.kinds.projects import capacity_figure
from report_utils.tables.load import FILE, LINE


def test_a_capacity_is_a_figure_with_the_decimals_it_is_written_with():
    row = pd.Series(
        {
            "id": "prj-synthetic",
            "place": "贵安新区",
            "as_of": "2021-12",
            "capacity": 1.5,
            "capacity_unit": "万吨/年",
            "source": "synthetic",
            "quote": "年产1.5万吨",
            FILE: "data/projects/synthetic.csv",
            LINE: 4,
        }
    )
    f = capacity_figure(row)
    assert (f.value, f.decimals, f.unit) == (1.5, 1, "万吨/年")
    assert (f.period.start, f.period.end) == ("2021-12", "2021-12")
    assert (f.file, f.line) == ("data/projects/synthetic.csv", 4)
    whole = row.copy()
    whole["capacity"] = 60.0
    assert capacity_figure(whole).decimals == 0  # 60, never 60.0


def test_projects_are_named_by_status_and_each_is_a_row():
    ctx = kind_context("2021-12", id="major_projects", kind="projects")
    section = projects.build(ctx)
    assert section is not None and section.table is not None
    visible = ctx.view.projects()
    assert len(section.table.rows) == len(visible) > 1
    grouped, note = (Markup(p.html).striptags() for p in section.paragraphs)
    # the statuses in the catalogue's order, each followed by its projects
    assert grouped.index("开工：") < grouped.index("在建：") < grouped.index("筹建：")
    started = grouped.split("在建：")[0]
    assert "宁德时代贵州新能源动力电池生产制造基地" in started
    assert note == "项目进展以原文所述为准（截至2021年12月）。"
    with_capacity = visible[visible["capacity_unit"] != ""]
    assert len(section.chart_figures) == len(with_capacity)
    sizes = [Markup(row[3]).striptags() for row in section.table.rows]
    assert sizes[0] == "60GWh/年" and "" in sizes  # a project without a capacity has none


def test_no_project_known_yet_leaves_the_section_out():
    assert projects.build(kind_context("2021-11", id="major_projects", kind="projects")) is None
