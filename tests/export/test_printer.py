"""The PDF printer: WeasyPrint in a child process that a timeout stops."""

import os
import subprocess
import time

import pytest

from report_utils.errors import ReportError
from report_utils.export.printer import TIMEOUT_ENV, Printer, timeout

# An event title of 20,000 characters in a table cell, as the briefing's appendix shows it:
# WeasyPrint's table layout time grows with the square of the cell's text (2,000 characters
# ~14 s on this kind of machine; 20,000 over 300 s).
RUNAWAY = (
    '<html lang="zh"><body><table><tr><td>ev-1</td><td>'
    + "工业发展大会" * 3400
    + "</td></tr></table></body></html>"
)


def _children() -> set[int]:
    """Process ids of this process's live children (from /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == os.getpid() and fields[0] != "Z":
                found.add(int(entry))
    return found


def test_a_pdf_that_would_take_minutes_is_stopped_at_the_limit(tmp_path):
    before = _children()
    started = time.perf_counter()
    with Printer("zh", seconds=2) as printer, pytest.raises(ReportError, match="longer than 2 s"):
        printer.print(RUNAWAY, tmp_path / "briefing.pdf")
    assert time.perf_counter() - started < 15  # imports and warm-up, then at most the limit
    assert not (tmp_path / "briefing.pdf").exists()
    assert _children() <= before  # the child was killed and reaped


def test_the_printer_writes_the_pdf_of_the_html(tmp_path):
    pdf = tmp_path / "briefing.pdf"
    with Printer("zh") as printer:
        printer.print('<html lang="zh"><body><h1>工业经济简报</h1><p>同比增长11.7%</p>', pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "工业经济简报" in text and "同比增长11.7%" in text
    assert printer.peak_mb and printer.peak_mb > 0


@pytest.mark.parametrize("value", ["nan", "0", "-5", "inf", "soon"])
def test_the_limit_must_be_a_number_of_seconds(monkeypatch, value):
    monkeypatch.setenv(TIMEOUT_ENV, value)
    with pytest.raises(ReportError, match=TIMEOUT_ENV):
        timeout()


def test_one_child_prints_one_pdf_after_another_and_a_stopped_one_is_replaced(tmp_path):
    page = '<html lang="zh"><body><h1>工业经济简报</h1><p>{}</p>'
    with Printer("zh", seconds=3) as printer:
        printer.print(page.format("第一份"), tmp_path / "1.pdf")
        child = printer._process.pid
        printer.print(page.format("第二份"), tmp_path / "2.pdf")
        assert printer._process.pid == child  # the same process, WeasyPrint loaded once
        with pytest.raises(ReportError, match="longer than 3 s"):
            printer.print(RUNAWAY, tmp_path / "runaway.pdf")
        printer.print(page.format("第三份"), tmp_path / "3.pdf")  # a new child
        assert printer._process.pid != child
    texts = [
        subprocess.run(["pdftotext", str(tmp_path / f"{n}.pdf"), "-"], capture_output=True,
                       text=True, check=True).stdout
        for n in (1, 2, 3)
    ]  # fmt: skip
    assert [("第一份" in t, "第二份" in t, "第三份" in t) for t in texts] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]


def test_a_failure_inside_weasyprint_is_answered_and_the_child_goes_on(monkeypatch, tmp_path):
    """The child's loop in this process: a request whose PDF fails with an error of WeasyPrint's
    own (not a ReportError) gets an answer naming it, and the next request is served."""
    import io
    import json
    import sys

    from report_utils.export import printer

    def fails_once(html, attached=(), when=None):
        if "first" in html:
            raise ValueError("no such box")
        return b"%PDF-"

    monkeypatch.setattr(printer, "html_to_pdf", fails_once)
    requests = b""
    for name, html in (("a.pdf", "first"), ("b.pdf", "second")):
        body = html.encode()
        requests += json.dumps({"pdf": str(tmp_path / name), "bytes": len(body)}).encode() + b"\n"
        requests += body
    answers = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["printer", "en", "30"])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(requests)))
    monkeypatch.setattr(sys, "stdout", answers)
    printer.main()
    first, second = (json.loads(line) for line in answers.getvalue().splitlines())
    assert first == {"error": "ValueError: no such box"}
    assert "error" not in second and (tmp_path / "b.pdf").read_bytes() == b"%PDF-"
