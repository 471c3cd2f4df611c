"""``--scheduler``: an address that is not one is refused before anything is planned, and a port
where something that is not a Dask scheduler listens (a plain HTTP server, a program that accepts
and says nothing) fails within the connect bound with a one-line message. The servers are real,
on 127.0.0.1; the bound is shortened for the test."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from report_utils.batch import scheduler
from report_utils.cli import app
from report_utils.errors import ReportError
from report_utils.paths import DATA_DIR

BOUND = 2.0  # seconds the tests give the connect and handshake
SLACK = 20.0  # a loaded machine (the defect was a hang: any bound tells them apart)


@pytest.fixture
def http_server(tmp_path) -> Iterator[str]:
    """What ``python -m http.server --bind 127.0.0.1`` runs, on a free port."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # its log would mix with the command's output
            pass

    handler = partial(Quiet, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server that accepts every connection and never sends a byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ("127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ("tls://scheduler.example.org:8786", "tls://scheduler.example.org:8786"),
        ("tcp://[::1]:8786", "tcp://[::1]:8786"),
        ("TCP://dask-0", "tcp://dask-0"),
    ],
)
def test_a_scheduler_address_is_parsed(address, expected):
    assert scheduler.parse(address) == expected


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("not a url", "'not a url' is not a host name"),
        ("http://127.0.0.1:8786", r"http:// is not a Dask transport; use tcp or tls"),
        ("https://scheduler.example.org", "https:// is not a Dask transport"),
        ("tcp://127.0.0.1:99999", "its port is not a whole number from 1 to 65535"),
        ("tcp://127.0.0.1:port", "its port is not a whole number from 1 to 65535"),
        ("tcp://127.0.0.1:0", "its port is not a whole number from 1 to 65535"),
        ("tcp://", "no host"),
        ("", "no host"),
        ("tcp://host:8786/status", "a host and a port, nothing more"),
        ("tcp://user@host:8786", "a host and a port, nothing more"),
        ("tcp://-host-:8786", "not a host name"),
    ],
)
def test_an_address_that_is_not_one_is_refused_saying_why(address, why):
    with pytest.raises(ReportError, match=why) as caught:
        scheduler.parse(address)
    assert str(caught.value).startswith(f"the scheduler address {address!r} is not one")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("server", ["http_server", "silent_server"])
def test_a_port_that_is_no_scheduler_fails_within_the_bound(server, request):
    """A plain HTTP server held the build for over 1,200 s despite the 30 s timeout."""
    address = request.getfixturevalue(server)
    started = time.monotonic()
    with pytest.raises(ReportError, match=f"no Dask scheduler answered at {address} within 2 s"):
        scheduler.reach(address, BOUND)
    assert time.monotonic() - started < BOUND + SLACK


def test_a_port_where_nothing_listens_fails_within_the_bound():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        address = f"tcp://127.0.0.1:{taken.getsockname()[1]}"
    started = time.monotonic()
    with pytest.raises(ReportError, match="no Dask scheduler answered"):
        scheduler.reach(address, BOUND)
    assert time.monotonic() - started < BOUND + SLACK


def _start(command: list[str], base: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [Path(sys.executable).parent / "dask", *command, "--no-dashboard"],
        cwd=base,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _poll(read, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if answer := read():
                return answer
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.3)
    raise AssertionError("the Dask processes did not start")


def test_a_scheduler_is_reached_and_a_workers_port_is_refused_by_name(tmp_path):
    """A Dask worker's port answered the handshake, and the client then failed with a
    TypeError traceback."""
    file = tmp_path / "scheduler.json"
    processes = [_start(["scheduler", "--host", "127.0.0.1", "--port", "0",
                         "--scheduler-file", str(file)], tmp_path)]  # fmt: skip
    try:
        address = _poll(lambda: json.loads(file.read_text())["address"])
        processes.append(_start(["worker", address, "--no-nanny", "--host", "127.0.0.1"], tmp_path))
        scheduler.reach(address, 10)

        def worker() -> str:
            from distributed import Client

            with Client(address, timeout="10s") as client:
                return next(iter(client.scheduler_info(n_workers=-1)["workers"]), "")

        with pytest.raises(ReportError, match=r"is a Dask Worker, not a Dask scheduler$"):
            scheduler.reach(_poll(worker), 10)
    finally:
        for process in reversed(processes):  # the worker first: it would wait for its scheduler
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _build(out: Path, address: str):
    args = ["build", "--data", str(DATA_DIR), "--out", str(out), "--format", "html"]
    return CliRunner().invoke(app, [*args, "--scheduler", address])


@pytest.mark.parametrize("address", ["not a url", "http://127.0.0.1:8786"])
def test_the_build_refuses_a_malformed_address_in_one_line(tmp_path, address):
    result = _build(tmp_path / "out", address)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith(f"error: the scheduler address {address!r}")
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # refused before anything was planned or written


def test_the_build_at_an_http_server_ends_within_the_bound(tmp_path, http_server, monkeypatch):
    monkeypatch.setattr(scheduler, "CONNECT_SECONDS", BOUND)
    out = tmp_path / "out"
    started = time.monotonic()
    result = _build(out, http_server)
    connect_and_plan = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (
        f"error: no Dask scheduler answered at {http_server} within 2 s (nothing listens there, "
        "or something that is not a Dask scheduler)"
    )
    assert connect_and_plan < 60  # planning the shipped data, then the 2 s bound
    assert not list(out.rglob("briefing.*"))
