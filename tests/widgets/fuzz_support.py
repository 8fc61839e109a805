"""Helpers of the property-based tests: arbitrary JSON-like data, and what must happen with it.

Any input either works or raises ComponentError with a message; nothing else may happen. When input
is accepted, the model must survive a JSON round trip unchanged.
"""

import copy
import json

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from clusterlab.widgets import ComponentError

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(10**400), max_value=10**400)
           | st.floats() | st.text(max_size=20) | st.sampled_from(["x" * 2001, "é" * 6000, "9" * 5000]))
json_like = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def near(valid: dict, keys=None):
    """Strategy: ``valid`` with one field replaced by arbitrary JSON-like data, or removed."""
    keys = sorted(keys or valid)

    def mutate(key, value, drop):
        d = copy.deepcopy(valid)
        if drop:
            d.pop(key, None)
        else:
            d[key] = value
        return d

    return st.builds(mutate, st.sampled_from(keys + ["unexpected"]), json_like, st.booleans())


def works_or_explains(action, *args):
    """Run ``action``; a ComponentError must carry a message. Any other exception fails the test."""
    try:
        result = action(*args)
    except ComponentError as exc:
        assert str(exc).strip(), "a ComponentError without a message"
        event("refused")
        return None
    event("accepted")
    return result


def round_trips(model):
    again = type(model).from_dict(json.loads(json.dumps(model.to_dict(), allow_nan=False)))
    assert again == model
