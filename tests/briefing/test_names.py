"""Names in a briefing's language fall back to the data's own language, the one the spec
declares (``language``), never to a language written into the code."""

from __future__ import annotations

import pandas as pd
import pytest

from report_utils.briefing.names import Names
from report_utils.paths import DATA_DIR
from report_utils.tables.load import load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA_DIR)


ROW = pd.Series({"name_zh": "规上工业", "name_en": "", "name_fr": "industrie", "company": "CATL"})


def test_a_name_falls_back_to_the_data_language(dataset):
    assert Names(dataset, "en", "zh").localized(ROW, "name") == "规上工业"
    assert Names(dataset, "en", "fr").localized(ROW, "name") == "industrie"
    assert Names(dataset, "fr", "zh").localized(ROW, "name") == "industrie"
    assert Names(dataset, "en", "zh").localized(ROW, "company") == "CATL"  # no language forms


def test_the_original_is_the_data_language_column(dataset):
    assert Names(dataset, "en", "zh").original(ROW, "name") == "规上工业"
    assert Names(dataset, "zh", "fr").original(ROW, "name") == "industrie"


def test_a_briefing_in_the_data_language_shows_free_text_as_written(dataset):
    row = pd.Series({"date_text": "9月", "date_text_en": "September"})
    assert Names(dataset, "zh", "zh").own(row, "date_text") == "9月"
    assert Names(dataset, "en", "zh").own(row, "date_text") == "September"
    assert Names(dataset, "en", "en").own(row, "date_text") == "9月"
