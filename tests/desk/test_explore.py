from report_utils.desk import explore


def test_coverage_counts_every_figure_once():
    data = explore.dataset()
    table = explore.coverage(data)
    assert int(table.to_numpy().sum()) == len(data.figures)
    for (region, month), rows in data.figures.groupby(["region", "period_end"]):
        assert table.at[region, month] == len(rows)
    assert list(table.index) == [r for r in data.regions.index if r in set(data.figures.region)]


def test_coverage_chart_writes_each_count():
    table = explore.coverage(explore.dataset())
    fig = explore.coverage_chart(table)
    (ax,) = fig.axes
    written = sorted(int(t.get_text()) for t in ax.texts)
    assert written == sorted(int(v) for v in table.to_numpy().ravel())
