"""The building blocks of the case model: the kinds of value, sources, and the ``Sourced`` base
that gives every item its source and basis."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from clusterlab import vocabulary
from clusterlab.errors import ClusterlabError

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
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
NUTS2_PATTERN = re.compile(r"^[A-Z]{2}[A-Z0-9]{2}$")
NACE_PATTERN = re.compile(r"^[A-U](\d{2}(\.\d{1,2})?)?$")


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


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Source(StrictModel):
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


class Sourced(StrictModel):
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
