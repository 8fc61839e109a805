"""Excellence self-assessment: how a cluster organisation compares with twelve benchmark thresholds.

The twelve indicators and their thresholds are *inspired by* the indicators of the European
cluster-management excellence labels, as a European cluster project summarised them (source
document ``000_2a945ab753eb11eb.txt``, section "Benchmarking method and excellence indicators",
lines 777-1072). This is a learning tool, not the labels' official questionnaire, and it awards
no label. The explanations are the course's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk

from ._view import MET, NOT_MET, UNANSWERED, ComponentView, esc, note, two_columns
from .errors import ComponentError

SOURCE_DOC = "000_2a945ab753eb11eb.txt"
SECTION = "Benchmarking method and excellence indicators"
CHART_CAP = 2.5  # positions beyond this are drawn at the edge of the chart
CHART_WIDTH = 480  # pixels: the chart sits in a column beside the sliders
INSPIRED = ("Inspired by the indicators of the European cluster-management excellence labels; "
            "not their official questionnaire, and it awards no label.")


@dataclass(frozen=True)
class Indicator:
    """One benchmark: what to enter (between ``min`` and ``max``), the threshold and how to compare.

    ``comparison`` is ">=", ">" (more is better) or "<=" (less is better). ``excellence`` is an
    optional second, higher level. ``source`` says where the threshold comes from.
    """

    id: str
    label: str
    explanation: str
    unit: str
    min: float
    max: float
    step: float
    threshold: float
    comparison: str
    excellence: float | None = None
    source: str = ""

    def __post_init__(self):
        if self.comparison not in (">=", ">", "<="):
            raise ComponentError(f"Indicator '{self.id}': comparison must be '>=', '>' or '<='.")
        if not self.min <= self.threshold <= self.max or self.threshold <= 0:
            raise ComponentError(f"Indicator '{self.id}': the threshold must lie inside its range and above 0.")
        if self.comparison == "<=" and self.min <= 0:
            raise ComponentError(f"Indicator '{self.id}': a less-is-better indicator needs a minimum above 0.")

    @property
    def whole(self) -> bool:
        """True when only whole numbers make sense (a count)."""
        return all(float(x).is_integer() for x in (self.min, self.max, self.step))

    @property
    def rule(self) -> str:
        """The threshold in words, for example '≥ 80 %'."""
        sign = {">=": "≥", ">": ">", "<=": "≤"}[self.comparison]
        return f"{sign} {self.threshold:g} {self.unit}"

    def validate(self, value):
        """``value`` checked against this indicator's range (and whole numbers for counts)."""
        return chk.number(value, f"The value for '{self.label}' ({self.unit})", self.min, self.max, whole=self.whole)

    def meets(self, value) -> bool:
        return {">=": value >= self.threshold, ">": value > self.threshold,
                "<=": value <= self.threshold}[self.comparison]

    def excels(self, value) -> bool | None:
        """Whether ``value`` reaches the excellence level; None if this indicator has none."""
        if self.excellence is None:
            return None
        return value <= self.excellence if self.comparison == "<=" else value >= self.excellence

    def position(self, value) -> float:
        """Where ``value`` stands against the threshold: 1.0 is the threshold, above 1 is better."""
        return self.threshold / value if self.comparison == "<=" else value / self.threshold


def _src(lines: str) -> str:
    return f'{SOURCE_DOC}, "{SECTION}" (lines 777-1072), here lines {lines}'


