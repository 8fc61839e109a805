"""The strategic segmentation matrix: products and services (rows) by buyers and markets (columns).

A **segment** is one way to compete: some products for some buyers. It covers every combination
of its products and its buyers. Its ``position`` says whether the cluster competes there at the
start (``initial``) or could move there (``ideal``); its ``attractiveness`` (1-5, 5 = most
attractive) may be unknown. The matrix draws each cell's best known attractiveness, marks initial
and ideal positions and draws arrows from where the cluster starts to where it could go.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk

from ._sourcing import (IDEAL, PALE, PROVENANCE_FIELDS, TODAY, Provenance, basis_box, case_list, case_place, find, pick,
                        reading, short, slug, sources_line, unique_ids, wrap)
from ._view import ComponentView, esc, note
from .errors import ComponentError
from .five_forces import FiveForces

POSITIONS = ("initial", "ideal")
MAX_AXIS = 30
_COLOURS = [[0, "#eceff1"], [0.19, "#eceff1"], [0.2, "#ffcdd2"], [0.6, "#fff59d"], [1, "#81c784"]]


def _names(value, what: str, min_n: int = 1) -> tuple:
    """Names of products or buyers: text, at most 30, each kept once in the order given."""
    given = chk.items(value, what, min_n=min_n, max_n=MAX_AXIS)
    return tuple(dict.fromkeys(chk.text(v, f"{what}: each entry", max_len=200) for v in given))


@dataclass(frozen=True)
class MatrixSegment:
    """A segment: ``products`` × ``buyers``, its ``position`` (initial or ideal), attractiveness 1-5 or None."""

    id: str
    label: str
    products: tuple
    buyers: tuple
    position: str = "initial"
    attractiveness: float | None = None
    description: str = ""
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self):
        object.__setattr__(self, "id", chk.identifier(self.id, "The segment's id"))
        object.__setattr__(self, "label", chk.text(self.label, "The segment's name", max_len=120))
        where = f"Segment '{self.id}'"
        object.__setattr__(self, "products", _names(self.products, f"{where}: the products"))
        object.__setattr__(self, "buyers", _names(self.buyers, f"{where}: the buyers"))
        if self.position not in POSITIONS:
            raise ComponentError(f"{where}: the position must be 'initial' or 'ideal'; got "
                                 f"{chk.describe(self.position)}.")
        if self.attractiveness is not None:
            object.__setattr__(self, "attractiveness", chk.number(self.attractiveness,
                                                                  f"{where}: the attractiveness", 1, 5))
        object.__setattr__(self, "description", chk.text(self.description, f"{where}: the description",
                                                         max_len=1000, empty_ok=True))
        if not isinstance(self.provenance, Provenance):
            raise ComponentError(f"{where}: the provenance must be a Provenance.")

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "products": list(self.products), "buyers": list(self.buyers),
                "position": self.position, "attractiveness": self.attractiveness, "description": self.description,
                **self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, data) -> MatrixSegment:
        d = chk.fields(data, "A segment", ("id", "label", "products", "buyers"),
                       ("position", "attractiveness", "description", *PROVENANCE_FIELDS))
        return cls(d["id"], d["label"], d["products"], d["buyers"], d.get("position", "initial"),
                   d.get("attractiveness"), d.get("description", ""), Provenance.from_dict(d))


@dataclass
class SegmentationMatrix:
    """Rows (``products``), columns (``buyers``) and the ``segments`` placed on them (at most 30 of each)."""

    title: str = "Strategic segmentation"
    products: list = field(default_factory=list)
    buyers: list = field(default_factory=list)
    segments: list = field(default_factory=list)
    note: str = ""

    def __post_init__(self):
        self.title = chk.text(self.title, "The title")
        self.note = chk.text(self.note, "The note", max_len=1000, empty_ok=True)
        self.products = list(_names(self.products, "The products", 0))
        self.buyers = list(_names(self.buyers, "The buyers", 0))
        given = chk.items(self.segments, "The list of segments", max_n=MAX_AXIS)
        self.segments = [s if isinstance(s, MatrixSegment) else MatrixSegment.from_dict(s) for s in given]
        unique_ids([s.id for s in self.segments], "segments")
        for s in self.segments:
            for name, axis, what in [(p, self.products, "products") for p in s.products] + \
                                    [(b, self.buyers, "buyers") for b in s.buyers]:
                if name not in axis:
                    raise ComponentError(f"Segment '{s.id}' names '{short(name, 60)}', which is not among the "
                                         f"{what} of the matrix. Add it to the {what} first.")

    def segment(self, segment_id) -> MatrixSegment:
        return find(self.segments, segment_id, "segment")

    def add_segment(self, label, products, buyers, position="initial", attractiveness=None, description="",
                    segment_id=None) -> MatrixSegment:
        """A new segment; products and buyers the matrix does not have yet are added to it."""
        if len(self.segments) >= MAX_AXIS:
            raise ComponentError(f"A matrix holds at most {MAX_AXIS} segments. Remove one first.")
        label = chk.text(label, "The segment's name", max_len=120)
        seg = MatrixSegment(segment_id if segment_id is not None else slug(label, [s.id for s in self.segments]),
                            label, products, buyers, position, attractiveness, description)
        unique_ids([*(s.id for s in self.segments), seg.id], "segments")
        products = list(dict.fromkeys([*self.products, *seg.products]))
        buyers = list(dict.fromkeys([*self.buyers, *seg.buyers]))
        if len(products) > MAX_AXIS or len(buyers) > MAX_AXIS:
            raise ComponentError(f"A matrix holds at most {MAX_AXIS} products and {MAX_AXIS} buyers.")
        self.products, self.buyers = products, buyers
        self.segments.append(seg)
        return seg

    def remove_segment(self, segment_id) -> MatrixSegment:
        seg = self.segment(segment_id)
        self.segments.remove(seg)
        return seg

    def set_position(self, segment_id, position) -> None:
        seg = self.segment(segment_id)
        if position != seg.position:
            self.segments[self.segments.index(seg)] = replace(seg, position=position, provenance=seg.provenance.own())

    def set_attractiveness(self, segment_id, value) -> None:
        """Attractiveness 1-5 (5 = most attractive), or None when it is not known."""
        seg = self.segment(segment_id)
        new = replace(seg, attractiveness=value)
        if new.attractiveness != seg.attractiveness:
            self.segments[self.segments.index(seg)] = replace(new, provenance=seg.provenance.own())

    def covered(self, segment_id) -> list[tuple[str, str]]:
        """The cells ``(product, buyer)`` the segment covers."""
        seg = self.segment(segment_id)
        return [(p, b) for p in seg.products for b in seg.buyers]

    def grid(self) -> dict:
        """``(product, buyer)`` -> the ids of the segments in that cell (only cells with a segment)."""
        out: dict = {}
        for s in self.segments:
            for cell in self.covered(s.id):
                out.setdefault(cell, []).append(s.id)
        return out

    def moves(self) -> list[tuple[str, str]]:
        """Every ``(initial segment id, ideal segment id)`` pair: where the cluster could move from and to."""
        return [(a.id, b.id) for a in self.segments if a.position == "initial"
                for b in self.segments if b.position == "ideal"]

    @classmethod
    def from_case(cls, case, title: str | None = None) -> SegmentationMatrix:
        """The case's segments; attractiveness from its five forces (6 − mean score) where it has them."""
        items = case_list(case, "segments", "segments")
        forces = {s.id: s for s in FiveForces.from_case(case).segments} if pick(case, "five_forces") else {}
        rebuilt = any(f.provenance.reconstructed for s in forces.values() for f in s.forces.values())
        segments = []
        for n, item in enumerate(items, 1):
            with reading(f"Segment {n} of the case"):
                ff = forces.get(pick(item, "id"))
                segments.append(MatrixSegment(pick(item, "id"), pick(item, "label", "id"), pick(item, "products"),
                                              pick(item, "buyers"), pick(item, "position") or "initial",
                                              ff and ff.attractiveness(), pick(item, "description") or "",
                                              Provenance.of(item)))
        products = list(dict.fromkeys(p for s in segments for p in s.products))
        buyers = list(dict.fromkeys(b for s in segments for b in s.buyers))
        said = ("Attractiveness = 6 − the mean of the case's five-forces scores"
                + (", which are reconstructed for teaching." if rebuilt else ".")) if forces else ""
        place = case_place(case)
        return cls(title or (f"{place}: strategic segmentation" if place else "Strategic segmentation"),
                   products, buyers, segments, said)

    def to_dict(self) -> dict:
        return {"kind": "segmentation", "title": self.title, "products": list(self.products),
                "buyers": list(self.buyers), "segments": [s.to_dict() for s in self.segments], "note": self.note}

    @classmethod
    def from_dict(cls, data) -> SegmentationMatrix:
        d = chk.fields(data, "A segmentation matrix", ("segments",), ("title", "products", "buyers", "note", "kind"))
        chk.kind(d, "segmentation", "This dictionary")
        return cls(d.get("title", "Strategic segmentation"), d.get("products", []), d.get("buyers", []),
                   d["segments"], d.get("note", ""))


