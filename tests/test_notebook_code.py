"""The notebook's code without its outputs, and the digest that tells a changed notebook."""

from __future__ import annotations

import hashlib
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


def test_strip_keeps_tags_and_the_kernel_and_leaves_the_original_alone() -> None:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "source": "x = 1",
                "metadata": {"tags": ["parameters"], "collapsed": True, "execution": {"t": 1}},
                "outputs": [{"output_type": "stream", "text": "1"}],
                "execution_count": 3,
            },
            {"cell_type": "markdown", "source": "# 标题", "metadata": {"jupyter": {}}},
        ],
        "metadata": {"kernelspec": {"name": "python3"}},
    }
    stripped = strip(nb)
    code, text = stripped["cells"]
    assert code["metadata"] == {"tags": ["parameters"]}
    assert code["outputs"] == [] and code["execution_count"] is None
    assert text == {"cell_type": "markdown", "source": "# 标题", "metadata": {}}
    assert stripped["metadata"] == {"kernelspec": {"name": "python3"}}
    assert nb["cells"][0]["execution_count"] == 3  # a copy: the notebook given is unchanged


def test_a_source_as_lines_or_as_one_string_is_the_same_code() -> None:
    def notebook(source) -> bytes:
        return json.dumps({"cells": [{"cell_type": "code", "source": source}]}).encode()

    assert digest(notebook(["a = 1\n", "b = 2"])) == digest(notebook("a = 1\nb = 2"))
    assert digest(notebook("a = 1\nb = 3")) != digest(notebook("a = 1\nb = 2"))


def test_the_kernel_is_part_of_the_code_and_a_non_notebook_is_hashed_as_bytes() -> None:
    cells = [{"cell_type": "code", "source": "x"}]
    py3 = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}}
    other = {"cells": cells, "metadata": {"kernelspec": {"name": "ir"}}}
    assert digest(json.dumps(py3).encode()) != digest(json.dumps(other).encode())
    assert digest(b"not json") == hashlib.sha256(b"not json").hexdigest()
