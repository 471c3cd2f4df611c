"""The release facts of a briefing: who issues it, when, whom to ask and what its figures are.

They are the analyst's words, in the data's catalogue (``release.issuer``, ``release.date`` as
``YYYY-MM-DD``, ``release.contact``, ``release.nature``); the package invents none. Page 1
shows them under the title (``briefing.release`` of the package's catalogue says which are not
given); the PDF's metadata carries the issuer as its author and the nature as its description
(``record.RELEASE_MIMETYPE``).
"""

from __future__ import annotations

from report_utils.briefing.phrasing import Phrasebook

FACTS = ("issuer", "date", "contact", "nature")


def facts(book: Phrasebook) -> dict[str, str]:
    """Each fact as text ("" where the data gives none); the date in the language's words."""
    found = {
        k: str(book.message(f"release.{k}")) if book.has(f"release.{k}") else "" for k in FACTS
    }
    if found["date"]:
        found["date"] = book.date_text(found["date"])
    return found


def metadata(found: dict[str, str]) -> dict[str, str]:
    """What the PDF's metadata takes from the facts."""
    return {"author": found["issuer"], "description": found["nature"]}
