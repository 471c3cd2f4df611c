"""The data folder as tables and charts, for ``notebooks/explore.ipynb``: each table as a
DataFrame, the figures' coverage by region and month, and what each briefing would show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure as MplFigure

from report_utils.briefing.charts import WIDTH_IN, house_rc
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset

TABLES = ("figures", "events", "projects", "cases", "indicators", "regions", "sources")


def dataset(data_dir: str | Path | None = None) -> Any:
    """The checked dataset of ``data_dir`` (default: the project's data/); a
    ``DataValidationError`` lists every problem, as ``briefing validate`` does."""
    return load_dataset(Path(data_dir) if data_dir else DATA_DIR)


def tables(data: Any) -> dict[str, pd.DataFrame]:
    """Every table of the dataset by name, as read (``_file`` and ``_line`` locate each row)."""
    return {name: getattr(data, name) for name in TABLES}


def coverage(data: Any) -> pd.DataFrame:
    """How many figures each region has for each month a reference period ends in: regions as
    rows (in meta/regions.csv's order), months as columns, 0 where there is none."""
    figures = data.figures
    table = pd.crosstab(figures["region"], figures["period_end"])
    regions = [r for r in data.regions.index if r in table.index]
    return table.reindex(regions).rename_axis(index="region", columns="month")


def coverage_chart(table: pd.DataFrame, title: str = "figures by region and month") -> MplFigure:
    """``coverage`` as a heat map, the count written in each cell."""
    with mpl.rc_context(house_rc()):
        height = 1.4 + 0.45 * len(table.index)
        fig = MplFigure(figsize=(WIDTH_IN, height), layout="constrained")
        ax = fig.subplots()
        sns.heatmap(table, annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax, linewidths=0.5)
        ax.set_title(title)
        ax.set_xlabel("month")
        ax.set_ylabel("")
    return fig


def briefings(
    data_dir: str | Path | None = None,
    lang: str = "zh",
    regions: list[str] | None = None,
    periods: list[str] | None = None,
) -> pd.DataFrame:
    """What each briefing would show: for each region (default: every region a briefing can be
    about) and as-of month (default: the region's latest), each section of the spec and whether
    it is shown or left out for that month, with the figures it shows and whether it has a
    chart. The sections are built as the notebook builds them (``Briefing.build_section``)."""
    from report_utils.briefing.report import Briefing

    folder = Path(data_dir) if data_dir else DATA_DIR
    data = load_dataset(folder)
    rows = []
    for region in regions or list(data.briefed_regions()):
        for period in periods or [data.latest_month(region)]:
            brief = Briefing(data_dir=folder, period=period, lang=lang, region=region)
            for spec in brief.spec.sections:
                built = brief.build_section(spec.id)
                rows.append(
                    {
                        "region": region,
                        "period": brief.asof.month,
                        "section": spec.id,
                        "kind": spec.kind,
                        "shown": built is not None,
                        "figures": 0 if built is None else len(built.figures),
                        "chart": built is not None and built.chart is not None,
                    }
                )
    return pd.DataFrame(
        rows, columns=["region", "period", "section", "kind", "shown", "figures", "chart"]
    )
