"""The course's shared interactive components.

Each component is a *model* (plain Python: it checks its input, computes, and turns into a
JSON-friendly dictionary and back) and a *view* (ipywidgets controls and a plotly chart that show
the model and change it). Invalid input raises :class:`ComponentError`; a view shows the message
inside the widget. Views given ``save_as="some-name"`` keep the trainee's work in the folder
returned by :func:`work_dir`, so it survives a restart.

The case-based components (five forces, segmentation, value chain, diamond, before and after, key
figures) read a case with ``Model.from_case(case)``; each of their items keeps its source and basis
(a :class:`Provenance`), and their views mark what is reconstructed for teaching.

Module 2 adds the regional mapper (:class:`RegionalMapper`: regions ranked by location quotient, with
the European Cluster Observatory's stars, on Eurostat's regional employment) and the initiative
scorecard (:class:`InitiativeScorecardView`: candidate initiatives rated on the key success factors).
"""

from ._sourcing import Provenance
from .comparison import BeforeAfter, BeforeAfterView, Change, Snapshot
from .concept_check import ConceptCheck, ConceptCheckView, Feedback, Matching, MultipleChoice, question_from_dict
from .diamond import DiamondComparison, DiamondView, FactorScore
from .errors import ComponentError
from .five_forces import FiveForces, FiveForcesView, ForceScore, SegmentForces
from .initiative_scorecard import Candidate, InitiativeScorecard, Rating
from .initiative_scorecard_view import InitiativeScorecardView
from .key_figures import KeyFigures, KeyFiguresView, KeyNumber
from .lifecycle import STAGES, Lifecycle, LifecycleStage, LifecycleView, get_stage
from .segmentation import MatrixSegment, SegmentationMatrix, SegmentationView
from .self_assessment import INDICATORS, Indicator, IndicatorResult, SelfAssessment, SelfAssessmentView
from .storage import SavedWorkError, WorkStore, work_dir
from .timeline import Event, Timeline, TimelineView, normalise_date
from .value_chain import StageComparison, ValueChainBenchmark, ValueChainView

__all__ = [
    "ComponentError",
    "SavedWorkError",
    "WorkStore",
    "work_dir",
    "Feedback",
    "MultipleChoice",
    "Matching",
    "ConceptCheck",
    "ConceptCheckView",
    "question_from_dict",
    "INDICATORS",
    "Indicator",
    "IndicatorResult",
    "SelfAssessment",
    "SelfAssessmentView",
    "Event",
    "Timeline",
    "TimelineView",
    "normalise_date",
    "STAGES",
    "LifecycleStage",
    "Lifecycle",
    "LifecycleView",
    "get_stage",
    "Provenance",
    "ForceScore",
    "SegmentForces",
    "FiveForces",
    "FiveForcesView",
    "MatrixSegment",
    "SegmentationMatrix",
    "SegmentationView",
    "StageComparison",
    "ValueChainBenchmark",
    "ValueChainView",
    "FactorScore",
    "DiamondComparison",
    "DiamondView",
    "Snapshot",
    "Change",
    "BeforeAfter",
    "BeforeAfterView",
    "KeyNumber",
    "KeyFigures",
    "KeyFiguresView",
    "CASE_REGIONS",
    "INDUSTRY_GROUPS",
    "RegionalMapperModel",
    "RegionalMapper",
    "Rating",
    "Candidate",
    "InitiativeScorecard",
    "InitiativeScorecardView",
]

#: Loaded on first use: the regional mapper needs pandas and the regional figures, which the other
#: components (and the grading, which imports this package) do not.
_LAZY = {"CASE_REGIONS": "regional_mapper", "INDUSTRY_GROUPS": "regional_mapper",
         "RegionalMapperModel": "regional_mapper", "RegionalMapper": "regional_mapper_view"}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
