"""Every row's quote is found, word for word, in its source's text.

A source of ``meta/sources.csv`` whose ``locator`` names a text file inside the data folder
(``sources/guizhou-industry-2021.txt``) has each quote of the figures, events, projects and cases
that cite it checked against that text: a quote that is not in it is an error at the row's
``quote`` cell (a typo in a quote, or a figure whose evidence is not where the data says). A
source without a text file in the data folder cannot be checked: one warning for the source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from report_utils.errors import Problem, display_path
from report_utils.tables.asof import FACT_TABLES

LOCATOR = "locator"


def source_texts(dataset: Any) -> tuple[dict[str, str], list[Problem]]:
    """The text of each source that has one in the data folder, and a warning per source
    that has none."""
    root = Path(dataset.data_dir).resolve()
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    sources = dataset.sources
    for source_id, row in sources.iterrows():
        where = (row["_file"], int(row["_line"]), LOCATOR)
        locator = str(row.get(LOCATOR, "") or "")
        path = (root / locator).resolve() if locator else None
        if path is None or not path.is_relative_to(root) or not path.is_file():
            problems.append(
                Problem(
                    *where,
                    f"source {source_id!r} has no text file in the data folder "
                    f"({locator or 'no locator'}): its quotes cannot be checked",
                    severity="warning",
                )
            )
            continue
        try:
            texts[str(source_id)] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(
                Problem(*where, f"cannot read {display_path(path)} as UTF-8 text: {exc}")
            )
    return texts, problems


def check_quotes(dataset: Any) -> list[Problem]:
    """A problem for each quote that is not in its source's text."""
    texts, problems = source_texts(dataset)
    for table in FACT_TABLES:
        frame = getattr(dataset, table)
        for row in frame.to_dict("records"):
            text = texts.get(row["source"])
            if text is not None and row["quote"] not in text:
                problems.append(
                    Problem(
                        row["_file"],
                        int(row["_line"]),
                        "quote",
                        f"not found word for word in the text of source {row['source']!r}: "
                        f"{row['quote']!r}",
                    )
                )
    return problems
