"""The scorecard's view: pick or add a candidate initiative, rate it, compare two on a radar chart."""

from __future__ import annotations

import ipywidgets as w
import plotly.graph_objects as go

from clusterlab import vocabulary

from ._sourcing import COMPARE, radar_layout, radar_trace, wrap
from ._view import HIGHLIGHT, NOT_MET, ComponentView, esc, note, two_columns
from .initiative_scorecard import (DEFAULT_KEY, FACTOR_LABELS, FACTORS, STAGE_SUGGESTIONS, TYPES, WHERE,
                                   InitiativeScorecard)

ROOT_CLASS = "clusterlab-scorecard"
CHART_WIDTH = 520
HINTS = vocabulary.INITIATIVE_SUCCESS_HINTS
SHORT = {"business_scope": "Business scope", "future_strategies": "Future strategies", "action_plan": "Action plan",
         "company_involvement": "Involvement<br>of companies", "core_group": "Core group<br>leadership",
         "incumbent_structures": "Adjusting<br>existing structures", "governance": "Governance",
         "management": "Cluster<br>management", "budget_cofunding": "Budget and<br>co-funding"}
NOT_RATED, NOBODY = 0, -1  # "not rated" and "compare with nobody" (a Dropdown shows no label for None)
RATINGS = [("not rated", NOT_RATED), *[(str(k), k) for k in range(1, 6)]]
INTRO = ("Rate each candidate initiative on the nine key success factors, from 1 (weak) to 5 (strong), with a "
         "one-line reason. Cooperation between firms is a means, not the goal: the goal is to help the firms "
         "change their strategy. The factors and the typology come from the course's source on cluster strategy "
         "(001_83d11fce85c392fd.txt, lines 391-450), in the course's own words.")


