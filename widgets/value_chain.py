"""Today's value chain against the ideal one (often a benchmark cluster), stage by stage.

Each stage has a strength today and in the ideal chain, from 0 (absent) to 5 (world class), and
where it is mainly carried out (``local``, ``national`` or ``global``, seen from the cluster). The
**gap** is ideal − today; :meth:`ValueChainBenchmark.gaps` lists the stages from the largest gap to
the smallest, which points to the areas where action is most needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk
from clusterlab import vocabulary

from ._sourcing import (IDEAL, TODAY, Provenance, basis_box, case_place, find, hatch, pick, reading, short, slug,
                        sources_line, unique_ids, wrap)
from ._view import NOT_MET, ComponentView, esc, note
from .errors import ComponentError

WHERE = tuple(vocabulary.VALUE_CHAIN_LOCATIONS)
SIDES = ("today", "ideal")
MAX_STAGES = 30


def _where(value, what: str) -> str:
    if value not in WHERE:
        raise ComponentError(f"{what} must be 'local', 'national' or 'global'; got {chk.describe(value)}.")
    return value


def _side(value) -> str:
    if value not in SIDES:
        raise ComponentError(f"Say 'today' or 'ideal'; got {chk.describe(value)}.")
    return value


@dataclass(frozen=True)
class StageComparison:
    """One stage: strength (0-5) and place today and in the ideal chain, the activities, the sources."""

    id: str
    name: str
    today: int = 0
    ideal: int = 0
    where_today: str = "local"
    where_ideal: str = "local"
    activities_today: tuple = ()
    activities_ideal: tuple = ()
    today_provenance: Provenance = field(default_factory=Provenance)
    ideal_provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self):
        sid = chk.identifier(self.id, "The stage's id")
        name = chk.text(self.name, f"Stage '{sid}': the name", max_len=120)
        object.__setattr__(self, "name", name)
        for side in SIDES:
            object.__setattr__(self, side, chk.number(getattr(self, side), f"{name}: the strength {side} "
                                                      "(0 = absent, 5 = world class)", 0, 5, whole=True))
            _where(getattr(self, f"where_{side}"), f"{name}: where the stage is carried out {side}")
            acts = chk.items(getattr(self, f"activities_{side}"), f"{name}: the activities {side}", max_n=30)
            object.__setattr__(self, f"activities_{side}",
                               tuple(chk.text(a, f"{name}: an activity", max_len=300) for a in acts))
            if not isinstance(getattr(self, f"{side}_provenance"), Provenance):
                raise ComponentError(f"{name}: the provenance must be a Provenance.")

    @property
    def gap(self) -> int:
        """Ideal − today: how far the stage has to go (negative if today is stronger)."""
        return self.ideal - self.today

    def to_dict(self) -> dict:
        out = {"id": self.id, "name": self.name}
        for side in SIDES:
            out[side] = {"strength": getattr(self, side), "where": getattr(self, f"where_{side}"),
                         "activities": list(getattr(self, f"activities_{side}")),
                         **getattr(self, f"{side}_provenance").to_dict()}
        return out

    @classmethod
    def from_dict(cls, data) -> StageComparison:
        d = chk.fields(data, "A stage", ("id", "name", "today", "ideal"))
        sides = {s: chk.fields(d[s], f"Stage {chk.describe(d['id'])}, {s}", ("strength",),
                               ("where", "activities", "source", "basis", "note")) for s in SIDES}
        return cls(d["id"], d["name"], sides["today"]["strength"], sides["ideal"]["strength"],
                   sides["today"].get("where", "local"), sides["ideal"].get("where", "local"),
                   sides["today"].get("activities", ()), sides["ideal"].get("activities", ()),
                   Provenance.from_dict(sides["today"]), Provenance.from_dict(sides["ideal"]))


@dataclass
class ValueChainBenchmark:
    """The stages of a cluster's value chain today and ideally; ``benchmark`` names the model, if any."""

    title: str = "Value chain: today and ideal"
    benchmark: str = ""
    stages: list = field(default_factory=list)
    year: int | None = None

    def __post_init__(self):
        self.title = chk.text(self.title, "The title")
        self.benchmark = chk.text(self.benchmark, "The benchmark", max_len=200, empty_ok=True)
        if self.year is not None:
            self.year = chk.number(self.year, "The year of today's chain", 1000, 2200, whole=True)
        given = chk.items(self.stages, "The list of stages", max_n=MAX_STAGES)
        self.stages = [s if isinstance(s, StageComparison) else StageComparison.from_dict(s) for s in given]
        unique_ids([s.id for s in self.stages], "stages")

    def stage(self, stage_id) -> StageComparison:
        return find(self.stages, stage_id, "stage")

    def gap(self, stage_id) -> int:
        return self.stage(stage_id).gap

    def gaps(self) -> list[tuple[str, int]]:
        """``(stage id, gap)`` from the largest gap to the smallest (ties keep the chain's order)."""
        return sorted(((s.id, s.gap) for s in self.stages), key=lambda p: -p[1])

    def shown(self, where: str = "all", side: str = "today", by_gap: bool = False) -> list[StageComparison]:
        """The stages carried out ``where`` (or ``all``) ``today`` or in the ``ideal`` chain; by gap if asked."""
        if where != "all":
            _where(where, "The filter")
        side = _side(side)
        out = [s for s in self.stages if where == "all" or getattr(s, f"where_{side}") == where]
        return sorted(out, key=lambda s: -s.gap) if by_gap else out

    def _change(self, stage_id, side, **changes) -> None:
        old = self.stage(stage_id)
        new = replace(old, **changes)
        if new != old:
            key = f"{_side(side)}_provenance"
            self.stages[self.stages.index(old)] = replace(new, **{key: getattr(old, key).own()})

    def set_strength(self, stage_id, side, value) -> None:
        """The strength of a stage ``today`` or in the ``ideal`` chain (0-5); a change becomes your own."""
        self._change(stage_id, side, **{_side(side): value})

    def set_where(self, stage_id, side, where) -> None:
        self._change(stage_id, side, **{f"where_{_side(side)}": where})

    def add_stage(self, name, today=0, ideal=0, where="local", stage_id=None) -> StageComparison:
        if len(self.stages) >= MAX_STAGES:
            raise ComponentError(f"A value chain holds at most {MAX_STAGES} stages. Remove one first.")
        name = chk.text(name, "The stage's name", max_len=120)
        stage = StageComparison(stage_id if stage_id is not None else slug(name, [s.id for s in self.stages]),
                                name, today, ideal, where, where)
        unique_ids([*(s.id for s in self.stages), stage.id], "stages")
        self.stages.append(stage)
        return stage

    def remove_stage(self, stage_id) -> StageComparison:
        stage = self.stage(stage_id)
        self.stages.remove(stage)
        return stage

    @classmethod
    def from_case(cls, case, title: str | None = None) -> ValueChainBenchmark:
        """From the case's ``value_chain_today`` and ``value_chain_ideal`` (stages matched by id)."""
        today, ideal = pick(case, "value_chain_today"), pick(case, "value_chain_ideal")
        if today is None or ideal is None:
            raise ComponentError("This case needs both a value chain today and an ideal one to compare.")
        with reading("The case's value chains"):
            targets = {pick(s, "id"): s for s in pick(ideal, "stages")}
            stages = []
            for s in pick(today, "stages"):
                t = targets.get(pick(s, "id"))
                if t is None:
                    raise ComponentError(f"the stage '{pick(s, 'id')}' is missing from the ideal chain")
                stages.append(StageComparison(
                    pick(s, "id"), pick(s, "name"), pick(s, "strength"), pick(t, "strength"), pick(s, "where"),
                    pick(t, "where"), tuple(pick(s, "activities") or ()), tuple(pick(t, "activities") or ()),
                    Provenance.of(s, "strength"), Provenance.of(t, "strength")))
            benchmark = pick(ideal, "benchmark") or pick(today, "benchmark") or ""
            place = case_place(case)
            return cls(title or (f"{place}: value chain today and ideal" if place else "Value chain: today and ideal"),
                       str(benchmark), stages, pick(today, "year"))

    def to_dict(self) -> dict:
        return {"kind": "value_chain_benchmark", "title": self.title, "benchmark": self.benchmark, "year": self.year,
                "stages": [s.to_dict() for s in self.stages]}

    @classmethod
    def from_dict(cls, data) -> ValueChainBenchmark:
        d = chk.fields(data, "A value-chain benchmark", ("stages",), ("title", "benchmark", "year", "kind"))
        chk.kind(d, "value_chain_benchmark", "This dictionary")
        return cls(d.get("title", "Value chain: today and ideal"), d.get("benchmark", ""), d["stages"], d.get("year"))


