"""The course's shared interactive components.

Each component is a *model* (plain Python: it checks its input, computes, and turns into a
JSON-friendly dictionary and back) and a *view* (ipywidgets controls and a plotly chart that show
the model and change it). Invalid input raises :class:`ComponentError`; a view shows the message
inside the widget. Views given ``save_as="some-name"`` keep the trainee's work in the folder
returned by :func:`work_dir`, so it survives a restart.
"""

from .concept_check import ConceptCheck, ConceptCheckView, Feedback, Matching, MultipleChoice, question_from_dict
from .errors import ComponentError
from .lifecycle import STAGES, Lifecycle, LifecycleStage, LifecycleView, get_stage
from .self_assessment import INDICATORS, Indicator, IndicatorResult, SelfAssessment, SelfAssessmentView
from .storage import SavedWorkError, WorkStore, work_dir
from .timeline import Event, Timeline, TimelineView, normalise_date

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
]
