"""Message catalogues: the package's generic phrasing, and the analyst's sentences beside the data.

- ``src/report_utils/briefing/messages/<lang>.yaml`` (the package): numbers, periods, directions,
  units, region levels, the briefing's frame and the default words of each section kind.
- ``<data>/messages/<lang>.yml`` (the analyst): the briefing's title, each headline card's label
  and comparison, each section's title, sentences and chart words, under
  ``headlines.<id>.<key>`` and ``sections.<id>.<key>``.

A briefing's catalogue is the two merged, the analyst's keys over the package's; a section's key
missing in the analyst's catalogue falls back to its kind's default (``kinds.<kind>.<key>``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from report_utils.errors import ParameterError, Problem, display_path
from report_utils.paths import MESSAGES_DIR, MESSAGES_SUFFIX, messages_dir, messages_file
from report_utils.strict_yaml import load_yaml, read_yaml


def languages() -> list[str]:
    """Languages the package can phrase (one catalogue each)."""
    return sorted(p.stem for p in MESSAGES_DIR.glob("*.yaml"))


@cache
def package(lang: str) -> dict[str, Any]:
    """The package's catalogue of a language."""
    from report_utils.briefing.request import Facts, Request, check

    check(Request(lang=lang), Facts(languages=tuple(languages())))  # a language it phrases
    path = MESSAGES_DIR / f"{lang}.yaml"
    return load_yaml(path.read_text(encoding="utf-8"))[0]


def lookup(messages: dict[str, Any], key: str, lang: str) -> Any:
    """The entry at a dotted ``key`` of a catalogue (``ParameterError`` naming it if absent)."""
    node: Any = messages
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ParameterError(f"no message {key!r} in the {lang} catalogues")
        node = node[part]
    return node


def data_languages(data_dir: Path) -> list[str]:
    """Languages the data folder has sentences for (and the package can phrase)."""
    folder = messages_dir(data_dir)
    written = {p.stem for p in folder.glob(f"*{MESSAGES_SUFFIX}")} if folder.is_dir() else set()
    return [lang for lang in languages() if lang in written]


def read_data(data_dir: Path, lang: str):
    """The analyst's catalogue of a language, with its node lines (``strict_yaml.Located``) and the
    problems reading it; the catalogue is None when it cannot be read."""
    data, located, problems = read_yaml(messages_file(data_dir, lang))
    shown = display_path(messages_file(data_dir, lang))
    if not problems and not isinstance(data, dict):
        problems = [Problem(shown, 1, "-", "expected keys: briefing, headlines, sections")]
    elif not problems:
        # headlines and sections: an id -> its messages (the package's keys keep their own
        # types, checked with the rest of the catalogue)
        for group in ("headlines", "sections"):
            found = data.get(group, {})
            if not isinstance(found, dict):
                message = f"expected keys ({group[:-1]} id: its messages)"
                problems.append(Problem(shown, located.line((group,)), group, message))
                continue
            for key, value in found.items():
                if not isinstance(value, dict):
                    message = "expected keys (title, text ...)"
                    line = located.line((group, key))
                    problems.append(Problem(shown, line, f"{group}.{key}", message))
    return (None if problems else data), located, problems


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` on top of ``base``, mapping by mapping."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def briefing_catalogue(data_dir: Path | None, lang: str) -> dict[str, Any]:
    """The catalogue a briefing renders with: the analyst's over the package's."""
    messages = package(lang)
    if data_dir is None:
        return messages
    data, _, problems = read_data(data_dir, lang)
    if problems:
        from report_utils.errors import DataValidationError

        raise DataValidationError(problems)
    return merge(messages, data or {})
