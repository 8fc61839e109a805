"""A case as a whole, with the rules that span several of its parts, and the walk over its figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Iterator

from pydantic import BaseModel, Field, field_validator, model_validator

from .base import DIAMOND_CORNERS, FORCES, CaseRuleError, Id, Source, StrictModel, Text
from .facts import Actor, KeyFigure, Profile, Service, TimelineEvent, Trend
from .strategy import (ActionPlan, Diamond, DiamondFactor, FiveForces, ForceAssessment, KeySuccessFactor, Observation,
                       Outcome, PurchasingCriterion, Segment, StrategicOption, ValueChain)


@dataclass(frozen=True)
class SourcedNumber:
    """One number of a case with where it sits, what it means and where it comes from."""

    path: str
    label: str
    value: float
    unit: str
    year: int | None
    source: Source
    basis: str
    note: str | None = None


class Case(StrictModel):
    """One cluster case: profile, history, actors and the strategic analysis, every fact sourced."""

    id: Id = Field(description="the case's name, the same as its folder, e.g. 'igualada'")
    title: Text
    profile: Profile
    sources: dict[str, Source] = Field(
        default_factory=dict,
        description="named sources, so that items can point to them with YAML anchors",
    )
    key_figures: list[KeyFigure] = Field(default_factory=list)
    timeline: list[TimelineEvent] = Field(default_factory=list)
    timeline_focus: list[int] | None = Field(
        None,
        description="the period the timeline opens on, [first year, last year], e.g. [1950, 2019]: where the "
                    "case's story sits; the year slider still reaches every event. Without it the timeline "
                    "opens on all events but the early ones that stand far apart from the rest",
    )
    actors: list[Actor] = Field(default_factory=list)
    services: list[Service] = Field(default_factory=list)
    trends: list[Trend] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    five_forces: list[FiveForces] = Field(default_factory=list)
    value_chain_today: ValueChain | None = None
    value_chain_ideal: ValueChain | None = None
    diamond_today: Diamond | None = None
    diamond_ideal: Diamond | None = None
    purchasing_criteria: list[PurchasingCriterion] = Field(default_factory=list)
    key_success_factors: list[KeySuccessFactor] = Field(default_factory=list)
    strategic_options: list[StrategicOption] = Field(default_factory=list)
    action_plan: ActionPlan = Field(default_factory=ActionPlan)
    outcomes: list[Outcome] = Field(default_factory=list)

    @field_validator("timeline_focus", mode="before")
    @classmethod
    def _focus_is_two_years(cls, value: Any) -> Any:
        hint = "write it as [first year, last year], for example [1950, 2019]"
        if value is None:
            return value
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise ValueError(f"the period to open the timeline on is two years: {hint}; got {value!r}")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ValueError(f"the period's years must be whole numbers: {hint}; got {value!r}")
        if value[0] >= value[1]:
            raise ValueError(f"the first year ({value[0]}) must come before the last ({value[1]}): {hint}")
        return list(value)

    # ----------------------------------------------------------------- rules across fields
    @model_validator(mode="after")
    def _cross_checks(self) -> "Case":
        problems: list[tuple[str, str]] = []

        if self.timeline_focus is not None:
            first, last = self.timeline_focus
            years = sorted(e.year for e in self.timeline)
            if not years:
                problems.append(("timeline_focus", "the case has no timeline events to focus on; "
                                 "remove timeline_focus or add events"))
            elif first < years[0] or last > years[-1]:
                problems.append(("timeline_focus", f"the period {first}–{last} reaches beyond the events of the "
                                 f"timeline ({years[0]}–{years[-1]}); choose years within them"))
            elif not any(first <= y <= last for y in years):
                problems.append(("timeline_focus", f"no event of the timeline falls within {first}–{last}; "
                                 "choose the period where the case's story sits"))

        def unique(items: list, attr: str, where: str) -> None:
            seen = Counter(getattr(item, attr) for item in items)
            for i, item in enumerate(items):
                if seen[getattr(item, attr)] > 1:
                    problems.append((f"{where}[{i}].{attr}", f"{getattr(item, attr)!r} is used more than once"))
                    seen[getattr(item, attr)] = 0  # report each duplicate once

        unique(self.key_figures, "id", "key_figures")
        unique(self.services, "id", "services")
        unique(self.trends, "id", "trends")
        unique(self.segments, "id", "segments")
        unique(self.key_success_factors, "id", "key_success_factors")
        unique(self.strategic_options, "id", "strategic_options")
        unique(self.action_plan.actions, "id", "action_plan.actions")
        unique(self.action_plan.reference_plans, "id", "action_plan.reference_plans")
        unique(self.outcomes, "id", "outcomes")
        unique(self.five_forces, "segment", "five_forces")

        segment_ids = {s.id for s in self.segments}
        known = ", ".join(sorted(segment_ids)) or "none defined yet"

        def check_segment(seg: str | None, path: str) -> None:
            if seg is not None and seg not in segment_ids:
                problems.append((path, f"no segment has the id {seg!r} (segments: {known})"))

        for i, ff in enumerate(self.five_forces):
            check_segment(ff.segment, f"five_forces[{i}].segment")
        for i, pc in enumerate(self.purchasing_criteria):
            check_segment(pc.segment, f"purchasing_criteria[{i}].segment")
        for i, k in enumerate(self.key_success_factors):
            check_segment(k.segment, f"key_success_factors[{i}].segment")
        for i, opt in enumerate(self.strategic_options):
            for j, seg in enumerate(opt.segments):
                check_segment(seg, f"strategic_options[{i}].segments[{j}]")

        weights: dict[str, float] = defaultdict(float)
        first: dict[str, int] = {}
        pairs: Counter = Counter()
        for i, pc in enumerate(self.purchasing_criteria):
            weights[pc.segment] += pc.weight
            first.setdefault(pc.segment, i)
            pairs[(pc.segment, pc.criterion.lower())] += 1
            if pairs[(pc.segment, pc.criterion.lower())] == 2:
                problems.append((f"purchasing_criteria[{i}].criterion",
                                 f"{pc.criterion!r} is listed twice for segment {pc.segment!r}"))
        for seg, total in weights.items():
            if abs(total - 100) > 0.5:
                problems.append((f"purchasing_criteria[{first[seg]}].weight",
                                 f"the weights of segment {seg!r} add up to {total:g}, not 100"))

        for attr in ("value_chain_today", "value_chain_ideal"):
            chain = getattr(self, attr)
            if chain is not None:
                unique(chain.stages, "id", f"{attr}.stages")
        if self.value_chain_today and self.value_chain_ideal:
            today = [s.id for s in self.value_chain_today.stages]
            ideal = [s.id for s in self.value_chain_ideal.stages]
            if set(today) != set(ideal):
                missing = sorted(set(today) ^ set(ideal))
                problems.append(("value_chain_ideal.stages",
                                 "today's and the ideal value chain must have the same stage ids, so that "
                                 f"they can be compared; these appear in only one: {', '.join(missing)}"))

        if problems:
            raise CaseRuleError(problems)
        return self

    # ----------------------------------------------------------------- reading a case
    def figures(self) -> Iterator[SourcedNumber]:
        """Every number of the case with its path, source and basis."""
        for i, f in enumerate(self.key_figures):
            yield SourcedNumber(f"key_figures[{i}].value", f.label, f.value, f.unit, f.year,
                                f.source, f.basis_of("value"), f.note)
        for i, o in enumerate(self.outcomes):
            for side in ("before", "after"):
                obs: Observation = getattr(o, side)
                base = f"outcomes[{i}].{side}"
                label = f"{o.subject}: {o.label} ({side})"
                basis = o.basis_of(side)
                for attr in ("value", "low", "high"):
                    v = getattr(obs, attr)
                    if v is not None:
                        yield SourcedNumber(f"{base}.{attr}", label if attr == "value" else f"{label}, {attr}",
                                            v, o.unit or "", obs.year, o.source, basis, o.note)
                for key, v in obs.breakdown.items():
                    yield SourcedNumber(f"{base}.breakdown[{key!r}]", f"{label}: {key}", v, o.unit or "",
                                        obs.year, o.source, basis, o.note)
        seg_label = {s.id: s.label for s in self.segments}
        for i, ff in enumerate(self.five_forces):
            for force in FORCES:
                fa: ForceAssessment = getattr(ff, force)
                yield SourcedNumber(f"five_forces[{i}].{force}.score",
                                    f"{seg_label.get(ff.segment, ff.segment)}: {force.replace('_', ' ')}",
                                    fa.score, "score 1-5", None, fa.source, fa.basis_of("score"), fa.note)
        for attr in ("value_chain_today", "value_chain_ideal"):
            chain: ValueChain | None = getattr(self, attr)
            if chain is None:
                continue
            for i, st in enumerate(chain.stages):
                yield SourcedNumber(f"{attr}.stages[{i}].strength", f"{attr.split('_')[-1]}: {st.name}",
                                    st.strength, "score 0-5", chain.year, st.source, st.basis_of("strength"), st.note)
        for attr in ("diamond_today", "diamond_ideal"):
            diamond: Diamond | None = getattr(self, attr)
            if diamond is None:
                continue
            for corner in DIAMOND_CORNERS:
                factor: DiamondFactor | None = getattr(diamond, corner)
                if factor is not None:
                    yield SourcedNumber(f"{attr}.{corner}.score",
                                        f"{attr.split('_')[-1]}: {corner.replace('_', ' ')}",
                                        factor.score, "score 1-5", diamond.year, factor.source,
                                        factor.basis_of("score"), factor.note)
        for i, pc in enumerate(self.purchasing_criteria):
            yield SourcedNumber(f"purchasing_criteria[{i}].weight",
                                f"{seg_label.get(pc.segment, pc.segment)}: {pc.criterion}", pc.weight, "%",
                                None, pc.source, pc.basis_of("weight"), pc.note)
        for i, opt in enumerate(self.strategic_options):
            for attr in ("attractiveness", "feasibility"):
                v = getattr(opt, attr)
                if v is not None:
                    yield SourcedNumber(f"strategic_options[{i}].{attr}", f"{opt.name}: {attr}", v,
                                        "score 1-5", None, opt.source, opt.basis_of(attr), opt.note)

    def figures_table(self):
        """:meth:`figures` as a pandas DataFrame, one row per number, with a readable citation."""
        import pandas as pd

        rows = [
            {"path": n.path, "label": n.label, "value": n.value, "unit": n.unit, "year": n.year,
             "basis": n.basis, "source": str(n.source), "note": n.note}
            for n in self.figures()
        ]
        table = pd.DataFrame(rows, columns=["path", "label", "value", "unit", "year", "basis", "source", "note"])
        table["year"] = table["year"].astype("Int64")
        return table

    def figure(self, figure_id: str) -> KeyFigure:
        """The key figure with this id."""
        for f in self.key_figures:
            if f.id == figure_id:
                return f
        known = ", ".join(f.id for f in self.key_figures)
        raise KeyError(f"case {self.id!r} has no key figure {figure_id!r}; known: {known}")

    def segment(self, segment_id: str) -> Segment:
        for s in self.segments:
            if s.id == segment_id:
                return s
        raise KeyError(f"case {self.id!r} has no segment {segment_id!r}")

    def five_forces_for(self, segment_id: str) -> FiveForces | None:
        return next((ff for ff in self.five_forces if ff.segment == segment_id), None)

    def outcome(self, outcome_id: str) -> Outcome:
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        raise KeyError(f"case {self.id!r} has no outcome {outcome_id!r}")

    def timeline_sorted(self) -> list[TimelineEvent]:
        """The timeline in date order (a year sorts before the months of that year)."""
        return sorted(self.timeline, key=lambda e: (e.date.ljust(10, " ")))

    def value_chain_gaps(self) -> list[dict[str, Any]]:
        """Stage by stage: today's and the ideal strength and the gap between them."""
        if not (self.value_chain_today and self.value_chain_ideal):
            return []
        ideal = {s.id: s for s in self.value_chain_ideal.stages}
        rows = []
        for s in self.value_chain_today.stages:
            target = ideal[s.id]
            rows.append({"stage": s.id, "name": s.name, "today": s.strength, "ideal": target.strength,
                         "gap": target.strength - s.strength, "where_today": s.where,
                         "where_ideal": target.where})
        return rows

    def bibliography(self) -> list[Source]:
        """Every distinct source cited in the case, in order of first use."""
        found: dict[str, Source] = {}

        def walk(obj: Any) -> None:
            if isinstance(obj, Source):
                found.setdefault(obj.model_dump_json(), obj)
            elif isinstance(obj, BaseModel):
                for name in type(obj).model_fields:
                    walk(getattr(obj, name))
            elif isinstance(obj, dict):
                for v in obj.values():
                    walk(v)
            elif isinstance(obj, (list, tuple)):
                for v in obj:
                    walk(v)

        walk(self)
        return list(found.values())
