"""One widget of a component view as the static edition shows it: its kind, its layout, what it shows now.

Used by :mod:`.static_widgets`, which walks a view's widgets and runs its controls. A widget of a
view becomes a :class:`Slot` of the page, of one kind (a box, an HTML text, a chart, a dropdown ...;
the page's script, ``static/static-page.js``, draws each kind). :func:`props` is what a slot shows
at a moment, as plain JSON: the HTML of a text, the plotly figure of a chart, the value and choices
of a control. :func:`choices` is what a visitor can set a control to. Nothing here builds a text or
a chart: both are read from the widgets, as the view made them.

What a static control offers: every option of a dropdown or of toggle buttons; both states of a
toggle; for a multiple selection, every combination when there are at most :data:`ALL_SUBSETS_UP_TO`
options, else all of them or any one; for a range slider, every pair of its stops (see
``ViewStates`` for the stops of the timeline's year range).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import ipywidgets as w
import plotly.io as pio
from clusterlab.errors import ClusterlabError
from plotly.basewidget import BaseFigureWidget

#: A multiple selection of at most this many options offers every combination (as checkboxes).
ALL_SUBSETS_UP_TO = 6
#: The chart options of the dashboards' chart view (``static/figure-view.js``), under the figure's own.
CHART_CONFIG = {"responsive": True, "displaylogo": False}
#: Controls a visitor can use when they are enabled and shown.
CONTROLS = ("select", "toggles", "toggle", "multi", "range", "slider")

#: Widget class -> kind, in the order they are tried (subclasses first).
KINDS = ((BaseFigureWidget, "figure"), (w.Box, "box"), (w.HTML, "html"), (w.HTMLMath, "html"), (w.Label, "label"),
         (w.SelectMultiple, "multi"), (w.IntRangeSlider, "range"), (w.IntSlider, "slider"),
         (w.ToggleButtons, "toggles"), (w.Dropdown, "select"), (w.Select, "select"), (w.RadioButtons, "select"),
         (w.ToggleButton, "toggle"), (w.Checkbox, "toggle"), (w.Text, "textbox"), (w.Textarea, "textbox"),
         (w.Button, "button"))


class StaticEditionError(ClusterlabError):
    """The static edition cannot be made; the message says why and what to do."""


def token(value) -> str:
    """``value`` as compact JSON: how a control's value is named in a state's key, here and on the page."""
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def kind_of(widget) -> str:
    for cls, kind in KINDS:
        if isinstance(widget, cls):
            return kind
    raise StaticEditionError(f"the static edition cannot show a {type(widget).__name__} widget; "
                             "add it to casestudies/public/static_slots.py")


def options(widget) -> list[tuple[str, object]]:
    """A selection widget's options as (label, value) pairs, read as ipywidgets reads them."""
    out = []
    for item in widget.options:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            out.append(item)
        else:
            out.append((str(item), item))
    return out


def hidden(widget) -> bool:
    layout = getattr(widget, "layout", None)
    return not isinstance(widget, BaseFigureWidget) and layout is not None and layout.display == "none"


def figure_json(figure) -> dict:
    """The plotly figure the view shows, as plain JSON (data, layout) with the chart options."""
    fig = json.loads(pio.to_json(figure, validate=False))
    return {"data": fig.get("data", []), "layout": fig.get("layout", {}),
            "config": {**CHART_CONFIG, **(getattr(figure, "_config", None) or {})}}


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

    @property
    def style(self) -> str:
        """The widget's layout (width, flex, overflow ...) as CSS; ``display`` is kept apart (hidden)."""
        layout = getattr(self.widget, "layout", None)
        if layout is None or self.kind == "figure":
            return ""
        rules = []
        for name in layout.keys:
            if name.startswith("_") or name in ("display", "visibility"):
                continue
            value = getattr(layout, name, None)
            if value not in (None, ""):
                rules.append(f"{'gap' if name == 'grid_gap' else name.replace('_', '-')}:{value}")
        return ";".join(rules)

    @property
    def value(self):
        """The control's value; a multiple selection's in the order of its options, as the page lists them."""
        value = self.widget.value
        if self.kind == "multi":
            order = [v for _, v in options(self.widget)]
            value = tuple(sorted(value, key=order.index))
        return value


def choices(slot: Slot, stops: list | None = None) -> list[tuple[str, object]]:
    """What a visitor can set the control ``slot`` to now, as (label, value); ``stops``: a range's."""
    kind, widget = slot.kind, slot.widget
    if kind in ("select", "toggles"):
        return options(widget)
    if kind == "toggle":
        return [("off", False), ("on", True)]
    if kind == "slider":
        return [(str(v), v) for v in range(widget.min, widget.max + 1, widget.step or 1)]
    if kind == "range":
        return [(f"{a} – {b}", (a, b)) for a, b in itertools.combinations_with_replacement(stops, 2)]
    # multi: every combination of a few options, else all of them or any one
    opts = options(widget)
    values = [v for _, v in opts]
    if len(opts) <= ALL_SUBSETS_UP_TO:
        return [("", tuple(v for v, keep in zip(values, mask) if keep))
                for mask in itertools.product((False, True), repeat=len(opts))]
    return [(f"All {len(opts)} shown", tuple(values))] + [(label, (v,)) for label, v in opts]


def _picked(offered: list[tuple[str, object]], value) -> int:
    return next((i for i, (_, v) in enumerate(offered) if token(v) == token(value)), -1)


def props(slot: Slot, stops: list | None = None, control: bool = False) -> dict:
    """What the page shows of ``slot`` now (its text, value, choices), as plain JSON.

    ``stops``: a range slider's stops; ``control``: whether a visitor can use the slot (a slider).
    """
    widget, kind = slot.widget, slot.kind
    out: dict = {}
    if hidden(widget):
        out["hidden"] = True
    if getattr(widget, "disabled", False):
        out["disabled"] = True
    if kind == "figure":
        out["figure"] = figure_json(widget)
    elif kind == "html":
        out["html"] = widget.value
    elif kind in ("label", "textbox"):
        out["text"] = str(widget.value)
    elif kind == "toggle":
        out["on"] = bool(widget.value)
    elif kind in ("select", "toggles"):
        opts = options(widget)
        out["choices"] = [[label, token(v)] for label, v in opts]
        out["i"] = _picked(opts, widget.value)
    elif kind == "multi":
        opts, value = options(widget), slot.value
        if len(opts) <= ALL_SUBSETS_UP_TO:
            out.update(mode="checks", choices=[[label, token(v)] for label, v in opts],
                       on=[i for i, (_, v) in enumerate(opts) if v in value])
        else:
            offered = choices(slot)
            out.update(mode="pick", choices=[[label, token(v)] for label, v in offered], i=_picked(offered, value))
    elif kind == "range":
        a, b = widget.value
        if stops is not None:
            out["stops"] = [[str(y), token(y)] for y in stops]
            out["lo"], out["hi"] = stops.index(a), stops.index(b)
        out["text"] = f"{a} – {b}"
    elif kind == "slider":
        out.update(min=widget.min, max=widget.max, value=widget.value)
        if control:
            offered = choices(slot)
            out.update(choices=[[label, token(v)] for label, v in offered], i=_picked(offered, widget.value))
    return out
