"""``briefing preview``: one briefing's HTML, built, served on localhost and built again when
its inputs change, as ``quarto preview`` does.

The build is ``briefing build``'s (``runner.orchestrate``: one region, month and language,
HTML only), so a preview skips what is up to date by the same fingerprint and a failed run keeps
the last good page. What is watched: every file of the data folder (tables, ``briefing.yml``,
``messages/``), the notebook and the package's own catalogues; they are compared by size and
modification time once a second (the fingerprint then decides what is rebuilt). The page served
carries a small script that reloads it when a build lands; the file on disk is the build's own.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

from report_utils.console import err
from report_utils.errors import DataValidationError, ReportError
from report_utils.paths import MESSAGES_DIR

VERSION_PATH = "/.preview-version"
# Polls the version and reloads the page when it changes (injected into served HTML only).
RELOAD = (
    "<script>(function(){var v=null;setInterval(function(){fetch('" + VERSION_PATH + "')"
    ".then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)"
    "location.reload();v=t}).catch(function(){})},1000)})();</script>"
)


def signature(paths: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Size and modification time of every file under ``paths`` (files or folders)."""
    found = []
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            try:
                stat = path.stat()
            except OSError:  # removed while we looked: the next look sees it gone
                continue
            found.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of the output folder; the version of the last build; HTML with the reload script."""

    version: Callable[[], int]

    def do_GET(self) -> None:
        if self.path == VERSION_PATH:
            self._send(str(self.version()).encode(), "text/plain")
            return
        path = Path(self.translate_path(self.path))
        if path.suffix == ".html" and path.is_file():
            html = path.read_text(encoding="utf-8").replace("</body>", RELOAD + "</body>", 1)
            self._send(html.encode("utf-8"), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # no line per request
        pass


def serve(out_dir: Path, port: int, version: Callable[[], int]) -> http.server.HTTPServer:
    """A server of ``out_dir`` on 127.0.0.1 (``port`` 0: any free one), in a thread."""
    handler = type("Handler", (_Handler,), {"version": staticmethod(version)})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(out_dir))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def watch(
    data_dir: Path,
    notebook: Path,
    build: Callable[[], None],
    stop: Callable[[], bool] = lambda: False,
    every: float = 1.0,
) -> None:
    """``build()`` now and whenever a watched file changes, until ``stop()``."""
    watched = [Path(data_dir), Path(notebook), MESSAGES_DIR]
    seen = None
    while not stop():
        now = signature(watched)
        if now != seen:
            seen = now
            build()
            seen = signature(watched)  # what the build read, if it changed meanwhile: again
            if seen != now:
                seen = None
                continue
        time.sleep(every)


def run(
    data: Path,
    out_dir: Path,
    region: str | None,
    period: str | None,
    lang: str | None,
    port: int,
    notebook: Path,
) -> None:
    """``briefing preview``: build, serve, watch, until a signal or Ctrl-C; the page's address
    on stdout once it is first built, each build and problem on stderr."""
    from urllib.parse import quote

    from report_utils.batch import cleanup, runner
    from report_utils.batch.tools import tools
    from report_utils.briefing.catalogues import data_languages
    from report_utils.briefing.spec import source_language

    written = data_languages(data)
    own = source_language(data)  # the data's own language first, as a briefing's default
    langs = [lang] if lang else [own] if own in written else written[:1]
    builds = [0]  # how many builds landed: the page reloads when it changes
    shown: list[str] = []

    def build() -> None:
        try:
            outcome = runner.orchestrate(
                data,
                out_dir,
                [period] if period else [],
                langs,
                ["html"],
                regions=[region] if region else [],
                all_regions=False,
                workers=1,
                notebook=notebook,
            )
        except DataValidationError as exc:
            for problem in exc.problems:
                err.print(str(problem), markup=False)
            err.print("not built: the last good briefing is served", markup=False)
            return
        except ReportError as exc:
            err.print(f"error: {exc}", markup=False)
            return
        for r in outcome.results[:1]:
            if r.status == "failed":
                err.print(f"{r.name} failed: {r.error}", markup=False)
                continue
            if r.status == "built":
                builds[0] += 1
                err.print(f"{r.name} built ({r.seconds:.1f} s)", markup=False)
            page = quote(f"{Path(r.name).as_posix()}/briefing.html")
            if not shown:
                shown.append(page)
                print(f"serving http://127.0.0.1:{server.server_port}/{page}", flush=True)

    cleanup.exit_on_signals()
    try:
        cleanup.open_scratch()
        out_dir.mkdir(parents=True, exist_ok=True)
        server = serve(out_dir, port, lambda: builds[0])
        try:
            watch(data, notebook, build)
        finally:
            server.shutdown()
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, the output folder cannot be made
        err.print(f"error: {exc.strerror or exc}", markup=False)
        raise SystemExit(1) from None
    finally:
        tools.end()
        cleanup.close_scratch()
