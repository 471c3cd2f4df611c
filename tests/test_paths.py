import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from report_utils import paths
from report_utils.build.execute import Job
from report_utils.errors import UnsafePathError


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
    "region", ["../../../escaped-region", "/tmp/escaped-absolute", "贵州/黔南", ".", "index.html"]
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
    assert not (out / region).resolve().exists() or (out / region).resolve() == out.resolve()
    assert not (sandbox / "escaped-region").exists()
    assert not Path("/tmp/escaped-absolute").exists()
    assert not out.exists() or not any(out.rglob("briefing.*"))
