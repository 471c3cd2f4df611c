"""The bounds of a catalogue sentence: how much it may compute, build and render.

Every range and list, every text built (``~``, ``+``, ``*``) and the rendered sentence; the loop
iterations and calls of one sentence, with the sentences it renders through ``phrase()``;
integers; how deeply sentences render sentences. ``sandbox`` compiles sentences so that these
checks run on every operation; anything out of bounds raises ``SentenceError`` naming the bound.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import pass_eval_context
from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.runtime import markup_join

from report_utils.errors import ParameterError

MAX_TEXT = 100_000  # characters of a rendered sentence, and of any text built inside one
MAX_ITEMS = 10_000  # items of a range or of a list built inside a sentence
MAX_STEPS = 100_000  # loop iterations and calls of one sentence, with those it renders
MAX_DEPTH = 20  # sentences rendering sentences (phrase() inside a phrase ...)
MAX_INT_BITS = 128  # integers a sentence computes stay below 2**128


class SentenceError(ParameterError):
    """A sentence does what no sentence may (out of bounds, or outside the sandbox)."""


@dataclass
class Budget:
    steps: int = 0
    depth: int = 0

    def step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise SentenceError(
                f"the sentence takes more than {MAX_STEPS:,} loop steps and calls "
                "(with the sentences it renders)"
            )


_BUDGET: ContextVar[Budget | None] = ContextVar("sentence_budget", default=None)


def current_budget() -> Budget:
    # A template rendered outside ``render`` (never by the package) still counts.
    return _BUDGET.get() or Budget()


def check_text(size: int) -> None:
    if size > MAX_TEXT:
        raise SentenceError(f"the sentence builds text longer than {MAX_TEXT:,} characters")


def check_items(size: int) -> None:
    if size > MAX_ITEMS:
        raise SentenceError(f"the sentence builds a list or range of more than {MAX_ITEMS:,} items")


def check_int(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise SentenceError(f"the sentence computes an integer of more than {MAX_INT_BITS} bits")
    return value


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple)) else None


def bounded_range(*args: int) -> range:
    found = range(*args)
    check_items(len(found))
    return found


def power(left: Any, right: Any) -> Any:
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and right > 0
        and max(abs(left), 1).bit_length() * right > MAX_INT_BITS + right
    ):
        check_int(1 << (MAX_INT_BITS + 1))
    return left**right


def times(left: Any, right: Any) -> Any:
    for seq, n in ((left, right), (right, left)):
        size = _sized(seq)
        if size is not None and isinstance(n, int):
            (check_text if isinstance(seq, str) else check_items)(size * max(n, 0))
    if (
        isinstance(left, int)
        and isinstance(right, int)
        and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1
    ):
        check_int(1 << (MAX_INT_BITS + 1))
    return left * right


def plus(left: Any, right: Any) -> Any:
    a, b = _sized(left), _sized(right)
    if a is not None and b is not None:
        (check_text if isinstance(left, str) else check_items)(a + b)
    return left + right


def modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        raise SentenceError("text formatting with % is not available in a sentence")
    return left % right


def concat(items: Iterable[Any]) -> Any:
    """``a ~ b``: ``markup_join`` of Jinja's, after checking the length of the result."""
    parts = [str(item) if not hasattr(item, "__html__") else item for item in items]
    check_text(sum(len(part) for part in parts))
    return markup_join(parts)


def loop_items(value: Any) -> Iterator[Any]:
    """What a ``{% for %}`` goes over, one budget step per item."""
    budget = current_budget()
    for item in value:
        budget.step()
        yield item


@pass_eval_context
def join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> Any:
    """Jinja's ``join``, after checking the length of the result."""
    items = list(value)
    check_items(len(items))
    check_text(sum(len(str(i)) for i in items) + len(str(d)) * max(len(items) - 1, 0))
    return JINJA_FILTERS["join"](eval_ctx, items, d, attribute)


@contextmanager
def sentence_budget() -> Iterator[Budget]:
    """The budget of the sentence being rendered: a new one for a sentence rendered on its own,
    its caller's for a sentence rendered inside another (through a helper), one level deeper."""
    outer = _BUDGET.get()
    current = outer or Budget()
    token = _BUDGET.set(current) if outer is None else None
    current.depth += 1
    try:
        if current.depth > MAX_DEPTH:
            raise SentenceError(
                f"sentences render sentences more than {MAX_DEPTH} deep (does a phrase use itself?)"
            )
        yield current
    finally:
        current.depth -= 1
        if token is not None:
            _BUDGET.reset(token)
