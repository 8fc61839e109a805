"""Before and after: what changed in a cluster or in one of its firms, with years, units and sources.

Each :class:`Change` compares two :class:`Snapshot` s (before and after), each with a year, the
words of the source and, when the source gives them, a number or a range (low-high). Changes with
numbers on both sides are drawn as a dumbbell, one row each on its own scale (the larger value at
1), since they count different things; the others are listed as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk

from ._sourcing import (IDEAL, PROVENANCE_FIELDS, TODAY, Provenance, basis_box, case_list, case_place, find, number,
                        pick, reading, short, slug, sources_line, unique_ids, wrap)
from ._view import ComponentView, esc, note
from .errors import ComponentError

BIG = 1e15  # no figure of a cluster comes near this
MAX_CHANGES = 100
ALL = "(all subjects)"
CELL = "text-align:left;vertical-align:top;padding:3px 8px;border-bottom:1px solid #e0e6eb"


def _num(value, what: str):
    return None if value is None else chk.number(value, what, -BIG, BIG)


@dataclass(frozen=True)
class Snapshot:
    """One side of a change: ``year``, the ``text`` of the source, and a ``value`` or a range ``low``-``high``."""

    year: int
    text: str = ""
    value: float | None = None
    low: float | None = None
    high: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "year", chk.number(self.year, "The year", 1000, 2200, whole=True))
        object.__setattr__(self, "text", chk.text(self.text, "The text", max_len=1000, empty_ok=True))
        for name in ("value", "low", "high"):
            object.__setattr__(self, name, _num(getattr(self, name), f"The {name}"))
        if (self.low is None) != (self.high is None):
            raise ComponentError("A range needs both a low and a high end. Give both, or one value.")
        if self.low is not None and (self.value is not None or self.low > self.high):
            raise ComponentError("Give either one value or a range whose low end is not above its high end.")
        if not self.text and not self.has_number:
            raise ComponentError(f"The {self.year} side is empty. Give a value or describe it in words.")

    @property
    def has_number(self) -> bool:
        return self.value is not None or self.low is not None

    @property
    def mid(self) -> float | None:
        """The value, or the middle of the range; None without numbers."""
        return self.value if self.value is not None else None if self.low is None else (self.low + self.high) / 2

    def shown(self, unit: str) -> str:
        """The figure with its unit, e.g. '3 EUR million' or '10–49 employees', else the source's words."""
        if not self.has_number:
            return self.text
        shown = number(self.value) if self.value is not None else f"{number(self.low)}–{number(self.high)}"
        return f"{shown} {unit}".strip()

    def to_dict(self) -> dict:
        return {"year": self.year, "text": self.text, "value": self.value, "low": self.low, "high": self.high}

    @classmethod
    def from_dict(cls, data, what: str = "A snapshot") -> Snapshot:
        d = chk.fields(data, what, ("year",), ("text", "value", "low", "high"))
        return cls(d["year"], d.get("text", ""), d.get("value"), d.get("low"), d.get("high"))


@dataclass(frozen=True)
class Change:
    """What changed (``label``) for whom (``subject``), in ``unit``, from ``before`` to ``after``."""

    id: str
    label: str
    subject: str
    before: Snapshot
    after: Snapshot
    unit: str = ""
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self):
        cid = chk.identifier(self.id, "The id of a change")
        object.__setattr__(self, "label", chk.text(self.label, f"Change '{cid}': what changed", max_len=200))
        object.__setattr__(self, "subject", chk.text(self.subject, f"Change '{cid}': the subject", max_len=200))
        object.__setattr__(self, "unit", chk.text(self.unit, f"Change '{cid}': the unit", max_len=60, empty_ok=True))
        for side in ("before", "after"):
            if not isinstance(getattr(self, side), Snapshot):
                object.__setattr__(self, side, Snapshot.from_dict(getattr(self, side), f"Change '{cid}', {side}"))
        if self.after.year < self.before.year:
            raise ComponentError(f"Change '{cid}': the 'after' year {self.after.year} comes before the 'before' "
                                 f"year {self.before.year}. Swap them.")
        if (self.before.has_number or self.after.has_number) and not self.unit:
            raise ComponentError(f"Change '{cid}' has numbers but no unit. Add one, e.g. 'employees'.")
        if not isinstance(self.provenance, Provenance):
            raise ComponentError(f"Change '{cid}': the provenance must be a Provenance.")

    @property
    def numeric(self) -> bool:
        """True when both sides have a number (or a range)."""
        return self.before.has_number and self.after.has_number

    def change(self) -> float | None:
        """After − before (middles of ranges); None unless both sides have numbers."""
        return self.after.mid - self.before.mid if self.numeric else None

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "subject": self.subject, "unit": self.unit,
                "before": self.before.to_dict(), "after": self.after.to_dict(), **self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, data) -> Change:
        d = chk.fields(data, "A change", ("id", "label", "subject", "before", "after"), ("unit", *PROVENANCE_FIELDS))
        return cls(d["id"], d["label"], d["subject"], d["before"], d["after"], d.get("unit", ""),
                   Provenance.from_dict(d))


