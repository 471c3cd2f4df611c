import os
import subprocess
import sys
from pathlib import Path

from report_utils.fonts import PREFERRED, cjk_font


def test_a_cjk_font_is_found():
    assert cjk_font() in PREFERRED


def _no_fonts_env(tmp_path: Path) -> dict[str, str]:
    """A fontconfig configuration that sees no font at all (simulates a machine without one)."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f"<?xml version='1.0'?><fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "MPLCONFIGDIR": str(tmp_path / "mpl")}


def test_missing_font_names_the_package(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from report_utils.fonts import cjk_font; cjk_font()"],
        env=_no_fonts_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "MissingFontError" in result.stderr
    assert "fonts-noto-cjk" in result.stderr


def test_build_without_font_stops_before_any_kernel(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "report_utils", "build", "--out", str(out)],
        env=_no_fonts_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "fonts-noto-cjk" in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(out.rglob("*.ipynb"))


def test_text_faces_are_the_faces_matplotlib_gets(tmp_path):
    """The PDF's faces (fontconfig, no matplotlib) are the charts' faces, in the same order."""
    from report_utils.fonts import families, text_faces

    for roles in (("cjk",), ("latin", "cjk")):
        faces = text_faces(roles)
        assert tuple(family for family, _ in faces) == families(roles)
        assert all(Path(path).is_file() for _, path in faces)


def test_text_faces_without_a_cjk_font_name_the_package(tmp_path):
    code = "from report_utils.fonts import text_faces; text_faces(('cjk',))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=_no_fonts_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "fonts-noto-cjk" in result.stderr
