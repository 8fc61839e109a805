"""Facts about a cluster: key figures, timeline events, actors, its profile, services and trends."""

from __future__ import annotations

import datetime as _dt
import html as _html
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .base import DATE_PATTERN, NACE_PATTERN, NUTS2_PATTERN, Helix, Id, Source, Sourced, StrictModel, Text


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

    @property
    def basis_text(self) -> str:
        """How the figure is known, in words: published, or what the course reconstructed."""
        if self.basis == "reconstructed":
            return "reconstructed by the course"
        if "value" in self.reconstructed_fields:
            return "value reconstructed by the course (see the note); the facts behind it are published"
        if self.reconstructed_fields:
            return f"published ({', '.join(self.reconstructed_fields)} inferred by the course)"
        return "published"

    def _repr_html_(self) -> str:
        """A small card for notebooks: what, how much, when, how it is known and where it comes from.

        Every text is escaped; the source's web address becomes a link. A document's file name and
        lines follow the citation, so that a trainee can check the fact in the course's copy (the
        public dashboards draw their own cards, without them).
        """
        e = _html.escape
        words = "" if self.qualifier == "exact" else f"{self.qualifier} "
        year = str(self.year) if self.year is not None else "no year given"
        basis = self.basis_text
        s = self.source
        cite = e(s.citation(with_url=False))
        if s.url:
            link = f'<a href="{e(s.url, quote=True)}" target="_blank" rel="noopener">{e(s.url)}</a>'
            cite = f"{cite}, {link}" if cite else link
        if s.document:  # in the lessons, where to check the fact in the course's copy of the document
            cite += f' <span class="cl-figure-trace">(to check it: {e(s.trace)})</span>'

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
        match = DATE_PATTERN.match(value)
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


class ActivityCode(StrictModel):
    code: Text = Field(description="NACE Rev. 2 code, e.g. 'C15.11' or 'C13'")
    label: Text

    @field_validator("code")
    @classmethod
    def _nace(cls, value: str) -> str:
        if not NACE_PATTERN.match(value):
            raise ValueError(f"a NACE code looks like 'C13' or 'C15.11', got {value!r}")
        return value


class Profile(StrictModel):
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
        if not NUTS2_PATTERN.match(value):
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
