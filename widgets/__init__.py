"""The course's shared interactive components.

Each component is a *model* (plain Python: it checks its input, computes, and turns into a
JSON-friendly dictionary and back) and a *view* (ipywidgets controls and a plotly chart that show
the model and change it). Invalid input raises :class:`ComponentError`; a view shows the message
inside the widget. Views given ``save_as="some-name"`` keep the trainee's work in the folder
returned by :func:`work_dir`, so it survives a restart.

The case-based components (five forces, segmentation, value chain, diamond, before and after, key
figures) read a case with ``Model.from_case(case)``; each of their items keeps its source and basis
(a :class:`Provenance`), and their views mark what is reconstructed for teaching.
"""

from ._sourcing import Provenance
from .comparison import BeforeAfter, BeforeAfterView, Change, Snapshot
from .concept_check import ConceptCheck, ConceptCheckView, Feedback, Matching, MultipleChoice, question_from_dict
from .diamond import DiamondComparison, DiamondView, FactorScore
from .errors import ComponentError
from .five_forces import FiveForces, FiveForcesView, ForceScore, SegmentForces
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
]
