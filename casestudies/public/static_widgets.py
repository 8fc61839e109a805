"""A read-only component view, taken apart for the static edition: its widgets and every state its controls reach.

The Voila dashboards show each chart as ``View(Model.from_case(case), read_only=True)`` (see
:mod:`.story`): a tree of ipywidgets around a plotly FigureWidget. A static page has no kernel to run
the view's callbacks, so they are run here, ahead of time. :class:`ViewStates` walks the view's
widget tree once (:attr:`~ViewStates.slots`: every widget, in page order), then sets its enabled
controls to every value a visitor can choose, one control at a time from every state reached, as
the visitor would, and records what the view then shows (:meth:`~ViewStates.explore`): the text of
each HTML widget, the value and choices of each control, and the plotly figure, as the view itself
made them. Nothing of a chart or a text is built here; the view's own code builds all of it.

A state is named by its key: the values of the enabled controls, as compact JSON (the page's script
builds the same key from its controls, see ``static/static-page.js``). Most controls only change
their own value; when setting one also changes others (the before-and-after view's subject picker
selects all the changes of that subject), the result is recorded as a move.

What a static control offers: every option of a dropdown or of toggle buttons; both states of a
toggle; for a multiple selection, every combination when there are at most :data:`ALL_SUBSETS_UP_TO`
options, else all of them or any one; for a range slider over years (the timeline's), every pair of
the years at which what is shown changes (the years of the model's events) and the slider's own
opening and end values.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from dataclasses import dataclass

import ipywidgets as w
import plotly.io as pio
from plotly.basewidget import BaseFigureWidget

from clusterlab.errors import ClusterlabError

#: Most states recorded for one view (the largest, the value chain's, has 160).
MAX_STATES = 1500
#: A multiple selection of at most this many options offers every combination (as checkboxes).
ALL_SUBSETS_UP_TO = 6
#: A range slider without events to stop at offers every whole value when its span is at most this.
MAX_PLAIN_SPAN = 60
#: The chart options of the dashboards' chart view (``static/figure-view.js``), under the figure's own.
CHART_CONFIG = {"responsive": True, "displaylogo": False}

#: Controls a visitor can use when they are enabled and shown.
CONTROLS = ("select", "toggles", "toggle", "multi", "range", "slider")


class StaticEditionError(ClusterlabError):
    """The static edition cannot be made; the message says why and what to do."""


def token(value) -> str:
    """``value`` as compact JSON: how a control's value is named in a state's key, here and on the page."""
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def _kind(widget) -> str:
    """The kind of ``widget`` as the page draws it (the order matters: subclasses first)."""
    for cls, kind in ((BaseFigureWidget, "figure"), (w.Box, "box"), (w.HTML, "html"), (w.HTMLMath, "html"),
                      (w.Label, "label"), (w.SelectMultiple, "multi"), (w.IntRangeSlider, "range"),
                      (w.IntSlider, "slider"), (w.ToggleButtons, "toggles"), (w.Dropdown, "select"),
                      (w.Select, "select"), (w.RadioButtons, "select"), (w.ToggleButton, "toggle"),
                      (w.Checkbox, "toggle"), (w.Text, "textbox"), (w.Textarea, "textbox"), (w.Button, "button")):
        if isinstance(widget, cls):
            return kind
    raise StaticEditionError(f"the static edition cannot show a {type(widget).__name__} widget; "
                             "add it to casestudies/public/static_widgets.py")


def options(widget) -> list[tuple[str, object]]:
    """A selection widget's options as (label, value) pairs, read as ipywidgets reads them."""
    out = []
    for item in widget.options:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            out.append(item)
        else:
            out.append((str(item), item))
    return out


def _style(widget) -> str:
    """The widget's layout (width, flex, overflow ...) as CSS; ``display`` is kept apart (hidden)."""
    layout = getattr(widget, "layout", None)
    if layout is None or isinstance(widget, BaseFigureWidget):
        return ""
    rules = []
    for name in layout.keys:
        if name.startswith("_") or name in ("display", "visibility"):
            continue
        value = getattr(layout, name, None)
        if value not in (None, ""):
            rules.append(f"{'gap' if name == 'grid_gap' else name.replace('_', '-')}:{value}")
    return ";".join(rules)


def _hidden(widget) -> bool:
    layout = getattr(widget, "layout", None)
    return not isinstance(widget, BaseFigureWidget) and layout is not None and layout.display == "none"


@dataclass
class Slot:
    """One widget of the view, in page order; ``parent`` is the index of the box holding it."""

    index: int
    widget: object
    kind: str
    parent: int | None
    row: bool = False  # a box laid out in a row (HBox) rather than a column

    @property
    def description(self) -> str:
        return str(getattr(self.widget, "description", "") or "")


