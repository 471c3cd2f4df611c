"""The cards' style for a notebook front end: the card rules of the briefing's own CSS, with its
colours set on the cards rather than the page, and only where an IPython kernel shows it."""

from __future__ import annotations

import re

from report_utils.briefing.notebook_style import CSS, card_css, show


def test_the_card_rules_are_the_briefings_own_and_nothing_else():
    rules = card_css().splitlines()
    assert rules, "briefing.css has card rules"
    for rule in rules:
        selector = rule.split("{")[0].strip()
        assert selector.startswith((".card", ".cards")), rule
    css = " ".join(CSS.read_text(encoding="utf-8").split())
    for rule in rules[1:]:  # each a rule of briefing.css, as written there (spaces aside)
        selector, body = rule.split(" { ")
        assert re.search(re.escape(selector) + r" ?\{ ?" + re.escape(body.rstrip(" }")), css), rule
    assert "@media" not in card_css() and "@page" not in card_css()


def test_the_pages_colours_are_set_on_the_cards_not_on_the_page():
    root = re.search(r":root\s*\{([^}]*)\}", CSS.read_text(encoding="utf-8"))
    assert root is not None
    colours = " ".join(root.group(1).split())
    assert card_css().splitlines()[0] == f".cards {{ {colours} }}"
    assert ":root" not in card_css()
    assert "var(--accent)" in card_css()  # the cards use the colours they are given


def test_without_a_kernel_nothing_is_shown(capsys):
    show()
    assert capsys.readouterr() == ("", "")
