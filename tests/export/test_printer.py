"""The PDF printer: Typst in a child process that a timeout stops."""

import os
import subprocess
import time

import pytest

from report_utils.briefing.typst_markup import string
from report_utils.errors import ReportError
from report_utils.export.printer import TIMEOUT_ENV, Printer, timeout

# Typst that would run for hours (10**10 turns of a loop): what the time limit is for.
RUNAWAY = '#set document(title: "x")\n#for i in range(100000) { for j in range(100000) { } }\n'


def page(text: str) -> str:
    return (
        '#set document(title: "简报")\n'
        '#set text(lang: "zh", font: "Noto Sans CJK SC", cjk-latin-spacing: none)\n'
        f"#{string(text)}\n"
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


def _text(pdf) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_pdf_that_would_take_hours_is_stopped_at_the_limit(tmp_path):
    before = _children()
    started = time.perf_counter()
    with Printer("zh", seconds=2) as printer, pytest.raises(ReportError, match="longer than 2 s"):
        printer.print(RUNAWAY, tmp_path / "briefing.pdf")
    assert time.perf_counter() - started < 15  # imports and warm-up, then at most the limit
    assert not (tmp_path / "briefing.pdf").exists()
    assert _children() <= before  # the child was killed and reaped


def test_the_printer_writes_the_pdf_of_the_source_with_its_files(tmp_path):
    pdf = tmp_path / "briefing.pdf"
    source = page("工业经济简报 同比增长11.7%") + '#read("notes/a.txt")\n'
    with Printer("zh") as printer:
        printer.print(source, pdf, {"notes/a.txt": "附注".encode()})
    text = _text(pdf)
    assert "工业经济简报" in text and "同比增长11.7%" in text and "附注" in text
    assert printer.peak_mb and printer.peak_mb > 0


def test_typst_errors_are_reported_in_one_line(tmp_path):
    with Printer("zh") as printer, pytest.raises(ReportError, match="unknown variable: nope"):
        printer.print(page("x") + "#nope\n", tmp_path / "bad.pdf")
    assert not (tmp_path / "bad.pdf").exists()


@pytest.mark.parametrize("value", ["nan", "0", "-5", "inf", "soon"])
def test_the_limit_must_be_a_number_of_seconds(monkeypatch, value):
    monkeypatch.setenv(TIMEOUT_ENV, value)
    with pytest.raises(ReportError, match=TIMEOUT_ENV):
        timeout()


def test_one_child_prints_one_pdf_after_another_and_a_stopped_one_is_replaced(tmp_path):
    with Printer("zh", seconds=3) as printer:
        printer.print(page("第一份"), tmp_path / "1.pdf")
        child = printer._process.pid
        printer.print(page("第二份"), tmp_path / "2.pdf")
        assert printer._process.pid == child  # the same process, Typst and fonts loaded once
        with pytest.raises(ReportError, match="longer than 3 s"):
            printer.print(RUNAWAY, tmp_path / "runaway.pdf")
        printer.print(page("第三份"), tmp_path / "3.pdf")  # a new child
        assert printer._process.pid != child
    texts = [_text(tmp_path / f"{n}.pdf") for n in (1, 2, 3)]
    assert [("第一份" in t, "第二份" in t, "第三份" in t) for t in texts] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]


def test_a_failure_inside_typst_is_answered_and_the_child_goes_on(monkeypatch, tmp_path):
    """The child's loop in this process: a request whose PDF fails with an error that is not a
    ReportError gets an answer naming it, and the next request is served."""
    import io
    import json
    import sys

    from report_utils.export import printer

    def fails_once(root, source, when=None):
        if "first" in source:
            raise ValueError("no such font")
        return b"%PDF-"

    monkeypatch.setattr(printer, "typeset_in", fails_once)
    monkeypatch.setattr(printer, "_warm_page", lambda lang: "")
    requests = b""
    for name, source in (("a.pdf", "first"), ("b.pdf", "second")):
        body = source.encode()
        request = {"pdf": str(tmp_path / name), "root": str(tmp_path), "bytes": len(body)}
        requests += json.dumps(request).encode() + b"\n" + body
    answers = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["printer", "en", "30"])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(requests)))
    monkeypatch.setattr(sys, "stdout", answers)
    printer.main()
    first, second = (json.loads(line) for line in answers.getvalue().splitlines())
    assert first == {"error": "ValueError: no such font"}
    assert "error" not in second and (tmp_path / "b.pdf").read_bytes() == b"%PDF-"