def _bars(stages: list[StageComparison]) -> list[dict]:
    """Data of the three bar traces (today, ideal, gap) for ``stages``."""
    x = [wrap(short(s.name, 40), 16) for s in stages]
    out = []
    for side in SIDES:
        provs = [getattr(s, f"{side}_provenance") for s in stages]
        out.append(dict(x=x, y=[getattr(s, side) for s in stages], marker=hatch(provs), hovertext=[
            f"<b>{esc(s.name)}</b>, {side}: {getattr(s, side)}/5, {getattr(s, f'where_{side}')}<br>"
            f"{wrap('; '.join(getattr(s, f'activities_{side}')))}<br>{p.hover()}" for s, p in zip(stages, provs)]))
    out.append(dict(x=x, y=[s.gap for s in stages], text=[f"{s.gap:+d}" for s in stages],
                    hovertext=[f"<b>{esc(s.name)}</b>: gap {s.gap:+d} (ideal − today)" for s in stages],
                    marker=dict(color=[NOT_MET if s.gap > 0 else "#9e9e9e" for s in stages])))
    return out


def _y_range(stages: list[StageComparison]) -> list[float]:
    """Room for the bars and the gap labels; below zero only when some stage is stronger today."""
    return [min([0, *(s.gap for s in stages)]) - 0.6, 5.6]


