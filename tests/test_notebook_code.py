"""The notebook's code without its outputs, and the digest that tells a changed notebook."""

from __future__ import annotations

import json

from report_utils.notebook_code import digest, strip
from report_utils.paths import BRIEFING_NOTEBOOK


def test_strip_and_digest_ignore_outputs_but_not_code() -> None:
    nb = json.loads(BRIEFING_NOTEBOOK.read_text(encoding="utf-8"))
    run = json.loads(json.dumps(nb))
    run["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    run["cells"][2]["execution_count"] = 7
    run["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
    assert strip(run)["cells"] == strip(nb)["cells"]
    assert digest(json.dumps(run).encode()) == digest(json.dumps(nb).encode())
    changed = json.loads(json.dumps(nb))
    changed["cells"][1]["source"] = ['period = "2021-09"\n']
    assert digest(json.dumps(changed).encode()) != digest(json.dumps(nb).encode())
    untagged = json.loads(json.dumps(nb))
    untagged["cells"][1]["metadata"] = {}
    assert digest(json.dumps(untagged).encode()) != digest(json.dumps(nb).encode())
