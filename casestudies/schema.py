"""The data model of a case: what a ``case.yaml`` file may contain, checked on load.

A case describes one real cluster (Igualada, Prato, Huddersfield) and the strategic analysis the
course works through on it. Two rules run through the whole model:

* every item that states something about a real place carries a :class:`Source` (a document and a
  section, or a web address) and a ``basis``: ``published`` when the source states it, or
  ``reconstructed`` when the course worked it out for teaching (then a ``note`` must say why);
* an item that is published as a whole but has one or two fields filled in by the course lists those
  fields in ``reconstructed_fields`` (for example a published action whose indicator the course
  proposes), so that nothing reconstructed passes for published.

The slots that the strategy modules fill (segments, five forces, value chains, diamonds, purchasing
criteria, key success factors, strategic options, action plan, outcomes) are optional and empty by
default, so a case can grow module by module.

:meth:`Case.figures` walks every number of a case together with its source and basis.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Annotated, Any, Iterator, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from clusterlab import vocabulary
from clusterlab.errors import ClusterlabError

__all__ = [
    "Basis",
    "Helix",
    "Where",
    "FORCES",
    "DIAMOND_CORNERS",
    "PROJECT_TYPES",
    "PARTICIPATION_TYPES",
    "CaseRuleError",
    "Source",
    "Sourced",
    "KeyFigure",
    "Figure",
    "TimelineEvent",
    "Actor",
    "ActivityCode",
    "Profile",
    "Service",
    "Trend",
    "Segment",
    "ForceAssessment",
    "FiveForces",
    "ValueChainStage",
    "ValueChain",
    "DiamondFactor",
    "Diamond",
    "PurchasingCriterion",
    "KeySuccessFactor",
    "StrategicOption",
    "Action",
    "ReferencePlan",
    "ActionPlan",
    "Observation",
    "Outcome",
    "SourcedNumber",
    "Case",
    "ReferencePlace",
    "ReferenceFigures",
]

Basis = Literal[tuple(vocabulary.BASES)]  # type: ignore[valid-type]
"""``published``: stated in the cited source. ``reconstructed``: worked out by the course for teaching."""

Helix = Literal[tuple(vocabulary.HELIX_ROLES)]  # type: ignore[valid-type]
"""Triple-helix type of an actor. ``intermediary``: cluster organisations, business associations,
technology centres and other bodies that act as bridges between the other three."""

Where = Literal[tuple(vocabulary.VALUE_CHAIN_LOCATIONS)]  # type: ignore[valid-type]
"""Where a value-chain stage is mainly carried out, seen from the cluster."""

Certainty = Literal["verified", "verified excerpt", "excerpt", "secondary", "unverified"]
"""How well a web source was checked: read at the source (``verified``), a checked quotation from it
(``verified excerpt``), seen only in a search excerpt (``excerpt``), a weak or second-hand page
(``secondary``), or not checked (``unverified``)."""

#: The five forces, in the order the course shows them. Rivalry results from the other four.
FORCES: tuple[str, ...] = tuple(vocabulary.FORCES)

#: Porter's four corners of the diamond, then the two outside influences.
DIAMOND_CORNERS: tuple[str, ...] = tuple(vocabulary.DIAMOND_FACTORS)

ProjectType = Literal[
    "product and process innovation",
    "market and consumer knowledge",
    "business development and internationalisation",
    "sales point and retail",
    "visibility and marketing",
    "operational efficiency",
    "supplier improvement",
    "specialised training",
    "strategic management",
    "financing",
]
#: Typology of cluster projects by content (strategy-module slides, 001_83d11fce85c392fd.txt).
PROJECT_TYPES: tuple[str, ...] = ProjectType.__args__  # type: ignore[attr-defined]

Participation = Literal[
    "transversal for everyone",
    "collective, individual use",
    "group strategic collaboration",
    "individual improvement",
    "external participants",
    "inter-cluster",
]
#: Typology of cluster projects by who takes part (same slides).
PARTICIPATION_TYPES: tuple[str, ...] = Participation.__args__  # type: ignore[attr-defined]

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_NUTS2 = re.compile(r"^[A-Z]{2}[A-Z0-9]{2}$")
_NACE = re.compile(r"^[A-U](\d{2}(\.\d{1,2})?)?$")


class CaseRuleError(ClusterlabError, ValueError):
    """A rule that spans several fields of a case is broken.

    ``problems`` is a list of ``(field path, reason)`` pairs, for example
    ``("five_forces[1].segment", "no segment has the id 'x'")``; the loader reports each one.
    """

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{path}: {reason}" for path, reason in self.problems))


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            f"an id is written in lower case letters, digits, '-' and '_' (for example 'firms-1950s'), "
            f"got {value!r}"
        )
    return value


Id = Annotated[str, AfterValidator(_check_id)]
"""A short identifier: lower case letters, digits, '-' and '_'."""

Text = Annotated[str, Field(min_length=1)]
"""Text that may not be empty."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(_Model):
    """Where a fact comes from: a source document and a section in it, or a web page, or both."""

    document: str | None = Field(
        None, description="file name of a source document, e.g. '000_2a945ab753eb11eb.txt'"
    )
    title: str | None = Field(None, description="human title of the document or page")
    section: str | None = Field(
        None, description="where in the document, e.g. 'Igualada case, lines 3311–3548'"
    )
    url: str | None = Field(None, description="web address of the source")
    date: str | None = Field(None, description="publication date of the source, when known")
    certainty: Certainty | None = Field(None, description="how well a web source was checked")

    @field_validator("url")
    @classmethod
    def _url_is_web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise ValueError(f"a url starts with http:// or https:// and has no spaces, got {value!r}")
        return value

    @model_validator(mode="after")
    def _document_and_section_or_url(self) -> "Source":
        if self.url:
            return self
        if self.document and self.section:
            return self
        if self.document:
            raise ValueError(
                "a source that names a document must also give the section (for example "
                "'Igualada case, lines 3311–3548'), so that a reader can find the fact"
            )
        raise ValueError("a source needs a document and a section, or a url")

    def __str__(self) -> str:
        head = self.title or self.document or self.url or ""
        parts = [head]
        if self.title and self.document:
            parts[0] = f"{self.title} ({self.document})"
        if self.section:
            parts.append(self.section)
        if self.date:
            parts.append(self.date)
        if self.url and self.url != head:
            parts.append(self.url)
        return ", ".join(p for p in parts if p)


