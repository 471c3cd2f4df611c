"""Units as data (``tables.units``): meta/units.csv gives each language's words for a unit, over
the package's, and is checked where it is read."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

from report_utils.tables.units import base, entries, scale


def units(*rows: dict[str, object]) -> pd.DataFrame:
    columns = ["id", "base", "scale", "zh", "en", "en_one", "en_before", "en_large"]
    frame = pd.DataFrame([dict.fromkeys(columns, "") | r for r in rows], columns=columns)
    frame["scale"] = pd.to_numeric(frame["scale"].replace("", None)).astype(float)  # as load
    return frame.set_index("id")


def test_a_row_is_an_entry_of_each_language_it_words() -> None:
    table = units(
        {
            "id": "万人",
            "base": "人",
            "scale": 10000.0,
            "en": "people",
            "en_one": "person",
            "en_large": "words",
        },
        {"id": "亿元", "base": "元", "scale": 1e8, "en_before": "CNY", "en_large": "words"},
        {"id": "台", "en": "machines"},
        {"id": "户"},  # says nothing of English: the package's entry stands
    )
    en = entries(table, "en")
    assert en["万人"] == {"one": " person", "other": " people", "scale": 10000, "magnitudes": True}
    assert en["亿元"] == {
        "one": "",
        "other": "",
        "currency": "CNY ",
        "scale": 100000000,
        "magnitudes": True,
    }
    assert en["台"] == {"one": " machines", "other": " machines"}
    assert "户" not in en
    assert entries(table, "zh") == {}  # the tables' own language writes units as they do
    assert scale(table, "万人") == 10000 and base(table, "万人") == "人"
    assert scale(table, "吨") is None and base(table, "吨") == "吨"


def test_a_sign_takes_no_space_and_a_word_does() -> None:
    en = entries(units({"id": "成", "en": "%"}, {"id": "倍", "en": "-fold"}), "en")
    assert en["成"]["other"] == "%" and en["倍"]["other"] == "-fold"


def validate(data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "report_utils", "validate", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_scale_that_contradicts_the_units_own_word_is_refused_at_its_line(
    data_copy: Path,
) -> None:
    (data_copy / "meta" / "units.csv").write_text(
        "id,base,scale,en,en_large\n亿元,元,100000000,yuan,words\n万人,人,1000,people,words\n",
        encoding="utf-8",
    )
    result = validate(data_copy)
    assert result.returncode == 1
    assert "meta/units.csv:3: scale: '万人' is 10000 of its base unit, not 1000" in result.stdout


def test_a_scale_needs_its_base_unit(data_copy: Path) -> None:
    (data_copy / "meta" / "units.csv").write_text(
        "id,base,scale,en\n万人,,10000,people\n", encoding="utf-8"
    )
    result = validate(data_copy)
    assert result.returncode == 1
    assert "meta/units.csv:2: base: a unit with a scale names the base unit" in result.stdout


def test_a_publication_month_is_a_date_and_a_thirteenth_month_is_not(data_copy: Path) -> None:
    path = data_copy / "meta" / "sources.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    cells = lines[-1].split(",")
    cells[7] = "2022-03"  # published: the synthetic source's
    path.write_text("\n".join([*lines[:-1], ",".join(cells)]) + "\n", encoding="utf-8")
    assert validate(data_copy).returncode == 0
    cells[7] = "2022-13"
    path.write_text("\n".join([*lines[:-1], ",".join(cells)]) + "\n", encoding="utf-8")
    result = validate(data_copy)
    assert result.returncode == 1
    assert (
        f"meta/sources.csv:{len(lines)}: published: expected a date as YYYY-MM-DD or a month"
        in (result.stdout)
    )
