"""The briefing's Typst source compiled to PDF by Typst (``typeset``), and in a child process that
a build can stop (``Printer``).

Typst (the ``typst`` package: the compiler itself, no system dependency) writes the PDF as
PDF/A-3a and PDF/UA-1 at once (``PDF_STANDARDS``): it checks the rules of both that it knows
while exporting and refuses a document that breaks them (no title, an image without alt text,
a font that cannot be embedded ...). Fonts come from the folders of the faces fontconfig finds
(``fonts.text_faces``), read by Typst itself; the system's other fonts are not looked at.

A build prints in a child process (``python -m report_utils.export.printer LANG SECONDS``) and
waits at most ``timeout()`` seconds (``REPORT_UTILS_PDF_TIMEOUT``, default 60) for each PDF,
then kills it and fails the run with a message (the next PDF gets a new child). The child is
started before it is needed: it loads Typst and the fonts and typesets a page of the
briefing's words while the kernel works. Then it serves one request after another, each a JSON
line (the PDF's path, the folder with the charts and the files to embed, the date, the length
of the source in bytes) followed by the Typst source; it answers each with a JSON line. It also
bounds itself (an alarm a little after the timeout), so it never outlives a build that was
killed; and it ends when its input ends.
"""

from __future__ import annotations

import contextlib
import json
import math
import select
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from report_utils.environment import PDF_TIMEOUT as TIMEOUT_ENV
from report_utils.environment import named_scratch, pdf_timeout
from report_utils.errors import ReportError
from report_utils.paths import MESSAGES_DIR

_GRACE = 5.0  # the child's own alarm, after the parent's timeout
# What the PDF claims, and Typst checks while writing it: the accessible level of PDF/A-3
# (tagged, Unicode text; embedded files allowed) and PDF/UA-1. Typst 0.15 accepts both at once.
PDF_STANDARDS = ("a-3a", "ua-1")


@dataclass(frozen=True)
class Attached:
    """One embedded file of the PDF (``export.attachments`` makes them): its name, what it is,
    its relation to the PDF (ISO 32000-2, 7.11.3: ``Source``, ``Data``, ``Supplement``, ...)
    and its bytes."""

    name: str
    description: str
    relationship: str
    data: bytes


def timeout() -> float:
    """Seconds a PDF may take to typeset (``REPORT_UTILS_PDF_TIMEOUT``, default 60)."""
    return pdf_timeout()  # checked where the build checks its environment


def font_folders() -> tuple[str, ...]:
    """The folders of the faces any language uses (CJK and Latin), for Typst."""
    from report_utils.fonts import text_faces

    return tuple(sorted({str(Path(path).parent) for _, path in text_faces(("cjk", "latin"))}))


@cache
def _compiler(folders: tuple[str, ...]):
    """One compiler per process: it reads the fonts once and keeps what it has laid out."""
    import typst

    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=list(folders)
    )
    return typst.Compiler(font_paths=fonts)


