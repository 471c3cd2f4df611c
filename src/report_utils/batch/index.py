"""``OUT/index.html``: every briefing in the output folder, from the manifests, with its formats
and build time, each linked by a relative path whatever its folders are called."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from report_utils.batch.job import atomic_write, read_manifest
from report_utils.errors import ReportError
from report_utils.paths import INDEX_TEMPLATES_DIR


def write(out_dir: Path) -> Path:
    """``OUT/index.html``: every briefing in the folder with region, period, language, formats
    and build time, newest period first."""
    from jinja2 import FileSystemLoader
    from jinja2.sandbox import SandboxedEnvironment

    rows = []
    for manifest_path in sorted(out_dir.glob("*/*/*/manifest.json")):
        manifest = read_manifest(manifest_path.parent)
        if not manifest:
            continue
        folder = manifest_path.parent
        region, period, lang = folder.relative_to(out_dir).parts
        rows.append(
            {
                "region": region,
                "period": period,
                "lang": lang,
                "files": [
                    {"href": _relative_url(region, period, lang, name), "name": name}
                    for name in sorted(manifest["outputs"])
                    if not name.endswith(".ipynb")
                ],
                "built_at": manifest.get("built_at", ""),
                "seconds": manifest.get("timings_seconds", {}).get("total", ""),
            }
        )
    rows.sort(key=lambda r: (r["region"], r["period"], r["lang"]), reverse=True)
    # Escaped whatever the template's name ends in (select_autoescape went by it, and left
    # ``index.html.j2`` unescaped): every value in the page is data, folder names included.
    # The package's own template, but the values it shows come from data (region ids, names):
    # sandboxed and escaped, like every template the package renders.
    env = SandboxedEnvironment(loader=FileSystemLoader(INDEX_TEMPLATES_DIR), autoescape=True)
    html = env.get_template("index.html.j2").render(rows=rows)
    try:
        atomic_write(out_dir / "index.html", html)
    except OSError as exc:
        raise ReportError(f"cannot write {out_dir / 'index.html'}: {exc.strerror or exc}") from None
    return out_dir / "index.html"


def _relative_url(*segments: str) -> str:
    """A link to a path below the index's folder, whatever its folders are called: every
    segment percent-encoded (a folder named ``javascript:…`` or ``a#b`` stays a path) and the
    whole prefixed with ``./`` so that it never reads as a scheme or a host."""
    return "./" + "/".join(quote(segment, safe="") for segment in segments)
