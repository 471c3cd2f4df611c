"""The table schemas (``tables/schema.py``)."""

from __future__ import annotations

from pathlib import Path

from report_utils.briefing.meaning import APPROXIMATE
from report_utils.strict_yaml import load_yaml
from report_utils.tables import schema


def test_the_data_codes_are_package_data():
    """The codes the tables write (qualifiers, project statuses) are read from tables/codes.yaml,
    and the qualifier of an approximate change is one of them."""
    codes = load_yaml((Path(schema.__file__).parent / "codes.yaml").read_text("utf-8"))[0]
    assert set(codes["qualifiers"]) == set(schema.QUALIFIERS) - {""}
    assert set(codes["project_statuses"]) == set(schema.PROJECT_STATUSES)
    assert APPROXIMATE in codes["qualifiers"]