class Sourced(_Model):
    """Base of every item that states something about a real place."""

    source: Source = Field(description="where the item comes from")
    basis: Basis = Field(description="'published' (stated in the source) or 'reconstructed' (the course's own)")
    note: str | None = Field(
        None, description="caveats: how sure the fact is, why and how a reconstruction was made"
    )
    reconstructed_fields: list[str] = Field(
        default_factory=list,
        description="fields the course filled in on an otherwise published item",
    )

    @model_validator(mode="after")
    def _reconstructions_are_explained(self) -> "Sourced":
        own = set(type(self).model_fields) - set(Sourced.model_fields)
        unknown = [f for f in self.reconstructed_fields if f not in own]
        if unknown:
            raise ValueError(
                f"reconstructed_fields names {', '.join(map(repr, unknown))}, which "
                f"{'is' if len(unknown) == 1 else 'are'} not a field of this item; "
                f"choose among: {', '.join(sorted(own))}"
            )
        if self.basis == "reconstructed" and self.reconstructed_fields:
            raise ValueError(
                "the whole item is already 'reconstructed'; leave reconstructed_fields empty "
                "(it is for published items with a few fields added by the course)"
            )
        if (self.basis == "reconstructed" or self.reconstructed_fields) and not self.note:
            raise ValueError(
                "a reconstruction needs a note that says why and how the course made it, "
                "so that nobody takes it for a published fact"
            )
        return self

    def basis_of(self, field: str) -> str:
        """The basis of one field: ``reconstructed`` if the item or that field is reconstructed."""
        if self.basis == "reconstructed" or field in self.reconstructed_fields:
            return "reconstructed"
        return "published"


