"""The cluster lifecycle: which stage a cluster is in, and what to measure at that stage.

A cluster is born (emergence), grows, matures, and then either declines or renews itself by moving
into new products, technologies or markets. The source (``000_2a945ab753eb11eb.txt``, chapter 7,
lines 3549-3829) draws the lifecycle as a picture that is not in its text; it gives examples of
metrics (patents registered, new companies funded, capital invested, the share of turnover from
international markets, local GDP per head) and says the right metrics depend on the stage. How the
metrics are grouped by stage here is the course's own suggestion, in its own words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk

from ._view import HIGHLIGHT, MUTED, ComponentView, esc, note
from .errors import ComponentError

SOURCE_NOTE = ("Source: 000_2a945ab753eb11eb.txt, chapter 7 (lines 3549-3829), which lists example metrics "
               "and says they depend on the stage. Grouping them by stage is the course's suggestion.")
STYLISED = "The curve is a stylised teaching drawing, not data about any cluster."


@dataclass(frozen=True)
class LifecycleStage:
    """One stage of the lifecycle: what it looks like (``summary``) and what to measure (``metrics``)."""

    id: str
    name: str
    summary: str
    metrics: tuple


STAGES: tuple[LifecycleStage, ...] = (
    LifecycleStage("emergence", "Emergence",
                   "A handful of firms gather around a shared skill, resource or pioneer. Links between "
                   "them are thin and outsiders hardly notice the cluster yet.",
                   ("new firms founded or attracted, and how many find funding",
                    "capital invested in the young firms",
                    "the first joint projects, and who takes part",
                    "specialised skills on offer locally (courses, graduates)")),
    LifecycleStage("growth", "Growth",
                   "Firms, jobs and specialised suppliers multiply, knowledge moves from firm to firm, and "
                   "the place becomes known for its speciality.",
                   ("growth in the number of firms and jobs in the speciality",
                    "patents registered and other signs of new knowledge",
                    "capital invested in the cluster's firms",
                    "how connected the actors are: joint projects, shared services, members")),
    LifecycleStage("maturity", "Maturity",
                   "Growth slows. The cluster is large, efficient and well known, but risks locking itself "
                   "into the products and habits that made it successful.",
                   ("share of firms' turnover earned in international markets",
                    "local GDP per head, wages and productivity",
                    "share of turnover from recently launched products or services",
                    "dependence on a few products, customers or technologies")),
    LifecycleStage("decline", "Decline",
                   "Markets, technology or costs turn against the speciality. Firms close or leave and jobs "
                   "are lost; without change the cluster keeps shrinking.",
                   ("firms closing and jobs lost, year by year",
                    "share of turnover from international markets, and its trend",
                    "local GDP per head against the national average",
                    "skills, suppliers and know-how still present that a new activity could use")),
    LifecycleStage("renewal", "Renewal",
                   "The cluster uses what it still has (skills, suppliers, reputation) to move into new "
                   "products, technologies or markets. Bologna's shift from silk to packaging machinery "
                   "is the source's example.",
                   ("new firms funded in the new fields",
                    "patents registered in the new technologies",
                    "capital invested in the new lines of business",
                    "joint projects with other sectors and other regions")),
)
_BY_ID = {s.id: s for s in STAGES}


def get_stage(stage_id) -> LifecycleStage:
    """The stage with this id ('emergence', 'growth', 'maturity', 'decline' or 'renewal')."""
    if not isinstance(stage_id, str) or stage_id not in _BY_ID:
        raise ComponentError(f"There is no lifecycle stage {chk.describe(stage_id)}. Choose one of: "
                             f"{', '.join(_BY_ID)}.")
    return _BY_ID[stage_id]


@dataclass
class Lifecycle:
    """A trainee's judgement: the ``stage`` a cluster is in (None until chosen) and the ``reasoning``."""

    cluster: str = "My cluster"
    stage: str | None = None
    reasoning: str = ""

    def __post_init__(self):
        self.set_cluster(self.cluster)
        self.choose(self.stage)
        self.set_reasoning(self.reasoning)

    def set_cluster(self, name) -> None:
        self.cluster = chk.text(name, "The cluster's name")

    def choose(self, stage) -> LifecycleStage | None:
        """Pick a stage by its id; None clears the choice."""
        self.stage = None if stage is None else get_stage(stage).id
        return self.stage_info()

    def set_reasoning(self, text) -> None:
        """Why the cluster is in that stage, in the trainee's words (may be empty while drafting)."""
        self.reasoning = chk.text(text, "The reasoning", max_len=5000, empty_ok=True)

    def stage_info(self) -> LifecycleStage | None:
        return None if self.stage is None else _BY_ID[self.stage]

    def metrics(self) -> tuple:
        """What to measure at the chosen stage (empty until a stage is chosen)."""
        info = self.stage_info()
        return info.metrics if info else ()

    def to_dict(self) -> dict:
        return {"kind": "lifecycle", "cluster": self.cluster, "stage": self.stage, "reasoning": self.reasoning}

    @classmethod
    def from_dict(cls, data) -> Lifecycle:
        d = chk.fields(data, "A lifecycle", ("cluster",), ("stage", "reasoning", "kind"))
        chk.kind(d, "lifecycle", "This dictionary")
        return cls(d["cluster"], d.get("stage"), d.get("reasoning", ""))


