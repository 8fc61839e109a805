"""Porter's diamond of a cluster's business environment, today against the ideal.

The four corners are factor conditions, demand conditions, related and supporting industries, and
firm strategy, structure and rivalry; government and chance act on all four. Each is scored from 1
(holds the cluster back) to 5 (a strong advantage), with an assessment in words. A factor may be
left unassessed on either side. The gap of a factor is ideal − today.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import validation as chk
from clusterlab import vocabulary

from ._sourcing import (IDEAL, PROVENANCE_FIELDS, TODAY, Provenance, basis_box, case_place, pick, radar_data,
                        radar_layout, radar_trace, reading, sources_line, wrap)
from ._view import ComponentView, esc, note
from .errors import ComponentError

CORNERS = tuple(vocabulary.DIAMOND_FACTORS)
CORNER_LABELS = vocabulary.DIAMOND_FACTORS
CORNER_HINTS = vocabulary.DIAMOND_HINTS
SIDES = ("today", "ideal")
SHORT = {"related_and_supporting_industries": "Related and<br>supporting industries",
         "strategy_structure_and_rivalry": "Strategy, structure<br>and rivalry"}


def _corner(corner) -> str:
    if not isinstance(corner, str) or corner not in CORNERS:
        raise ComponentError(f"There is no factor {chk.describe(corner)}. The factors are: {', '.join(CORNERS)}.")
    return corner


def _side(side) -> str:
    if side not in SIDES:
        raise ComponentError(f"Say 'today' or 'ideal'; got {chk.describe(side)}.")
    return side


@dataclass(frozen=True)
class FactorScore:
    """One factor on one side: ``score`` 1-5 (5 = a strong advantage), the ``assessment``, where it comes from."""

    score: int
    assessment: str = ""
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self):
        object.__setattr__(self, "score", chk.number(self.score, "The score of a factor (1 = holds the cluster back, "
                                                     "5 = a strong advantage)", 1, 5, whole=True))
        object.__setattr__(self, "assessment", chk.text(self.assessment, "The assessment", max_len=2000,
                                                        empty_ok=True))
        if not isinstance(self.provenance, Provenance):
            raise ComponentError("The provenance of a factor must be a Provenance.")

    def to_dict(self) -> dict:
        return {"score": self.score, "assessment": self.assessment, **self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, data, what: str = "A factor") -> FactorScore:
        d = chk.fields(data, what, ("score",), ("assessment", *PROVENANCE_FIELDS))
        return cls(d["score"], d.get("assessment", ""), Provenance.from_dict(d))


def _factors(given, side: str) -> dict:
    given = chk.mapping(given, f"The factors {side}")
    out = {}
    for corner in CORNERS:
        value = given.get(corner)
        if value is not None:
            out[corner] = value if isinstance(value, FactorScore) else FactorScore.from_dict(
                value, f"{CORNER_LABELS[corner]} ({side})")
    for key in given:
        _corner(key)
    return out


@dataclass
class DiamondComparison:
    """The diamond ``today`` and ``ideal`` (each: factor -> FactorScore; unassessed factors left out)."""

    title: str = "Cluster diamond: today and ideal"
    today: dict = field(default_factory=dict)
    ideal: dict = field(default_factory=dict)
    year: int | None = None

    def __post_init__(self):
        self.title = chk.text(self.title, "The title")
        self.today, self.ideal = _factors(self.today, "today"), _factors(self.ideal, "ideal")
        if self.year is not None:
            self.year = chk.number(self.year, "The year of today's diamond", 1000, 2200, whole=True)

    def factor(self, corner, side) -> FactorScore | None:
        """The assessment of a factor ``today`` or in the ``ideal``; None when it is not assessed."""
        return getattr(self, _side(side)).get(_corner(corner))

    def scores(self, side) -> dict:
        return {c: f.score for c, f in getattr(self, _side(side)).items()}

    def set_score(self, corner, side, score) -> None:
        """Score a factor (1-5), or None to leave it unassessed; a change becomes your own assessment."""
        old, factors = self.factor(corner, side), getattr(self, side)
        if score is None:
            factors.pop(corner, None)
            return
        new = FactorScore(score, old.assessment if old else "", old.provenance if old else Provenance())
        if old is None or new.score != old.score:
            factors[corner] = FactorScore(new.score, new.assessment, new.provenance.own())

    def set_assessment(self, corner, side, text) -> None:
        old = self.factor(corner, side)
        if old is None:
            raise ComponentError(f"Score {CORNER_LABELS[corner]} ({side}) before you describe it.")
        new = FactorScore(old.score, text, old.provenance)
        if new.assessment != old.assessment:
            getattr(self, side)[corner] = FactorScore(old.score, new.assessment, old.provenance.own())

    def gaps(self) -> list[tuple[str, int]]:
        """``(factor, ideal − today)`` for factors assessed on both sides, the largest gap first."""
        pairs = [(c, self.ideal[c].score - self.today[c].score) for c in CORNERS if c in self.today and c in self.ideal]
        return sorted(pairs, key=lambda p: -p[1])

    @classmethod
    def from_case(cls, case, title: str | None = None) -> DiamondComparison:
        """From the case's ``diamond_today`` and ``diamond_ideal``."""
        sides = {s: pick(case, f"diamond_{s}") for s in SIDES}
        if sides["today"] is None or sides["ideal"] is None:
            raise ComponentError("This case needs both a diamond today and an ideal one to compare.")
        factors = {}
        for side, diamond in sides.items():
            factors[side] = {}
            for corner in CORNERS:
                item = pick(diamond, corner)
                if item is not None:
                    with reading(f"The case's diamond ({side}), {CORNER_LABELS[corner]}"):
                        factors[side][corner] = FactorScore(pick(item, "score"), pick(item, "assessment") or "",
                                                            Provenance.of(item, "score"))
        place = case_place(case)
        with reading("The case's diamond"):
            return cls(title or (f"{place}: cluster diamond today and ideal" if place else
                                 "Cluster diamond: today and ideal"), factors["today"], factors["ideal"],
                       pick(sides["today"], "year"))

    def to_dict(self) -> dict:
        return {"kind": "diamond_comparison", "title": self.title, "year": self.year,
                **{s: {c: f.to_dict() for c, f in getattr(self, s).items()} for s in SIDES}}

    @classmethod
    def from_dict(cls, data) -> DiamondComparison:
        d = chk.fields(data, "A diamond comparison", (), ("title", "today", "ideal", "year", "kind"))
        chk.kind(d, "diamond_comparison", "This dictionary")
        return cls(d.get("title", "Cluster diamond: today and ideal"), d.get("today", {}), d.get("ideal", {}),
                   d.get("year"))


