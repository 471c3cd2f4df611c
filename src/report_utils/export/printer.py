"""The briefing HTML printed to PDF by WeasyPrint (``html_to_pdf``), and in a child process that
a build can stop (``Printer``).

WeasyPrint's time to lay out a table grows with the square of the length of an unbroken text in
one of its cells (a 4,000-character event title, which the appendix shows in a table, took half a
minute; 20,000 characters over five minutes). A build therefore prints in a child process
(``python -m report_utils.export.printer LANG``) and waits at most ``timeout()`` seconds
(``REPORT_UTILS_PDF_TIMEOUT``, default 60) for each PDF, then kills it and fails the run with a
message (the next PDF gets a new child).

The child is started before it is needed: it imports WeasyPrint and lays out a one-line page in
the briefing's fonts while the kernel works. Then it serves one request after another, each a JSON
line (the PDF's path, the length of the HTML in bytes, the files to embed and their date)
followed by the HTML; it answers each
with a JSON line. One child serves every briefing a worker builds. It also bounds itself (an alarm
a little after the timeout, for each PDF), so it never outlives a build that was killed; and it
ends when its input ends.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import mimetypes
import select
import signal
import subprocess
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from report_utils.environment import PDF_TIMEOUT as TIMEOUT_ENV
from report_utils.environment import pdf_timeout
from report_utils.errors import ReportError
from report_utils.paths import MESSAGES_DIR, NBCONVERT_TEMPLATES_DIR

_GRACE = 5.0  # the child's own alarm, after the parent's timeout


@dataclass(frozen=True)
class Attached:
    """One embedded file of the PDF (``export.attachments`` makes them): its name, what it is,
    its relation to the PDF (ISO 32000-2, 7.11.3: ``Source``, ``Data``, ``Supplement``, ...)
    and its bytes."""

    name: str
    description: str
    relationship: str
    data: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "name": self.name,
            "description": self.description,
            "relationship": self.relationship,
            "data": self.data.decode("utf-8"),  # every attachment is text
        }

    @classmethod
    def from_json(cls, value: dict[str, str]) -> Attached:
        return cls(
            value["name"], value["description"], value["relationship"], value["data"].encode()
        )


def timeout() -> float:
    """Seconds a PDF may take to lay out (``REPORT_UTILS_PDF_TIMEOUT``, default 60)."""
    return pdf_timeout()  # checked where the build checks its environment


def html_to_pdf(
    html: str, attached: Sequence[Attached] = (), when: datetime | None = None
) -> bytes:
    """The PDF of a briefing page (A4, page numbers and fonts from its CSS), in this process and
    without a time limit (``Printer`` runs it with one). Imports WeasyPrint only, not nbconvert:
    the printer's child process starts faster.

    The PDF is PDF/A-3u (fonts embedded, an sRGB output intent, XMP metadata) with ``attached``
    as its embedded files, and tagged for PDF/UA-1 (structure tree, headings, tables with
    headers, figures with their alt text, language, title shown as the window's title)."""
    try:
        import weasyprint
    except OSError as exc:  # Pango or its libraries are missing
        raise ReportError(
            f"WeasyPrint cannot load its system libraries ({exc}); install them as root: "
            "apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from None
    # WeasyPrint logs every CSS property it ignores; the template is written for it, so quiet.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=None).render()
    # WeasyPrint guesses an attachment's type from its name; Python knows no notebook type.
    mimetypes.add_type("application/x-ipynb+json", ".ipynb", strict=False)
    files = [
        weasyprint.Attachment(
            string=a.data,
            name=a.name,
            description=a.description,
            relationship=a.relationship,
            created=when,
            modified=when,
        )
        for a in sorted(attached, key=lambda a: a.name.encode())  # a name tree is sorted
    ]
    with warnings.catch_warnings():
        # WeasyPrint 70 opens its sRGB profile (the PDF/A output intent) and never closes the
        # file; it is closed when collected, which warns. That warning only, and only here.
        warnings.filterwarnings("ignore", ".*sRGB2014.icc", ResourceWarning)
        return document.write_pdf(
            pdf_variant="pdf/a-3u", pdf_tags=True, attachments=files, finisher=_declare_pdf_ua
        )


def _declare_pdf_ua(document, pdf) -> None:
    """Add PDF/UA-1's identification (``pdfuaid:part``) to the XMP metadata of the PDF/A
    variant (WeasyPrint writes one variant's identification; a PDF can claim both), and list
    each attachment once in /AF."""
    from xml.etree import ElementTree

    from weasyprint.pdf.metadata import NS

    # WeasyPrint 70 lists each attachment twice in the catalog's /AF (from the name tree and
    # from the file specifications): once is what PDF/A-3 asks.
    if "AF" in pdf.catalog:
        pdf.catalog["AF"] = type(pdf.catalog["AF"])(dict.fromkeys(pdf.catalog["AF"]))
    number = int(pdf.catalog["Metadata"].split()[0])  # a reference: b"12 0 R"
    stream = pdf.objects[number]
    rdf = ElementTree.fromstring(document.metadata.generate_rdf_metadata("a", 3, "U"))
    description = rdf.find(f"{{{NS['rdf']}}}Description")
    description.set(f"{{{NS['pdfuaid']}}}part", "1")
    header = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/">'
    )
    footer = b'</x:xmpmeta>\n<?xpacket end="r"?>'
    xml = ElementTree.tostring(rdf, encoding="utf-8")
    stream.stream = [b"\n".join((header, xml, *document.metadata.xmp_metadata, footer))]


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
        self, html: str, pdf: Path, attached: Sequence[Attached] = (), when: datetime | None = None
    ) -> None:
        """Write ``html`` as a PDF to ``pdf`` with ``attached`` embedded (dated ``when``);
        ``ReportError`` when it failed or took too long."""
        if self._process is None or self._process.poll() is not None:
            self.close()
            self._start()
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        body = html.encode("utf-8")
        request = {
            "pdf": str(pdf),
            "bytes": len(body),
            "attached": [a.to_json() for a in attached],
            "when": when.isoformat() if when else None,
        }
        header = json.dumps(request).encode() + b"\n"
        try:
            process.stdin.write(header + body)
            process.stdin.flush()
        except OSError:
            pass  # it died: its exit status is reported below
        ready, _, _ = select.select([process.stdout], [], [], self.seconds)
        if not ready:
            self.close()
            raise ReportError(
                f"the PDF took longer than {self.seconds:g} s to lay out and was stopped "
                f"(WeasyPrint's time grows with the square of an unbroken text's length: look "
                f"for a very long text in the data; {TIMEOUT_ENV} sets the limit)"
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
    """A page in the briefing's CSS with words from the catalogues of its language and of
    Chinese (quotes stay Chinese in every language), bold and regular: the real page's fonts."""
    import yaml

    def strings(value) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        return [value] if isinstance(value, str) else []

    words = []
    for code in dict.fromkeys((lang, "zh")):
        path = MESSAGES_DIR / f"{code}.yaml"
        if path.is_file():
            words.append(" ".join(strings(yaml.safe_load(path.read_text("utf-8"))))[:300])
    css = (NBCONVERT_TEMPLATES_DIR / "briefing" / "briefing.css").read_text("utf-8")
    text = " ".join(words).replace("<", " ").replace("&", " ")
    return (
        f'<html lang="{lang}"><head><style>{css}</style></head><body><main class="briefing">'
        f"<h1>{text}</h1><p>{text}</p></main></body></html>"
    )


def main() -> None:
    lang, seconds = sys.argv[1], float(sys.argv[2])
    # Answers go to the real standard output; whatever a library prints goes to stderr.
    answers, sys.stdout = sys.stdout, sys.stderr
    with contextlib.suppress(Exception):  # only a warm-up: the real page reports problems
        html_to_pdf(_warm_page(lang))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    while header := sys.stdin.buffer.readline():
        if not header.strip():
            continue
        request = json.loads(header)
        html = sys.stdin.buffer.read(request["bytes"]).decode("utf-8")
        attached = [Attached.from_json(a) for a in request.get("attached", [])]
        when = datetime.fromisoformat(request["when"]) if request.get("when") else None
        signal.alarm(math.ceil(seconds + _GRACE))  # never outlive the parent's limit
        try:
            Path(request["pdf"]).write_bytes(html_to_pdf(html, attached, when))
            answer: dict = {"peak_mb": _peak_mb()}
        except (ReportError, OSError) as exc:
            answer = {"error": str(exc)}
        except Exception as exc:  # WeasyPrint's own failure: said, and the child goes on
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
