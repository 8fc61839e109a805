"""Sourced figures about places that are not one of the three cases (for example Hamburg Aviation)."""

from __future__ import annotations

from collections import Counter

from pydantic import Field, model_validator

from .base import CaseRuleError, Id, Source, StrictModel, Text
from .facts import KeyFigure


class ReferencePlace(StrictModel):
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


class ReferenceFigures(StrictModel):
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
