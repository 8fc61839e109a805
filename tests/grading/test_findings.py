"""The document checks' validators take what counts as a text and a number from the components' rules
(``clusterlab.widgets._checks``): the same values pass, with the same words, as findings."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, strategies as st

from clusterlab.grading import findings
from clusterlab import validation as _checks
from clusterlab.errors import ComponentError

values = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
          | st.text(max_size=20) | st.lists(st.integers(), max_size=3)
          | st.dictionaries(st.text(max_size=3), st.integers()))


def _refusal(check, *args, **kwargs) -> str | None:
    try:
        check(*args, **kwargs)
    except ComponentError as exc:
        return str(exc)
    return None


@given(values, st.booleans())
def test_number_refuses_what_the_components_refuse(value, whole):
    found = findings.number("rule", "X", value, low=None, integer=whole)
    refusal = _refusal(_checks.number, value, "this", -math.inf, math.inf, whole=whole)
    assert [f.message for f in found] == ([refusal] if refusal else [])
    assert findings.is_number(value) is (_refusal(_checks.number, value, "this", -math.inf, math.inf) is None)


@given(values)
def test_text_refuses_what_the_components_refuse(value):
    found = findings.text("rule", "X", value)
    refusal = _refusal(_checks.text, value, "this", max_len=math.inf)
    assert [f.message for f in found] == ([refusal] if refusal else [])


@pytest.mark.parametrize("value, low, high, message", [
    (-1, 0, None, "this cannot be below 0; got a number (-1)."),
    (101.5, 0, 100, "this cannot be above 100; got a number (101.5)."),
    (2.5, None, None, "this must be a whole number; got 2.5. Round it."),
    ("12", 0, None, "this must be a number; got a text ('12')."),
    (True, 0, None, "this must be a number; got a true/false value (True)."),
])
def test_number_findings_say_what_to_change(value, low, high, message):
    [found] = findings.number("rule", "KEY_FIGURES['firms']", value, low=low, high=high, integer=value == 2.5)
    assert found.message == message
    assert str(found) == f"key figures, firms: {message}"


def test_within_bounds_is_no_finding():
    assert findings.number("rule", "X", 3.0, low=0, high=100, integer=True) == []
    assert findings.text("rule", "X", "three words here", min_words=3) == []
    assert findings.text("rule", "X", "two words", min_words=3)[0].message == "write at least 3 words (you wrote 2)."
