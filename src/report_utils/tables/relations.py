"""Rules between the rows of the metadata tables (``meta/indicators.csv``, ``meta/regions.csv``),
checked by validate once each table is clean. Rows come as ``fact_rules.rows`` makes them:
objects with the row's cells, ``file`` and ``line``.

- An indicator's ``of`` (what a change or gap is a difference of) is another known indicator, of a
  kind that has changes (not itself a change or gap); only a change or gap has one. A gap's
  ``base`` is a known region or another indicator.
- Regions: parents and compared regions are regions of the table; parents form a tree (no region
  is its own parent or ancestor: a rank "among" it would read 居全省第12位 for a province); ids
  are unique after case folding and Unicode normalisation (NFC), since they name folders, and a
  case-insensitive or normalising file system would put two of them in one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from types import SimpleNamespace

from report_utils.errors import Problem, suggest

DIFFERENCES = ("change", "gap")


def indicator_rules(rows: list[SimpleNamespace], regions: Iterable[str]) -> list[Problem]:
    """A change or gap is a difference of another known indicator that is not a difference
    itself; a gap's base is a known region or another indicator."""
    kinds = {r.id: r.kind for r in rows}
    regions = set(regions)
    problems = []
    for r in rows:
        where = (r.file, r.line)
        if r.of and r.of not in kinds:
            problems.append(
                Problem(*where, "of", f"unknown indicator {r.of!r}{suggest(r.of, kinds)}")
            )
        elif r.of and r.kind not in DIFFERENCES:
            problems.append(
                Problem(
                    *where,
                    "of",
                    f"only a change or gap is a difference of another indicator; "
                    f"a {r.kind} has no 'of' ({r.of!r})",
                )
            )
        elif r.of == r.id:
            message = f"a {r.kind} is a difference of another indicator, not of itself"
            problems.append(Problem(*where, "of", message))
        elif r.of and kinds[r.of] in DIFFERENCES:
            problems.append(
                Problem(
                    *where,
                    "of",
                    f"a {r.kind} is a difference of a figure (growth, share, rank, count, "
                    f"amount, capacity); {r.of!r} is itself a {kinds[r.of]}",
                )
            )
        if getattr(r, "among", "") and r.among not in regions:
            problems.append(
                Problem(*where, "among", f"unknown region {r.among!r}{suggest(r.among, regions)}")
            )
        if r.kind == "gap" and r.base and r.base not in kinds.keys() | regions:
            problems.append(
                Problem(
                    *where,
                    "base",
                    f"a gap is measured against a region (meta/regions.csv) or an indicator; "
                    f"{r.base!r} is neither{suggest(r.base, kinds.keys() | regions)}",
                )
            )
        elif r.kind == "gap" and r.base in (r.id, r.of):
            problems.append(
                Problem(
                    *where,
                    "base",
                    f"a gap is measured against another region or indicator, not {r.base!r}",
                )
            )
    return problems


def region_rules(rows: list[SimpleNamespace]) -> list[Problem]:
    """Parents and compared regions are known regions; parents form a tree; ids are unique
    after case folding and normalisation."""
    known = {r.id for r in rows}
    problems = _same_folder(rows)
    for r in rows:
        if r.parent and r.parent not in known:
            problems.append(Problem(r.file, r.line, "parent", f"unknown region {r.parent!r}"))
        for other in filter(None, (x.strip() for x in r.compare.split(";"))):
            if other not in known:
                problems.append(Problem(r.file, r.line, "compare", f"unknown region {other!r}"))
            elif other == r.id:
                problems.append(
                    Problem(r.file, r.line, "compare", "a region is not compared with itself")
                )
    return problems + _cycles(rows)


def folder_key(region: str) -> str:
    """What a case-insensitive, normalising file system makes of a region id."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", region).casefold())


def _same_folder(rows: list[SimpleNamespace]) -> list[Problem]:
    first: dict[str, SimpleNamespace] = {}
    problems = []
    for r in rows:
        key = folder_key(r.id)
        seen = first.setdefault(key, r)
        if seen is not r and seen.id != r.id:  # the same id twice is a duplicate (load)
            problems.append(
                Problem(
                    r.file,
                    r.line,
                    "id",
                    f"{r.id!r} and {seen.id!r} ({seen.file}:{seen.line}) differ only in case "
                    "or Unicode normalisation: their briefings would share one folder on "
                    "Windows or macOS; use one spelling",
                )
            )
    return problems


def _cycles(rows: list[SimpleNamespace]) -> list[Problem]:
    """Each region whose parents lead back to it, once per cycle (at its first row)."""
    parent = {r.id: r.parent for r in rows if r.parent}
    row = {r.id: r for r in rows}
    reported: set[str] = set()
    problems = []
    for r in rows:
        chain, current = [r.id], parent.get(r.id)
        while current and current not in chain and current in row:
            chain.append(current)
            current = parent.get(current)
        if current != r.id or r.id in reported:
            continue
        reported.update(chain)
        message = (
            "a region is not its own parent"
            if len(chain) == 1
            else f"parents form a cycle: {' → '.join([*chain, r.id])}"
        )
        problems.append(Problem(r.file, r.line, "parent", message))
    return problems