def typeset(source: str, files: dict[str, bytes], when: datetime | None = None) -> bytes:
    """The PDF of a briefing's Typst source, with ``files`` (charts, embedded files, by the
    paths the source reads) beside it, dated ``when``; in this process, without a time limit
    (``Printer`` runs it with one)."""
    with tempfile.TemporaryDirectory(prefix="typst-", dir=_scratch()) as root:
        write_files(Path(root), files)
        return typeset_in(Path(root), source, when)


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = (root / name).resolve()
        if not path.is_relative_to(root.resolve()):
            raise ReportError(f"a file of the PDF must stay in its folder: {name!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def typeset_in(root: Path, source: str, when: datetime | None = None) -> bytes:
    """``typeset`` with the files already in ``root``."""
    pdf, warnings = _compile(root, source, when, {})
    if warnings and _did_not_converge(warnings):
        # The template's measured page rule (the appendix starts a page unless that leaves a
        # thin one) can flip between two layouts; then the appendix simply starts a page.
        pdf, warnings = _compile(root, source, when, {APPENDIX_INPUT: "own-page"})
    if warnings:  # e.g. a font family that is not there: the PDF would not be the briefing's
        raise ReportError(f"Typst warned while typesetting the briefing: {_said(warnings[0])}")
    return pdf


# sys.inputs key of the template (briefing.typ): how the appendix starts.
APPENDIX_INPUT = "appendix"


def _compile(root: Path, source: str, when: datetime | None, inputs: dict[str, str]):
    import typst

    try:
        return _compiler(font_folders()).compile_with_warnings(
            input=source.encode("utf-8"),
            root=str(root),
            format="pdf",
            pdf_standards=list(PDF_STANDARDS),
            timestamp=when.replace(microsecond=0) if when else None,  # Typst: whole seconds
            sys_inputs=inputs,
        )
    except typst.TypstError as exc:
        raise ReportError(f"Typst could not typeset the briefing: {_said(exc)}") from None


def _did_not_converge(warnings) -> bool:
    return any("did not converge" in (getattr(w, "message", "") or "") for w in warnings)


def _said(problem) -> str:
    hints = "; ".join(getattr(problem, "hints", None) or [])
    message = getattr(problem, "message", None) or str(problem)
    return f"{message} ({hints})" if hints else message


def _scratch() -> str | None:
    """The build's scratch folder when this runs in a build (``batch.cleanup`` removes it however
    the build ends), else None: the system's temporary folder."""
    folder = named_scratch()
    return str(folder) if folder else None


class Printer:
    """A child process that prints PDFs, started now: ``with Printer(lang) as p: p.print(...)``.
    It serves any number of PDFs, one at a time."""

    def __init__(self, lang: str, seconds: float | None = None):
        self.lang = lang
        self.seconds = timeout() if seconds is None else seconds
        self.peak_mb: float | None = None
        self._process: subprocess.Popen | None = None
        self._start()

    def _start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "report_utils.export.printer", self.lang, str(self.seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )

    def print(
        self,
        source: str,
        pdf: Path,
        files: dict[str, bytes] | None = None,
        when: datetime | None = None,
    ) -> None:
        """Write the Typst ``source`` as a PDF to ``pdf``, with ``files`` beside it (charts and
        embedded files, ``BriefingTypstExporter``'s outputs), dated ``when``; ``ReportError``
        when it failed or took too long."""
        if self._process is None or self._process.poll() is not None:
            self.close()
            self._start()
        root = Path(tempfile.mkdtemp(prefix="typst-", dir=_scratch()))
        try:
            write_files(root, files or {})
            self._ask(source, pdf, root, when)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    def _ask(self, source: str, pdf: Path, root: Path, when: datetime | None) -> None:
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        body = source.encode("utf-8")
        request = {
            "pdf": str(pdf),
            "root": str(root),
            "bytes": len(body),
            "when": when.isoformat() if when else None,
        }
        try:
            process.stdin.write(json.dumps(request).encode() + b"\n" + body)
            process.stdin.flush()
        except OSError:
            pass  # it died: its exit status is reported below
        ready, _, _ = select.select([process.stdout], [], [], self.seconds)
        if not ready:
            self.close()
            raise ReportError(
                f"the PDF took longer than {self.seconds:g} s to lay out and was stopped "
                f"({TIMEOUT_ENV} sets the limit)"
            ) from None
        line = process.stdout.readline()
        if not line:
            self.close()
            raise ReportError(f"the PDF printer failed (exit {process.returncode}): no message")
        try:
            answer = json.loads(line)
        except ValueError:
            self.close()
            raise ReportError(f"the PDF printer answered {line[:200]!r}, not a result") from None
        if "error" in answer:
            raise ReportError(f"the PDF printer failed: {answer['error']}")
        self.peak_mb = answer.get("peak_mb")

    def close(self) -> None:
        """Stop the child if it still runs (also after a failure elsewhere in the run)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.communicate()

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _warm_page(lang: str) -> str:
    """A page with words from the catalogues of its language and of the package's other
    languages (quotes stay in the data's language, one of them, whatever the briefing's), bold
    and regular, in the language's faces: the real page's fonts, loaded before the real page
    comes."""
    from report_utils.briefing.catalogues import languages
    from report_utils.briefing.typst_markup import string
    from report_utils.fonts import text_faces
    from report_utils.strict_yaml import load_yaml

    def strings(value) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        return [value] if isinstance(value, str) else []

    words, roles = [], ["cjk"]
    for code in dict.fromkeys((lang, *languages())):
        path = MESSAGES_DIR / f"{code}.yaml"
        if path.is_file():
            catalogue = load_yaml(path.read_text("utf-8"))[0]
            roles += catalogue.get("fonts", []) if code == lang else []
            words.append(" ".join(strings(catalogue))[:300])
    fonts = ", ".join(string(family) for family, _ in text_faces(tuple(dict.fromkeys(roles))))
    text = string(" ".join(words))
    return (
        f'#set document(title: "-")\n#set text(lang: {string(lang)}, font: ({fonts},))\n'
        f"#strong({text})\n\n#{text}\n"
    )


def main() -> None:
    lang, seconds = sys.argv[1], float(sys.argv[2])
    # Answers go to the real standard output; whatever a library prints goes to stderr.
    answers, sys.stdout = sys.stdout, sys.stderr
    with contextlib.suppress(Exception):  # only a warm-up: the real page reports problems
        typeset(_warm_page(lang), {})
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    while header := sys.stdin.buffer.readline():
        if not header.strip():
            continue
        request = json.loads(header)
        source = sys.stdin.buffer.read(request["bytes"]).decode("utf-8")
        when = datetime.fromisoformat(request["when"]) if request.get("when") else None
        signal.alarm(math.ceil(seconds + _GRACE))  # never outlive the parent's limit
        try:
            pdf = typeset_in(Path(request["root"]), source, when)
            Path(request["pdf"]).write_bytes(pdf)
            answer: dict = {"peak_mb": _peak_mb()}
        except (ReportError, OSError) as exc:
            answer = {"error": str(exc)}
        except Exception as exc:  # Typst's own failure: said, and the child goes on
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        finally:
            signal.alarm(0)
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def _peak_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


if __name__ == "__main__":
    main()
