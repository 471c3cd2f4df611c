"""Number phrasing in the style of each language's statistical releases, on synthetic figures;
and the rule that user-facing words live in the message catalogues, not in code."""

import ast
import re

import pytest
from markupsafe import Markup

from report_utils.briefing.figures import Figure, Lineage
from report_utils.briefing.phrasing import Phrasebook, catalogue, languages
from report_utils.paths import PACKAGE_DIR
from report_utils.tables import schema
from report_utils.tables.periods import Period

P = Period("2021-01", "2021-09")

# English units of the synthetic indicators, as meta/indicators.csv would give them (unit_en).
EN_UNITS = {"growth": "%", "pp": "percentage points", "rank": "rank", "move": "places"}


def fig(
    value,
    unit="%",
    decimals=1,
    qualifier="",
    status="reported",
    quote="q",
    period=P,
    indicator="growth",
    table="figures",
):
    return Figure(
        table,
        indicator,
        "贵州省",
        period,
        value,
        decimals,
        unit,
        qualifier,
        status,
        "a[贵州省,2021-01..2021-09] - b[贵州省,2021-01..2021-09]" if status == "derived" else "",
        "src",
        quote,
        "figures/x.csv",
        2,
    )


def pp(value):
    return fig(value, "个百分点", indicator="pp")


def rank(value):
    return fig(value, "位", 0, indicator="rank")


def move(value):
    return fig(value, "位", 0, indicator="move")


def case(value, unit, decimals=0, qualifier=""):
    """A figure of the cases table: its unit is translated by the catalogue's units table."""
    return fig(value, unit, decimals, qualifier, indicator="case-x", table="cases")


@pytest.fixture
def book():
    return Phrasebook("zh", Lineage(), {"src": "某报《某文》"})


@pytest.fixture
def en():
    return Phrasebook("en", Lineage(), {"src": "Some paper"}, unit_names=EN_UNITS)


def text(html: Markup) -> str:
    return Markup(html).striptags()


# --- Chinese ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(11.7, "同比增长11.7%"), (-9.4, "同比下降9.4%"), (0.0, "与上年同期持平")],
)
def test_growth(book, value, expected):
    assert text(book.phrase("growth", fig(value))) == expected


def test_negative_growth_never_reads_as_growth(book):
    rendered = text(book.phrase("growth", fig(-9.4)))
    assert "增长" not in rendered and "-" not in rendered


@pytest.mark.parametrize(
    ("of_kind", "value", "expected"),
    [
        ("share", 0.8, "提高0.8个百分点"),
        ("share", -0.3, "降低0.3个百分点"),
        ("growth", 0.4, "加快0.4个百分点"),
        ("growth", -1.9, "回落1.9个百分点"),
        ("rank", 2, "前移2位"),
        ("rank", -1, "后移1位"),
        ("rank", 0, "位次不变"),
    ],
)
def test_changes_in_the_words_of_what_changed(book, of_kind, value, expected):
    """A change says rise or fall for a share, faster or slower for a growth rate, and places
    moved up or down for a rank (a change of a rank counts the places moved up)."""
    unit, decimals = ("位", 0) if of_kind == "rank" else ("个百分点", 1)
    f = fig(value, unit=unit, decimals=decimals)
    assert text(book.phrase("change", f, of_kind=of_kind)) == expected


def test_a_change_says_its_base(book):
    f = fig(0.8, "个百分点")
    assert text(book.phrase("change", f, of_kind="share", frame="比上年同期")) == (
        "比上年同期提高0.8个百分点"
    )


def test_rank_among_the_regions_of_its_parent(book):
    assert text(book.phrase("rank", fig(12, "位", 0), among="全国")) == "居全国第12位"
    assert text(book.phrase("rank", fig(3, "位", 0), among="全省")) == "居全省第3位"


def test_gap_above_and_below(book):
    assert text(book.phrase("gap", fig(0.7, "个百分点"), against="全国")) == "高于全国0.7个百分点"
    assert text(book.phrase("gap", fig(-1.5, "个百分点"), against="全国")) == "低于全国1.5个百分点"


def test_every_number_is_linked_to_lineage(book):
    a, b = fig(11.7), fig(6.4, status="derived")
    html = book.amt(a) + book.amt(b) + book.amt(a)
    assert book.lineage.figures == [a, b]
    assert 'href="#ref-F1"' in html and 'href="#ref-F2"' in html


def test_paragraph_carries_the_figures_it_shows(book):
    """The narrative comes back with its lineage: exactly the figures whose numbers it shows."""
    shown, other = fig(11.7), fig(5.0, indicator="other")
    book.amt(other)  # rendered elsewhere before: in the lineage, not in this paragraph
    paragraph = book.paragraph("phrase.growth", f=shown)
    assert paragraph.figures == [shown]
    refs = re.findall(r'data-ref="(F\d+)"', paragraph.html)
    assert refs == [book.lineage.ref(f) for f in paragraph.figures] == ["F2"]


def test_text_from_data_is_escaped(book):
    html = book.amt(fig(1.0, quote='<script>alert("x")</script>'))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period("2021-01", "2021-09"), "2021年1—9月"),
        (Period("2021-01", "2021-11"), "2021年1—11月"),
        (Period("2021-01", "2021-12"), "2021年"),
        (Period("2021-01", "2021-06"), "2021年上半年"),
        (Period("2021-07", "2021-07"), "2021年7月"),
        (Period("2021-01", "2021-01"), "2021年1月"),
    ],
)
def test_period_labels(book, period, label):
    assert book.period_text(period) == label
    assert book.period(period) == Markup('<span class="period">{}</span>').format(label)