class KeyFigure(Sourced):
    """One number about the cluster: a count, an amount, a share, a size."""

    id: Id = Field(description="short identifier, unique in the case, e.g. 'firms-1950s'")
    label: Text = Field(description="what the number measures, in plain words")
    value: float
    unit: Text = Field(description="unit in plain words: 'firms', 'employees', 'EUR million', '%'")
    year: int | None = Field(
        description="year the number refers to; null only when the source gives none (say so in the note)"
    )
    qualifier: Literal["exact", "about", "more than", "less than", "at least", "at most"] = Field(
        "exact", description="how the source states the number"
    )

    @model_validator(mode="after")
    def _undated_needs_note(self) -> "KeyFigure":
        if self.year is None and not self.note:
            raise ValueError("a figure without a year needs a note saying that the source gives none")
        return self

    @property
    def number(self) -> str:
        """The value written for readers: '1,200', '2.11', '-0.5'."""
        return f"{self.value:,.0f}" if float(self.value).is_integer() else f"{self.value:,}"

    def display(self) -> str:
        """The figure as a reader would say it, e.g. 'about 1,200 workers (2018)'."""
        words = "" if self.qualifier == "exact" else f"{self.qualifier} "
        when = f" ({self.year})" if self.year is not None else ""
        return f"{words}{self.number} {self.unit}{when}"

    def _repr_html_(self) -> str:
        """A small card for notebooks: what, how much, when, how it is known and where it comes from.

        Every text is escaped; the source's web address becomes a link.
        """
        e = _html.escape
        words = "" if self.qualifier == "exact" else f"{self.qualifier} "
        year = str(self.year) if self.year is not None else "no year given"
        if self.basis == "reconstructed":
            basis = "reconstructed by the course"
        elif "value" in self.reconstructed_fields:
            basis = "value reconstructed by the course (see the note); the facts behind it are published"
        elif self.reconstructed_fields:
            basis = f"published ({', '.join(self.reconstructed_fields)} inferred by the course)"
        else:
            basis = "published"
        s = self.source
        head = f"{s.title} ({s.document})" if s.title and s.document else (s.title or s.document or "")
        cite = ", ".join(e(part) for part in (head, s.section, s.date) if part)
        if s.url:
            link = f'<a href="{e(s.url, quote=True)}" target="_blank" rel="noopener">{e(s.url)}</a>'
            cite = f"{cite}, {link}" if cite else link
        note = f'<div class="cl-figure-note">Note: {e(self.note)}</div>' if self.note else ""
        return (
            f'<div class="cl-figure" data-figure-id="{e(self.id, quote=True)}" '
            'style="border-left:3px solid #888;padding:0.3em 0.8em;margin:0.4em 0">'
            f'<div class="cl-figure-label">{e(self.label)}</div>'
            f'<div class="cl-figure-value" style="font-size:1.3em;font-weight:bold">'
            f"{e(words)}{e(self.number)} {e(self.unit)}</div>"
            f'<div class="cl-figure-meta">Year: {e(year)} · Basis: {e(basis)}</div>'
            f'<div class="cl-figure-source">Source: {cite}</div>'
            f"{note}</div>"
        )


Figure = KeyFigure
"""Alias: a key figure is the course's name for a sourced number."""


