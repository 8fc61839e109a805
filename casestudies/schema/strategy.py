"""The strategic analysis the modules fill: segments, five forces, value chains, diamonds,
purchasing criteria, key success factors, strategic options, the action plan and outcomes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import DIAMOND_CORNERS, FORCES, Id, Participation, ProjectType, Sourced, StrictModel, Text, Where


class Segment(Sourced):
    """A strategic segment: one way to compete (products and services x users and markets)."""

    id: Id
    label: Text = Field(description="short name shown on charts, e.g. 'Ideal 1'")
    products: list[str] = Field(min_length=1)
    buyers: list[str] = Field(min_length=1)
    description: Text
    position: Literal["initial", "ideal"] = Field(
        description="'initial': where the cluster competes at the start; 'ideal': where it could move"
    )


class ForceAssessment(Sourced):
    """One of the five forces in one segment.

    ``score`` is the strength of the force, from 1 (weak force: good for the firms of the segment)
    to 5 (strong force: it squeezes their margins). For ``entry_barriers`` the score is the threat of
    entry: high barriers mean a weak threat, so a low score.
    """

    score: int = Field(ge=1, le=5)
    reasoning: Text


class FiveForces(StrictModel):
    """Porter's five forces for one segment."""

    segment: Text = Field(description="id of the segment assessed")
    entry_barriers: ForceAssessment
    substitutes: ForceAssessment
    supplier_power: ForceAssessment
    buyer_power: ForceAssessment
    rivalry: ForceAssessment
    note: str | None = None

    def scores(self) -> dict[str, int]:
        return {force: getattr(self, force).score for force in FORCES}

    def mean_score(self) -> float:
        """Mean strength of the forces: the lower, the more attractive the segment."""
        values = list(self.scores().values())
        return sum(values) / len(values)


class ValueChainStage(Sourced):
    id: Id
    name: Text
    activities: list[str] = Field(min_length=1)
    where: Where
    strength: int = Field(ge=0, le=5, description="0 = absent, 5 = world class")


class ValueChain(Sourced):
    """The value chain of the cluster, today or as it should be."""

    description: Text
    benchmark: str | None = Field(None, description="reference cluster or firm, e.g. 'Arzignano'")
    year: int | None = None
    stages: list[ValueChainStage] = Field(min_length=1)


class DiamondFactor(Sourced):
    assessment: Text
    score: int = Field(ge=1, le=5, description="1 = holds the cluster back, 5 = a strong advantage")


class Diamond(StrictModel):
    """Porter's diamond of the cluster's business environment, with government and chance."""

    description: str = ""
    year: int | None = None
    factor_conditions: DiamondFactor
    demand_conditions: DiamondFactor
    related_and_supporting_industries: DiamondFactor
    strategy_structure_and_rivalry: DiamondFactor
    government: DiamondFactor | None = None
    chance: DiamondFactor | None = None

    def scores(self) -> dict[str, int]:
        return {c: getattr(self, c).score for c in DIAMOND_CORNERS if getattr(self, c) is not None}


class PurchasingCriterion(Sourced):
    """What the advanced buyers of a segment look for, with its weight (the weights of a segment add up to 100)."""

    segment: Text
    criterion: Text
    weight: float = Field(ge=0, le=100, description="per cent; the weights of one segment add up to 100")
    buyer: str | None = Field(None, description="which advanced buyer this reflects")


class KeySuccessFactor(Sourced):
    id: Id
    factor: Text
    description: str = ""
    level: Literal["company", "cluster initiative"] = Field(
        "company", description="a factor for firms in a segment, or for the cluster initiative itself"
    )
    segment: str | None = None


class StrategicOption(Sourced):
    """A way a firm of the cluster could compete. Firms choose; the cluster motivates the best feasible ones."""

    id: Id
    name: Text
    description: Text
    segments: list[str] = Field(default_factory=list, description="ids of the segments the option targets")
    attractiveness: int | None = Field(None, ge=1, le=5)
    feasibility: int | None = Field(None, ge=1, le=5)
    chosen: bool | None = Field(None, description="whether the cluster's leading firms took it up")


class Action(Sourced):
    id: Id
    title: Text
    description: str = ""
    kind: Literal["long-term", "quick-win"]
    year: int | None = Field(None, description="year the action started or was decided")
    end_year: int | None = None
    participants: list[str] = Field(default_factory=list)
    financing: str = ""
    indicator: str = Field("", description="how progress is followed")
    status: Literal["done", "ongoing", "planned", "proposed", "unknown"] = "unknown"
    project_type: ProjectType | None = None
    participation: Participation | None = None

    @model_validator(mode="after")
    def _years_in_order(self) -> "Action":
        if self.year is not None and self.end_year is not None and self.end_year < self.year:
            raise ValueError(f"end_year {self.end_year} is before year {self.year}")
        return self


class ReferencePlan(Sourced):
    """A published action plan of another cluster, kept for comparison."""

    id: Id
    name: Text
    year: int | None = None
    orientation: Text = Field(description="the strategy behind the plan, in a few words")
    items: list[str] = Field(min_length=1)


class ActionPlan(StrictModel):
    summary: str = ""
    actions: list[Action] = Field(default_factory=list)
    reference_plans: list[ReferencePlan] = Field(default_factory=list)


class Observation(StrictModel):
    """One side of a before/after comparison: a year, the words of the source and, where it gives them, numbers."""

    year: int
    text: Text = Field(description="the value as the source gives it, in words")
    value: float | None = None
    low: float | None = Field(None, description="lower end when the source gives a range")
    high: float | None = Field(None, description="upper end when the source gives a range")
    breakdown: dict[str, float] = Field(default_factory=dict, description="shares or parts, e.g. a product mix")
    items: list[str] = Field(default_factory=list, description="listed things, e.g. countries")

    @model_validator(mode="after")
    def _range(self) -> "Observation":
        if (self.low is None) != (self.high is None):
            raise ValueError("a range needs both low and high")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low ({self.low}) is larger than high ({self.high})")
        if self.value is not None and self.low is not None:
            raise ValueError("give either a value or a range (low, high), not both")
        return self

    def has_numbers(self) -> bool:
        return self.value is not None or self.low is not None or bool(self.breakdown)


class Outcome(Sourced):
    """A before/after comparison: what changed in the cluster or in one of its firms."""

    id: Id
    label: Text
    subject: Text = Field(description="what is compared: the cluster, a firm, the town")
    unit: str | None = None
    before: Observation
    after: Observation

    @model_validator(mode="after")
    def _consistent(self) -> "Outcome":
        if self.after.year < self.before.year:
            raise ValueError(f"the 'after' year {self.after.year} is before the 'before' year {self.before.year}")
        if (self.before.has_numbers() or self.after.has_numbers()) and not self.unit:
            raise ValueError("an outcome with numbers needs a unit, e.g. 'employees' or 'EUR million'")
        return self
