"""The spec and the analyst's catalogues are checked before any kernel starts, each problem at
its file and line: on copies of data/ that a test breaks on purpose (SYNTHETIC edits)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import append_rows, line_of, problems_of, replace_once, validate_command


def test_the_shipped_spec_and_sentences_are_clean():
    from report_utils.paths import DATA_DIR

    assert problems_of(DATA_DIR) == []


def test_an_unknown_indicator_is_named_with_a_suggestion(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "      fai: fai_growth\n", "      fai: fai_grwth\n")
    [problem, unshown] = problems_of(data_copy)
    assert "warning: indicator 'fai_growth' has figures but no section" in unshown
    assert problem == (
        f"data/briefing.yml:{line_of(spec, 'fai_grwth')}: fai: unknown indicator "
        "'fai_grwth' (did you mean 'fai_growth'?)"
    ).replace("data/", f"{_shown(data_copy)}/", 1)


def _shown(data: Path) -> str:
    from report_utils.errors import display_path

    return display_path(data)


def test_an_unknown_kind_is_named_with_the_kinds(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "    kind: counts\n", "    kind: count\n")
    [problem] = problems_of(data_copy)
    assert f"briefing.yml:{line_of(spec, 'kind: count')}: kind: unknown section kind 'count'" in (
        problem
    )
    assert "(did you mean 'counts'?)" in problem and "kinds: cases, changes, counts" in problem


def test_a_key_the_kind_does_not_take(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "    kind: events\n", "    kind: events\n    indicators: [ind_va_growth]\n")
    [problem] = problems_of(data_copy)
    assert problem.endswith(
        f"briefing.yml:{line_of(spec, 'indicators: [ind_va_growth]')}: indicators: kind 'events'"
        " does not take 'indicators' (it takes: nothing but id and kind)"
    )


def test_an_unknown_key(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "    subjects: [company]\n", "    subjects: [company]\n    colour: red\n")
    [problem] = problems_of(data_copy)
    assert problem.endswith(
        f"briefing.yml:{line_of(spec, 'colour: red')}: sections.colour: unknown key 'colour'"
    )


def test_a_slot_with_an_unknown_slot(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "with: b}", "with: bb}")
    found = problems_of(data_copy)
    assert any("'with: bb' names no slot before 'b_gap' (did you mean 'b'?)" in p for p in found)


def test_yaml_syntax_errors_give_the_line(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "  - id: shares\n", "  - id: shares\n    figures: [unclosed\n")
    [problem] = problems_of(data_copy)
    assert "briefing.yml:" in problem and "YAML" in problem
    line = int(problem.split("briefing.yml:")[1].split(":")[0])
    assert abs(line - line_of(spec, "figures: [unclosed")) <= 2


def test_an_indicator_no_section_shows_is_a_warning(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "      tax: ind_tax_growth\n", "")
    replace_once(spec, "      - ind_tax_growth\n", "")  # its row of the main-indicators table
    zh, en = data_copy / "messages" / "zh.yml", data_copy / "messages" / "en.yml"
    replace_once(zh, "\n      {%- if tax %}工业税收{{ phrase('growth', tax) }}。{% endif %}", "")
    replace_once(
        en,
        "\n      {%- if tax %} Industrial tax revenue was {{ phrase('growth', tax) }}.{% endif %}",
        "",
    )
    [problem] = problems_of(data_copy)
    assert "meta/indicators.csv:" in problem and ": id: warning: indicator 'ind_tax_growth'" in (
        problem
    )
    assert "no section or headline" in problem


def test_validate_and_build_stop_before_any_kernel(data_copy: Path, tmp_path: Path):
    en = data_copy / "messages" / "en.yml"
    replace_once(en, '    chart_title: "Growth of industrial value added (%)"\n', "")
    checked = validate_command(data_copy)
    assert checked.returncode == 1
    assert "message 'sections.growth.chart_title' is missing in en" in checked.stdout
    out = tmp_path / "out"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "report_utils",
            "build",
            "--data",
            str(data_copy),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 1 and "Traceback" not in build.stderr
    assert "sections.growth.chart_title" in build.stderr
    assert not list(out.rglob("*.ipynb"))


def test_a_quote_not_in_its_source_is_an_error(data_copy: Path):
    figures = data_copy / "figures" / "guizhou-industry-2021.csv"
    replace_once(figures, ",工业税收同比增长**14.5%**\n", ",工业税收同比增长**14.6%**\n")
    from report_utils.tables.load import validate

    dataset, problems = validate(data_copy)
    assert dataset is None
    [problem] = [str(p) for p in problems if p.severity == "error"]
    assert f"guizhou-industry-2021.csv:{line_of(figures, '14.6%')}: quote: not found" in problem


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_failing_section_is_named(data_copy: Path, lang: str, monkeypatch):
    """A section whose kind raises: the error names the section and its kind."""
    from report_utils.briefing import kinds
    from report_utils.briefing.report import Briefing, SectionError

    def broken(ctx):
        raise ZeroDivisionError("SYNTHETIC failure")

    monkeypatch.setitem(
        kinds.KINDS,
        "figures",
        kinds.KINDS["figures"].__class__(
            "figures",
            broken,
            kinds.KINDS["figures"].options,
            kinds.KINDS["figures"].keys,
            kinds.KINDS["figures"].variables,
        ),
    )
    with pytest.raises(
        SectionError,
        match="section 'growth' \\(kind figures\\) failed: ZeroDivisionError: SYNTHETIC failure",
    ):
        Briefing(data_dir=data_copy, lang=lang).section("growth")


# --- what a reviewer found the checks missed ------------------------------------------------------


def test_a_data_folder_without_sentences_is_an_error(data_copy: Path, tmp_path: Path):
    import shutil

    shutil.rmtree(data_copy / "messages")
    found = problems_of(data_copy)
    assert any("no sentences in any language: add messages/<lang>.yml" in p for p in found)
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "report_utils",
            "build",
            "--data",
            str(data_copy),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 1 and "no sentences" in build.stderr


def test_a_first_slot_a_year_earlier_than_nothing(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(
        spec,
        "      i: projects_introduced\n",
        "      i: {indicator: projects_introduced, period: year_earlier}\n",
    )
    found = problems_of(data_copy)
    assert any(
        "i: the first slot has no slot before it to be a year earlier than" in p for p in found
    ), found


def test_a_misspelt_region_word_is_suggested(data_copy: Path):
    spec = data_copy / "briefing.yml"
    replace_once(spec, "with: b, region: 全国}", "with: b, region: comapred}")
    found = problems_of(data_copy)
    assert any(
        "region 'comapred' is neither" in p and "(did you mean 'compared'?)" in p for p in found
    ), found


def test_every_region_builds_but_the_ones_without_figures_yet(data_copy: Path, tmp_path: Path):
    """--all-regions plans the regions that have figures; naming one that has none is an error
    that says so."""
    from report_utils.batch import runner
    from report_utils.errors import ParameterError

    append_rows(data_copy / "meta" / "regions.csv", "遵义市,Zunyi,prefecture,贵州省,贵州省,region")
    plan = runner.plan(data_copy, tmp_path / "out", [], ["zh"], ["html"], all_regions=True)
    assert {job.region for job in plan.jobs} == {"贵州省"}
    with pytest.raises(ParameterError, match="region '遵义市' has no figures yet"):
        runner.plan(data_copy, tmp_path / "out2", [], ["zh"], ["html"], regions=["遵义市"])


# --- issue 21: one run of validate reports every problem; names come with "did you mean" ------


def test_validate_reports_a_table_a_quote_a_template_and_a_yaml_error_in_one_run(data_copy: Path):
    """The issue's four rounds: a bad cell hid a quote not in its source, which hid a template
    variable nothing provides and a YAML error in another language's catalogue."""
    figures = data_copy / "figures" / "guizhou-industry-2021.csv"
    replace_once(figures, ",11.7,%,", ",eleven,%,")
    events = data_copy / "events" / "guizhou-industry-2021.csv"
    replace_once(events, "在贵阳召开。", "在贵阳召开。（不在原文中）")
    zh = data_copy / "messages" / "zh.yml"
    replace_once(zh, 'title: "{{ region }}工业经济简报"', 'title: "{{ regoin }}工业经济简报"')
    en = data_copy / "messages" / "en.yml"
    replace_once(en, "\nheadlines:\n", "\nheadlines: [unclosed\n")
    result = validate_command(data_copy, cwd=data_copy.parent)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    found = {line.split(":")[0]: line for line in lines}
    assert "expected a number: 'eleven'" in found["data/figures/guizhou-industry-2021.csv"]
    assert "not found word for word" in found["data/events/guizhou-industry-2021.csv"]
    assert "'regoin' is not provided (did you mean 'region'?)" in found["data/messages/zh.yml"]
    assert ": YAML: " in found["data/messages/en.yml"]
    assert result.stderr == "4 error(s)\n"


