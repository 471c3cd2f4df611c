import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import SYNTHETIC_SOURCE, add_synthetic_source, examples, synthetic_quote
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from report_utils import paths
from report_utils.batch import runner
from report_utils.batch.job import Job
from report_utils.errors import DataValidationError, UnsafePathError
from report_utils.tables import schema
from report_utils.tables.characters import disallowed
from report_utils.tables.load import FILE, LINE, check_frame


def test_paths_derive_from_the_project_root():
    for p in (paths.DATA_DIR, paths.NOTEBOOKS_DIR, paths.OUTPUTS_DIR, paths.BRIEFING_NOTEBOOK):
        assert p.is_relative_to(paths.PROJECT_ROOT)
    assert (paths.PROJECT_ROOT / "pyproject.toml").is_file()
    assert paths.BRIEFING_NOTEBOOK.is_file()
    assert (paths.NBCONVERT_TEMPLATES_DIR / "briefing" / "conf.json").is_file()


def test_root_can_be_overridden(tmp_path):
    code = "from report_utils import paths; print(paths.DATA_DIR)"
    env = {**os.environ, "REPORT_UTILS_ROOT": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd="/"
    )
    assert out.stdout.strip() == str(tmp_path / "data")


def test_paths_do_not_depend_on_the_working_directory(tmp_path):
    code = "from report_utils import paths; print(paths.DATA_DIR)"
    env = {k: v for k, v in os.environ.items() if k != "REPORT_UTILS_ROOT"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert out.stdout.strip() == str(paths.DATA_DIR)


# --- paths computed from data stay inside their folder (issue 22, item 1) ----------------------


UNSAFE_IDS = [
    "../../../escaped-region",
    "/tmp/escaped-absolute",
    "贵州/黔南",
    "贵州\\黔南",
    ".",
    "..",
    ".hidden",
    "index.html",
    "MANIFEST.JSON",
    "nul",
    "com1.txt",
    "a\x00b",
    "a\x1bb",
    "贵州\u202e省",
    "贵州\u200b省",
    "贵州省 ",
    "trailing.",
    "x" * 61,
    "",
]


@pytest.mark.parametrize("name", UNSAFE_IDS)
def test_a_name_that_is_not_one_safe_folder_is_refused_with_why(name):
    problem = paths.name_problem(name)
    assert problem is not None
    assert "\n" not in problem


@pytest.mark.parametrize(
    "name", ["贵州省", "黔南布依族苗族自治州", "guizhou", "qn-2", "a.b", "2021-09", "zh"]
)
def test_ordinary_names_are_folders(name):
    assert paths.name_problem(name) is None


@pytest.mark.parametrize("name", UNSAFE_IDS)
def test_no_briefing_folder_is_computed_outside_the_output(tmp_path, name):
    out = tmp_path / "sandbox" / "out"
    with pytest.raises(UnsafePathError):
        paths.briefing_dir(out, name, "2021-09", "zh")
    if name:  # (a job with no region is about the data's home region)
        with pytest.raises(UnsafePathError):  # refused when it is made, before any write
            Job(paths.DATA_DIR, out, "2021-09", "zh", region=name)
    assert not (tmp_path / "sandbox").exists()


def test_a_link_out_of_the_output_folder_is_not_followed(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "贵州省").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="outside"):
        paths.briefing_dir(out, "贵州省", "2021-09", "zh")
    assert paths.briefing_dir(out, "黔南州", "2021-09", "zh") == out / "黔南州" / "2021-09" / "zh"


@pytest.mark.parametrize("relative", ["../x", "/etc/passwd", "a/../../x", "a\x00b", "", ".."])
def test_a_file_shipped_from_elsewhere_is_written_inside_its_folder_or_not_at_all(
    tmp_path, relative
):
    with pytest.raises(UnsafePathError):
        paths.inside(tmp_path / "root", relative)
    assert paths.inside(tmp_path, "figures/a b.csv") == tmp_path / "figures" / "a b.csv"


