from report_utils.briefing.checks import validate
from report_utils.desk import quality
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset
from report_utils.tables.reconcile import reconcile


def test_problems_are_validates_own(data_copy):
    path = data_copy / "figures" / "guizhou-industry-2021.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",11.7,", ",eleven,", 1), "utf-8")
    table = quality.problems(data_copy)
    _, problems = validate(data_copy)
    assert [tuple(row) for row in table.itertuples(index=False)] == [
        (p.path, p.line, p.column, p.severity, p.message) for p in problems
    ]
    assert "error" in set(table["severity"])
    assert quality.rules(data_copy).empty  # nothing recomputed from tables with errors


def test_rules_are_reconciles_own():
    table = quality.rules(DATA_DIR)
    results = reconcile(load_dataset(DATA_DIR))
    assert list(table["id"]) == [r.id for r in results]
    mismatches = set(table.loc[table["status"] == "mismatch", "id"])
    assert mismatches == {r.id for r in results if not r.ok}
    fig = quality.rules_chart(table)
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table["id"])