@dataclass
class BeforeAfter:
    """A titled list of changes (at most 100), each with its own id."""

    title: str = "Before and after"
    changes: list = field(default_factory=list)

    def __post_init__(self):
        self.title = chk.text(self.title, "The title")
        given = chk.items(self.changes, "The list of changes", max_n=MAX_CHANGES)
        self.changes = [c if isinstance(c, Change) else Change.from_dict(c) for c in given]
        unique_ids([c.id for c in self.changes], "changes")

    def change(self, change_id) -> Change:
        return find(self.changes, change_id, "change")

    def subjects(self) -> list[str]:
        return list(dict.fromkeys(c.subject for c in self.changes))

    def about(self, subject=None) -> list[Change]:
        """The changes of one subject (all of them for None)."""
        return [c for c in self.changes if subject is None or c.subject == subject]

    def add(self, change) -> Change:
        """Add a :class:`Change` or a dictionary describing one (without an id, one is made from the label)."""
        if len(self.changes) >= MAX_CHANGES:
            raise ComponentError(f"At most {MAX_CHANGES} changes can be shown. Remove one first.")
        if not isinstance(change, Change):
            data = dict(chk.mapping(change, "A change"))
            if "id" not in data and isinstance(data.get("label"), str):
                data["id"] = slug(data["label"], [c.id for c in self.changes])
            change = Change.from_dict(data)
        unique_ids([*(c.id for c in self.changes), change.id], "changes")
        self.changes.append(change)
        return change

    def remove(self, change_id) -> Change:
        found = self.change(change_id)
        self.changes.remove(found)
        return found

    @classmethod
    def from_case(cls, case, title: str | None = None) -> BeforeAfter:
        """From the case's ``outcomes`` (breakdowns and lists stay in the words of the source)."""
        changes = []
        for n, item in enumerate(case_list(case, "outcomes", "before-and-after outcomes"), 1):
            with reading(f"Outcome {n} of the case"):
                sides = {s: Snapshot(pick(o, "year"), pick(o, "text") or "", pick(o, "value"), pick(o, "low"),
                                     pick(o, "high")) for s, o in ((s, pick(item, s)) for s in ("before", "after"))}
                rebuilt = [s for s in ("before", "after") if Provenance.of(item, s).reconstructed]
                prov = Provenance.of(item, rebuilt[0]) if rebuilt else Provenance.of(item)
                changes.append(Change(pick(item, "id"), pick(item, "label"), pick(item, "subject"), sides["before"],
                                      sides["after"], pick(item, "unit") or "", prov))
        place = case_place(case)
        return cls(title or (f"{place}: before and after" if place else "Before and after"), changes)

    def to_dict(self) -> dict:
        return {"kind": "before_after", "title": self.title, "changes": [c.to_dict() for c in self.changes]}

    @classmethod
    def from_dict(cls, data) -> BeforeAfter:
        d = chk.fields(data, "A before-and-after comparison", ("changes",), ("title", "kind"))
        chk.kind(d, "before_after", "This dictionary")
        return cls(d.get("title", "Before and after"), d["changes"])