def _with_region(data: Path, region: str) -> int:
    """SYNTHETIC: a region row with id ``region`` added to a data copy; returns its line."""
    path = data / "meta" / "regions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows.append(dict.fromkeys(rows[0], "") | {"id": region, "name_en": "X", "role": "region"})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows) + 1


@pytest.mark.parametrize(
    "region",
    ["../../../escaped-region", "/tmp/escaped-absolute", "贵州/黔南", ".", "index.html", "a\x00b"],
)
def test_a_build_over_an_unsafe_region_id_exits_1_naming_its_line_and_writes_nothing_outside(
    data_copy, region
):
    sandbox = data_copy.parent
    out = sandbox / "a" / "b" / "c" / "out"
    line = _with_region(data_copy, region)
    build = ["build", "--data", "data", "--out", str(out), "--all-regions", "--format", "html"]
    result = subprocess.run(
        [sys.executable, "-m", "report_utils", *build],
        capture_output=True,
        text=True,
        cwd=sandbox,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    shown = [s for s in (result.stdout + result.stderr).splitlines() if "regions.csv" in s]
    assert shown and shown[0].startswith(f"data/meta/regions.csv:{line}: id: "), shown
    # what an escape would have written: OUT/<region>/..., resolved
    landing = Path(os.path.realpath(out / region.replace("\x00", "")))
    assert not landing.exists() or landing == Path(os.path.realpath(out))
    assert not (sandbox / "escaped-region").exists()
    assert not Path("/tmp/escaped-absolute").exists()
    assert not out.exists() or not any(out.rglob("briefing.*"))


# --- property: whatever the ids and titles, nothing outside --out and no live markup -----------

TRICKY = [
    "..", ".", "../../../escaped-region", "/tmp/escaped-absolute", "贵州/黔南", "C:\\x", "~",
    "index.html", "manifest.json", "NUL", "com1", "a\x00b", "\u202e", "\u200b", "x" * 61,
]  # fmt: skip
ID_CHARACTERS = "aZ9ßǅ贵州省黔南-._/\\ :*?<>|\"'~$%#\x00\x1b\u202e\u200b\u0301\u212b"
region_ids = st.one_of(
    st.sampled_from(TRICKY), st.text(alphabet=ID_CHARACTERS, min_size=1, max_size=12)
)
# Titles and names made of the pieces markup, templates and entities are made of.
PIECES = [
    "<", ">", "&", '"', "'", "=", "/", " ", "5 < 6", "<50 staff and >10",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", '" onmouseover="alert(1)', "</p>", "<!--", "-->", "<![CDATA[",
    "&amp;", "&lt;", "&#60;", "{{ 7*191 }}", "{% raw %}", "javascript:", "**粗体**", "$x$", "贵州",
    "Shares: firms", "\u200b",
]  # fmt: skip
# Ids a build accepts, written to test the folders and pages made of them: any script, case,
# digits, "-", "_" and "." after the first character.
accepted_ids = st.builds(
    str.__add__,
    st.sampled_from("aZ9ßǅ贵州黔南Åأ"),
    st.text(alphabet="aZ9ßǅ贵州黔南Åأ-._", max_size=10).filter(lambda t: not t.endswith(".")),
)
titles = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)


def _region_frame(region: str) -> pd.DataFrame:
    frame = pd.DataFrame([{"id": region, "name_en": "X", "role": "home"}], dtype=object)
    frame[LINE], frame[FILE] = [2], "regions.csv"
    return frame


@settings(max_examples=examples(300), deadline=None)
@given(region=region_ids)
def test_a_region_id_is_refused_by_validate_or_names_one_folder_inside_the_output(region):
    refused = bool(check_frame(_region_frame(region), schema.REGIONS))
    assert refused == (paths.name_problem(region) is not None or disallowed(region) is not None)
    with tempfile.TemporaryDirectory() as root:
        out = Path(root) / "out"
        try:
            folder = paths.briefing_dir(out, region, "2021-09", "zh")
        except UnsafePathError:
            assert refused
        else:
            assert not refused
            real = Path(os.path.realpath(folder))
            assert real.parent.parent.parent == Path(os.path.realpath(out))
            assert folder.parts[-3] == region


class _Page(HTMLParser):
    """Start tags with their attributes, and the text a reader sees (entities decoded)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data):
        self.texts.append(data)


# What the briefing's template and blocks make; data could only add others.
PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "section", "h1", "h2",
    "h3", "p", "div", "span", "a", "br", "strong", "em", "figure", "img", "figcaption", "ul",
    "li", "table", "thead", "tbody", "tr", "th", "td", "caption", "nav",
}  # fmt: skip


def _rewrite(path: Path, change) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    columns = change(columns, rows) or columns
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def _hostile_region(data: Path, region: str, title: str) -> None:
    """SYNTHETIC: a region ``region`` named ``title`` (its free-form name_zh and name_en), with
    one figure and an event titled ``title``."""

    def regions(columns, rows):
        rows.append({"id": region, "name_zh": title, "name_en": title, "role": "region"})
        rows[-1].update(level="autonomous_prefecture", parent="贵州省")
        return [*columns, "name_zh"]

    quote = synthetic_quote(data, "9.9")

    def figures(columns, rows):
        cells = ["ind_va_growth", region, "2021-01", "2021-09", "9.9", "%", "", "reported", ""]
        rows.append(dict(zip(columns, [*cells, SYNTHETIC_SOURCE, quote], strict=True)))

    event_quote = synthetic_quote(data, title)

    def events(columns, rows):
        rows.append({"id": "ev-hostile", "region": region, "title_zh": title, "title_en": title})
        rows[-1].update(date_start="2021-05-01", date_end="2021-05-01", source=SYNTHETIC_SOURCE)
        rows[-1].update(quote=event_quote)

    _rewrite(data / "meta" / "regions.csv", regions)
    _rewrite(data / "figures" / "guizhou-industry-2021.csv", figures)
    _rewrite(data / "events" / "guizhou-industry-2021.csv", events)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.e2e
@settings(
    max_examples=examples(8),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    region=st.one_of(accepted_ids, accepted_ids, region_ids),
    title=titles,
    lang=st.sampled_from(["zh", "en"]),
)
@example(region="黔南-州.v2", title="Shares: firms <50 staff and >10 years, 5 < 6", lang="en")
@example(region="../../../escaped-region", title="<script>alert(1)</script>", lang="zh")
def test_no_build_writes_outside_out_and_no_briefing_holds_live_markup_from_the_data(
    tmp_path_factory, region, title, lang
):
    sandbox = tmp_path_factory.mktemp("hostile")
    data, out = sandbox / "data", sandbox / "out"
    shutil.copytree(paths.DATA_DIR, data)
    add_synthetic_source(data)
    _hostile_region(data, region, title)
    try:
        results = runner.build(data, out, [], [lang], ["html"], regions=[region])
        event("built")
    except DataValidationError as exc:  # refused: each problem at its file and line
        assert all(p.line > 0 and p.column != "-" for p in exc.problems), exc.problems
        results = []
        event("refused by validate")
    # nothing but the data and the output folder in the sandbox, nothing where an escape lands
    assert sorted(p.name for p in sandbox.iterdir()) == ["data", "out"][: 1 + out.exists()]
    escape = Path(os.path.realpath(out / region.replace("\x00", "")))
    if not escape.is_relative_to(os.path.realpath(out)):
        assert not escape.exists() or escape in (sandbox, sandbox.parent, Path("/"))
    for result in results:
        assert result.error == ""
        assert result.folder == out / region / "2021-09" / lang
        html = (result.folder / "briefing.html").read_text(encoding="utf-8")
        page = _Page(
            re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "data:image/svg+xml", html)
        )
        assert {tag for tag, _ in page.tags} <= PAGE_TAGS
        assert [a for _, attrs in page.tags for a in attrs if a.startswith("on")] == []
        assert {attrs["src"] for tag, attrs in page.tags if tag == "img"} == {"data:image/svg+xml"}
        assert _flat(title) in _flat("".join(page.texts))  # shown whole, as text
