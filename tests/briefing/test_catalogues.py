"""The package's message catalogues (``briefing.catalogues``, ``briefing/messages/<lang>.yaml``):
every language has the same messages, and words for every code the data writes."""

from __future__ import annotations

import pytest

from report_utils.briefing.phrasing import catalogue, languages
from report_utils.tables import schema


def test_catalogue():
    assert {"zh", "en"} <= set(languages())
    for lang in languages():
        assert catalogue(lang)["lang"] == lang


def _keys(node, prefix=""):
    if not isinstance(node, dict):
        return {prefix}
    return {k for key, value in node.items() for k in _keys(value, f"{prefix}.{key}")}


# Tables whose keys are data values or language-specific (units: only for translated units).
LANGUAGE_TABLES = {
    "units",
    "number.qualifiers",
    "number.ordinal",
    "number.magnitudes",
    "number.written_magnitudes",
    "project_status",
}


@pytest.mark.parametrize("lang", [x for x in languages() if x != "zh"])
def test_catalogues_have_the_same_messages(lang):
    def messages(name):
        keys = _keys(catalogue(name))
        return {
            k
            for k in keys
            if not any(k[1:].startswith(t) for t in LANGUAGE_TABLES)
            and k not in {".month_names", ".month_abbrs"}
        }

    assert messages(lang) == messages("zh")


@pytest.mark.parametrize("lang", languages())
def test_catalogues_cover_every_data_code(lang):
    """Every qualifier and project status the schema allows has words in every language."""
    messages = catalogue(lang)
    assert set(messages["number"]["qualifiers"]) == set(schema.QUALIFIERS) - {""}
    assert list(messages["project_status"]) and set(messages["project_status"]) == set(
        schema.PROJECT_STATUSES
    )
