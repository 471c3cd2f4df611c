import os
import subprocess
import sys

from report_utils import paths


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