def _centre(m: SegmentationMatrix, seg: MatrixSegment) -> tuple[float, float]:
    cells = [(m.buyers.index(b), m.products.index(p)) for p, b in m.covered(seg.id)]
    return sum(x for x, _ in cells) / len(cells), sum(y for _, y in cells) / len(cells)


def _data(m: SegmentationMatrix) -> tuple[dict, list[dict], list[dict]]:
    """The heatmap's data, the data of the two position traces, and the arrows (annotations)."""
    grid = m.grid()
    z = [[None] * len(m.buyers) for _ in m.products]
    text = [[""] * len(m.buyers) for _ in m.products]
    hover = [[f"{esc(p)} × {esc(b)}: no segment" for b in m.buyers] for p in m.products]
    for (p, b), ids in grid.items():
        r, c = m.products.index(p), m.buyers.index(b)
        segs = [m.segment(i) for i in ids]
        known = [s.attractiveness for s in segs if s.attractiveness is not None]
        z[r][c] = max(known) if known else 0
        text[r][c] = "<br>".join(esc(short(s.label, 20)) for s in segs)
        hover[r][c] = "<br><br>".join(
            f"<b>{esc(s.label)}</b> ({s.position})<br>attractiveness: "
            f"{'not known' if s.attractiveness is None else f'{s.attractiveness:g} of 5'}<br>{s.provenance.hover()}"
            for s in segs)
    marks = []
    for k, pos in enumerate(POSITIONS):
        segs = [s for s in m.segments if s.position == pos]
        points = [(s, *_centre(m, s)) for s in segs]
        marks.append(dict(x=[x + (-0.32 if k == 0 else 0.32) for _, x, _ in points], y=[y - 0.28 for _, _, y in points],
                          hovertext=[f"{esc(s.label)}: {pos} position" for s, _, _ in points],
                          marker=dict(opacity=[PALE if s.provenance.reconstructed else 1 for s, _, _ in points])))
    arrows = []
    for a, b in m.moves():
        (x0, y0), (x1, y1) = _centre(m, m.segment(a)), _centre(m, m.segment(b))
        if (x0, y0) != (x1, y1):
            arrows.append(dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", showarrow=True,
                               arrowhead=3, arrowsize=1.5, arrowwidth=2, arrowcolor="rgba(21,101,192,0.55)",
                               text="", standoff=14, startstandoff=14))
    heat = dict(x=list(range(len(m.buyers))), y=list(range(len(m.products))), z=z, text=text, hovertext=hover)
    return heat, marks, arrows


