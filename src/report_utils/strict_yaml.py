"""YAML read strictly, with the line of every node: the one loader of the project's YAML (the
briefing spec, the catalogues of the package and of a data folder, the tables' codes).

PyYAML's safe loader reads YAML 1.1, where ``no`` is false and ``1:20`` a number, keeps the last
of two equal keys without a word, and follows aliases that can stand for billions of nodes;
``StrictLoader`` refuses or fixes each, and ``read_yaml`` turns every problem into one line at
the file's line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from report_utils.errors import Problem, display_path


class Located:
    """A YAML document with the line (1-based) of each of its nodes, by path."""

    def __init__(self, node: yaml.Node | None, text: str = ""):
        self.node = node
        self.lines = text.splitlines()

    def line(self, path: tuple[Any, ...]) -> int:
        """The line of the node at ``path`` (keys and list indices), or of its nearest parent."""
        return self._find(path)[0]

    def raw(self, path: tuple[Any, ...]) -> tuple[int, list[str]]:
        """The first line and the lines of the file a scalar at ``path`` is written on (a block
        scalar, ``>-``, starts on the line after its key)."""
        line, node = self._find(path)
        if not isinstance(node, yaml.ScalarNode):
            return line, []
        start, end = node.start_mark.line, node.end_mark.line
        if node.style in (">", "|"):
            start += 1
        return start + 1, self.lines[start : max(end, start + 1)]

    def _find(self, path: tuple[Any, ...]) -> tuple[int, yaml.Node | None]:
        node = self.node
        line = node.start_mark.line + 1 if node is not None else 1
        for step in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if key.value == step:
                        child = value
                        line = key.start_mark.line + 1
                        break
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(step, int)
                and 0 <= step < len(node.value)
            ):
                child = node.value[step]
                line = child.start_mark.line + 1
            if child is None:
                return line, None
            node = child
        return line, node


# How deeply a spec or catalogue may nest (the shipped ones nest 6 deep); deeper is refused at
# its line before PyYAML's composer, which recurses, runs out of stack.
MAX_NESTING = 40
MAX_YAML_BYTES = 2_000_000  # the shipped catalogues are 10 KB: a larger file is not one
_CORE_SCALARS = (
    # YAML 1.2's core schema, which PyYAML (YAML 1.1) does not have: yes/no/on/off/y/n stay
    # text, as do 1_000, 0777-looking numbers, 1:20 and dates; keys are strings as written.
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+.0123456789"),
    ),
)


class StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, strict: YAML 1.2 core scalars only, no anchors or aliases (a
    handful of aliases can stand for billions of nodes), a duplicate key is an error naming
    both lines, and nesting is bounded. Hand-written on PyYAML because no maintained library
    gives all four with node lines (ruamel.yaml's round-trip loader would, as a new
    dependency)."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[Any]]] = {}

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not supported", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_NESTING:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_NESTING} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        """A mapping whose keys are text as written (``no:`` is the key "no", ``1:`` the key
        "1"), each key once."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, _ in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be text", key.start_mark
                    )
                key.tag = "tag:yaml.org,2002:str"
                line = key.start_mark.line + 1
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {key.value!r} (lines {seen[key.value]} and {line}): "
                        "only one would be kept",
                        key.start_mark,
                    )
                seen[key.value] = line
        return super().construct_mapping(node, deep)


for _tag, _pattern, _first in _CORE_SCALARS:
    StrictLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """A YAML document read strictly (``StrictLoader``), with its node tree."""
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[Any, Located, list[Problem]]:
    """A YAML file's content and node lines, read strictly (``StrictLoader``); a syntax error,
    a duplicate key or too deep a nesting is a problem at its line."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            message = f"the file is larger than {MAX_YAML_BYTES // 1_000_000} MB"
            return None, Located(None), [Problem(shown, 0, "-", message)]
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, Located(None), [Problem(shown, 0, "-", "file is missing")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, Located(None), [Problem(shown, 0, "-", f"cannot read the file: {exc}")]
    try:
        data, node = load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        return None, Located(None), [Problem(shown, line, "-", f"YAML: {exc.problem}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ESC ...)
        line = text[: exc.position].count("\n") + 1
        message = f"YAML: character U+{exc.character:04X} is not allowed in a YAML file"
        return None, Located(None), [Problem(shown, line, "-", message)]
    except yaml.YAMLError as exc:
        return None, Located(None), [Problem(shown, 0, "-", f"YAML: {exc}")]
    return data, Located(node, text), []
