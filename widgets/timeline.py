"""Timelines of a cluster's history: dated events, each with its source.

An :class:`Event` has a date written as a year ('1950'), a month ('1950-06') or a day
('1950-06-30'); a whole number is read as a year. Every event names its source, and its ``basis``
says whether the date is ``published`` (stated in a source) or ``reconstructed`` (worked out by
the course for teaching). When the source gives only a period, the event is ``approximate`` and
its ``date_label`` says how to show the date ('1950s', 'mid-1970s'); the date then only places it.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk
from clusterlab import vocabulary

from ._sourcing import case_place
from ._sourcing import pick as _pick
from ._view import HIGHLIGHT, ComponentView, esc, note
from .errors import ComponentError

MIN_YEAR, MAX_YEAR = 1000, 2200
BASES = tuple(vocabulary.BASES)
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


@dataclass
class Timeline:
    """A titled list of events, kept in date order."""

    title: str = "Timeline"
    events: list = field(default_factory=list)

    def __post_init__(self):
        self.title = chk.text(self.title, "The timeline's title")
        given = chk.items(self.events, "The list of events", max_n=500)
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

    def between(self, start, end) -> list[Event]:
        """The events from year ``start`` to year ``end``, both included."""
        a = chk.number(start, "The first year", MIN_YEAR, MAX_YEAR, whole=True)
        b = chk.number(end, "The last year", MIN_YEAR, MAX_YEAR, whole=True)
        return [e for e in self.events if a <= e.year <= b]

    @classmethod
    def from_case(cls, case, title: str | None = None) -> Timeline:
        """A timeline from a case's ``timeline`` (items with date or year, title, detail, source).

        An item's ``date_label`` and ``approximate`` are kept; when the item says which of its fields
        are reconstructed (``basis_of``), the event's basis is that of its date.
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
        return cls(title or (f"{name}: timeline" if name else "Timeline"), events)

    def to_dict(self) -> dict:
        return {"kind": "timeline", "title": self.title, "events": [e.to_dict() for e in self.events]}

    @classmethod
    def from_dict(cls, data) -> Timeline:
        d = chk.fields(data, "A timeline", ("events",), ("title", "kind"))
        chk.kind(d, "timeline", "This dictionary")
        return cls(d.get("title", "Timeline"), d["events"])


def _plot_date(date: str) -> str:
    """'YYYY' or 'YYYY-MM' as a full 'YYYY-MM-DD' (the first day), the same point on the date axis.

    A bare year such as '1950' is also a number: when plotly redraws changed data it may guess
    the axis type again, and a full date keeps it a date axis.
    """
    return date + "-01" * (2 - date.count("-"))


