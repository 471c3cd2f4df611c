"""Find a font that draws Chinese, for charts (matplotlib) and the PDF (Typst).

fontconfig is asked, not matplotlib's font cache: a cache built before the font was installed
would hide it (see shared TOOLING.md). The font file fontconfig names is then added to matplotlib
at run time, and its folder is given to Typst (``text_faces``), which reads font files itself.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

from report_utils.errors import MissingFontError

# Preferred families, best first: Simplified Chinese faces before other CJK ones.
PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
    "Droid Sans Fallback",
)
INSTALL_HINT = "install a CJK font, e.g. as root: apt-get install fonts-noto-cjk"
# A Latin face that matches the CJK one (Noto Sans CJK's own Latin is set for CJK text: its
# quotes and × are full-width), for text in a Latin-script language.
LATIN_PREFERRED = ("Noto Sans",)
LATIN_HINT = "install a Latin font matching Noto Sans CJK, as root: apt-get install fonts-noto-core"


def _fontconfig_cjk_fonts() -> list[tuple[str, str]]:
    """(family, file) pairs of fonts fontconfig says cover Chinese."""
    return _fontconfig(":lang=zh")


def _fontconfig(pattern: str) -> list[tuple[str, str]]:
    """(family, file) pairs of the fonts fontconfig lists for a pattern."""
    if shutil.which("fc-list") is None:
        raise MissingFontError(
            "fontconfig's fc-list is not installed; apt-get install fontconfig fonts-noto-cjk"
        )
    result = subprocess.run(
        ["fc-list", pattern, "--format=%{family}\t%{file}\n"],
        capture_output=True,
        text=True,
        check=False,
    )
    pairs = []
    for line in result.stdout.splitlines():
        families, _, path = line.partition("\t")
        for family in families.split(","):
            pairs.append((family.strip(), path.strip()))
    return pairs


def require_cjk_font() -> None:
    """Raise ``MissingFontError`` unless fontconfig knows a font that draws Chinese (without
    importing matplotlib: the build checks this before any kernel starts)."""
    if not _fontconfig_cjk_fonts():
        raise MissingFontError(f"No font that can draw Chinese was found; {INSTALL_HINT}")


def require_fonts(roles: list[str]) -> None:
    """Raise ``MissingFontError`` unless a face of each role (``cjk``, ``latin``) is installed
    (without importing matplotlib: the build checks this before any kernel starts)."""
    require_cjk_font()
    if "latin" in roles and _latin() is None:
        raise MissingFontError(f"No Latin text font was found; {LATIN_HINT}")


def _latin() -> tuple[str, str] | None:
    pairs = [
        (family, path)
        for family, path in _fontconfig(":style=Regular")
        if family in LATIN_PREFERRED and "CJK" not in path
    ]
    return min(pairs, key=lambda p: LATIN_PREFERRED.index(p[0]), default=None)


def text_faces(roles: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(family, file) of a language's faces in order (``cjk``, ``latin``), from fontconfig and
    without matplotlib (the PDF printer does without it); a missing Latin face is left out."""
    found = []
    for role in roles:
        if role == "cjk":
            pairs = _fontconfig_cjk_fonts()
            if not pairs:
                raise MissingFontError(f"No font that can draw Chinese was found; {INSTALL_HINT}")
            found.append(min(pairs, key=lambda p: _rank(p[0])))
        elif role == "latin" and (latin := _latin()) is not None:
            found.append(latin)
    return tuple(dict.fromkeys(found))


def _rank(family: str) -> int:
    return PREFERRED.index(family) if family in PREFERRED else 99


@cache
def families(roles: tuple[str, ...]) -> tuple[str, ...]:
    """The font families of a language's faces, in order (``cjk``, ``latin``: from the
    catalogue's ``fonts``), each registered with matplotlib; a missing Latin face falls back
    to the CJK one."""
    found = []
    for role in roles:
        if role == "cjk":
            found.append(cjk_font())
        elif role == "latin" and (latin := _latin()) is not None:
            found.append(_register(*latin))
    return tuple(dict.fromkeys(found)) or (cjk_font(),)


def _register(family: str, path: str) -> str:
    """Register a family's regular face and its bold one (chart titles are bold) with
    matplotlib, whose font cache may predate the font's installation."""
    from matplotlib import font_manager

    known = {(f.name, f.weight) for f in font_manager.fontManager.ttflist}
    if (family, 400) not in known and (family, "normal") not in known:
        font_manager.fontManager.addfont(path)
    if not any(name == family and weight in (700, "bold") for name, weight in known):
        for bold_family, bold_path in _fontconfig(f"{family}:style=Bold"):
            if bold_family == family and "CJK" not in bold_path:
                font_manager.fontManager.addfont(bold_path)
                break
    return family


@cache
def cjk_font() -> str:
    """The family name of the best CJK font on this machine, registered with matplotlib.

    Raises ``MissingFontError`` naming the package to install when there is none.
    """
    pairs = _fontconfig_cjk_fonts()
    if not pairs:
        raise MissingFontError(f"No font that can draw Chinese was found; {INSTALL_HINT}")
    ranked = sorted(pairs, key=lambda p: _rank(p[0]))
    family, path = ranked[0]
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    if family not in known:
        font_manager.fontManager.addfont(path)
    known = {f.name for f in font_manager.fontManager.ttflist}
    if family not in known:  # the file registers under another name (e.g. a .ttc's first face)
        family = font_manager.FontProperties(fname=path).get_name()
    return family