def _radar(m: DiamondComparison, side: str) -> dict:
    labels = [SHORT.get(c, CORNER_LABELS[c]) for c in CORNERS]
    factors = [m.factor(c, side) for c in CORNERS]
    hovers = [f"<b>{CORNER_LABELS[c]}</b>, {side}: " + (
        "not assessed" if f is None else f"{f.score}/5<br>{wrap(f.assessment)}<br>{f.provenance.hover()}")
        for c, f in zip(CORNERS, factors)]
    return radar_data(labels, [f.score if f else None for f in factors], hovers,
                      [f.provenance if f else Provenance() for f in factors])


class DiamondView(ComponentView):
    """A radar of the diamond today and ideal, and a factor picker that shows (and edits) both assessments.

    Read-only disables the scores and the assessments; the factor picker still works.
    """

    model_class = DiamondComparison
    SCORES = [("not assessed", None), *[(str(k), k) for k in range(1, 6)]]

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        super().__init__(model, save_as=save_as, read_only=read_only)
        m = self.model
        self.header = w.HTML(f"<h3>{esc(m.title)}</h3>" + note(
            "Each factor is scored from 1 (holds the cluster back) to 5 (a strong advantage). Pick a factor to "
            "read how it stands today and what the ideal would be."))
        self.figure = go.FigureWidget(
            data=[radar_trace(f"today{f' ({m.year})' if m.year else ''}", TODAY, _radar(m, "today")),
                  radar_trace("ideal", IDEAL, _radar(m, "ideal"), dash="dash", fill="none")],
            layout=radar_layout("The cluster diamond: today and ideal", height=480))
        self.pick = w.Dropdown(description="Factor", options=[(CORNER_LABELS[c], c) for c in CORNERS],
                               layout=w.Layout(width="420px"))
        self.scores = {s: w.Dropdown(description=f"Score {s}", options=self.SCORES,
                                     style={"description_width": "initial"}) for s in SIDES}
        self.texts = {s: w.Textarea(placeholder=f"How does it stand {'today' if s == 'today' else 'ideally'}?",
                                    continuous_update=False, layout=w.Layout(
                                        width="420px", height="60px", display="none" if self.read_only else None))
                      for s in SIDES}
        self.details, self.summary, self.notes = w.HTML(), w.HTML(), w.HTML()
        self.pick.observe(lambda _c: self._run(self._refresh), names="value")
        for side in SIDES:
            self.scores[side].observe(lambda ch, s=side: self._run(self._edit, self.model.set_score, s, ch["new"]),
                                      names="value")
            self.texts[side].observe(lambda ch, s=side: self._run(self._edit, self.model.set_assessment, s, ch["new"]),
                                     names="value")
        edit = w.HBox([w.VBox([self.scores[s], self.texts[s]]) for s in SIDES])
        self.widget = w.VBox([self.header, self.error.widget, self.figure, self.summary, self.pick, self.details,
                              edit, self.notes])
        self.widget.add_class("clusterlab-diamond")
        self._disable([*self.scores.values(), *self.texts.values()])
        self._refresh()

    def _edit(self, setter, side: str, value) -> None:
        setter(self.pick.value, side, value)
        with self.figure.batch_update():
            for trace, s in zip(self.figure.data, SIDES):
                trace.update(**_radar(self.model, s))
        self._refresh()
        self.save()

    def _refresh(self) -> None:
        m, corner = self.model, self.pick.value
        with self._quietly():
            for side in SIDES:
                f = m.factor(corner, side)
                self.scores[side].value = f.score if f else None
                self.texts[side].value = f.assessment if f else ""
        rows = []
        for side in SIDES:
            f = m.factor(corner, side)
            if f is None:
                rows.append(f"<li><b>{side}</b>: not assessed</li>")
                continue
            rebuilt = (f'<br><span style="color:#8d6e63">reconstructed for teaching: {esc(f.provenance.note)}</span>'
                       if f.provenance.reconstructed else "")
            source = f"<br><i>Source: {esc(f.provenance.source)}</i>" if f.provenance.source else ""
            rows.append(f"<li><b>{side}</b> ({f.score}/5): {esc(f.assessment) or '—'}"
                        f"<small>{source}{rebuilt}</small></li>")
        self.details.value = (f'<div style="color:#37474f"><b>{CORNER_LABELS[corner]}</b>: '
                              f"{esc(CORNER_HINTS[corner])}<ul>{''.join(rows)}</ul></div>")
        gaps = [f"{CORNER_LABELS[c]} ({g:+d})" for c, g in m.gaps() if g > 0]
        self.summary.value = note(f"Largest gaps: {', '.join(gaps[:3])}." if gaps else
                                  "No factor assessed on both sides falls short of the ideal.")
        entries = [(f"{CORNER_LABELS[c]}, {s}", f.provenance) for s in SIDES for c, f in getattr(m, s).items()]
        self.notes.value = basis_box(entries, "as hollow points") + sources_line(p for _, p in entries)
