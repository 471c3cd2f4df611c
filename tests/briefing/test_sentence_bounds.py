"""A catalogue sentence stays within its bounds: runaway sentences stop fast with the bound
they broke, and sentences rendering sentences share one budget."""

from __future__ import annotations

import time

import pytest

from report_utils.briefing.figures import Figure, Lineage
from report_utils.briefing.phrasing import Phrasebook
from report_utils.briefing.sentence_bounds import SentenceError
from report_utils.tables.periods import Period

FIGURE = Figure(
    "figures", "ind", "贵州省", Period("2021-01", "2021-09"), 11.7, 1, "%", "", "reported", "",
    "src", "quote", "f.csv", 2,
)  # fmt: skip


def book() -> Phrasebook:
    return Phrasebook("en", Lineage(), {"src": "Source"}, context={"region": "Guizhou"})


@pytest.mark.parametrize(
    ("text", "bound"),
    [
        ("{% for i in range(10**10) %}x{% endfor %}", "10,000 items"),
        ("{% for i in 'x'*10**9 %}x{% endfor %}", "100,000 characters"),
        ("{% for i in range(9999) %}{% for j in range(9999) %}{% endfor %}{% endfor %}", "steps"),
        ("{% set a = 'x'*99999 %}{{ a ~ a }}", "100,000 characters"),
        ("{% set a = 'xxxxxxxxxx' %}" + "{% set a = a~a~a~a~a~a~a~a~a~a %}" * 6, "characters"),
        ("{% for i in range(9999) %}{{ 'abcdefghijklmnopqrstuvwxyz' }}{% endfor %}", "characters"),
        ("{{ 2**(10**10) }}", "128 bits"),
        ("{% set n = 10**30 %}{{ n*n*n*n*n }}", "128 bits"),
        ("{{ ([1]*9999)|join('x'*99) }}", "characters"),
        ("{{ [0]*10**6 }}", "10,000 items"),
        ("{{ [1, 2] + [3]*9999 }}", "10,000 items"),
        ("{{ '%99999999s' % 1 }}", "formatting with %"),
        ("{{ '{:>99999999}'.format(1) }}", "unsafe"),
    ],
)
def test_runaway_sentences_stop_at_their_bound(text: str, bound: str):
    start = time.process_time()
    with pytest.raises(Exception, match=bound):
        book().render(text, template=True, f=FIGURE)
    assert time.process_time() - start < 5


def test_a_phrase_that_phrases_itself_stops_with_a_message():
    messages = {**book().messages, "phrase": {**book().messages["phrase"]}}
    messages["phrase"]["share"] = "{{ phrase('share', f) }}{{ phrase('share', f) }}"
    looping = Phrasebook("en", Lineage(), {}, messages=messages)
    with pytest.raises(SentenceError, match=r"deep|steps"):
        looping.render("{{ phrase('share', f) }}", template=True, f=FIGURE)
