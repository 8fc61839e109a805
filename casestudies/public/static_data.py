"""The data script of a static page: the states of its views, each value stored once.

A view's states repeat most of what they show (the same hover texts, the same axis, the same note in
many states), so every value goes into one pool per page and states refer to it by number; long
strings are stored once more finely, in a table of strings. The page's script
(``static/static-page.js``, function ``pooled``) reads it back. The layout of the data:

* ``strings``: the table of long strings; in the pool, a string ``"\\u0001<n>"`` stands for string n;
* ``pool``: JSON values, each stored once;
* ``views``: per view, ``kinds`` (the kind of each widget, in page order), ``controls`` (the widgets a
  visitor uses), ``states`` (per state, per widget, the number of its props in the pool),
  ``keys`` (state key -> state), ``moves`` (``"<state>:<control>:<value>"`` -> state, for controls
  that also set others), and ``first``, the opening state (0).

The props of a chart are ``{"fig": {"d": [{key: n}, ...], "l": {key: n}, "c": n}}``: each trace's
and the layout's top-level values, and the chart options, by their number in the pool.
"""

from __future__ import annotations

import json

from .static_widgets import ViewStates

#: Strings at least this long go into the table of strings.
LONG = 16
#: Marks a reference to the table of strings (a control character: never in the course's texts).
REF = "\u0001"


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Pool:
    """Numbers values and long strings, each stored once."""

    def __init__(self):
        self.strings: list[str] = []
        self.values: list = []
        self._strings: dict[str, int] = {}
        self._values: dict[str, int] = {}

    def add(self, value) -> int:
        """The number of ``value`` in the pool (added if new)."""
        key = _canonical(value)
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = len(self.values)
            self.values.append(self._encode(value))
        return found

    def _encode(self, value):
        if isinstance(value, str):
            if value.startswith(REF):
                raise ValueError("a text starts with a control character")
            if len(value) < LONG:
                return value
            n = self._strings.get(value)
            if n is None:
                n = self._strings[value] = len(self.strings)
                self.strings.append(value)
            return f"{REF}{n}"
        if isinstance(value, dict):
            return {k: self._encode(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._encode(v) for v in value]
        return value

    def figure(self, fig: dict) -> dict:
        return {"d": [{k: self.add(v) for k, v in trace.items()} for trace in fig["data"]],
                "l": {k: self.add(v) for k, v in fig["layout"].items()}, "c": self.add(fig["config"])}

    def props(self, props: dict) -> int:
        if "figure" in props:
            props = {**{k: v for k, v in props.items() if k != "figure"}, "fig": self.figure(props["figure"])}
        return self.add(props)


def encode_view(states: ViewStates, pool: Pool) -> dict:
    """One explored view as data for the page (see the module's description)."""
    return {
        "kinds": [s.kind for s in states.slots],
        "controls": [c.index for c in states.controls],
        "states": [[pool.props(p) for p in state] for state in states.states],
        "keys": states.keys,
        "moves": states.moves,
        "first": 0,
    }


def data_script(views: list[ViewStates]) -> str:
    """The page's data as a script that sets ``window.CLUSTERLAB_PAGE`` (loaded with ``<script src>``)."""
    pool = Pool()
    encoded = [encode_view(v, pool) for v in views]
    data = {"strings": pool.strings, "pool": pool.values, "views": encoded}
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    # Safe inside any script: no "</script", no line separators that old parsers reject.
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.CLUSTERLAB_PAGE={text};\n"