def test_a_misspelt_indicator_in_a_table_gets_did_you_mean(data_copy: Path):
    figures = data_copy / "figures" / "guizhou-industry-2021.csv"
    replace_once(
        figures, "\nind_va_growth,贵州省,2021-01,2021-09,", "\nind_va_grwth,贵州省,2021-01,2021-09,"
    )
    result = validate_command(data_copy, cwd=data_copy.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "data/figures/guizhou-industry-2021.csv:2: indicator: unknown indicator id (see "
        "meta/indicators.csv): 'ind_va_grwth' (did you mean 'ind_va_growth'?)"
    )


def test_a_chart_of_two_measures_is_refused_at_its_line(data_copy: Path):
    """A chart's bars share kind, unit and concept (meta/indicators.csv), checked before any
    kernel: the growth chart also plotting tax revenue is the issue's example."""
    spec = data_copy / "briefing.yml"
    replace_once(
        spec, "    chart: [va, va2, va2_other]\n", "    chart: [va, va2, va2_other, tax]\n"
    )
    [problem] = problems_of(data_copy)
    assert problem.startswith(f"{spec}:{line_of(spec, 'chart: [va, va2, va2_other, tax]')}: chart:")
    assert "differ in concept" in problem and "ind_tax_growth (tax_growth)" in problem
    # a share beside growth rates differs in kind, before any measure is declared
    replace_once(spec, "chart: [va, va2, va2_other, tax]", "chart: [va, sc]")
    replace_once(
        spec,
        "      tax: ind_tax_growth\n",
        "      tax: ind_tax_growth\n      sc: ind_va_gdp_share\n",
    )
    [problem] = problems_of(data_copy)
    assert "differ in kind" in problem
