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

What a control offers, and what a widget shows, as the page draws it: :mod:`.static_slots`. The
timeline's year range stops at the years of its events (only there does what it shows change) and at
the slider's own ends and opening values.
"""

from __future__ import annotations

from collections import deque

import ipywidgets as w

from .static_slots import (
    CONTROLS,
    Slot,
    StaticEditionError,
    choices,
    figure_json,
    hidden,
    kind_of,
    props,
    token,
)

__all__ = ["MAX_STATES", "StaticEditionError", "ViewStates", "figure_json", "token"]

#: Most states recorded for one view (the largest, the value chain's, has 160).
MAX_STATES = 1500
#: A range slider without events to stop at offers every whole value when its span is at most this.
MAX_PLAIN_SPAN = 60


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
        slot = Slot(len(self.slots), widget, kind_of(widget), parent, isinstance(widget, w.HBox))
        self.slots.append(slot)
        if slot.kind == "box":
            for child in widget.children:
                self._collect(child, slot.index)

    def _shown_indexes(self) -> set[int]:
        shown = set()
        for s in self.slots:
            if not hidden(s.widget) and (s.parent is None or s.parent in shown):
                shown.add(s.index)
        return shown

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
        return slot.value

    def _choices(self, slot: Slot) -> list[tuple[str, object]]:
        return choices(slot, self.stops.get(slot.index))

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
        controls = {c.index for c in self.controls}
        return [props(s, self.stops.get(s.index), s.index in controls) for s in self.slots]

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
