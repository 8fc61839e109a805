"""The catalogue of the documents the cases cite: ``casestudies/references/documents.yaml``.

A :class:`~.base.Source` that names a ``document`` finds it here: its title and year as readers
see them, who wrote and published it, and what kind of document it is. The catalogue is read once,
when the first source that names a document is checked; a source naming a document the catalogue
lacks is refused with a message that says where to add it.
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from .base import StrictModel, Text

#: Where the catalogue is; one folder down, so that the package-data pattern ``*/*.yaml`` ships it.
CATALOGUE_FILE = Path(__file__).resolve().parents[1] / "references" / "documents.yaml"
CATALOGUE_NAME = "casestudies/references/documents.yaml"

NO_DATE = "n.d."


class SourceDocument(StrictModel):
    """One document the cases cite: how readers see it cited, and who made it."""

    title: Text = Field(description="how readers see the document cited")
    year: int | Literal["n.d."] | None = Field(
        None, description="year of publication as the document states it, or 'n.d.' when it gives none"
    )
    period: str | None = Field(None, description="the years the document reports on, as it states them")
    author: str | None = None
    publisher: str | None = None
    kind: Text = Field(description="what the document is, in a few words")
    series: bool = Field(False, description="a series of dated items: sources citing it give their own date")
    note: str | None = None

    @model_validator(mode="after")
    def _year_or_series(self) -> "SourceDocument":
        if self.series and self.year is not None:
            raise ValueError("a series has no year of its own: leave `year` out (each source that cites it "
                             "gives the `date` of its item)")
        if not self.series and self.year is None:
            raise ValueError("give the year of publication as the document states it, or `year: n.d.` when "
                             "it gives none (never a guess)")
        if isinstance(self.year, int) and not 1000 <= self.year <= 2200:
            raise ValueError(f"the year {self.year} is not a plausible year of publication")
        return self

    def year_text(self) -> str:
        """'2017', 'n.d.' or 'n.d.; reports on 2016–2017' (empty for a series)."""
        if self.series:
            return ""
        text = str(self.year)
        if self.period and str(self.period) != text:
            text += f"; reports on {self.period}"
        return text


class DocumentCatalogue(StrictModel):
    """The catalogue file: document name (as the cases cite it) -> :class:`SourceDocument`."""

    documents: dict[str, SourceDocument] = Field(min_length=1)

    def get(self, name: str) -> SourceDocument | None:
        return self.documents.get(name)

    def unknown(self, name: str) -> str:
        """Why ``name`` cannot be cited, in plain words, with the closest known name."""
        known = sorted(self.documents)
        hint = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        text = (f"the document {name!r} is not in the catalogue of source documents ({CATALOGUE_NAME}); "
                "add it there with its title, year (or n.d.) and kind, or correct the name")
        if hint:
            text += f" (did you mean {hint[0]!r}?)"
        return text + f"; the catalogue has: {', '.join(known)}"


def load_document_catalogue(path: str | Path = CATALOGUE_FILE) -> DocumentCatalogue:
    """Read and check a catalogue file; a :class:`~..case_errors.CaseFileError` names what is wrong."""
    from ..case_errors import CaseFileError  # the reading helpers import the schema: import them late
    from ..yaml_reading import problems_of, read_yaml

    path = Path(path)
    data, text = read_yaml(path)
    if not isinstance(data, dict):
        raise CaseFileError(path, "(top level)", "the catalogue must be a group of fields with `documents:` "
                            "and one entry per document", line=1)
    try:
        return DocumentCatalogue.model_validate(data)
    except ValidationError as exc:
        problems = problems_of(exc, text, DocumentCatalogue)
        field, reason, line = problems[0]
        raise CaseFileError(path, field, reason, line=line, problems=problems) from None


@functools.lru_cache(maxsize=1)
def document_catalogue() -> DocumentCatalogue:
    """The catalogue shipped with the course, read once."""
    return load_document_catalogue(CATALOGUE_FILE)
