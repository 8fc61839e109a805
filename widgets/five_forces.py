"""Porter's five forces, assessed segment by segment, with one segment compared against another.

Each force gets a score from 1 to 5: **5 is a strong force**, one that squeezes the margins of the
firms in the segment (less attractive); **1 is a weak force** (more attractive). For entry barriers
the score is the *threat of entry*: high barriers keep newcomers out, so they score low. Rivalry
results largely from the other four.

A segment's **attractiveness** is ``6 − mean score``, again on a 1-5 scale, where 5 is the most
attractive (every force weak) and 1 the least (every force strong).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk
from clusterlab import vocabulary

from ._sourcing import (COMPARE, IDEAL, PROVENANCE_FIELDS, Provenance, basis_box, case_list, case_place, find, pick,
                        radar_data, radar_layout, radar_trace, reading, slug, sources_line, unique_ids, wrap)
from ._view import ComponentView, esc, note
from .errors import ComponentError

FORCES = tuple(vocabulary.FORCES)
FORCE_LABELS = vocabulary.FORCES
FORCE_HINTS = vocabulary.FORCE_HINTS
SCALE = ("Each force is scored from 1 (weak: good for the firms of the segment) to 5 (strong: it squeezes "
         "their margins). Attractiveness = 6 − the mean score: 5 is the most attractive segment, 1 the least.")
MAX_SEGMENTS = 20


def _force(force) -> str:
    if not isinstance(force, str) or force not in FORCES:
        raise ComponentError(f"There is no force {chk.describe(force)}. The forces are: {', '.join(FORCES)}.")
    return force


@dataclass(frozen=True)
class ForceScore:
    """One force in one segment: ``score`` 1-5 (5 = strong force), the ``reasoning``, where it comes from."""

    score: int = 3
    reasoning: str = ""
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self):
        object.__setattr__(self, "score", chk.number(self.score, "The score of a force", 1, 5, whole=True))
        object.__setattr__(self, "reasoning", chk.text(self.reasoning, "The reasoning", max_len=2000, empty_ok=True))
        if not isinstance(self.provenance, Provenance):
            raise ComponentError("The provenance of a force must be a Provenance.")

    def to_dict(self) -> dict:
        return {"score": self.score, "reasoning": self.reasoning, **self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, data, what: str = "A force") -> ForceScore:
        d = chk.fields(data, what, ("score",), ("reasoning", *PROVENANCE_FIELDS))
        return cls(d["score"], d.get("reasoning", ""), Provenance.from_dict(d))


@dataclass
class SegmentForces:
    """The five forces of one segment (``forces``: force -> ForceScore; a missing force starts at 3)."""

    id: str
    label: str
    forces: dict = field(default_factory=dict)
    description: str = ""

    def __post_init__(self):
        self.id = chk.identifier(self.id, "The segment's id")
        self.label = chk.text(self.label, "The segment's name", max_len=120)
        self.description = chk.text(self.description, "The segment's description", max_len=1000, empty_ok=True)
        given = chk.mapping(self.forces, f"The forces of segment '{self.id}'")
        for key in given:
            _force(key)
        self.forces = {f: given[f] if isinstance(given.get(f), ForceScore)
                       else ForceScore() if given.get(f) is None
                       else ForceScore.from_dict(given[f], f"Force '{f}' of segment '{self.id}'") for f in FORCES}

    def scores(self) -> dict:
        return {f: self.forces[f].score for f in FORCES}

    def mean_score(self) -> float:
        return sum(self.scores().values()) / len(FORCES)

    def attractiveness(self) -> float:
        """6 − the mean score, rounded to two decimals: 5 is the most attractive, 1 the least."""
        return round(6 - self.mean_score(), 2)

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "description": self.description,
                "forces": {f: self.forces[f].to_dict() for f in FORCES}}

    @classmethod
    def from_dict(cls, data) -> SegmentForces:
        d = chk.fields(data, "A segment", ("id", "label", "forces"), ("description",))
        return cls(d["id"], d["label"], d["forces"], d.get("description", ""))


def _default_segments() -> list:
    return [SegmentForces("segment-1", "Segment 1")]


@dataclass
class FiveForces:
    """The five-forces assessment of one or more segments (at most 20, each with its own id)."""

    title: str = "Five forces by segment"
    segments: list = field(default_factory=_default_segments)

    def __post_init__(self):
        self.title = chk.text(self.title, "The title")
        given = chk.items(self.segments, "The list of segments", min_n=1, max_n=MAX_SEGMENTS)
        self.segments = [s if isinstance(s, SegmentForces) else SegmentForces.from_dict(s) for s in given]
        unique_ids([s.id for s in self.segments], "segments")

    def ids(self) -> list[str]:
        return [s.id for s in self.segments]

    def segment(self, segment_id) -> SegmentForces:
        return find(self.segments, segment_id, "segment")

    def set_score(self, segment_id, force, score) -> None:
        """Score one force of one segment; a changed score becomes your own assessment."""
        seg, force = self.segment(segment_id), _force(force)
        old = seg.forces[force]
        new = ForceScore(score, old.reasoning, old.provenance)
        if new.score != old.score:
            seg.forces[force] = ForceScore(new.score, old.reasoning, old.provenance.own())

    def set_reasoning(self, segment_id, force, text) -> None:
        """Explain a force's score; changed reasoning becomes your own assessment."""
        seg, force = self.segment(segment_id), _force(force)
        old = seg.forces[force]
        new = ForceScore(old.score, text, old.provenance)
        if new.reasoning != old.reasoning:
            seg.forces[force] = ForceScore(old.score, new.reasoning, old.provenance.own())

    def add_segment(self, label, segment_id=None) -> SegmentForces:
        """A new segment with every force at 3 (the middle of the scale) until you score it."""
        if len(self.segments) >= MAX_SEGMENTS:
            raise ComponentError(f"At most {MAX_SEGMENTS} segments can be compared. Remove one first.")
        label = chk.text(label, "The segment's name", max_len=120)
        seg = SegmentForces(segment_id if segment_id is not None else slug(label, self.ids()), label)
        unique_ids([*self.ids(), seg.id], "segments")
        self.segments.append(seg)
        return seg

    def remove_segment(self, segment_id) -> SegmentForces:
        seg = self.segment(segment_id)
        if len(self.segments) == 1:
            raise ComponentError("The last segment cannot be removed: add another one first.")
        self.segments.remove(seg)
        return seg

    def attractiveness(self, segment_id) -> float:
        """6 − the segment's mean score (1-5; 5 = most attractive)."""
        return self.segment(segment_id).attractiveness()

    def ranking(self) -> list[tuple[str, float]]:
        """``(segment id, attractiveness)`` from the most to the least attractive segment."""
        return sorted(((s.id, s.attractiveness()) for s in self.segments), key=lambda p: -p[1])

    @classmethod
    def from_case(cls, case, title: str | None = None) -> FiveForces:
        """Every segment of the case that has a five-forces assessment, labelled as in the case."""
        items = case_list(case, "five_forces", "five-forces assessment")
        with reading("The case's segments"):
            known = {pick(s, "id"): s for s in (pick(case, "segments") or [])}
        segments = []
        for n, item in enumerate(items, 1):
            with reading(f"Five-forces assessment {n} of the case"):
                seg_id = pick(item, "segment", "id")
                forces = {}
                for f in FORCES:
                    fa = pick(item, f)
                    if fa is None:
                        raise ComponentError(f"the force '{f}' is missing")
                    forces[f] = ForceScore(pick(fa, "score"), pick(fa, "reasoning") or "", Provenance.of(fa, "score"))
                about = known.get(seg_id, {})
                segments.append(SegmentForces(seg_id, str(pick(about, "label") or seg_id), forces,
                                              str(pick(about, "description") or "")))
        place = case_place(case)
        return cls(title or (f"{place}: five forces by segment" if place else "Five forces by segment"), segments)

    def to_dict(self) -> dict:
        return {"kind": "five_forces", "title": self.title, "segments": [s.to_dict() for s in self.segments]}

    @classmethod
    def from_dict(cls, data) -> FiveForces:
        d = chk.fields(data, "A five-forces assessment", ("segments",), ("title", "kind"))
        chk.kind(d, "five_forces", "This dictionary")
        return cls(d.get("title", "Five forces by segment"), d["segments"])