def figure_json(figure) -> dict:
    """The plotly figure the view shows, as plain JSON (data, layout) with the chart options."""
    fig = json.loads(pio.to_json(figure, validate=False))
    return {"data": fig.get("data", []), "layout": fig.get("layout", {}),
            "config": {**CHART_CONFIG, **(getattr(figure, "_config", None) or {})}}


class ViewStates:
    """The widgets of a read-only view and, after :meth:`explore`, every state its controls reach.

    ``name`` (e.g. "igualada: timeline") only names the view in error messages.
    """

    def __init__(self, view, name: str = "a chart", max_states: int = MAX_STATES):
        self.view = view
        self.name = name
        self.max_states = max_states
        self.slots: list[Slot] = []
        self._collect(view.widget, None)
        shown = self._shown_indexes()
        self.controls = [s for s in self.slots if s.kind in CONTROLS and s.index in shown
                         and not getattr(s.widget, "disabled", False)]
        self.stops = {s.index: self._range_stops(s.widget) for s in self.controls if s.kind == "range"}
        self.states: list[list] = []  # per state: the props of every slot
        self.keys: dict[str, int] = {}
        self.moves: dict[str, int] = {}
        self._values: list[tuple] = []  # per state: the Python values of the controls
        self._offered: list[list] = []  # per state: what each control can be set to

    # ---------------------------------------------------------------------------- the tree
    def _collect(self, widget, parent: int | None) -> None:
        slot = Slot(len(self.slots), widget, _kind(widget), parent, isinstance(widget, w.HBox))
        self.slots.append(slot)
        if slot.kind == "box":
            for child in widget.children:
                self._collect(child, slot.index)

    def _shown_indexes(self) -> set[int]:
        shown = set()
        for s in self.slots:
            if not _hidden(s.widget) and (s.parent is None or s.parent in shown):
                shown.add(s.index)
        return shown

    def style(self, slot: Slot) -> str:
        return _style(slot.widget)

    def _range_stops(self, widget) -> list[int]:
        """The values a range slider stops at: where what is shown changes, and its own ends and value.

        A timeline shows the events between the two years, so only the years of its events change
        what is shown. Other range sliders offer every whole value of a short span.
        """
        ends = {widget.min, widget.max, *widget.value}
        events = getattr(getattr(self.view, "model", None), "events", None)
        if events:
            years = {getattr(e, "year", None) for e in events} - {None}
            return sorted(y for y in years | ends if widget.min <= y <= widget.max)
        if widget.max - widget.min > MAX_PLAIN_SPAN:
            raise StaticEditionError(f"{self.name}: the range slider '{widget.description}' spans "
                                     f"{widget.max - widget.min} values, too many to work out ahead of time")
        return list(range(widget.min, widget.max + 1, widget.step or 1))

    # ------------------------------------------------------------------ values and choices
    def _value(self, slot: Slot):
        value = slot.widget.value
        if slot.kind == "multi":  # in the order of the options, as the page lists them
            order = [v for _, v in options(slot.widget)]
            value = tuple(sorted(value, key=order.index))
        return value

    def _choices(self, slot: Slot) -> list[tuple[str, object]]:
        """What a visitor can set ``slot`` to now, as (label, value)."""
        kind, widget = slot.kind, slot.widget
        if kind in ("select", "toggles"):
            return options(widget)
        if kind == "toggle":
            return [("off", False), ("on", True)]
        if kind == "slider":
            return [(str(v), v) for v in range(widget.min, widget.max + 1, widget.step or 1)]
        if kind == "range":
            stops = self.stops[slot.index]
            return [(f"{a} – {b}", (a, b)) for a, b in itertools.combinations_with_replacement(stops, 2)]
        # multi: every combination of a few options, else all of them or any one
        opts = options(widget)
        values = [v for _, v in opts]
        if len(opts) <= ALL_SUBSETS_UP_TO:
            return [("", tuple(v for v, keep in zip(values, mask) if keep))
                    for mask in itertools.product((False, True), repeat=len(opts))]
        return [(f"All {len(opts)} shown", tuple(values))] + [(label, (v,)) for label, v in opts]

    def _props(self, slot: Slot, shown: set[int]) -> dict:
        """What the page shows of ``slot`` now (its text, value, choices), as plain JSON."""
        widget, kind = slot.widget, slot.kind
        props: dict = {}
        if _hidden(widget):
            props["hidden"] = True
        if getattr(widget, "disabled", False):
            props["disabled"] = True
        if kind == "figure":
            props["figure"] = figure_json(widget)
        elif kind == "html":
            props["html"] = widget.value
        elif kind == "label":
            props["text"] = str(widget.value)
        elif kind == "textbox":
            props["text"] = str(widget.value)
        elif kind == "toggle":
            props["on"] = bool(widget.value)
        elif kind in ("select", "toggles"):
            opts = options(widget)
            props["choices"] = [[label, token(v)] for label, v in opts]
            props["i"] = next((i for i, (_, v) in enumerate(opts) if v == widget.value), -1)
        elif kind == "multi":
            opts = options(widget)
            value = self._value(slot)
            if len(opts) <= ALL_SUBSETS_UP_TO:
                props["mode"] = "checks"
                props["choices"] = [[label, token(v)] for label, v in opts]
                props["on"] = [i for i, (_, v) in enumerate(opts) if v in value]
            else:
                choices = [[label, token(v)] for label, v in self._choices(slot)]
                props["mode"] = "pick"
                props["choices"] = choices
                props["i"] = next((i for i, (_, t) in enumerate(choices) if t == token(value)), -1)
        elif kind == "range":
            a, b = widget.value
            if slot.index in self.stops:
                stops = self.stops[slot.index]
                props["stops"] = [[str(y), token(y)] for y in stops]
                props["lo"], props["hi"] = stops.index(a), stops.index(b)
            props["text"] = f"{a} – {b}"
        elif kind == "slider":
            props.update(min=widget.min, max=widget.max, value=widget.value)
            if any(c.index == slot.index for c in self.controls):
                offered = self._choices(slot)
                props["choices"] = [[label, token(v)] for label, v in offered]
                props["i"] = next((i for i, (_, v) in enumerate(offered) if v == widget.value), -1)
        return props

    def key(self) -> str:
        return token([self._value(c) for c in self.controls])

    # --------------------------------------------------------------------------- exploring
    def explore(self) -> ViewStates:
        """Record every state reachable from the view's opening state; the opening state is state 0."""
        opening = tuple(self._value(c) for c in self.controls)
        pristine = self._props_now()
        coupled: set[int] = set()
        while True:
            try:
                self._explore(opening, coupled)
                break
            except _Coupled as found:  # a control that also sets others: start again, recording its moves
                coupled.add(found.control)
        # what the view shows must depend on its controls' values only, not on how they were reached
        if self.states[0] != pristine or self._props_now() != pristine:
            raise StaticEditionError(f"{self.name}: the view shows something else once its controls are set "
                                     "back to where they opened, so its states cannot be worked out ahead of time")
        return self

    def _props_now(self) -> list[dict]:
        shown = self._shown_indexes()
        return [self._props(s, shown) for s in self.slots]

    def _snapshot(self) -> int:
        problem = getattr(getattr(self.view, "error", None), "message", "")
        if problem:
            raise StaticEditionError(f"{self.name}: the view shows a problem: {problem}")
        n = len(self.states)
        self.states.append(self._props_now())
        self._values.append(tuple(self._value(c) for c in self.controls))
        self._offered.append([self._choices(c) for c in self.controls])  # options may depend on the state
        self.keys[self.key()] = n
        if n + 1 > self.max_states:
            raise StaticEditionError(f"{self.name}: its controls reach more than {self.max_states} states, "
                                     "too many to work out ahead of time")
        return n

    def _restore(self, state: int, skip: int | None = None) -> None:
        """Set the controls to their values in ``state`` (see :meth:`_set_all`).

        ``skip``: a control left as it is (about to be set); the others are then only checked.
        """
        self._set_all(self._values[state], skip)

    def _set_all(self, values: tuple, skip: int | None = None) -> None:
        """Set the controls to ``values``, in page order (as a visitor would)."""
        for _ in range(2):  # a second pass, for a control reset by one set after it
            for ci, (slot, value) in enumerate(zip(self.controls, values)):
                if ci != skip and self._value(slot) != value:
                    slot.widget.value = value
            if skip is not None or self.key() == token(list(values)):
                return
        raise StaticEditionError(f"{self.name}: its controls cannot be set back to an earlier state")

    def _explore(self, opening: tuple, coupled: set[int]) -> None:
        self.states, self.keys, self.moves, self._values, self._offered = [], {}, {}, [], []
        self._set_all(opening)  # from here on the view is set to a recorded state before each change
        first_key = self.key()
        self._snapshot()
        tried: set[tuple[int, str]] = set()
        queue = deque([0])
        while queue:
            state = queue.popleft()
            for ci, (slot, offered) in enumerate(zip(self.controls, self._offered[state])):
                for _, value in offered:
                    values = list(self._values[state])
                    values[ci] = value
                    expected = token(values)
                    if ci not in coupled and (ci, token(value)) in tried and expected in self.keys:
                        continue
                    # an independent control is set from the state with only itself changed
                    self._restore(state, skip=None if ci in coupled else ci)
                    slot.widget.value = value
                    tried.add((ci, token(value)))
                    got = self.key()
                    if got != expected:
                        if ci not in coupled:
                            raise _Coupled(ci)
                        if got not in self.keys:
                            queue.append(self._snapshot())
                        self.moves[f"{state}:{ci}:{token(value)}"] = self.keys[got]
                    elif got not in self.keys:
                        queue.append(self._snapshot())
        self._restore(0)
        if self.key() != first_key:
            raise StaticEditionError(f"{self.name}: the view does not return to its opening state")


class _Coupled(Exception):
    def __init__(self, control: int):
        self.control = control