def _year_start(year: float) -> str:
    """A point in time given as a fractional year, in the form the date axis reads."""
    whole = int(year // 1)
    month = 1 + int((year - whole) * 12)
    return f"{whole:04d}-{month:02d}-01"


def _hover(e: Event) -> str:
    detail = "<br>".join(textwrap.wrap(esc(e.detail), 60))
    when = esc(e.when) + (f" (approximate; drawn at {e.date})" if e.approximate else
                          f" ({e.date})" if e.date_label else "")
    return (f"<b>{esc(e.title)}</b><br>{when}" + (f"<br>{detail}" if detail else "")
            + f"<br><i>Source: {'<br>'.join(textwrap.wrap(esc(e.source), 60))}</i>"
            + ("<br>(date reconstructed for teaching)" if e.basis == "reconstructed" else ""))


LEVELS = 8  # rows on which labels are stacked so that they do not overlap


def _label(e: Event) -> str:
    return e.title if len(e.title) <= 24 else e.title[:23] + "…"


def _levels(shown: list[Event], lo: int, hi: int) -> list[tuple[int, bool]]:
    """A row (1 to LEVELS) per event, so that neighbouring labels sit on different rows.

    Where no row has room, the event still gets a point but no label (its hover text remains).
    """
    span = (hi - lo) + 2 * max(1.0, 0.12 * (hi - lo))
    years_per_px = span / 800  # about 800 pixels of plot width
    row_end = [float("-inf")] * (LEVELS + 1)
    rows = []
    for e in shown:
        x = e.year + (int(e.date[5:7]) - 1) / 12 if len(e.date) > 4 else e.year
        half = (len(_label(e)) * 7 + 12) * years_per_px / 2
        free = [r for r in range(1, LEVELS + 1) if row_end[r] <= x - half]
        if free:
            row_end[free[0]] = x + half
            rows.append((free[0], True))
        else:
            rows.append((1 + len(rows) % LEVELS, False))
    return rows


def _traces(shown: list[Event], lo: int, hi: int) -> list[dict]:
    """Data for the two traces (published, reconstructed) showing ``shown``."""
    rows = _levels(shown, lo, hi)
    out = []
    for basis in BASES:
        picked = [(row, e) for row, e in zip(rows, shown) if e.basis == basis]
        out.append(dict(x=[_plot_date(e.date) for _, e in picked], y=[row for (row, _), _ in picked],
                        text=[_label(e) if labelled else "" for (_, labelled), e in picked],
                        hovertext=[_hover(e) for _, e in picked]))
    return out


def _x_range(lo: int, hi: int) -> list[str]:
    pad = max(1.0, 0.12 * (hi - lo))
    return [_year_start(lo - pad), _year_start(hi + pad)]


class TimelineView(ComponentView):
    """The events on a date axis (hover for the source), a year filter and, unless read-only, a form.

    Read-only hides the form; the year filter still works, since it changes only what is shown.
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
        shown = self._shown()
        self.figure = go.FigureWidget(
            data=[go.Scatter(name=b, mode="markers+text", textposition="top center", hoverinfo="text",
                             marker=dict(size=12, color=HIGHLIGHT, symbol="circle" if b == "published"
                                         else "circle-open", line=dict(width=2, color=HIGHLIGHT)), **trace)
                  for b, trace in zip(BASES, _traces(shown, *self.years.value))],
            layout=go.Layout(height=440, margin=dict(l=20, r=20, t=20, b=40), showlegend=True,
                             legend=dict(orientation="h", y=-0.15),
                             xaxis=dict(type="date", title="date", range=_x_range(*self.years.value)),
                             yaxis=dict(visible=False, range=[0.5, LEVELS + 0.9])))
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
        self.model.add(Event(self.date_box.value, self.title_box.value, self.detail_box.value,
                             self.source_box.value, self.basis_box.value))
        for box in (self.date_box, self.title_box, self.detail_box):
            box.value = ""
        self._model_changed()

    def _remove(self) -> None:
        if self.remove_pick.value is None:
            raise ComponentError("Choose the event to remove first.")
        self.model.remove(self.remove_pick.value)
        self._model_changed()

    def _model_changed(self) -> None:
        self._sync_controls()
        self._redraw()
        self.save()

    def _sync_controls(self) -> None:
        """Fit the year filter to the events (showing all of them) and list the events for removal."""
        span = self.model.years()
        lo, hi = span if span else (1950, 2025)
        if lo == hi:  # a range slider needs two different ends
            lo, hi = (lo, lo + 1) if lo < MAX_YEAR else (hi - 1, hi)
        with self.years.hold_trait_notifications():
            self.years.max, self.years.min = MAX_YEAR, MIN_YEAR
            self.years.value = (lo, hi)
            self.years.min, self.years.max = lo, hi
        self.years.disabled = span is None
        if not self.read_only:
            self.remove_pick.options = [(f"{e.date} — {e.title[:50]}", i) for i, e in enumerate(self.model.events)]
            self.remove_pick.value = None

    def _shown(self) -> list[Event]:
        shown = self.model.between(*self.years.value)
        self.header.value = (f"<h3>{esc(self.model.title)}</h3>" + note(
            f"Showing {len(shown)} of {len(self.model.events)} events. Hover over a point to see its source; "
            "hollow points mark dates reconstructed for teaching. Where labels would overlap they are left "
            "out: narrow the years to see them." + (" Some dates are approximate ('about', '1950s'): the hover "
                                                    "text says so." if any(e.approximate for e in shown) else "")))
        return shown

    def _redraw(self) -> None:
        shown = self._shown()
        with self.figure.batch_update():
            self.figure.layout.xaxis.range = _x_range(*self.years.value)
            for trace, data in zip(self.figure.data, _traces(shown, *self.years.value)):
                trace.update(**data)
