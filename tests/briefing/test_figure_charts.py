"""The figures' charts: lines of a series, drawn the right way up."""

from __future__ import annotations

from pathlib import Path

from conftest import append_rows, synthetic_figure

from report_utils.briefing.figure_charts import series_lines
from report_utils.briefing.kinds import Context
from report_utils.briefing.report import Briefing

HEADER = (
    "indicator,region,period_start,period_end,value,unit,qualifier,status,formula,source,quote\n"
)


def add_figures(data: Path, *rows: str) -> None:
    path = data / "figures" / "zz-synthetic.csv"
    if not path.exists():
        path.write_text(HEADER, encoding="utf-8")
    append_rows(path, *(synthetic_figure(data, r) for r in rows))


def test_a_growth_rate_better_when_lower_is_not_drawn_upside_down(data_copy: Path):
    append_rows(
        data_copy / "meta" / "indicators.csv",
        "energy_use_growth,能源消费量,Energy use,growth,lower,,,,%,%,1,SYNTHETIC,",
    )
    add_figures(
        data_copy,
        *(
            f"energy_use_growth,贵州省,2021-01,{end},{v},%,,reported,"
            for end, v in (("2021-06", "3.1"), ("2021-09", "2.5"), ("2021-11", "2.0"))
        ),
    )
    brief = Briefing(data_dir=data_copy, period="2021-11")
    spec = brief.spec.sections[1]
    ctx = Context(spec, brief.asof, brief.phrases, brief.names, brief.meaning)
    energy = series_lines(ctx, ["energy_use_growth"], 3)
    ranks = series_lines(ctx, ["ind_va_growth_rank"], 2)
    assert energy is not None and not energy.invert
    assert ranks is not None and ranks.invert
