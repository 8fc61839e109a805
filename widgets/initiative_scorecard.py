"""Screening candidate cluster initiatives (Module 2): a scorecard of the key success factors.

A *candidate* is an initiative the trainee considers: its name, the region or cluster, a short
description, its type in the typology of initiatives, a rating of each key success factor (1 = weak,
5 = strong, with a one-line reason) and, optionally, the stages of the value chain that local firms
cover (where each stage is mainly carried out). The factors and the typology are in
:mod:`clusterlab.vocabulary` (``INITIATIVE_SUCCESS_FACTORS``, ``INITIATIVE_TYPES``), with their source.

The scorecard keeps several candidates, so that they can be compared; it is saved under the key
``m2-scorecard`` by default, and :meth:`InitiativeScorecard.load` reads it back in later modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clusterlab import validation as chk
from clusterlab import vocabulary

from .errors import ComponentError
from .storage import SavedWorkError, WorkStore

FACTORS = tuple(vocabulary.INITIATIVE_SUCCESS_FACTORS)
FACTOR_LABELS = vocabulary.INITIATIVE_SUCCESS_FACTORS
TYPES = tuple(vocabulary.INITIATIVE_TYPES)
WHERE = tuple(vocabulary.VALUE_CHAIN_LOCATIONS)
DEFAULT_KEY = "m2-scorecard"
MAX_CANDIDATES = 20
MAX_STAGES = 30
STRONG = 4  # a rating of 4 or 5 is a strength; below it a factor may need work
#: Stages of a value chain offered as suggestions; the trainee may type any other.
STAGE_SUGGESTIONS = ("Raw materials and supplies", "Research and design", "Production", "Finishing",
                     "Machinery and equipment", "Logistics and distribution", "Marketing and sales",
                     "Services to firms", "Training and skills")


def _factor(factor) -> str:
    if not isinstance(factor, str) or factor not in FACTORS:
        raise ComponentError(f"There is no success factor {chk.describe(factor)}. The factors are: "
                             f"{', '.join(FACTORS)}.")
    return factor


def _one_line(value, what: str, max_len: int) -> str:
    return " ".join(chk.text(value, what, max_len=max_len, empty_ok=True).split())


@dataclass(frozen=True)
class Rating:
    """One factor's rating: ``score`` 1-5 (None while not rated) and a one-line ``justification``."""

    score: int | None = None
    justification: str = ""

    def __post_init__(self):
        if self.score is not None:
            object.__setattr__(self, "score", chk.number(self.score, "A rating (1 = weak, 5 = strong)", 1, 5,
                                                         whole=True))
        object.__setattr__(self, "justification", _one_line(self.justification, "The reason for a rating", 300))

    def to_dict(self) -> dict:
        return {"score": self.score, "justification": self.justification}


@dataclass
class Candidate:
    """A candidate initiative: ``name``, ``place`` (region or cluster), ``description``, ``initiative_type``,
    ``ratings`` (factor -> Rating) and ``stages`` (stage name -> 'local', 'national' or 'global')."""

    name: str
    place: str = ""
    description: str = ""
    initiative_type: str | None = None
    ratings: dict = field(default_factory=dict)
    stages: dict = field(default_factory=dict)

    def __post_init__(self):
        self.set_name(self.name)
        self.set_place(self.place)
        self.set_description(self.description)
        self.set_type(self.initiative_type)
        given, self.ratings = chk.mapping(self.ratings, f"The ratings of '{self.name}'"), {}
        for factor, rating in given.items():
            if isinstance(rating, dict):
                d = chk.fields(rating, f"The rating of {factor}", (), ("score", "justification"))
                rating = Rating(d.get("score"), d.get("justification", ""))
            elif not isinstance(rating, Rating):
                rating = Rating(rating)
            self.ratings[_factor(factor)] = rating
        given, self.stages = chk.mapping(self.stages, f"The value-chain stages of '{self.name}'"), {}
        for stage, where in given.items():
            self.set_stage(stage, where)

    # -- editing -----------------------------------------------------------------------------------
    def set_name(self, name) -> None:
        self.name = " ".join(chk.text(name, "The initiative's name", max_len=120).split())

    def set_place(self, place) -> None:
        self.place = _one_line(place, "The region or cluster", 120)

    def set_description(self, text) -> None:
        self.description = chk.text(text, "The description", max_len=1000, empty_ok=True)

    def set_type(self, initiative_type) -> None:
        """The type in the typology (a key of ``vocabulary.INITIATIVE_TYPES``), or None."""
        if initiative_type is not None and initiative_type not in TYPES:
            raise ComponentError(f"There is no type of initiative {chk.describe(initiative_type)}. The types are: "
                                 f"{', '.join(TYPES)}.")
        self.initiative_type = initiative_type

    def rate(self, factor, score=None, justification=None) -> Rating:
        """Rate a factor 1-5 (None: not rated); ``justification`` None keeps the reason already given."""
        old = self.ratings.get(_factor(factor), Rating())
        new = Rating(score, old.justification if justification is None else justification)
        if new == Rating():
            self.ratings.pop(factor, None)
        else:
            self.ratings[factor] = new
        return new

    def justify(self, factor, text) -> Rating:
        return self.rate(factor, self.ratings.get(_factor(factor), Rating()).score, text)

    def set_stage(self, stage, where) -> None:
        """Say where a stage of the value chain is mainly carried out ('local' = in the cluster); None removes it."""
        name = _one_line(stage, "The name of a stage", 120)
        if not name:
            raise ComponentError("Give the stage a name, such as 'Finishing'.")
        known = next((s for s in self.stages if s.lower() == name.lower()), name)
        if where is None:
            self.stages.pop(known, None)
            return
        if where not in WHERE:
            raise ComponentError(f"Where a stage is carried out must be 'local' (in the cluster), 'national' "
                                 f"(elsewhere in the country) or 'global' (abroad); got {chk.describe(where)}.")
        if known not in self.stages and len(self.stages) >= MAX_STAGES:
            raise ComponentError(f"A value chain of more than {MAX_STAGES} stages is hard to read; group some.")
        self.stages[known] = where

    # -- reading -----------------------------------------------------------------------------------
    def scores(self) -> dict[str, int]:
        return {f: self.ratings[f].score for f in FACTORS if f in self.ratings and self.ratings[f].score}

    def total(self) -> int:
        """The sum of the ratings given (at most 5 × the number of factors)."""
        return sum(self.scores().values())

    def unrated(self) -> list[str]:
        return [f for f in FACTORS if f not in self.scores()]

    def weakest(self, n: int = 3) -> list[str]:
        """The factors to work on first: the ``n`` lowest ratings below 4 (ties with the last one included)."""
        low = sorted((s, FACTORS.index(f), f) for f, s in self.scores().items() if s < STRONG)
        if len(low) <= n:
            return [f for _, _, f in low]
        cut = low[n - 1][0]
        return [f for s, _, f in low if s <= cut]

    def local_stages(self) -> list[str]:
        return [s for s, where in self.stages.items() if where == "local"]

    def to_dict(self) -> dict:
        return {"name": self.name, "place": self.place, "description": self.description,
                "initiative_type": self.initiative_type,
                "ratings": {f: self.ratings[f].to_dict() for f in FACTORS if f in self.ratings},
                "stages": dict(self.stages)}

    @classmethod
    def from_dict(cls, data, what: str = "A candidate") -> Candidate:
        d = chk.fields(data, what, ("name",), ("place", "description", "initiative_type", "ratings", "stages"))
        return cls(d["name"], d.get("place", ""), d.get("description", ""), d.get("initiative_type"),
                   d.get("ratings", {}), d.get("stages", {}))


