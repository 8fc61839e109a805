import math

import pytest
from hypothesis import given, strategies as st

from clusterlab.analysis import AnalysisError, location_quotient
from clusterlab.errors import ClusterlabError


def test_textbook_value():
    assert location_quotient(5400, 180000, 95000, 9500000) == pytest.approx(3.0)
    assert location_quotient(900, 150000, 60000, 6000000) == pytest.approx(0.6)


def test_region_equal_to_reference_is_one():
    assert location_quotient(10, 100, 10, 100) == pytest.approx(1.0)


@pytest.mark.parametrize("args, words", [
    ((-1, 100, 10, 1000), "negative"),
    ((1, 0, 10, 1000), "e_r"),
    ((1, 100, 10, 0), "E "),
    ((1, 100, 0, 1000), "E_i"),
    ((200, 100, 300, 1000), "e_ir cannot be larger"),
    ((1, 100, 2000, 1000), "E_i cannot be larger"),
    ((50, 2000, 10, 1000), "region's figures"),
    ((True, 100, 10, 1000), "number"),
    (("5", 100, 10, 1000), "number"),
    ((math.nan, 100, 10, 1000), "finite"),
])
def test_invalid_inputs_are_explained(args, words):
    with pytest.raises(AnalysisError, match=words):
        location_quotient(*args)


@given(st.integers(0, 10**6), st.integers(1, 10**6), st.integers(1, 10**7), st.integers(1, 10**8))
def test_valid_or_value_error(e_ir, e_r, E_i, E):
    try:
        lq = location_quotient(e_ir, e_r, E_i, E)
    except AnalysisError:
        return
    assert lq >= 0 and math.isfinite(lq)


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=3), st.floats(allow_nan=True, allow_infinity=True),
                 st.integers(-10**30, 10**30), st.lists(st.integers(), max_size=2)),
       st.one_of(st.floats(allow_nan=True), st.integers(-5, 10**9)),
       st.one_of(st.floats(allow_nan=True), st.integers(-5, 10**9)),
       st.one_of(st.floats(allow_nan=True), st.integers(-5, 10**9)))
def test_no_input_raises_anything_but_the_courses_own_error(a, b, c, d):
    try:
        location_quotient(a, b, c, d)
    except AnalysisError as exc:
        assert isinstance(exc, ClusterlabError) and isinstance(exc, ValueError) and str(exc)