def _axes(m: SegmentationMatrix) -> dict:
    def ticks(names):
        return dict(tickvals=list(range(len(names))), ticktext=[wrap(short(n, 60), 22) for n in names],
                    zeroline=False, showgrid=False)
    return dict(xaxis=dict(title="buyers and markets", side="top", range=[-0.5, max(len(m.buyers), 1) - 0.5],
                           **ticks(m.buyers)),
                yaxis=dict(title="products and services", range=[max(len(m.products), 1) - 0.5, -0.5],
                           **ticks(m.products)))


def _outline(m: SegmentationMatrix, segment_id) -> list[dict]:
    if segment_id is None:
        return []
    return [dict(type="rect", x0=m.buyers.index(b) - 0.48, x1=m.buyers.index(b) + 0.48, y0=m.products.index(p) - 0.48,
                 y1=m.products.index(p) + 0.48, line=dict(color="#263238", width=3)) for p, b in m.covered(segment_id)]


class SegmentationView(ComponentView):
    """The matrix as a chart, a segment picker with its details and, unless read-only, controls to edit it.

    Read-only disables the editing controls; picking a segment to look at still works.
    """

    model_class = SegmentationMatrix

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        heat, marks, arrows = _data(self.model)
        first = self.model.segments[0].id if self.model.segments else None
        symbols = {"initial": ("circle", TODAY), "ideal": ("star", IDEAL)}
        self.figure = go.FigureWidget(  # complete when built: in Voila, changes made before display are lost
            data=[go.Heatmap(zmin=0, zmax=5, colorscale=_COLOURS, texttemplate="%{text}", hoverinfo="text",
                             xgap=3, ygap=3, colorbar=dict(title="attractiveness", tickvals=[0, 1, 2, 3, 4, 5],
                                                           ticktext=["not known", "1", "2", "3", "4", "5"]), **heat),
                  *[go.Scatter(name=f"{pos} position", mode="markers", hoverinfo="text", **mark,
                               marker_symbol=symbols[pos][0], marker_color=symbols[pos][1], marker_size=16)
                    for pos, mark in zip(POSITIONS, marks)]],
            layout=go.Layout(height=520, margin=dict(l=200, r=20, t=120, b=30), annotations=arrows,
                             shapes=_outline(self.model, first),
                             legend=dict(orientation="h", y=-0.05), plot_bgcolor="white", **_axes(self.model)))
        self.header, self.details, self.notes = w.HTML(), w.HTML(), w.HTML()
        self.pick = w.Dropdown(description="Segment", layout=w.Layout(width="380px"))
        self.position = w.ToggleButtons(options=POSITIONS, description="Position")
        self.attract = w.Dropdown(description="Attractiveness", style={"description_width": "initial"})
        self.remove_button = w.Button(description="Remove segment")
        self.new_label = w.Text(description="Name", placeholder="e.g. Technical leather")
        self.new_products = w.Text(description="Products", placeholder="separate several with ;")
        self.new_buyers = w.Text(description="Buyers", placeholder="separate several with ;")
        self.new_position = w.ToggleButtons(options=POSITIONS, description="Position")
        self.add_button = w.Button(description="Add segment", button_style="primary")
        self.pick.observe(lambda _c: self._run(self._refresh), names="value")
        self.position.observe(lambda ch: self._run(self._edit, self.model.set_position, ch["new"]), names="value")
        self.attract.observe(lambda ch: self._run(self._edit, self.model.set_attractiveness, ch["new"]), names="value")
        self.remove_button.on_click(lambda _b: self._run(self._remove))
        self.add_button.on_click(lambda _b: self._run(self._add))
        form = [self.new_label, self.new_products, self.new_buyers, self.new_position, self.add_button]
        self.form = w.VBox([w.HTML("<b>Add a segment</b>"), *form], layout=w.Layout(
            display="none" if self.read_only else None))
        self.widget = w.VBox([self.header, self.error.widget, self.figure, self.pick, self.details,
                              w.HBox([self.position, self.attract, self.remove_button]), self.form, self.notes])
        self.widget.add_class("clusterlab-segmentation")
        self._disable([self.position, self.attract, self.remove_button, *form])
        self.remove_button.layout.display = "none" if self.read_only else None
        self._sync(first, figure=False)

    def _edit(self, setter, value) -> None:
        if self.pick.value is None:
            raise ComponentError("Choose a segment first.")
        setter(self.pick.value, value)
        self._changed(self.pick.value)

    def _add(self) -> None:
        split = [[x.strip() for x in box.value.split(";") if x.strip()] for box in (self.new_products, self.new_buyers)]
        seg = self.model.add_segment(self.new_label.value, *split, position=self.new_position.value)
        self.new_label.value = self.new_products.value = self.new_buyers.value = ""
        self._changed(seg.id)

    def _remove(self) -> None:
        if self.pick.value is None:
            raise ComponentError("Choose the segment to remove first.")
        self.model.remove_segment(self.pick.value)
        self._changed(self.model.segments[0].id if self.model.segments else None)

    def _changed(self, chosen) -> None:
        """Redraw the whole chart after a change to the model, pick ``chosen`` and save."""
        heat, marks, arrows = _data(self.model)
        with self.figure.batch_update():
            self.figure.data[0].update(**heat)
            for trace, mark in zip(self.figure.data[1:], marks):
                trace.update(**mark)
            self.figure.layout.update(**_axes(self.model))
            self.figure.layout.annotations = arrows  # update() would keep old arrows when there are none
        self._sync(chosen)
        self.save()

    def _sync(self, chosen, figure: bool = True) -> None:
        """Fill the picker and the edit controls from the model, with ``chosen`` picked."""
        with self._quietly():
            self.pick.options = [(f"{s.label} ({s.position})", s.id) for s in self.model.segments]
            self.pick.value = chosen
        self._refresh(figure)

    def _refresh(self, figure: bool = True) -> None:
        m, chosen = self.model, self.pick.value
        seg = m.segment(chosen) if chosen is not None else None
        with self._quietly():
            odd = [seg.attractiveness] if seg and seg.attractiveness not in (None, 1, 2, 3, 4, 5) else []
            self.attract.options = [("not known", None)] + [(f"{v:g}", v) for v in [1, 2, 3, 4, 5, *odd]]
            self.attract.value = seg.attractiveness if seg else None
            self.position.value = seg.position if seg else None
        if figure:
            self.figure.layout.shapes = _outline(m, chosen)
        self.header.value = (f"<h3>{esc(m.title)}</h3>" + note(
            f"{len(m.segments)} segments on {len(m.products)} products and services × {len(m.buyers)} buyers and "
            "markets. Circles mark initial positions, stars ideal ones; arrows show possible moves. Pick a segment "
            "to outline it.") + (note(f"<small>{esc(m.note)}</small>") if m.note else ""))
        if seg is None:
            self.details.value = note("No segment yet." + ("" if self.read_only else " Add one below."))
        else:
            self.details.value = note(
                f"<b>{esc(seg.label)}</b> ({seg.position} position; attractiveness "
                f"{'not known' if seg.attractiveness is None else f'{seg.attractiveness:g} of 5'}). "
                f"{esc(seg.description)}<br><small>Products: {esc('; '.join(seg.products))}. Buyers: "
                f"{esc('; '.join(seg.buyers))}.</small>", "#263238")
        entries = [(s.label, s.provenance) for s in m.segments]
        self.notes.value = basis_box(entries, "with pale markers") + sources_line(p for _, p in entries)