class InitiativeScorecardView(ComponentView):
    """Candidates (add, remove, rename), their ratings, type and value chain, a radar chart and a summary.

    ``save_key`` (default ``m2-scorecard``; ``save_as`` is the same, as in the other components) is the
    name the work is saved under; None keeps nothing. Read-only disables every control but the pickers.
    """

    model_class = InitiativeScorecard

    def __init__(self, model=None, *, save_key: str | None = DEFAULT_KEY, save_as: str | None = None,
                 read_only: bool = False):
        super().__init__(model, save_as=save_as or save_key, read_only=read_only)
        self.current = 0
        header = w.HTML("<h3>Screening cluster initiatives</h3>" + note(esc(INTRO)))
        self.pick = w.Dropdown(description="Candidate", layout=w.Layout(width="330px"))
        self.add_button = w.Button(description="Add a candidate", icon="plus")
        self.remove_button = w.Button(description="Remove this candidate", icon="trash", layout=w.Layout(width="auto"))
        self.name_box = w.Text(description="Name", continuous_update=False, layout=w.Layout(width="420px"))
        self.place_box = w.Text(description="Region or cluster", continuous_update=False,
                                style={"description_width": "initial"}, layout=w.Layout(width="420px"))
        self.description_box = w.Textarea(description="Description", continuous_update=False,
                                          placeholder="What would the initiative do, for which firms?",
                                          layout=w.Layout(width="420px", height="60px"))
        self.type_pick = w.Dropdown(description="Type", options=[("not chosen yet", None)] + [
            (vocabulary.INITIATIVE_TYPES[t], t) for t in TYPES], layout=w.Layout(width="420px"))
        self.type_hint = w.HTML()
        self.scores, self.reasons = {}, {}
        rows = [self._factor_row(f) for f in FACTORS]
        self.stage_box = w.Combobox(description="Stage", options=STAGE_SUGGESTIONS, ensure_option=False,
                                    placeholder="choose or type a stage", layout=w.Layout(width="300px"))
        self.where_pick = w.Dropdown(description="Where", options=[(vocabulary.VALUE_CHAIN_LOCATIONS[k], k)
                                                                   for k in WHERE], layout=w.Layout(width="300px"))
        self.stage_add = w.Button(description="Add or change the stage")
        self.stage_remove = w.Button(description="Remove the stage")
        self.stage_list = w.HTML()
        self.compare = w.Dropdown(description="Compare with", style={"description_width": "initial"},
                                  layout=w.Layout(width="330px"))
        # Built complete, with its first data: in Voila, changes made before the chart is shown are lost.
        first, second = self._traces()
        self.figure = go.FigureWidget(
            data=[radar_trace(first.pop("name"), HIGHLIGHT, first),
                  radar_trace(second.pop("name"), COMPARE, second, dash="dash", fill="none",
                              visible=second.pop("visible"))],
            layout=radar_layout("Key success factors (1 = weak, 5 = strong)", height=500))
        self.figure.layout.width = CHART_WIDTH
        self.summary = w.HTML()
        self._wire()
        left = w.VBox([w.HBox([self.add_button, self.remove_button]), self.name_box, self.place_box,
                       self.description_box, self.type_pick, self.type_hint,
                       w.HTML("<b>Key success factors</b>"), *rows,
                       w.HTML("<b>Value chain: which stages do the local firms cover?</b> (optional)"),
                       self.stage_box, self.where_pick, w.HBox([self.stage_add, self.stage_remove]), self.stage_list])
        right = w.VBox([self.compare, self.figure, self.summary])
        self.widget = w.VBox([header, self.error.widget, self.pick,
                              two_columns(left, right, height="680px", right_width=f"{CHART_WIDTH + 10}px")])
        self.widget.add_class(ROOT_CLASS)
        self._disable([self.add_button, self.remove_button, self.name_box, self.place_box, self.description_box,
                       self.type_pick, *self.scores.values(), *self.reasons.values(), self.stage_box,
                       self.where_pick, self.stage_add, self.stage_remove])
        self._refresh()

    def _factor_row(self, factor: str) -> w.VBox:
        score = w.Dropdown(options=RATINGS, layout=w.Layout(width="110px"))
        reason = w.Text(placeholder="Why this rating? One line.", continuous_update=False,
                        layout=w.Layout(width="300px"))
        score.add_class("clusterlab-scorecard-rating")
        self.scores[factor], self.reasons[factor] = score, reason
        title = w.HTML(f"<b>{esc(FACTOR_LABELS[factor])}</b>" + note(f"<small>{esc(HINTS[factor])}</small>", "#607d8b"))
        return w.VBox([title, w.HBox([score, reason])])

    def _wire(self) -> None:
        on = self._run
        self.pick.observe(lambda ch: on(self._select, ch["new"]), names="value")
        self.compare.observe(lambda ch: on(self._draw), names="value")
        self.add_button.on_click(lambda _b: on(self._add))
        self.remove_button.on_click(lambda _b: on(self._remove))
        self.name_box.observe(lambda ch: on(self._edit, lambda c: self.model.rename(self.current, ch["new"])),
                              names="value")
        self.place_box.observe(lambda ch: on(self._edit, lambda c: c.set_place(ch["new"])), names="value")
        self.description_box.observe(lambda ch: on(self._edit, lambda c: c.set_description(ch["new"])), names="value")
        self.type_pick.observe(lambda ch: on(self._edit, lambda c: c.set_type(ch["new"])), names="value")
        for f in FACTORS:
            self.scores[f].observe(lambda ch, f=f: on(self._edit, lambda c: c.rate(f, ch["new"] or None)),
                                   names="value")
            self.reasons[f].observe(lambda ch, f=f: on(self._edit, lambda c: c.justify(f, ch["new"])), names="value")
        self.stage_add.on_click(lambda _b: on(self._edit, lambda c: c.set_stage(self.stage_box.value,
                                                                                self.where_pick.value)))
        self.stage_remove.on_click(lambda _b: on(self._edit, lambda c: c.set_stage(self.stage_box.value, None)))

    # -- actions ---------------------------------------------------------------------------------------
    @property
    def candidate(self):
        return self.model.candidate(self.current)

    def _select(self, index) -> None:
        if index is not None:
            self.current = index
            self._refresh()

    def _add(self) -> None:
        self.current = self.model.add()
        self._refresh()
        self.save()

    def _remove(self) -> None:
        self.model.remove(self.current)
        self.current = max(0, self.current - 1)
        self._refresh()
        self.save()

    def _edit(self, change) -> None:
        change(self.candidate)
        self._refresh()
        self.save()

    # -- showing ---------------------------------------------------------------------------------------
    def _radar(self, index) -> dict:
        c = self.model.candidate(index)
        labels = [SHORT[f] for f in FACTORS]
        values = [c.scores().get(f) for f in FACTORS]
        hovers = [f"<b>{esc(FACTOR_LABELS[f])}</b>: "
                  + (f"{c.ratings[f].score}/5<br>{wrap(esc(c.ratings[f].justification))}" if f in c.scores() else
                     "not rated") for f in FACTORS]
        return dict(theta=labels + labels[:1], r=values + values[:1], hovertext=hovers + hovers[:1],
                    marker=dict(size=9), connectgaps=True)

    def _traces(self) -> tuple[dict, dict]:
        """The data of the two radar traces: the candidate shown, and the one it is compared with (if any)."""
        first = dict(name=self.candidate.name, **self._radar(self.current))  # always visible
        other = self.compare.value
        if other in (None, NOBODY) or other >= len(self.model.candidates):
            return first, dict(name="", visible=False, **self._radar(self.current))
        return first, dict(name=self.model.candidate(other).name, visible=True, **self._radar(other))

    def _draw(self) -> None:
        with self.figure.batch_update():
            for trace, values in zip(self.figure.data, self._traces()):
                trace.update(**values)

    def _refresh(self) -> None:
        m, c = self.model, self.candidate
        with self._quietly():
            self.pick.options = [(n, k) for k, n in enumerate(m.names())]
            self.pick.value = self.current
            others = [(n, k) for k, n in enumerate(m.names()) if k != self.current]
            kept = self.compare.value if self.compare.value in {k for _, k in others} else NOBODY
            self.compare.options = [("nobody", NOBODY)] + others
            self.compare.value = kept
            self.name_box.value, self.place_box.value = c.name, c.place
            self.description_box.value, self.type_pick.value = c.description, c.initiative_type
            for f in FACTORS:
                rating = c.ratings.get(f)
                self.scores[f].value = rating.score if rating and rating.score else NOT_RATED
                self.reasons[f].value = rating.justification if rating else ""
        self.remove_button.disabled = self.read_only or len(m.candidates) == 1
        self.type_hint.value = note(f"<small>{esc(vocabulary.INITIATIVE_TYPE_HINTS[c.initiative_type])}</small>",
                                    "#607d8b") if c.initiative_type else ""
        self.stage_list.value = self._stages_html(c)
        self.summary.value = self._summary_html(c)
        self._draw()

    @staticmethod
    def _stages_html(c) -> str:
        if not c.stages:
            return note("<small>No stage yet. Add the stages of the value chain and say where each is mainly "
                        "carried out.</small>")
        items = "".join(f"<li>{esc(s)}: {esc(vocabulary.VALUE_CHAIN_LOCATIONS[where].lower())}</li>"
                        for s, where in c.stages.items())
        local = len(c.local_stages())
        return f"<ul style='margin:2px 0'>{items}</ul>" + note(f"Local firms cover {local} of {len(c.stages)} stages.")

    @staticmethod
    def _summary_html(c) -> str:
        rated = len(FACTORS) - len(c.unrated())
        lines = [f"<b>{esc(c.name)}</b>: total {c.total()} out of {5 * len(FACTORS)} "
                 f"({rated} of {len(FACTORS)} factors rated)."]
        weak = c.weakest()
        if weak:
            items = "".join(f"<li>{esc(FACTOR_LABELS[f])} ({c.ratings[f].score}/5)</li>" for f in weak)
            lines.append(f'<span style="color:{NOT_MET}"><b>Work on these first:</b></span><ul style="margin:2px 0">'
                         f"{items}</ul>")
        elif rated:
            lines.append("No factor rated below 4.")
        if c.unrated():
            lines.append("Not rated yet: " + ", ".join(esc(FACTOR_LABELS[f]) for f in c.unrated()) + ".")
        return "".join(note(x) if not x.startswith("<span") else x for x in lines)
