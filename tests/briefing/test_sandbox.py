"""Catalogue sentences are data: rendered in the sandbox, they reach no Python, stay within their
bounds, and their literal text is text. Attempts to run code are observed by a file that must not
appear; runaway sentences must stop fast with the bound they broke."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import TemplateSyntaxError
from markupsafe import Markup

from report_utils.briefing import sandbox, sentence_bounds
from report_utils.briefing.figures import Figure, Lineage
from report_utils.briefing.phrasing import Phrasebook, _plain
from report_utils.tables.periods import Period

FIGURE = Figure(
    "figures", "ind", "贵州省", Period("2021-01", "2021-09"), 11.7, 1, "%", "", "reported", "",
    "src", "quote", "f.csv", 2,
)  # fmt: skip


def book() -> Phrasebook:
    return Phrasebook("en", Lineage(), {"src": "Source"}, context={"region": "Guizhou"})


def escapes(marker: Path) -> list[str]:
    """Sentences a hostile data folder could hold, each trying to write ``marker``."""
    run = f"system('touch {marker}')"
    return [
        f"{{{{ amt.__globals__.__builtins__.__import__('os').{run} }}}}",
        f"{{{{ amt.__func__.__globals__['__builtins__']['__import__']('os').{run} }}}}",
        f"{{{{ ''.__class__.__mro__[1].__subclasses__()[0].__init__.__globals__['os'].{run} }}}}",
        f"{{{{ self.__init__.__globals__.__builtins__.__import__('os').{run} }}}}",
        f"{{{{ lipsum.__globals__.os.{run} }}}}",
        f"{{{{ cycler.__init__.__globals__.os.{run} }}}}",
        f"{{{{ joiner.__init__.__globals__.os.{run} }}}}",
        f"{{{{ namespace.__init__.__globals__.os.{run} }}}}",
        f"{{{{ range.__globals__.os.{run} }}}}",
        f"{{{{ amt.__globals__.__builtins__.open('{marker}', 'w').write('x') }}}}",
        "{{ '{0.__class__.__init__.__globals__}'.format(amt) }}",
        "{{ ('{0.__globals__}' ~ '').format(amt) }}",
        f"{{{{ f.__class__.__init__.__globals__['os'].{run} }}}}",
        "{{ where.__self__.__dict__ }}{{ phrase.__self__.messages }}",
        f"{{% include '{marker}' %}}",
        f"{{% import '{marker}' as x %}}",
        f"{{% extends '{marker}' %}}",
        f"{{% from '{marker}' import x %}}",
        "{% macro m() %}{% endmacro %}{{ m() }}",
        "{% call amt(f) %}x{% endcall %}",
        "{% autoescape false %}<script>alert(1)</script>{% endautoescape %}",
        "{% set x %}<script>{% endset %}{% filter upper %}x{% endfilter %}",
        "{{ '%s' % amt }}",
    ]


def test_no_sentence_reaches_python(tmp_path: Path):
    marker = tmp_path / "pwned"
    for text in escapes(marker):
        with pytest.raises(Exception) as caught:
            book().render(text, template=True, f=FIGURE)
        assert not isinstance(caught.value, (RecursionError, MemoryError)), text
        assert not marker.exists(), text


def test_literal_markup_in_a_sentence_is_text_and_helpers_keep_theirs():
    html = book().render("<script>alert(1)</script> & {{ amt(f) }}", template=True, f=FIGURE)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in html
    assert '<a class="fig" href="#ref-F1" data-ref="F1"' in html  # the helper's own markup
    assert _plain(html).startswith("<script>alert(1)</script> & 11.7")


@pytest.mark.parametrize(
    "reshape",
    ["amt(f)|trim('>a/n')", "amt(f)|truncate(20)", "amt(f)[:-1]", "amt(f)|reverse",
     "amt(f)|string|truncate(25, True, '')", "amt(f)|title", "amt(f)|last", "amt(f).rstrip('>')",
     "(amt(f) ~ '')[:-1]", "amt(f)|join('')", "[amt(f)[:-1]]|join"],
)  # fmt: skip
def test_markup_a_sentence_reshapes_is_text(reshape: str):
    """Half of a helper's tag followed by the sentence's words would make an element of them."""
    whole = str(book().render("{{ amt(f) }}", template=True, f=FIGURE))
    try:
        html = str(
            book().render(
                f"{{{{ {reshape} }}}}img src=x onerror=alert(1) x=", template=True, f=FIGURE
            )
        )
    except Exception as exc:  # refused is fine too
        assert "unsafe" in str(exc)
        return
    assert "<" not in html.replace(whole, ""), html


def test_safe_is_refused_where_the_sentence_is_read():
    with pytest.raises(TemplateSyntaxError, match=r"no filter 'safe'.*never markup"):
        sandbox.parse("{{ '<img src=x onerror=alert(1)>'|safe }}")


def test_text_between_angle_brackets_is_kept():
    title = "Shares: firms <50 staff and >10 years, 5 < 6"
    assert book().render(title, template=True) == Markup(
        "Shares: firms &lt;50 staff and &gt;10 years, 5 &lt; 6"
    )
    assert _plain(book().render(title, template=True)) == title


def test_what_sentences_use_still_works():
    text = (
        "{% for m in month_names[:2] %}{{ m|lower_first }}{% if not loop.last %}, {% endif %}"
        "{% endfor %}; {{ range(3)|join('-') }}; {% if f.value > 0 %}{{ phrase('growth', f) }}"
        "{% endif %}; {{ 'ab'.upper() ~ region }}"
    )
    html = book().render(text, template=True, f=FIGURE)
    assert _plain(html) == "january, february; 0-1-2; up 11.7% year on year; ABGuizhou"


# --- a property: random sentences from a grammar of Jinja constructs ----------------------------

MARKER = Path(tempfile.mkdtemp()) / "escaped"  # a sentence that reached Python would write it
ATOMS = [
    "1", "10**10", "'x'*10**6", "range(10**5)", "range(999)", "f", "f.value", "f.__class__",
    "amt", "amt(f)", "amt.__globals__", "''.__class__", "month_names", "region", "[1]*10**5",
    "'<b>'", "'{0.__class__}'.format(f)", "lipsum", "self", "loop", "9**99", "(1,2)",
    "amt(f)[:-1]", "amt(f)[1:]", "(amt(f)|trim('>a/'))", "'img src=x onerror=alert(1) x='",
    f"amt.__globals__.__builtins__.__import__('os').system('touch {MARKER}')",
    f"amt.__func__.__globals__['__builtins__']['open']('{MARKER}', 'w')",
    "''.__class__.__mro__[1].__subclasses__()", "self.__init__.__globals__", "loop.__class__",
]  # fmt: skip


def expressions() -> st.SearchStrategy[str]:
    return st.recursive(
        st.sampled_from(ATOMS),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["~", "+", "*", "**", "%", "//"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["join", "length", "upper", "safe", "sum"])).map(
                lambda t: f"({t[0]}|{t[1]})"
            ),
            st.tuples(inner, st.sampled_from(["__init__", "mro", "value", "items", "format"])).map(
                lambda t: f"{t[0]}.{t[1]}"
            ),
            inner.map(lambda e: f"{e}()"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        ),
        max_leaves=6,
    )


def sentences() -> st.SearchStrategy[str]:
    expression = expressions()
    return st.recursive(
        st.one_of(expression.map(lambda e: f"{{{{ {e} }}}}"), st.sampled_from(["<i>x</i>", "&"])),
        lambda inner: st.one_of(
            st.tuples(expression, inner).map(
                lambda t: f"{{% for x in {t[0]} %}}{t[1]}{{% endfor %}}"
            ),
            st.tuples(expression, inner).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}"),
            st.tuples(expression, inner).map(lambda t: f"{{% set y = {t[0]} %}}{t[1]}"),
            st.tuples(inner, inner).map(lambda t: t[0] + t[1]),
        ),
        max_leaves=4,
    )  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentences())
def test_random_sentences_never_leave_the_sandbox_nor_their_bounds(text: str):
    start = time.process_time()
    try:
        html = book().render(text, template=True, f=FIGURE)
    except Exception as exc:
        assert not isinstance(exc, (RecursionError, MemoryError))
        message = str(exc)
        assert "globals" not in message or "unsafe" in message
    else:
        assert len(html) <= sentence_bounds.MAX_TEXT
        whole = str(book().render("{{ amt(f) }}", template=True, f=FIGURE))
        assert "<" not in str(html).replace(whole, "")  # no markup but the helpers', whole
        assert "__builtins__" not in html and "<function" not in html
    assert time.process_time() - start < 5
    assert not MARKER.exists()