def _radar(seg: SegmentForces) -> dict:
    labels = [FORCE_LABELS[f] for f in FORCES]
    hovers = [f"<b>{esc(seg.label)}: {FORCE_LABELS[f]}</b> {seg.forces[f].score}/5<br>"
              f"{wrap(seg.forces[f].reasoning)}<br>{seg.forces[f].provenance.hover()}" for f in FORCES]
    return radar_data(labels, [seg.forces[f].score for f in FORCES], hovers,
                      [seg.forces[f].provenance for f in FORCES])


class FiveForcesView(ComponentView):
    """A segment picker, a radar of its five forces (with a second segment to compare), sliders and reasons.

    Read-only disables the sliders, the reasoning and the new-segment form; the two pickers still work.
    """

    model_class = FiveForces
    NONE = "(none)"

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        self.header = w.HTML(f"<h3>{esc(self.model.title)}</h3>" + note(esc(SCALE)))
        self.segment_pick = w.Dropdown(description="Segment", layout=w.Layout(width="340px"))
        self.compare_pick = w.Dropdown(description="Compare with", layout=w.Layout(width="340px"),
                                       style={"description_width": "initial"})
        self._fill_pickers(self.model.segments[0].id, self.model.segments[1].id if len(self.model.segments) > 1
                           else self.NONE)
        seg, other = self._shown()
        self.figure = go.FigureWidget(  # complete when built: in Voila, changes made before display are lost
            data=[radar_trace(seg.label, IDEAL, _radar(seg)),
                  radar_trace(other.label if other else "", COMPARE, _radar(other or seg), dash="dash", fill="none",
                              visible=other is not None)],
            layout=radar_layout("Strength of each force (5 = strong force = less attractive)"))
        self.summary, self.notes = w.HTML(), w.HTML()
        self.sliders, self.reasons, self.infos = {}, {}, {}
        rows = [self._row(f) for f in FORCES]
        self.new_label = w.Text(description="New segment", placeholder="a name, e.g. Technical leather",
                                style={"description_width": "initial"})
        self.add_button = w.Button(description="Add segment")
        self.add_button.on_click(lambda _b: self._run(self._add))
        self.segment_pick.observe(lambda _c: self._run(self._redraw), names="value")
        self.compare_pick.observe(lambda _c: self._run(self._redraw), names="value")
        adding = w.HBox([self.new_label, self.add_button], layout=w.Layout(display="none" if self.read_only else None))
        self.widget = w.VBox([self.header, self.error.widget, w.HBox([self.segment_pick, self.compare_pick]),
                              self.figure, self.summary, *rows, adding, self.notes])
        self.widget.add_class("clusterlab-five-forces")
        self._disable([*self.sliders.values(), *self.reasons.values(), self.new_label, self.add_button])
        self._redraw(figure=False)

    def _row(self, force: str) -> w.VBox:
        slider = w.IntSlider(min=1, max=5, step=1, description=FORCE_LABELS[force], continuous_update=False,
                             style={"description_width": "150px"}, layout=w.Layout(width="420px"))
        reason = w.Textarea(placeholder="Why this score?", continuous_update=False,
                            layout=w.Layout(width="420px", height="56px", display="none" if self.read_only else None))
        slider.observe(lambda ch, f=force: self._run(self._change, self.model.set_score, f, ch["new"]), names="value")
        reason.observe(lambda ch, f=force: self._run(self._change, self.model.set_reasoning, f, ch["new"]),
                       names="value")
        self.sliders[force], self.reasons[force], self.infos[force] = slider, reason, w.HTML()
        return w.VBox([w.HBox([slider, reason]), self.infos[force]])

    def _fill_pickers(self, chosen: str, compared: str) -> None:
        options = [(s.label, s.id) for s in self.model.segments]
        with self._quietly():
            self.segment_pick.options = options
            self.segment_pick.value = chosen
            self.compare_pick.options = [(self.NONE, self.NONE), *options]
            self.compare_pick.value = compared

    def _change(self, setter, force: str, value) -> None:
        setter(self.segment_pick.value, force, value)
        self._redraw()
        self.save()

    def _add(self) -> None:
        seg = self.model.add_segment(self.new_label.value)
        self.new_label.value = ""
        self._fill_pickers(seg.id, self.segment_pick.value)
        self._redraw()
        self.save()

    def _shown(self) -> tuple:
        """The segment picked and the one to compare it with (None when there is none)."""
        seg = self.model.segment(self.segment_pick.value)
        return seg, (None if self.compare_pick.value in (self.NONE, seg.id) else
                     self.model.segment(self.compare_pick.value))

    def _redraw(self, figure: bool = True) -> None:
        seg, other = self._shown()
        if figure:
            with self.figure.batch_update():
                self.figure.data[0].update(name=seg.label, **_radar(seg))
                self.figure.data[1].update(name=other.label if other else "", visible=other is not None,
                                           **_radar(other or seg))
        with self._quietly():
            for f in FORCES:
                self.sliders[f].value = seg.forces[f].score
                self.reasons[f].value = seg.forces[f].reasoning
        for f in FORCES:
            fs = seg.forces[f]
            said = f"<b>Why:</b> {esc(fs.reasoning)} " if self.read_only and fs.reasoning else ""
            rebuilt = (f'<br><span style="color:#8d6e63">reconstructed for teaching: {esc(fs.provenance.note)}</span>'
                       if fs.provenance.reconstructed else "")
            source = f"<i>Source: {esc(fs.provenance.source)}</i>" if fs.provenance.source else ""
            self.infos[f].value = note(f"<small>{esc(FORCE_HINTS[f])} {said}{source}{rebuilt}</small>", "#546e7a")
        text = "; ".join(f"<b>{esc(s.label)}</b>: attractiveness {s.attractiveness():.1f} of 5"
                         + (f" <small>({esc(s.description)})</small>" if s.description else "")
                         for s in (seg, other) if s)
        ranked = ", ".join(f"{esc(self.model.segment(i).label)} {a:.1f}" for i, a in self.model.ranking())
        self.summary.value = note(text) + note(f"<small>All segments, most attractive first: {ranked}</small>")
        shown = [s for s in (seg, other) if s]
        entries = [(f"{s.label}: {FORCE_LABELS[f]}", s.forces[f].provenance) for s in shown for f in FORCES]
        self.notes.value = basis_box(entries, "as hollow points") + sources_line(p for _, p in entries)