INDICATORS: tuple[Indicator, ...] = (
    Indicator("committed_participants", "Committed participants",
              "Of all the cluster's participants, the share that have signed a written agreement "
              "setting out what they gain and what they owe. Newsletter readers and one-off visitors "
              "to an event do not count.", "%", 0, 100, 1, 80, ">=", source=_src("921-930")),
    Indicator("industry_share", "Participants from industry",
              "The share of committed participants that are companies, small or large. Research, "
              "education, public bodies and intermediaries make up the rest (the label also wants at "
              "least one of each; this tool does not ask).", "%", 0, 100, 1, 70, ">", source=_src("931-937")),
    Indicator("participants", "Number of committed participants",
              "How many organisations are committed participants. With fewer than about forty there "
              "are too few actors to keep ideas and joint projects coming.", "participants", 0, 1000, 1,
              40, ">=", source=_src("874-876")),
    Indicator("maturity_years", "Age of the cluster organisation",
              "How many years the cluster organisation has been working. Building services that work "
              "takes time; four years is the usual minimum.", "years", 0, 50, 0.5, 4, ">=", source=_src("938-940")),
    Indicator("training_days", "Training of the management team",
              "Days of training each member of the management team gets in a year, on average. "
              "Managing a cluster is a profession of its own and needs planned, funded learning.",
              "days per person per year", 0, 20, 0.5, 2, ">", source=_src("942-952")),
    Indicator("governance_elements", "Governance elements in place",
              "Count which of these six you have: written rights and duties of committed members; a "
              "legal form; a general manager in post; a general assembly at least once a year; a board, "
              "mostly from industry and openly chosen, that decides strategy, membership, staff and "
              "budget; advisory or thematic committees of participants.", "of 6", 0, 6, 1, 5, ">=",
              source=_src("959-979")),
    Indicator("personal_contacts", "Participants met personally",
              "The share of participants the management team had direct, personal contact with last "
              "year: visits, substantial one-to-one exchanges, or working side by side in a project. "
              "Above 40 % meets the threshold; 60 % is the excellence level.", "%", 0, 100, 1, 40, ">",
              excellence=60, source=_src("980-988")),
    Indicator("collaboration", "Participants in joint activities",
              "The share of participants, small firms included, that took an active part in joint "
              "projects or activities last year, at least two days each. Sitting in an audience does not "
              "count. If only a few big firms are active, the cluster works more like a lobby.", "%",
              0, 100, 1, 30, ">", source=_src("989-999")),
    Indicator("budget_secured_years", "Budget secured ahead",
              "For how many years ahead the organisation's running budget is already assured. Two "
              "years, with good prospects beyond, is a robust position.", "years", 0, 10, 0.5, 2, ">=",
              source=_src("1000-1005")),
    Indicator("private_funding", "Private share of the budget",
              "The part of the cluster management budget paid from private sources, such as fees and "
              "paid services, rather than public grants. It shows members value the services.", "%",
              0, 100, 1, 20, ">", source=_src("1007-1013")),
    Indicator("plan_fulfilment", "Implementation plan carried out",
              "How much of last year's written implementation plan (measurable targets with their "
              "budgets) was actually done.", "%", 0, 100, 1, 80, ">", source=_src("1014-1017")),
    Indicator("survey_interval", "Years between satisfaction surveys",
              "How many years pass between two surveys of participants' satisfaction with the strategy "
              "and services; less is better. Never surveyed? Set the maximum. The source says "
              "'bi-annually'; the course reads it as at least every two years.", "years", 0.5, 10, 0.5,
              2, "<=", source=_src("1066-1072")),
)
_BY_ID = {i.id: i for i in INDICATORS}


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's outcome. ``met`` and ``excellent`` are None while the value is not entered."""

    id: str
    label: str
    value: float | None
    threshold: float
    comparison: str
    met: bool | None
    excellent: bool | None
    position: float | None


@dataclass
class SelfAssessment:
    """A cluster's values for the twelve indicators (``values``: indicator id -> number)."""

    name: str = "My cluster"
    values: dict = field(default_factory=dict)

    def __post_init__(self):
        self.name = chk.text(self.name, "The cluster's name")
        given = chk.mapping(self.values, "The values")
        self.values = {}
        for key, value in given.items():
            self.set(key, value)

    @staticmethod
    def indicator(indicator_id) -> Indicator:
        """The indicator with this id."""
        if not isinstance(indicator_id, str) or indicator_id not in _BY_ID:
            raise ComponentError(f"There is no indicator {chk.describe(indicator_id)}. Known indicators: "
                                 f"{', '.join(_BY_ID)}.")
        return _BY_ID[indicator_id]

    def set(self, indicator_id, value) -> None:
        """Enter a value for an indicator; None clears it."""
        ind = self.indicator(indicator_id)
        if value is None:
            self.values.pop(ind.id, None)
        else:
            self.values[ind.id] = ind.validate(value)

    def set_name(self, name) -> None:
        self.name = chk.text(name, "The cluster's name")

    def results(self) -> list[IndicatorResult]:
        """One result per indicator, in the order of INDICATORS."""
        out = []
        for ind in INDICATORS:
            v = self.values.get(ind.id)
            out.append(IndicatorResult(ind.id, ind.label, v, ind.threshold, ind.comparison,
                                       None if v is None else ind.meets(v),
                                       None if v is None else ind.excels(v),
                                       None if v is None else ind.position(v)))
        return out

    def met_count(self) -> int:
        """How many thresholds are met."""
        return sum(1 for r in self.results() if r.met)

    def answered_count(self) -> int:
        return len(self.values)

    def verdict(self) -> str:
        """A short summary in words."""
        n, answered, met = len(INDICATORS), self.answered_count(), self.met_count()
        if answered == 0:
            return "Nothing entered yet: move each slider to your cluster's value."
        if answered < n:
            return f"Thresholds met so far: {met} of the {answered} entered; {n - answered} still to enter."
        if met == n:
            return f"All {n} thresholds met: a strong basis. A real assessment would look at the evidence."
        gaps = sorted((r for r in self.results() if not r.met), key=lambda r: r.position)[:3]
        return f"{met} of {n} thresholds met. Furthest below: {', '.join(r.label for r in gaps)}."

    def to_dict(self) -> dict:
        return {"kind": "self_assessment", "name": self.name, "values": dict(self.values)}

    @classmethod
    def from_dict(cls, data) -> SelfAssessment:
        d = chk.fields(data, "A self-assessment", ("name", "values"), ("kind",))
        chk.kind(d, "self_assessment", "This dictionary")
        return cls(d["name"], d["values"])


