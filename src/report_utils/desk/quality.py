"""What ``briefing validate`` and ``briefing reconcile`` find, as tables and charts, for
``notebooks/checks.ipynb``. The checks are the command's (``briefing.checks.validate``,
``tables.reconcile``): this module only lays their results out."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure as MplFigure

from report_utils.briefing.charts import HOME, OTHER, WIDTH_IN, house_rc
from report_utils.paths import DATA_DIR

PROBLEM_COLUMNS = ["path", "line", "column", "severity", "message"]
RULE_COLUMNS = [
    "id",
    "kind",
    "status",
    "reported",
    "recomputed",
    "difference",
    "tolerance",
    "path",
    "line",
]


def problems(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Every problem ``briefing validate`` reports for ``data_dir``, one row each, in its order."""
    from report_utils.briefing.checks import validate

    _, found = validate(Path(data_dir) if data_dir else DATA_DIR)
    return pd.DataFrame(
        [{name: getattr(p, name) for name in PROBLEM_COLUMNS} for p in found],
        columns=PROBLEM_COLUMNS,
    )


def problems_chart(table: pd.DataFrame, title: str = "problems by file") -> MplFigure:
    """How many errors and warnings each file has, as bars (one bar saying none when clean)."""
    # a file as its folder and name (rules/x.csv beside figures/x.csv): a long path would leave
    # the bars no room
    files = table.assign(path=[str(Path(*Path(p).parts[-2:])) for p in table["path"]])
    counts = (
        files.groupby(["path", "severity"]).size().rename("count").reset_index()
        if not table.empty
        else pd.DataFrame({"path": ["(no problem)"], "severity": ["error"], "count": [0]})
    )
    with mpl.rc_context(house_rc()):
        height = 1.4 + 0.4 * counts["path"].nunique()
        fig = MplFigure(figsize=(WIDTH_IN, height), layout="constrained")
        ax = fig.subplots()
        sns.barplot(
            data=counts,
            y="path",
            x="count",
            hue="severity",
            hue_order=["error", "warning"],
            palette={"error": HOME, "warning": OTHER},
            orient="h",
            ax=ax,
        )
        ax.set_title(title)
        ax.set_ylabel("")
    return fig


def rules(data_dir: str | Path | None = None) -> pd.DataFrame:
    """Each rule of ``rules/`` recomputed (``briefing reconcile``): ok or mismatch, the reported
    and recomputed value, their difference and the tolerance. None while the tables or the rules
    have errors (``problems`` lists them; ``briefing reconcile`` exits 1 then)."""
    from report_utils.errors import DataValidationError
    from report_utils.tables.load import validate
    from report_utils.tables.reconcile import reconcile

    data, _ = validate(Path(data_dir) if data_dir else DATA_DIR)
    try:
        records = [] if data is None else [r.record() for r in reconcile(data)]
    except DataValidationError:
        records = []
    return pd.DataFrame(
        [{name: r[name] for name in RULE_COLUMNS} for r in records], columns=RULE_COLUMNS
    )


def rules_chart(table: pd.DataFrame, title: str = "difference / tolerance") -> MplFigure:
    """Each rule's difference as a multiple of its tolerance: a rule holds within ±1 (the
    dashed lines); mismatches stand out in colour."""
    shown = table.assign(
        ratio=table["difference"] / table["tolerance"].where(table["tolerance"] > 0)
    )
    with mpl.rc_context(house_rc()):
        height = 1.4 + 0.35 * max(len(shown), 1)
        fig = MplFigure(figsize=(WIDTH_IN, height), layout="constrained")
        ax = fig.subplots()
        sns.barplot(
            data=shown,
            y="id",
            x="ratio",
            hue="status",
            hue_order=["ok", "mismatch"],
            palette={"ok": OTHER, "mismatch": HOME},
            orient="h",
            ax=ax,
        )
        for bound in (-1, 1):
            ax.axvline(bound, color="#444444", linewidth=0.8, linestyle="--")
        if table.empty:
            ax.text(0, 0, "no rule recomputed", ha="center", va="center")
        ax.set_title(title)
        ax.set_ylabel("")
    return fig
