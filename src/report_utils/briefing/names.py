"""Names from the metadata in a briefing's language: indicators, regions, events, projects, case
subjects. A column in another language than the data's (``name_en``, ``title_en``,
``company_en``) is used where it is given; otherwise the name shows as the data writes it."""

from __future__ import annotations

import pandas as pd

from report_utils.tables.load import Dataset


class Names:
    """``source`` is the language the data is written in (the spec's ``language``): a briefing
    in it shows the free-text columns (date_text, status_text, expected, company, place,
    subject, quote) as written; another language shows their ``<column>_<lang>`` form where the
    data gives one (quotes always stay as written)."""

    def __init__(self, dataset: Dataset, lang: str, source: str):
        self.dataset = dataset
        self.lang = lang
        self.source = source
        self._events = dataset.events.set_index("id")
        self._cases = dataset.cases.set_index("id")
        self._projects = dataset.projects.set_index("id")

    @property
    def in_source_language(self) -> bool:
        return self.lang == self.source

    def localized(self, row: pd.Series, stem: str) -> str:
        """``row[stem_<lang>]`` when given, else the data's own form (``original``); a column
        without language forms (``company``, ``place``) is shown as written."""
        for column in (f"{stem}_{self.lang}", f"{stem}_{self.source}", stem):
            if column in row.index and row[column]:
                return str(row[column])
        return ""

    def original(self, row: pd.Series, stem: str) -> str:
        """A name as the data writes it, in its own language: ``row[stem_<source>]``."""
        return str(row[f"{stem}_{self.source}"])

    def own(self, row: pd.Series, stem: str) -> str:
        """A free-text column in this language only: ``row[stem]`` in the data's language,
        ``row[stem_<lang>]`` in another (empty where it has no translation)."""
        column = stem if self.in_source_language else f"{stem}_{self.lang}"
        return str(row[column]) if column in row.index and row[column] else ""

    def indicator(self, indicator: str) -> str:
        return self.localized(self.dataset.indicators.loc[indicator], "name")

    def region(self, region: str) -> str:
        regions = self.dataset.regions
        if region not in regions.index:
            return region
        row = regions.loc[region]
        return self.localized(row, "name") or region

    def subject(self, case: pd.Series) -> str:
        """The name of a case's subject: an event's title, a project's name, else the subject in
        this language (``subject_en``) or as written."""
        if case["subject_kind"] == "event" and case["subject"] in self._events.index:
            return self.localized(self._events.loc[case["subject"]], "title")
        if case["subject_kind"] == "project":
            projects = self.dataset.projects
            match = projects[projects[f"name_{self.source}"] == case["subject"]]
            if not match.empty:
                return self.localized(match.iloc[0], "name")
        return self.localized(case, "subject")

    def case(self, case_id: str) -> pd.Series:
        return self._cases.loc[case_id]

    def project(self, project_id: str) -> pd.Series:
        return self._projects.loc[project_id]