def _curve() -> dict:
    """Points of the stylised curve, one segment per stage (time 0-10, size 0-1.5)."""
    def rise(t):
        return 1 / (1 + math.exp(-1.3 * (t - 3.5)))

    top = rise(7.5)
    grid = {"emergence": (0, 2.5), "growth": (2.5, 5), "maturity": (5, 7.5), "decline": (7.5, 10),
            "renewal": (7.5, 10)}
    out = {}
    for sid, (a, b) in grid.items():
        ts = [a + (b - a) * k / 20 for k in range(21)]
        if sid == "decline":
            ys = [top - 0.6 * ((t - 7.5) / 2.5) ** 2 for t in ts]
        elif sid == "renewal":
            ys = [top + 0.45 * ((t - 7.5) / 2.5) ** 1.5 for t in ts]
        else:
            ys = [rise(t) for t in ts]
        out[sid] = (ts, ys)
    return out


class LifecycleView(ComponentView):
    """A stage picker, a stylised lifecycle curve with the chosen stage highlighted, and its metrics."""

    model_class = Lifecycle

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        header = w.HTML("<h3>Where is the cluster in its lifecycle?</h3>" + note(esc(STYLISED)))
        self.cluster_box = w.Text(value=self.model.cluster, description="Cluster", continuous_update=False)
        self.picker = w.ToggleButtons(options=[(s.name, s.id) for s in STAGES], value=self.model.stage,
                                      description="Stage")
        self.reasoning_box = w.Textarea(value=self.model.reasoning, description="Why?", continuous_update=False,
                                        placeholder="What in the cluster's recent history points to this stage?",
                                        layout=w.Layout(width="600px", height="90px"))
        self.cluster_box.observe(lambda ch: self._run(self._change, self.model.set_cluster, ch["new"]), names="value")
        self.picker.observe(lambda ch: self._run(self._change, self.model.choose, ch["new"]), names="value")
        self.reasoning_box.observe(lambda ch: self._run(self._change, self.model.set_reasoning, ch["new"]),
                                   names="value")
        curve = _curve()
        self.figure = go.FigureWidget(
            data=[go.Scatter(x=curve[s.id][0], y=curve[s.id][1], mode="lines", name=s.name, hoverinfo="name",
                             line=self._line(s.id)) for s in STAGES],
            layout=go.Layout(height=330, margin=dict(l=40, r=20, t=40, b=40), showlegend=False,
                             title="A stylised cluster lifecycle (teaching drawing)",
                             xaxis=dict(title="time", showticklabels=False, range=[-0.2, 10.8]),
                             yaxis=dict(title="size and vitality", showticklabels=False, range=[-0.05, 1.6]),
                             annotations=[dict(x=curve[s.id][0][10], text=s.name, showarrow=False,
                                               y=curve[s.id][1][10] + (-0.14 if s.id == "decline" else 0.12))
                                          for s in STAGES]))
        self.details = w.HTML()
        self.widget = w.VBox([header, self.error.widget, self.cluster_box, self.picker, self.figure,
                              self.details, self.reasoning_box, w.HTML(note(f"<small>{esc(SOURCE_NOTE)}</small>"))])
        self.widget.add_class("clusterlab-lifecycle")
        self._disable([self.cluster_box, self.picker, self.reasoning_box])
        self._refresh(redraw=False)

    def _change(self, setter, value) -> None:
        setter(value)
        self._refresh()
        self.save()

    def _line(self, stage_id: str) -> dict:
        chosen = stage_id == self.model.stage
        return dict(color=HIGHLIGHT if chosen else MUTED, width=7 if chosen else 3)

    def _refresh(self, redraw: bool = True) -> None:
        if redraw:
            with self.figure.batch_update():
                for trace, stage in zip(self.figure.data, STAGES):
                    trace.line = self._line(stage.id)
        info = self.model.stage_info()
        if info is None:
            self.details.value = note("Pick the stage you think the cluster is in to see what to measure there.")
            return
        items = "".join(f"<li>{esc(m)}</li>" for m in info.metrics)
        self.details.value = (f"<p><b>{esc(info.name)}.</b> {esc(info.summary)}</p>"
                              f"<p>What to watch at this stage:</p><ul>{items}</ul>")