def _dumbbells(changes: list[Change]) -> list[dict]:
    """Data of five traces: connectors, before range, after range, before points, after points."""
    rows = [c for c in changes if c.numeric]
    y = [wrap(short(f"{c.subject}: {c.label}", 70), 34) for c in rows]
    link, spans, points = dict(x=[], y=[]), [dict(x=[], y=[]), dict(x=[], y=[])], [dict(x=[], y=[]), dict(x=[], y=[])]
    for c, row in zip(rows, y):
        sides = (c.before, c.after)
        scale = max(abs(v) for s in sides for v in (s.value, s.low, s.high) if v is not None) or 1
        link["x"] += [sides[0].mid / scale, sides[1].mid / scale, None]
        link["y"] += [row, row, None]
        for k, s in enumerate(sides):
            points[k]["x"].append(s.mid / scale)
            points[k]["y"].append(row)
            if s.low is not None:
                spans[k]["x"] += [s.low / scale, s.high / scale, None]
                spans[k]["y"] += [row, row, None]
    for k, side in enumerate(("before", "after")):
        snaps = [getattr(c, side) for c in rows]
        points[k].update(text=[f"{esc(s.shown(c.unit))} ({s.year})" for c, s in zip(rows, snaps)], hovertext=[
            f"<b>{esc(c.subject)}: {esc(c.label)}</b><br>{side} ({s.year}): {esc(s.shown(c.unit))}<br>"
            f"{wrap(s.text)}<br>{c.provenance.hover()}" for c, s in zip(rows, snaps)],
            marker=dict(symbol=["circle-open" if c.provenance.reconstructed else "circle" for c in rows]))
    return [link, *spans, *points]