def _bars(model: SelfAssessment) -> tuple[dict, dict]:
    """The bar trace's data for ``model`` and a status text (HTML) per indicator."""
    bar, status = dict(x=[], text=[], hovertext=[], marker_color=[]), {}
    for ind, r in zip(INDICATORS, model.results()):
        if r.value is None:
            row = (0, "not entered", f"{ind.label}: not entered yet", UNANSWERED)
            status[ind.id] = note("not entered yet", UNANSWERED)
        else:
            word = "met" if r.met else "not met"
            extra = {True: "; excellence level reached", False: "; below the excellence level"}.get(r.excellent, "")
            colour = MET if r.met else NOT_MET
            row = (min(r.position, CHART_CAP), f"{r.value:g} {ind.unit}",
                   f"{ind.label}: {r.value:g} {ind.unit} (threshold {ind.rule}) — {word}{extra}", colour)
            status[ind.id] = note(f"<b>{word}</b>{esc(extra)}", colour)
        for key, value in zip(bar, row):
            bar[key].append(value)
    return bar, status


def _chart(bar: dict) -> go.FigureWidget:
    """The bar chart, built complete: in Voila, layout set after construction but before display is lost."""
    excellent = [i for i in INDICATORS if i.excellence is not None]
    bars = go.Bar(orientation="h", y=[i.label for i in INDICATORS], name="your cluster", hoverinfo="text",
                  textposition="outside", cliponaxis=False, **bar)
    marks = go.Scatter(mode="markers", name="excellence level", hoverinfo="name",
                       x=[i.excellence / i.threshold for i in excellent], y=[i.label for i in excellent],
                       marker=dict(symbol="line-ns-open", size=22, color="#6a1b9a", line=dict(width=3)))
    layout = go.Layout(height=520, width=CHART_WIDTH, margin=dict(l=200, r=10, t=40, b=60), showlegend=False,
                       title="Position against each threshold (1 = threshold)",
                       xaxis=dict(range=[0, CHART_CAP + 0.8],
                                  title="value ÷ threshold<br>(survey interval: threshold ÷ value)"),
                       yaxis=dict(autorange="reversed"),
                       shapes=[dict(type="line", x0=1, x1=1, yref="paper", y0=0, y1=1,
                                    line=dict(color="black", dash="dash"))])
    return go.FigureWidget(data=[bars, marks], layout=layout)


class SelfAssessmentView(ComponentView):
    """One slider per indicator, a bar chart of each position against its threshold, and a summary."""

    model_class = SelfAssessment

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        header = w.HTML("<h3>Cluster-management excellence: self-assessment</h3>" + note(esc(INSPIRED)))
        self.name_box = w.Text(value=self.model.name, description="Cluster", continuous_update=False)
        self.name_box.observe(lambda ch: self._run(self._rename, ch["new"]), names="value")
        self.sliders, self.status = {}, {}
        rows = [self._row(ind) for ind in INDICATORS]
        bar, status = _bars(self.model)
        self.figure = _chart(bar)
        self.summary = w.HTML()
        self.widget = w.VBox([header, self.error.widget, self.name_box,
                              two_columns(w.VBox(rows), w.VBox([self.figure, self.summary]),
                                          right_width=f"{CHART_WIDTH + 10}px")])
        self.widget.add_class("clusterlab-self-assessment")
        self._disable([self.name_box, *self.sliders.values()])
        self._show_text(status)

    def _row(self, ind: Indicator) -> w.VBox:
        kind = w.IntSlider if ind.whole else w.FloatSlider
        value = self.model.values.get(ind.id, ind.min)
        slider = kind(min=ind.min, max=ind.max, step=ind.step, value=value, continuous_update=False,
                      readout=True, layout=w.Layout(width="300px"))
        slider.add_class("clusterlab-indicator")
        slider.observe(lambda ch, iid=ind.id: self._run(self._on_slider, iid, ch["new"]), names="value")
        self.sliders[ind.id], self.status[ind.id] = slider, w.HTML()
        title = w.HTML(f"<b>{esc(ind.label)}</b> ({esc(ind.unit)}; threshold {esc(ind.rule)})"
                       + note(f"<small>{esc(ind.explanation)}</small>", "#607d8b"))
        return w.VBox([title, w.HBox([slider, self.status[ind.id]])])

    def _rename(self, name) -> None:
        self.model.set_name(name)
        self._show_text(_bars(self.model)[1])
        self.save()

    def _on_slider(self, indicator_id: str, value) -> None:
        self.model.set(indicator_id, value)
        bar, status = _bars(self.model)
        with self.figure.batch_update():
            self.figure.data[0].update(**bar)
        self._show_text(status)
        self.save()

    def _show_text(self, status: dict) -> None:
        for indicator_id, html in status.items():
            self.status[indicator_id].value = html
        self.summary.value = note(f"<b>{esc(self.model.name)}</b>: {esc(self.model.verdict())}", "#263238")
