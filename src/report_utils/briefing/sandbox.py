"""Catalogue sentences are data: Jinja templates compiled and rendered so that they can neither
reach Python nor run away.

Catalogues travel with data folders (and to the workers of a cluster), so whoever hands an
analyst a folder writes these templates. Jinja2's ``ImmutableSandboxedEnvironment`` is the
well-kept base (no ``_`` attributes, no mutation of lists and dicts, calls checked); on top of it:

- no loader and no globals but a bounded ``range``: ``{% include %}``, ``{% import %}``,
  ``{% extends %}``, macros and ``{% call %}`` are refused when a sentence is compiled, with its
  line; so are recursive loops;
- attributes: only the ones on an allow-list (a figure's fields, the loop's counters, a few
  text methods); the package's helpers (``amt``, ``val``, ``period`` ...) come in as values;
- filters: only the ones on an allow-list (no ``safe``: a sentence cannot mark text as markup);
- the catalogue's literal text is text: ``<``, ``>`` and ``&`` written in a sentence are escaped
  (the helpers still return their own markup, and values are escaped as always);
- bounds (``sentence_bounds``): every range and list, every text built (``~``, ``+``, ``*``) and
  the rendered sentence; the loop iterations and calls of one sentence, with the sentences it
  renders through ``phrase()``; integers; how deeply sentences render sentences.

Anything out of bounds raises ``SentenceError`` naming the bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from functools import cache, wraps
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from report_utils.briefing import sentence_bounds as bounds

# Filters a sentence may use: none returns markup from text, none grows text past its input.
ALLOWED_FILTERS = frozenset(
    {
        "abs",
        "capitalize",
        "count",
        "d",
        "default",
        "e",
        "escape",
        "first",
        "float",
        "int",
        "join",
        "last",
        "length",
        "lower",
        "max",
        "min",
        "reverse",
        "round",
        "sort",
        "string",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
    }
)
# Statements a sentence may use; anything else is refused at its line.
ALLOWED_STATEMENTS = (nodes.Output, nodes.If, nodes.For, nodes.Assign, nodes.With)
# Attributes a sentence may read, by the type of the object.
TEXT_METHODS = frozenset(
    {"upper", "lower", "title", "capitalize", "strip", "lstrip", "rstrip", "startswith", "endswith"}
)
LOOP_ATTRIBUTES = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
)
_ITEMS, _CONCAT, _TEXT = "sandbox_items", "sandbox_concat", "sandbox_text"


# How a refused statement is written (the others: their node's name, e.g. include, import).
_TAGS = {
    "AssignBlock": "set %}...{% endset",
    "CallBlock": "call",
    "FilterBlock": "filter",
    "FromImport": "from ... import",
    "ExprStmt": "do",
    "Scope": "autoescape",
    "OverlayScope": "autoescape",
    "ScopedEvalContextModifier": "autoescape",
    "EvalContextModifier": "autoescape",
}


def lower_first(text: object) -> str:
    """A name inside an English sentence: "Fixed-asset investment" → "fixed-asset investment";
    a leading acronym ("CATL ...") is left as it is. The one filter the package adds."""
    text = str(text)
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def as_text(value: Any) -> Any:
    """Markup a sentence cut or reshaped (sliced, trimmed, truncated, reversed ...) is text
    again: half of a helper's ``<a ...>`` followed by the sentence's own words would make a new
    element of them."""
    return str(value) if isinstance(value, Markup) else value


def _on_text(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose result, when it reshapes markup, is text (``as_text``)."""
    passes = getattr(function, "jinja_pass_arg", None) is not None

    @wraps(function)
    def filtered(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        value = args[1 if passes else 0] if len(args) > (1 if passes else 0) else None
        return as_text(result) if isinstance(value, Markup) and result is not value else result

    return filtered


# Filters that return markup from markup only as it was, or escaped: left as they are.
_KEEPS_MARKUP = frozenset({"e", "escape", "default", "d", "string"})


def _safe_filters() -> dict[str, Any]:
    found = {name: JINJA_FILTERS[name] for name in ALLOWED_FILTERS}
    found.update({"join": bounds.join, "lower_first": lower_first})
    found = {n: f if n in _KEEPS_MARKUP else _on_text(f) for n, f in found.items()}
    return {**found, _ITEMS: bounds.loop_items, _CONCAT: bounds.concat, _TEXT: as_text}


class CatalogueEnvironment(ImmutableSandboxedEnvironment):
    """The one environment catalogue templates are compiled in (see the module's docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False)
        self.globals.clear()
        self.globals["range"] = bounds.bounded_range
        self.filters = _safe_filters()
        self.binop_table = {
            "*": bounds.times,
            "**": bounds.power,
            "+": bounds.plus,
            "%": bounds.modulo,
        }

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_") or not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, str):  # no methods of markup: they would cut the helpers' tags
            return attr in TEXT_METHODS and not isinstance(obj, Markup)
        if isinstance(obj, LoopContext):
            return attr in LOOP_ATTRIBUTES
        return attr in _data_fields(type(obj))

    def wrap_str_format(self, value: Any) -> None:
        """No ``str.format`` (its widths build text of any length): refused as an attribute."""
        return None

    def getitem(self, obj: Any, argument: Any) -> Any:
        found = super().getitem(obj, argument)
        return as_text(found) if isinstance(obj, Markup) else found

    def call_binop(self, context: Any, operator_: str, left: Any, right: Any) -> Any:
        return bounds.check_int(self.binop_table[operator_](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        bounds.current_budget().step()
        return super().call(__context, __obj, *args, **kwargs)


@cache
def _data_fields(cls: type) -> frozenset[str]:
    """The fields a sentence may read: a figure's (value, unit, period, derived ...) and a
    period's (start, end, year, kind ...), and their properties; no methods, nothing of any
    other type."""
    from report_utils.briefing.figures import Figure
    from report_utils.tables.periods import Period

    if not (issubclass(cls, (Figure, Period)) and is_dataclass(cls)):
        return frozenset()
    properties = {name for name in dir(cls) if isinstance(getattr(cls, name, None), property)}
    return frozenset(f.name for f in fields(cls)) | properties


def escape_text(text: str) -> str:
    """Literal text of a sentence as HTML text: ``&``, ``<`` and ``>`` escaped (quotes need no
    escaping in text; rendered text reaches an attribute only as plain text, escaped there)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def checked(template: nodes.Template) -> nodes.Template:
    """The parsed sentence made safe to compile: statements outside the allow-list refused at
    their line, literal text escaped, loops and ``~`` bounded."""
    for node in template.body:
        _check_statement(node)
    for node in template.find_all(nodes.Filter):
        if node.name not in ENV.filters:
            why = ": a sentence's text is never markup" if node.name == "safe" else ""
            raise TemplateSyntaxError(
                f"no filter {node.name!r} in a sentence{why} (filters: "
                f"{', '.join(sorted(ALLOWED_FILTERS | {'lower_first'}))})",
                node.lineno,
            )
    for node in template.find_all(nodes.TemplateData):
        node.data = escape_text(node.data)
    for node in template.find_all(nodes.For):
        node.iter = nodes.Filter(node.iter, _ITEMS, [], [], None, None, lineno=node.lineno)
    return _rewritten(template)


def _check_statement(node: nodes.Node) -> None:
    if isinstance(node, nodes.Stmt) and not isinstance(node, ALLOWED_STATEMENTS):
        name = _TAGS.get(type(node).__name__, type(node).__name__.lower())
        raise TemplateSyntaxError(
            f"{{% {name} %}} is not available in a sentence (only if, for, set and with are)",
            node.lineno or 1,
        )
    if isinstance(node, nodes.For) and node.recursive:
        raise TemplateSyntaxError("recursive loops are not available in a sentence", node.lineno)
    for child in node.iter_child_nodes():
        _check_statement(child)


def _rewritten(node: nodes.Node) -> Any:
    """The tree bottom-up with ``_replaced`` applied to every node."""
    for name in node.fields:
        value = getattr(node, name, None)
        if isinstance(value, list):
            setattr(node, name, [_rewritten(v) if isinstance(v, nodes.Node) else v for v in value])
        elif isinstance(value, nodes.Node):
            setattr(node, name, _rewritten(value))
    return _replaced(node)


def _replaced(node: Any) -> Any:
    """``a ~ b`` as a bounded join; a slice ``x[1:]`` (which Jinja compiles to Python's own
    slicing, past the environment) as text when it slices markup."""
    if isinstance(node, nodes.Concat):
        items = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(items, _CONCAT, [], [], None, None, lineno=node.lineno)
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Slice):
        return nodes.Filter(node, _TEXT, [], [], None, None, lineno=node.lineno)
    return node


ENV = CatalogueEnvironment()


def parse(text: str) -> nodes.Template:
    """A sentence parsed and checked (``TemplateSyntaxError`` at the line of what is wrong)."""
    return checked(ENV.parse(text))


@cache
def compiled(text: str) -> Any:
    """A sentence compiled once per process (compiling was a tenth of a section's time)."""
    code = ENV.compile(parse(text))
    return ENV.template_class.from_code(ENV, code, ENV.make_globals(None), None)


def render(text: str, values: dict[str, Any]) -> Markup:
    """A sentence rendered as HTML within the bounds; sentences it renders (through a helper)
    share its budget of steps."""
    template = compiled(text)
    with bounds.sentence_budget():
        parts, size = [], 0
        for chunk in template.generate(**values):
            size += len(chunk)
            bounds.check_text(size)
            parts.append(chunk)
        return Markup("".join(parts))
