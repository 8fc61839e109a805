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


_LINES = re.compile(r"(?:^|,\s*)(lines? \d+(?:\s*[–-]\s*\d+)?)\s*$")


class Source(StrictModel):
    """Where a fact comes from: a source document and a section in it, or a web page, or both.

    A ``document`` is named as in the catalogue of source documents
    (``casestudies/references/documents.yaml``), which gives its title and year: a source never
    carries a year of its own. ``str(source)`` is the citation readers see, "title (year), section",
    without the file name; :attr:`trace` keeps the file name and line numbers for the course's own
    checking.
    """

    document: str | None = Field(
        None, description="a document of the catalogue of source documents, e.g. '000_2a945ab753eb11eb.txt'"
    )
    title: str | None = Field(
        None, description="title of the web page; for a document, the title of the part cited, if it has one "
                          "(the document's own title is in the catalogue)"
    )
    section: str | None = Field(
        None, description="where in the document, e.g. 'Igualada case, lines 3311–3548'"
    )
    url: str | None = Field(None, description="web address of the source")
    date: str | None = Field(None, description="publication date of the source, when known")
    certainty: Certainty | None = Field(None, description="how well a web source was checked")

    @model_validator(mode="before")
    @classmethod
    def _no_year_of_its_own(cls, data):
        if isinstance(data, dict) and "year" in data:
            raise ValueError(
                "a source has no `year`: a document's year comes from the catalogue of source documents "
                "(casestudies/references/documents.yaml), a web page's from its `date`"
            )
        return data

    @field_validator("url")
    @classmethod
    def _url_is_web_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://\S+$", value):
            raise ValueError(f"a url starts with http:// or https:// and has no spaces, got {value!r}")
        return value

    @model_validator(mode="after")
    def _document_and_section_or_url(self) -> "Source":
        if self.document:
            self._check_document()
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

    def _check_document(self) -> None:
        from .documents import document_catalogue  # the catalogue's model builds on this module

        catalogue = document_catalogue()
        entry = catalogue.get(self.document)
        if entry is None:
            raise ValueError(catalogue.unknown(self.document))
        if entry.series and not (self.date and DATE_PATTERN.match(self.date)):
            raise ValueError(
                f"{self.document!r} is a series: give the `date` of the item cited (for example '2014-12-02'), "
                "so that readers see its year"
            )

    # ------------------------------------------------------------------ reading a source
    @property
    def catalogued(self):
        """The document's entry in the catalogue of source documents, or None for a web page."""
        if not self.document:
            return None
        from .documents import document_catalogue

        return document_catalogue().get(self.document)

    @property
    def year(self) -> int | None:
        """The year readers see: the document's (from the catalogue), else the year of ``date``."""
        entry = self.catalogued
        if entry is not None and isinstance(entry.year, int):
            return entry.year
        if (entry is None or entry.series) and self.date and DATE_PATTERN.match(self.date):
            return int(self.date[:4])
        return None

    @property
    def section_label(self) -> str:
        """The section as readers see it: without the line numbers, which refer to the course's copy."""
        if not self.section:
            return ""
        return _LINES.sub("", self.section).strip() or self.section

    @property
    def trace(self) -> str:
        """For the course's own checking: the document's file name and the section with its lines."""
        return ", ".join(p for p in (self.document or self.url, self.section) if p)

    def citation(self, with_url: bool = True) -> str:
        """The citation readers see: 'title (year), section' for a document; title, date and url for a page."""
        entry = self.catalogued
        url = self.url if with_url else None
        if entry is None:
            parts = [self.title or url or "", self.section_label, self.date]
            if url and url != parts[0]:
                parts.append(url)
            return ", ".join(p for p in parts if p)
        year = str(self.year) if entry.series else entry.year_text()
        head = f"{entry.title} ({year})" if year else entry.title
        if self.title and self.title.casefold() != entry.title.casefold():
            head = f"{self.title}, in {head}"
        parts = [head, self.section_label, None if entry.series else self.date, url]
        return ", ".join(p for p in parts if p)

    def __str__(self) -> str:
        return self.citation()


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
