"""Release facts (``briefing.release``): the analyst's, from the data's catalogue; the package
invents none, and page 1 says which are not given."""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from report_utils.briefing import release
from report_utils.briefing.report import Briefing


def test_the_shipped_data_says_what_its_figures_are_and_gives_no_issuer_date_or_contact():
    """The example data set has no issuer, release date or contact: page 1 says so rather than
    naming a stand-in (or the package) as the issuer."""
    found = release.facts(Briefing().phrases)
    assert "不是统计部门的正式发布" in found["nature"]
    assert found["issuer"] == found["date"] == found["contact"] == ""
    assert release.metadata(found) == {"author": "", "description": found["nature"]}
    title = Markup(Briefing().title().html).striptags()
    assert "编制：数据中未给出" in title
    assert "发布日期：数据中未给出" in title and "联系方式：数据中未给出" in title


def test_a_date_and_contact_given_in_the_data_are_shown(data_copy: Path):
    en = data_copy / "messages" / "en.yml"
    text = en.read_text(encoding="utf-8")
    text = text.replace(
        '  date: ""\n  contact: ""\n', '  date: "2022-01-05"\n  contact: "SYNTHETIC"\n'
    )
    en.write_text(text, encoding="utf-8")
    title = Markup(Briefing(data_dir=data_copy, lang="en").title().html).striptags()
    assert "Released 5 January 2022." in title and "Contact: SYNTHETIC." in title
