"""YAML read strictly (``strict_yaml``): YAML 1.2's core scalars, keys as written. The spec's and
the catalogues' problems at their lines are tested in tests/briefing/test_spec.py."""

from __future__ import annotations

from report_utils.strict_yaml import load_yaml


def test_keys_and_ids_are_text_as_written():
    data, _ = load_yaml("no: off\ny: [yes, on, n, 1_000, 007, 2021-09-01, 1:20]\n1: true\n")
    assert data == {
        "no": "off",
        "y": ["yes", "on", "n", "1_000", "007", "2021-09-01", "1:20"],
        "1": True,
    }