class TimelineEvent(Sourced):
    """A dated event in the history of the cluster."""

    date: Text = Field(description="'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    title: Text
    detail: str = ""
    approximate: bool = Field(False, description="true when the source gives only a decade or a period")
    date_label: str | None = Field(
        None, description="how to show an approximate date, e.g. '1950s', 'mid-1970s'"
    )

    @field_validator("date", mode="before")
    @classmethod
    def _date_as_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return f"{value:04d}"
        if isinstance(value, _dt.date):
            return value.isoformat()
        return value

    @field_validator("date")
    @classmethod
    def _date_format(cls, value: str) -> str:
        match = _DATE.match(value)
        if not match:
            raise ValueError(f"a date is written 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', got {value!r}")
        _, month, day = match.groups()
        try:
            _dt.date(int(match.group(1)), int(month or 1), int(day or 1))
        except ValueError:
            raise ValueError(f"{value!r} is not a real calendar date") from None
        return value

    @model_validator(mode="after")
    def _approximate_has_label(self) -> "TimelineEvent":
        if self.approximate and not self.date_label:
            raise ValueError("an approximate date needs a date_label such as '1950s' to show readers")
        return self

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def when(self) -> str:
        """The date as shown to readers."""
        return self.date_label or self.date


class Actor(Sourced):
    """An actor of the cluster, typed by the triple helix."""

    name: Text
    helix: Helix
    role: Text = Field(description="what the actor does in or for the cluster")
    member_of_cluster_organisation: bool | None = Field(
        None, description="true/false when the source says so; null when unknown"
    )
    location: str | None = Field(None, description="where the actor sits, when outside the cluster or notable")


class ActivityCode(_Model):
    code: Text = Field(description="NACE Rev. 2 code, e.g. 'C15.11' or 'C13'")
    label: Text

    @field_validator("code")
    @classmethod
    def _nace(cls, value: str) -> str:
        if not _NACE.match(value):
            raise ValueError(f"a NACE code looks like 'C13' or 'C15.11', got {value!r}")
        return value


class Profile(_Model):
    """Who and where the cluster is, in plain words."""

    name: Text = Field(description="name of the cluster")
    cluster_organisation: Text = Field(description="the organisation that manages the cluster initiative")
    place: Text = Field(description="town or towns at the centre of the cluster")
    area: str | None = Field(None, description="local area, e.g. a comarca, district or borough")
    region: Text
    country: Text
    nuts2: Text = Field(description="NUTS-2 code of the region, e.g. 'ES51'")
    industry: Text
    activity_codes: list[ActivityCode] = Field(min_length=1)
    summary: Text = Field(description="the cluster in a few plain sentences")
    source: Source = Field(description="the main source of the profile")
    see_also: list[Source] = Field(
        default_factory=list, description="further sources for facts in the summary"
    )

    @field_validator("nuts2")
    @classmethod
    def _nuts2(cls, value: str) -> str:
        if not _NUTS2.match(value):
            raise ValueError(f"a NUTS-2 code is two capital letters and two characters, like 'ES51', got {value!r}")
        return value


class Service(Sourced):
    """A service of the cluster organisation to its members."""

    id: Id
    name: Text
    description: str = ""
    status: Literal["in place", "new"] = Field(description="'in place' or 'new' (proposed)")
    target: str | None = Field(None, description="which companies the service is for")
    method: str | None = None
    timing: str | None = None


class Trend(Sourced):
    """A trend, opportunity, threat or recommendation about the industry of the cluster."""

    id: Id
    kind: Literal["trend", "opportunity", "threat", "recommendation"]
    statement: Text


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


class FiveForces(_Model):
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


class Diamond(_Model):
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


class ActionPlan(_Model):
    summary: str = ""
    actions: list[Action] = Field(default_factory=list)
    reference_plans: list[ReferencePlan] = Field(default_factory=list)


class Observation(_Model):
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


class Case(_Model):
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

    # ----------------------------------------------------------------- rules across fields
    @model_validator(mode="after")
    def _cross_checks(self) -> "Case":
        problems: list[tuple[str, str]] = []

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

        for number in self.figures():
            if not isinstance(number.source, Source) or number.basis not in ("published", "reconstructed"):
                problems.append((number.path, "every figure needs a source and a basis"))

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


# ------------------------------------------------------------------ places outside the cases
class ReferencePlace(_Model):
    """Sourced figures about one place that is not one of the course's cases, e.g. Hamburg Aviation.

    Lessons quote such places as examples (a budget mix, a membership count). Their figures follow
    the same rules as a case's key figures: a source, a basis, a year (or a note saying why none).
    """

    id: Id = Field(description="short name of the place, e.g. 'hamburg-aviation'")
    name: Text
    description: Text = Field(description="what and where the place is, in a few words")
    country: Text
    figures: list[KeyFigure] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_figure_ids(self) -> "ReferencePlace":
        seen = Counter(f.id for f in self.figures)
        problems = [(f"figures[{i}].id", f"{f.id!r} is used more than once in place {self.id!r}")
                    for i, f in enumerate(self.figures) if seen[f.id] > 1]
        if problems:
            raise CaseRuleError(problems)
        return self

    def figure(self, figure_id: str) -> KeyFigure:
        """The figure with this id."""
        for f in self.figures:
            if f.id == figure_id:
                return f
        known = ", ".join(f.id for f in self.figures)
        raise KeyError(f"place {self.id!r} has no figure {figure_id!r}; known: {known}")


class ReferenceFigures(_Model):
    """The file of sourced figures about places outside the cases: named sources and places."""

    sources: dict[str, Source] = Field(
        default_factory=dict, description="named sources, for YAML anchors"
    )
    places: list[ReferencePlace] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_place_ids(self) -> "ReferenceFigures":
        seen = Counter(p.id for p in self.places)
        problems = [(f"places[{i}].id", f"{p.id!r} is used more than once")
                    for i, p in enumerate(self.places) if seen[p.id] > 1]
        if problems:
            raise CaseRuleError(problems)
        return self

    def place(self, place_id: str) -> ReferencePlace:
        for p in self.places:
            if p.id == place_id:
                return p
        known = ", ".join(p.id for p in self.places)
        raise KeyError(f"no reference place {place_id!r}; known: {known}")