class ValueChainView(ComponentView):
    """Bars of each stage today and ideally, with the gap; a filter by place, sorting by gap, a stage picker.

    Read-only disables the sliders and the place pickers of a stage; the filter, the sorting and the
    stage picker (which shows a stage's activities) still work.
    """

    model_class = ValueChainBenchmark

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        m = self.model
        against = f" against {m.benchmark}" if m.benchmark else ""
        self.header = w.HTML(f"<h3>{esc(m.title)}</h3>" + note(esc(
            f"Strength of each stage from 0 (absent) to 5 (world class): today{f' ({m.year})' if m.year else ''} and "
            f"in the ideal chain{against}. The gap (ideal − today) shows where action is most needed.")))
        self.where = w.Dropdown(options=[("all stages", "all"), *[(f"{x} stages", x) for x in WHERE]],
                                description="Show")
        self.side = w.ToggleButtons(options=[("as today", "today"), ("in the ideal chain", "ideal")],
                                    style={"button_width": "130px"})
        self.by_gap = w.ToggleButton(description="Sort by gap", icon="sort-amount-desc")
        today, ideal, gap = _bars(m.stages)
        self.figure = go.FigureWidget(
            data=[go.Bar(name="today", marker_color=TODAY, hoverinfo="text", **today),
                  go.Bar(name=f"ideal{' (' + short(m.benchmark, 30) + ')' if m.benchmark else ''}", marker_color=IDEAL,
                         hoverinfo="text", **ideal),
                  go.Bar(name="gap (ideal − today)", hoverinfo="text", textposition="outside", **gap)],
            layout=go.Layout(barmode="group", height=440, margin=dict(l=50, r=20, t=30, b=100),
                             legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                             yaxis=dict(title="strength (0-5) and gap", range=_y_range(m.stages)),
                             xaxis=dict(tickangle=0)))
        self.summary, self.details, self.notes = w.HTML(), w.HTML(), w.HTML()
        self.pick = w.Dropdown(description="Stage", options=[(s.name, s.id) for s in m.stages],
                               layout=w.Layout(width="420px"))
        self.sliders = {s: w.IntSlider(min=0, max=5, description=s, continuous_update=False) for s in SIDES}
        self.places = {s: w.Dropdown(options=WHERE, description="where", layout=w.Layout(width="200px")) for s in SIDES}
        for side in SIDES:
            self.sliders[side].observe(lambda ch, s=side: self._run(self._edit, self.model.set_strength, s, ch["new"]),
                                       names="value")
            self.places[side].observe(lambda ch, s=side: self._run(self._edit, self.model.set_where, s, ch["new"]),
                                      names="value")
        for control in (self.where, self.side, self.by_gap, self.pick):
            control.observe(lambda _c: self._run(self._redraw), names="value")
        edit = [w.HBox([self.sliders[s], self.places[s]]) for s in SIDES]
        self.widget = w.VBox([self.header, self.error.widget, w.HBox([self.where, self.side, self.by_gap]),
                              self.figure, self.summary, self.pick, *edit, self.details, self.notes])
        self.widget.add_class("clusterlab-value-chain")
        self._disable([*self.sliders.values(), *self.places.values()])
        self._redraw(figure=False)

    def _edit(self, setter, side: str, value) -> None:
        if self.pick.value is None:
            raise ComponentError("This chain has no stages to change.")
        setter(self.pick.value, side, value)
        self._redraw()
        self.save()

    def _redraw(self, figure: bool = True) -> None:
        m = self.model
        shown = m.shown(self.where.value, self.side.value, self.by_gap.value)
        if figure:  # the figure is built complete; in Voila, changes made before display are lost
            with self.figure.batch_update():
                for trace, data in zip(self.figure.data, _bars(shown)):
                    trace.update(**data)
                self.figure.layout.yaxis.range = _y_range(shown)
        stage = m.stage(self.pick.value) if self.pick.value is not None else None
        with self._quietly():
            for side in SIDES:
                if stage is not None:
                    self.sliders[side].value = getattr(stage, side)
                    self.places[side].value = getattr(stage, f"where_{side}")
        top = [f"{esc(m.stage(i).name)} ({g:+d})" for i, g in m.gaps() if g > 0][:3]
        gaps = f"Largest gaps: {', '.join(top)}." if top else "No stage falls short of the ideal."
        self.summary.value = note(f"Showing {len(shown)} of {len(m.stages)} stages. {gaps}")
        if stage is not None:
            rows = "".join(f"<li><b>{side}</b> ({getattr(stage, f'where_{side}')}, {getattr(stage, side)}/5): "
                           f"{esc('; '.join(getattr(stage, f'activities_{side}')) or 'no activities listed')}</li>"
                           for side in SIDES)
            self.details.value = f'<div style="color:#37474f"><b>{esc(stage.name)}</b><ul>{rows}</ul></div>'
        entries = [(f"{s.name}, {side}", getattr(s, f"{side}_provenance")) for s in shown for side in SIDES]
        self.notes.value = basis_box(entries, "pale and hatched") + sources_line(p for _, p in entries)
