"""Timelines of a cluster's history: dated events, each with its source.

An :class:`Event` has a date written as a year ('1950'), a month ('1950-06') or a day
('1950-06-30'); a whole number is read as a year. Every event names its source, and its ``basis``
says whether the date is ``published`` (stated in a source) or ``reconstructed`` (worked out by
the course for teaching). When the source gives only a period, the event is ``approximate`` and
its ``date_label`` says how to show the date ('1950s', 'mid-1970s'); the date then only places it.

A timeline opens on the period its story is about: its ``focus`` (first and last year; a case file
gives it as ``timeline_focus``) or, when none is given, every event but the early ones that stand
far apart from the rest (see :func:`default_focus`). The year slider still reaches every event.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk

from ._sourcing import case_place
from ._sourcing import pick as _pick
from ._view import HIGHLIGHT, ComponentView, esc, note
from .errors import ComponentError
from .timeline_drawing import BASES, LEVELS, _levels, _traces, _x_range

MIN_YEAR, MAX_YEAR = 1000, 2200
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")


def normalise_date(value) -> str:
    """A date as 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (a whole number is taken as a year)."""
    hint = "Write it as 1950, 1950-06 or 1950-06-30."
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = f"{chk.number(value, 'The year', MIN_YEAR, MAX_YEAR):04d}"
    if not isinstance(value, str):
        raise ComponentError(f"The date must be a year or text; got {chk.describe(value)}. {hint}")
    value = value.strip()
    m = _DATE.match(value)
    if not m:
        raise ComponentError(f"The date {chk.describe(value)} is not in a form the timeline understands. {hint}")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ComponentError(f"The year {year} is outside {MIN_YEAR}-{MAX_YEAR}. Check the date.")
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ComponentError(f"The date {value} does not exist in the calendar. Check the month and day.") from None
    return value


@dataclass(frozen=True)
class Event:
    """One dated event: what happened (``title``, ``detail``), where that is stated (``source``).

    ``approximate`` marks a date the source gives only roughly; ``date_label`` is how to show it.
    """

    date: str
    title: str
    detail: str
    source: str
    basis: str = "published"
    date_label: str = ""
    approximate: bool = False

    def __post_init__(self):
        object.__setattr__(self, "date", normalise_date(self.date))
        object.__setattr__(self, "title", chk.text(self.title, "The event's title"))
        object.__setattr__(self, "detail", chk.text(self.detail, "The event's detail", max_len=2000, empty_ok=True))
        object.__setattr__(self, "source", chk.text(
            self.source, "The event's source (where the fact is stated; write 'own research' if it is yours)",
            max_len=1000))
        if self.basis not in BASES:
            raise ComponentError(f"The basis must be 'published' or 'reconstructed'; got {chk.describe(self.basis)}.")
        object.__setattr__(self, "date_label", chk.text(
            self.date_label, "The date as shown (for example '1950s')", max_len=60, empty_ok=True))
        chk.flag(self.approximate, "Whether the date is approximate")

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def when(self) -> str:
        """The date as readers see it: the label if there is one, 'about ...' for an approximate date."""
        return self.date_label or (f"about {self.date}" if self.approximate else self.date)

    def to_dict(self) -> dict:
        out = {"date": self.date, "title": self.title, "detail": self.detail, "source": self.source,
               "basis": self.basis}
        if self.date_label or self.approximate:  # left out otherwise, so older saved work stays the same
            out.update(date_label=self.date_label, approximate=self.approximate)
        return out

    @classmethod
    def from_dict(cls, data) -> Event:
        d = chk.fields(data, "An event", ("date", "title", "source"), ("detail", "basis", "date_label", "approximate"))
        return cls(d["date"], d["title"], d.get("detail", ""), d["source"], d.get("basis", "published"),
                   d.get("date_label", ""), d.get("approximate", False))


def check_focus(value) -> tuple[int, int] | None:
    """A period to open on, ``(first year, last year)`` with first before last, or None."""
    if value is None:
        return None
    hint = "Give the first and the last year, for example (1950, 2019)."
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__") or len(value) != 2:
        raise ComponentError(f"The period to open on must be two years; got {chk.describe(value)}. {hint}")
    first = chk.number(value[0], "The first year of the period to open on", MIN_YEAR, MAX_YEAR, whole=True)
    last = chk.number(value[1], "The last year of the period to open on", MIN_YEAR, MAX_YEAR, whole=True)
    if first >= last:
        raise ComponentError(f"The period to open on starts in {first} and ends in {last}: the first year must "
                             f"come before the last. {hint}")
    return first, last


def default_focus(years) -> tuple[int, int] | None:
    """The period a timeline opens on when none is given: all its years, less the early outliers.

    An early event is left out of view (still one move of the year slider away) when the gap to the
    next event is longer than everything after it and than twenty years, so that a long history
    does not squeeze the recent story into one edge: 1079, 1693, 1889, 1950 ... 2019 opens on
    1889-2019. At least half of the events (and at least two) stay in view.
    """
    years = sorted(years)
    if not years:
        return None
    keep = max(2, (len(years) + 1) // 2)
    first = 0
    while len(years) - first > keep:
        gap, rest = years[first + 1] - years[first], years[-1] - years[first + 1]
        if gap <= max(rest, 20):
            break
        first += 1
    return years[first], years[-1]


@dataclass
class Timeline:
    """A titled list of events, kept in date order, and the period to open on (``focus``, optional)."""

    title: str = "Timeline"
    events: list = field(default_factory=list)
    focus: tuple[int, int] | None = None

    def __post_init__(self):
        self.title = chk.text(self.title, "The timeline's title")
        given = chk.items(self.events, "The list of events", max_n=500)
        self.focus = check_focus(self.focus)
        self.events = []
        for e in given:
            self.add(e)

    def add(self, event) -> Event:
        """Add an :class:`Event` (or a dictionary describing one) in its place by date."""
        if len(self.events) >= 500:
            raise ComponentError("A timeline holds at most 500 events. Remove some first.")
        event = event if isinstance(event, Event) else Event.from_dict(event)
        self.events.append(event)
        self.events.sort(key=lambda e: e.date)
        return event

    def remove(self, index) -> Event:
        """Remove and return the event at position ``index`` (counting from 0, in date order)."""
        if not self.events:
            raise ComponentError("The timeline is empty; there is nothing to remove.")
        i = chk.number(index, "The position of the event to remove", 0, len(self.events) - 1, whole=True)
        return self.events.pop(i)

    def years(self) -> tuple[int, int] | None:
        """The first and last year, or None when there are no events."""
        return (self.events[0].year, self.events[-1].year) if self.events else None

    def opening(self) -> tuple[int, int] | None:
        """The period to open on: the ``focus`` within the events' years, else :func:`default_focus`.

        None when there are no events. A focus that holds no event is set aside.
        """
        span = self.years()
        if span is None:
            return None
        if self.focus is not None:
            first, last = max(self.focus[0], span[0]), min(self.focus[1], span[1])
            if first <= last and self.between(first, last):
                return first, last
        return default_focus(e.year for e in self.events)

    def between(self, start, end) -> list[Event]:
        """The events from year ``start`` to year ``end``, both included."""
        a = chk.number(start, "The first year", MIN_YEAR, MAX_YEAR, whole=True)
        b = chk.number(end, "The last year", MIN_YEAR, MAX_YEAR, whole=True)
        return [e for e in self.events if a <= e.year <= b]

    @classmethod
    def from_case(cls, case, title: str | None = None) -> Timeline:
        """A timeline from a case's ``timeline`` (items with date or year, title, detail, source).

        An item's ``date_label`` and ``approximate`` are kept; when the item says which of its fields
        are reconstructed (``basis_of``), the event's basis is that of its date. The case's
        ``timeline_focus`` (first and last year), if it has one, is the period to open on.
        """
        items = _pick(case, "timeline")
        if items is None:
            raise ComponentError("This case has no timeline to show.")
        if hasattr(items, "columns") and hasattr(items, "to_dict"):  # a table
            items = items.to_dict("records")
        if isinstance(items, (str, bytes, Mapping)) or not hasattr(items, "__iter__"):
            raise ComponentError(f"The case's timeline should be a list of events; got {chk.describe(items)}.")
        name = case_place(case)
        events = []
        for n, item in enumerate(items, 1):
            basis_of = getattr(item, "basis_of", None)
            basis = (basis_of("date") if callable(basis_of) else _pick(item, "basis")) or "published"
            label = _pick(item, "date_label")
            source = _pick(item, "source", "sources", "reference")
            if isinstance(source, (list, tuple)):
                source = "; ".join(str(s) for s in source)
            detail = _pick(item, "detail", "description", "text")
            try:
                events.append(Event(_pick(item, "date", "year", "when"), _pick(item, "title", "event", "label"),
                                    "" if detail is None else str(detail), "" if source is None else str(source),
                                    str(getattr(basis, "value", basis)).strip().lower(),
                                    "" if label is None else str(label), _pick(item, "approximate") or False))
            except ComponentError as exc:
                raise ComponentError(f"Timeline entry {n} of the case: {exc}") from None
        focus = _pick(case, "timeline_focus")
        try:
            focus = check_focus(tuple(focus) if isinstance(focus, list) else focus)
        except ComponentError as exc:
            raise ComponentError(f"The case's timeline_focus: {exc}") from None
        return cls(title or (f"{name}: timeline" if name else "Timeline"), events, focus)

    def to_dict(self) -> dict:
        out = {"kind": "timeline", "title": self.title, "events": [e.to_dict() for e in self.events]}
        if self.focus is not None:  # left out otherwise, so older saved work stays the same
            out["focus"] = list(self.focus)
        return out

    @classmethod
    def from_dict(cls, data) -> Timeline:
        d = chk.fields(data, "A timeline", ("events",), ("title", "kind", "focus"))
        chk.kind(d, "timeline", "This dictionary")
        focus = d.get("focus")
        return cls(d.get("title", "Timeline"), d["events"], tuple(focus) if isinstance(focus, list) else focus)


class TimelineView(ComponentView):
    """The events on a date axis (hover for the source), a year filter and, unless read-only, a form.

    The chart opens on the timeline's period (:meth:`Timeline.opening`); the year filter reaches
    every event. Read-only hides the form; the year filter still works, since it changes only what
    is shown.
    """

    model_class = Timeline

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        self.header = w.HTML()
        self.years = w.IntRangeSlider(description="Years", min=MIN_YEAR, max=MAX_YEAR, value=(MIN_YEAR, MAX_YEAR),
                                      continuous_update=False, layout=w.Layout(width="560px"))
        parts = [self.header, self.error.widget, None, self.years]
        if not self.read_only:
            parts += self._build_form()
        self._sync_controls()
        shown, rows = self._layout()
        self.figure = go.FigureWidget(
            data=[go.Scatter(name=b, mode="markers+text", textposition="top center", hoverinfo="text",
                             cliponaxis=False,
                             marker=dict(size=12, color=HIGHLIGHT, symbol="circle" if b == "published"
                                         else "circle-open", line=dict(width=2, color=HIGHLIGHT)), **trace)
                  for b, trace in zip(BASES, _traces(shown, rows))],
            layout=go.Layout(height=520, margin=dict(l=20, r=20, t=20, b=40), showlegend=True,
                             legend=dict(orientation="h", y=-0.12),
                             xaxis=dict(type="date", title="date", range=_x_range(*self.years.value)),
                             yaxis=dict(visible=False, fixedrange=True, range=[0.5, LEVELS + 0.95])))
        parts[2] = self.figure
        self.widget = w.VBox(parts)
        self.widget.add_class("clusterlab-timeline")
        self.years.observe(lambda _ch: self._run(self._redraw), names="value")

    def _build_form(self) -> list:
        self.date_box = w.Text(description="Date", placeholder="1950, 1950-06 or 1950-06-30")
        self.title_box = w.Text(description="Title", placeholder="what happened")
        self.source_box = w.Text(description="Source", placeholder="where this is stated")
        self.detail_box = w.Textarea(description="Detail", placeholder="optional")
        self.basis_box = w.Dropdown(description="Basis", options=BASES)
        self.add_button = w.Button(description="Add event", button_style="primary")
        self.add_button.on_click(lambda _b: self._run(self._add))
        self.remove_pick = w.Dropdown(description="Event")
        self.remove_button = w.Button(description="Remove")
        self.remove_button.on_click(lambda _b: self._run(self._remove))
        return [w.HTML("<b>Add an event</b>"), self.date_box, self.title_box, self.source_box, self.detail_box,
                self.basis_box, self.add_button, w.HTML("<b>Remove an event</b>"),
                w.HBox([self.remove_pick, self.remove_button])]

    def _add(self) -> None:
        added = self.model.add(Event(self.date_box.value, self.title_box.value, self.detail_box.value,
                                     self.source_box.value, self.basis_box.value))
        for box in (self.date_box, self.title_box, self.detail_box):
            box.value = ""
        self._model_changed(added.year)

    def _remove(self) -> None:
        if self.remove_pick.value is None:
            raise ComponentError("Choose the event to remove first.")
        self.model.remove(self.remove_pick.value)
        self._model_changed()

    def _model_changed(self, added: int | None = None) -> None:
        self._sync_controls(added)
        self._redraw()
        self.save()

    def _sync_controls(self, include: int | None = None) -> None:
        """Fit the year filter to the events and open it on the timeline's period (with year ``include``,
        an event just added); list the events for removal."""
        span = self.model.years()
        lo, hi = span if span else (1950, 2025)
        if lo == hi:  # a range slider needs two different ends
            lo, hi = (lo, lo + 1) if lo < MAX_YEAR else (hi - 1, hi)
        first, last = self.model.opening() or (lo, hi)
        if include is not None:
            first, last = min(first, include), max(last, include)
        if first >= last:
            first, last = lo, hi
        with self.years.hold_trait_notifications():
            self.years.max, self.years.min = MAX_YEAR, MIN_YEAR
            self.years.value = (first, last)
            self.years.min, self.years.max = lo, hi
        self.years.disabled = span is None
        if not self.read_only:
            self.remove_pick.options = [(f"{e.date} — {e.title[:50]}", i) for i, e in enumerate(self.model.events)]
            self.remove_pick.value = None

    def _layout(self) -> tuple[list[Event], list[tuple[int, bool]]]:
        """The events in the chosen years, their label rows, and the header that says what is shown."""
        first, last = self.years.value
        shown = self.model.between(first, last)
        rows = _levels(shown, first, last)
        total = len(self.model.events)
        span = self.model.years()
        parts = [f"Showing {len(shown)} of {total} events"
                 + (f", {first}–{last}. Widen the years to see all of them ({span[0]}–{span[1]})."
                    if span and len(shown) < total else ".")]
        parts.append("Hover over a point to see its source; hollow points mark dates reconstructed for teaching.")
        if not all(labelled for _, labelled in rows):
            parts.append("Some labels are left out where they would overlap: hover over a point, or narrow the "
                         "years, to read them.")
        if any(e.approximate for e in shown):
            parts.append("Some dates are approximate ('about', '1950s'): the hover text says so.")
        self.header.value = f"<h3>{esc(self.model.title)}</h3>" + note(" ".join(parts))
        return shown, rows

    def _redraw(self) -> None:
        shown, rows = self._layout()
        with self.figure.batch_update():
            self.figure.layout.xaxis.range = _x_range(*self.years.value)
            for trace, data in zip(self.figure.data, _traces(shown, rows)):
                trace.update(**data)