class BeforeAfterView(ComponentView):
    """A subject picker and a choice of changes; a dumbbell per numeric change; the rest as text.

    Read-only disables the form that adds and removes changes; choosing what to show still works.
    """

    model_class = BeforeAfter

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        self.header = w.HTML(f"<h3>{esc(self.model.title)}</h3>" + note(
            "Each row has its own scale (the larger of its two values at 1), since the rows count different "
            "things; the labels give the values, units and years. Hover over a point for its source."))
        self.subject = w.Dropdown(description="Subject", layout=w.Layout(width="420px"))
        self.chosen = w.SelectMultiple(description="Show", rows=6, layout=w.Layout(width="520px"))
        data = _dumbbells(self.model.changes)
        line = dict(mode="lines", hoverinfo="skip", showlegend=False)
        self.figure = go.FigureWidget(
            data=[go.Scatter(line=dict(color="#b0bec5", width=3), **line, **data[0]),
                  go.Scatter(line=dict(color=TODAY, width=12), opacity=0.35, **line, **data[1]),
                  go.Scatter(line=dict(color=IDEAL, width=12), opacity=0.35, **line, **data[2]),
                  go.Scatter(name="before", mode="markers+text", textposition="bottom center", hoverinfo="text",
                             marker_color=TODAY, marker_size=13, **data[3]),
                  go.Scatter(name="after", mode="markers+text", textposition="top center", hoverinfo="text",
                             marker_color=IDEAL, marker_size=13, **data[4])],
            layout=go.Layout(height=self._height(data), margin=dict(l=240, r=30, t=30, b=40),
                             legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                             xaxis=dict(title="each row on its own scale (larger value = 1)", zeroline=True,
                                        range=self._x_range(data), showticklabels=False),
                             yaxis=dict(autorange="reversed", type="category")))
        self.texts, self.notes = w.HTML(), w.HTML()
        parts = [self.header, self.error.widget, self.subject, self.chosen, self.figure, self.texts, self.notes]
        if not self.read_only:
            parts += self._build_form()
        self.widget = w.VBox(parts)
        self.widget.add_class("clusterlab-before-after")
        self._sync(figure=False)
        self.subject.observe(lambda _c: self._run(self._sync, False), names="value")
        self.chosen.observe(lambda _c: self._run(self._redraw), names="value")

    @staticmethod
    def _height(data: list[dict]) -> int:
        return 110 + 70 * max(1, len(data[3]["y"]))

    @staticmethod
    def _x_range(data: list[dict]) -> list[float]:
        """From a little left of zero (or of the lowest value) to a little right of 1."""
        return [min([0, *(x for x in data[0]["x"] if x is not None)]) - 0.3, 1.3]

    def _build_form(self) -> list:
        self.boxes = {k: w.Text(description=k, placeholder=hint) for k, hint in [
            ("What", "e.g. Turnover"), ("Subject", "e.g. Curtidos Badia"), ("Unit", "e.g. EUR million"),
            ("Before", "year: value or words, e.g. 2003: 3"), ("After", "year: value or words, e.g. 2015: 54"),
            ("Source", "where this is stated")]}
        self.add_button = w.Button(description="Add change", button_style="primary")
        self.add_button.on_click(lambda _b: self._run(self._add))
        self.remove_pick = w.Dropdown(description="Change")
        self.remove_button = w.Button(description="Remove")
        self.remove_button.on_click(lambda _b: self._run(self._remove))
        return [w.HTML("<b>Add a change</b>"), *self.boxes.values(), self.add_button,
                w.HTML("<b>Remove a change</b>"), w.HBox([self.remove_pick, self.remove_button])]

    @staticmethod
    def _snapshot(entry: str, what: str) -> dict:
        year, _, rest = entry.partition(":")
        if not year.strip().isdigit():
            raise ComponentError(f"Write {what} as 'year: value or words', for example '2003: 3'.")
        rest = rest.strip()
        try:
            return {"year": int(year), "value": float(rest.replace(",", ""))}
        except ValueError:
            return {"year": int(year), "text": rest}

    def _add(self) -> None:
        b = {k: box.value for k, box in self.boxes.items()}
        self.model.add({"label": b["What"], "subject": b["Subject"], "unit": b["Unit"], "source": b["Source"],
                        **{k.lower(): self._snapshot(b[k], f"'{k}'") for k in ("Before", "After")}})
        for box in self.boxes.values():
            box.value = ""
        self._sync(True)
        self.save()

    def _remove(self) -> None:
        if self.remove_pick.value is None:
            raise ComponentError("Choose the change to remove first.")
        self.model.remove(self.remove_pick.value)
        self._sync(True)
        self.save()

    def _sync(self, refill_subjects: bool = True, figure: bool = True) -> None:
        """Fill the subject picker (if asked) and the list of changes from the model; show them all."""
        with self._quietly():
            if refill_subjects:
                self.subject.options = [ALL, *self.model.subjects()]
                self.subject.value = ALL
            picked = self.model.about(None if self.subject.value == ALL else self.subject.value)
            self.chosen.options = [(short(f"{c.subject}: {c.label}", 70), c.id) for c in picked]
            self.chosen.value = tuple(c.id for c in picked)
            if not self.read_only:
                self.remove_pick.options = [(short(f"{c.subject}: {c.label}", 60), c.id) for c in self.model.changes]
                self.remove_pick.value = None
        self._redraw(figure)

    def _redraw(self, figure: bool = True) -> None:
        shown = [self.model.change(i) for i in self.chosen.value]
        data = _dumbbells(shown)
        if figure:  # the figure is built complete; in Voila, changes made before display are lost
            with self.figure.batch_update():
                for trace, d in zip(self.figure.data, data):
                    trace.update(**d)
                self.figure.layout.height = self._height(data)
                self.figure.layout.xaxis.range = self._x_range(data)
        words = [c for c in shown if not c.numeric]
        cell = f'<td style="{CELL}">'
        rows = "".join(
            f"<tr>{cell}{esc(c.subject)}</td>{cell}<b>{esc(c.label)}</b></td>{cell}{esc(c.before.shown(c.unit))} "
            f"({c.before.year})</td>{cell}{esc(c.after.shown(c.unit))} ({c.after.year})</td></tr>" for c in words)
        head = "".join(f'<th style="{CELL}">{h}</th>' for h in ("Subject", "What", "Before", "After"))
        self.texts.value = ("" if not words else '<p style="margin:6px 0 2px"><b>In words</b> (no numbers on both '
                            f'sides)</p><table style="border-collapse:collapse;font-size:.92em"><tr>{head}</tr>'
                            f"{rows}</table>")
        entries = [(f"{c.subject}: {c.label}", c.provenance) for c in shown]
        self.notes.value = note(f"Showing {len(shown)} of {len(self.model.changes)} changes; {len(shown) - len(words)} "
                                "with numbers on both sides are drawn.") + basis_box(entries, "as hollow points") + \
            sources_line(p for _, p in entries)