@dataclass
class InitiativeScorecard:
    """Several candidate initiatives, each rated on the key success factors (at least one candidate)."""

    candidates: list = field(default_factory=lambda: [Candidate("Candidate 1")])

    def __post_init__(self):
        given = chk.items(self.candidates, "The list of candidates", min_n=1, max_n=MAX_CANDIDATES)
        self.candidates = [c if isinstance(c, Candidate) else Candidate.from_dict(c, f"Candidate {k + 1}")
                           for k, c in enumerate(given)]
        names = [c.name.lower() for c in self.candidates]
        twice = sorted({c.name for c in self.candidates if names.count(c.name.lower()) > 1})
        if twice:
            raise ComponentError(f"Two candidates are called {', '.join(twice)}: give each a different name.")

    def candidate(self, index) -> Candidate:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.candidates):
            raise ComponentError(f"There is no candidate number {chk.describe(index)}; there are "
                                 f"{len(self.candidates)}.")
        return self.candidates[index]

    def names(self) -> list[str]:
        return [c.name for c in self.candidates]

    def add(self, name: str | None = None) -> int:
        """Add a candidate (named ``Candidate N`` if no name is given); return its position."""
        if len(self.candidates) >= MAX_CANDIDATES:
            raise ComponentError(f"The scorecard holds at most {MAX_CANDIDATES} candidates; remove one first.")
        k = len(self.candidates) + 1
        while name is None and f"candidate {k}" in (n.lower() for n in self.names()):
            k += 1
        candidate = Candidate(f"Candidate {k}" if name is None else name)
        self._check_free(candidate.name)
        self.candidates.append(candidate)
        return len(self.candidates) - 1

    def remove(self, index) -> None:
        self.candidate(index)
        if len(self.candidates) == 1:
            raise ComponentError("The scorecard needs at least one candidate; rename this one instead.")
        del self.candidates[index]

    def rename(self, index, name) -> None:
        candidate = self.candidate(index)
        new = Candidate(name).name
        self._check_free(new, candidate)
        candidate.set_name(new)

    def _check_free(self, name: str, this: Candidate | None = None) -> None:
        taken = next((c.name for c in self.candidates if c is not this and c.name.lower() == name.lower()), None)
        if taken:
            raise ComponentError(f"Another candidate is already called '{taken}': choose a different name.")

    def to_dict(self) -> dict:
        return {"kind": "initiative_scorecard", "candidates": [c.to_dict() for c in self.candidates]}

    @classmethod
    def from_dict(cls, data) -> InitiativeScorecard:
        d = chk.fields(data, "A scorecard", ("candidates",), ("kind",))
        chk.kind(d, "initiative_scorecard", "This dictionary")
        return cls(d["candidates"])

    @classmethod
    def load(cls, key: str = DEFAULT_KEY) -> InitiativeScorecard | None:
        """The scorecard saved under ``key`` (for later modules), or None if there is none yet.

        Raises ComponentError when the saved work cannot be read or used, saying why.
        """
        try:
            saved = WorkStore(key).load()
        except SavedWorkError as exc:
            if exc.recovered is None:
                raise
            saved = exc.recovered
        return None if saved is None else cls.from_dict(saved)


def __getattr__(name: str):  # the view lives in its own module; ``initiative_scorecard.InitiativeScorecardView`` works
    if name == "InitiativeScorecardView":
        from .initiative_scorecard_view import InitiativeScorecardView
        return InitiativeScorecardView
    raise AttributeError(name)