def test_dates(book):
    assert book.date_text("2021-03-02", "2021-03-02") == "2021年3月2日"
    assert book.date_text("2021-09-26", "2021-09-28") == "2021年9月26日至9月28日"
    assert book.month_text("2021-12") == "2021年12月"


# --- English ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (11.7, "up 11.7% year on year"),
        (-9.4, "down 9.4% year on year"),
        (0.0, "unchanged year on year"),
    ],
)
def test_growth_en(en, value, expected):
    assert text(en.phrase("growth", fig(value))) == expected


def test_negative_growth_never_reads_as_growth_en(en):
    for name in ("growth", "growth_plain"):
        rendered = text(en.phrase(name, fig(-9.4)))
        assert rendered.startswith("down 9.4%") and "up" not in rendered and "-" not in rendered
    assert text(en.phrase("growth_plain", fig(7.1))) == "up 7.1%"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.8, "0.8 percentage points higher than a year earlier"),
        (-0.3, "0.3 percentage points lower than a year earlier"),
        (0.0, "unchanged from a year earlier"),
    ],
)
def test_change_en(en, value, expected):
    frame = en.render("phrase.frame_year_earlier", direction="", of_kind="share")
    assert frame == "than a year earlier"
    if value == 0:
        frame = en.render("phrase.frame_year_earlier", direction="same", of_kind="share")
    assert text(en.phrase("change", pp(value), of_kind="share", frame=frame)) == expected


def test_gap_above_and_below_en(en):
    assert text(en.phrase("gap", pp(0.7), against="the national rate")) == (
        "0.7 percentage points above the national rate"
    )
    assert text(en.phrase("gap", pp(-1.5), against="the national rate")) == (
        "1.5 percentage points below the national rate"
    )
    assert text(en.phrase("gap", pp(0.0), against="the national rate")) == (
        "level with the national rate"
    )


@pytest.mark.parametrize(
    ("n", "ordinal"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
    ],
)
def test_ranks_with_ordinals_en(en, n, ordinal):
    assert text(en.phrase("rank", rank(n), among="nationally")) == f"ranked {ordinal} nationally"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, "up 2 places from the first half"),
        (1, "up 1 place from the first half"),
        (-3, "down 3 places from the first half"),
        (0, "unchanged from the first half"),
    ],
)
def test_rank_move_en(en, value, expected):
    frame = "from the first half"
    assert text(en.phrase("change", move(value), of_kind="rank", frame=frame)) == expected


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (Period("2021-01", "2021-09"), "Jan–Sep 2021"),
        (Period("2021-01", "2021-11"), "Jan–Nov 2021"),
        (Period("2021-01", "2021-12"), "2021"),
        (Period("2021-01", "2021-06"), "Jan–Jun 2021"),
        (Period("2021-07", "2021-07"), "July 2021"),
        (Period("2021-01", "2021-01"), "January 2021"),
        (Period("2020-03", "2021-02"), "Mar 2020–Feb 2021"),
    ],
)
def test_period_labels_en(en, period, label):
    assert en.period_text(period) == label


def test_dates_en(en):
    assert en.date_text("2021-03-02") == "2 March 2021"
    assert en.date_text("2021-09-26", "2021-09-28") == "26–28 September 2021"
    assert en.date_text("2021-03-30", "2021-04-02") == "30 March – 2 April 2021"
    assert en.month_text("2021-12") == "December 2021"


# --- catalogues --------------------------------------------------------------------------------


def test_catalogue():
    assert {"zh", "en"} <= set(languages())
    for lang in languages():
        assert catalogue(lang)["lang"] == lang


def _keys(node, prefix=""):
    if not isinstance(node, dict):
        return {prefix}
    return {k for key, value in node.items() for k in _keys(value, f"{prefix}.{key}")}


# Tables whose keys are data values or language-specific (units: only for translated units).
LANGUAGE_TABLES = {
    "units",
    "number.qualifiers",
    "number.ordinal",
    "number.magnitudes",
    "number.written_magnitudes",
    "project_status",
}


@pytest.mark.parametrize("lang", [x for x in languages() if x != "zh"])
def test_catalogues_have_the_same_messages(lang):
    def messages(name):
        keys = _keys(catalogue(name))
        return {
            k
            for k in keys
            if not any(k[1:].startswith(t) for t in LANGUAGE_TABLES)
            and k not in {".month_names", ".month_abbrs"}
        }

    assert messages(lang) == messages("zh")


@pytest.mark.parametrize("lang", languages())
def test_catalogues_cover_every_data_code(lang):
    """Every qualifier and project status the schema allows has words in every language."""
    messages = catalogue(lang)
    assert set(messages["number"]["qualifiers"]) == set(schema.QUALIFIERS) - {""}
    assert list(messages["project_status"]) and set(messages["project_status"]) == set(
        schema.PROJECT_STATUSES
    )


CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _string_literals(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants of a module, docstrings excepted (comments are not in the tree)."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_user_facing_chinese_in_code():
    """Words for the reader live in messages/<lang>.yaml: no string literal of a module holds CJK
    text (or CJK punctuation such as ；（）：); not even the data's codes, which are package data
    (``tables/codes.yaml``)."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, value in _string_literals(tree):
            if CJK.search(value):
                found.append(f"{path.relative_to(PACKAGE_DIR)}:{line}: {value!r}")
    assert not found, "\n".join(found)


def test_cjk_check_sees_literals_but_not_docstrings():
    tree = ast.parse('"""文档。"""\nX = "；"\ndef f():\n    """说明"""\n    return f"（{X}）"\n')
    assert [v for _, v in _string_literals(tree) if CJK.search(v)] == ["；", "（", "）"]
