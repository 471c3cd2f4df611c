"""`make lab` (scripts/lab.sh): JupyterLab starts as root and as a user, serves, and saves
notebooks without their outputs (issue 21). A real server, in the lab environment `make test`
sets up (.venv-lab), on a loopback port."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from report_utils.notebook_code import digest
from report_utils.paths import BRIEFING_NOTEBOOK, PROJECT_ROOT

TOKEN = "report-utils-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture
def lab(tmp_path: Path):
    port = free_port()
    log = (tmp_path / "lab.log").open("wb")
    process = subprocess.Popen(
        [
            "bash",
            str(PROJECT_ROOT / "scripts" / "lab.sh"),
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
            "LAB_NOTEBOOK_DIR": str(tmp_path),
        },
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"Lab exited {process.returncode}: {(tmp_path / 'lab.log').read_text()}"
                )
            try:
                if call(f"{base}/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"Lab did not serve in 90 s: {(tmp_path / 'lab.log').read_text()}")
            time.sleep(0.5)
        yield base, tmp_path
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_lab_serves_and_saves_notebooks_without_outputs(lab) -> None:
    base, folder = lab
    status, page = call(f"{base}/lab")
    assert status == 200 and b"JupyterLab" in page  # the Lab front end, not an error page
    nb = json.loads(BRIEFING_NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:  # as Lab sends a notebook that has run
        if cell["cell_type"] == "code":
            cell["execution_count"] = 3
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
            cell["metadata"]["execution"] = {"iopub.status.idle": "2026-12-03T10:00:00Z"}
    status, _ = call(
        f"{base}/api/contents/briefing.ipynb",
        "PUT",
        {"type": "notebook", "format": "json", "content": nb},
    )
    assert status in (200, 201)
    saved = json.loads((folder / "briefing.ipynb").read_text(encoding="utf-8"))
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert all("execution" not in c["metadata"] for c in code)
    assert code[0]["metadata"]["tags"] == ["parameters"]  # papermill's tag is code: kept
    # what was saved is the committed notebook's code: nothing to rebuild
    assert digest((folder / "briefing.ipynb").read_bytes()) == digest(
        BRIEFING_NOTEBOOK.read_bytes()
    )
