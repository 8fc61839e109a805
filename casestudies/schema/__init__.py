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

A source's ``document`` is one of the catalogue of source documents
(``casestudies/references/documents.yaml``, read by ``documents``), which gives its title and year;
``str(source)`` is the citation readers see, without the file name.

The model is split by topic: ``base`` (kinds of value, sources), ``documents`` (the catalogue of
source documents), ``facts``, ``strategy``, ``case`` and ``references``; everything is importable
from here.
"""

from __future__ import annotations

from .base import (
    DIAMOND_CORNERS,
    FORCES,
    PARTICIPATION_TYPES,
    PROJECT_TYPES,
    Basis,
    CaseRuleError,
    Helix,
    Source,
    Sourced,
    Where,
)
from .documents import (
    CATALOGUE_FILE,
    DocumentCatalogue,
    SourceDocument,
    document_catalogue,
    load_document_catalogue,
)
from .case import (
    Case,
    SourcedNumber,
)
from .facts import (
    ActivityCode,
    Actor,
    Figure,
    KeyFigure,
    Profile,
    Service,
    TimelineEvent,
    Trend,
)
from .references import (
    ReferenceFigures,
    ReferencePlace,
)
from .strategy import (
    Action,
    ActionPlan,
    Diamond,
    DiamondFactor,
    FiveForces,
    ForceAssessment,
    KeySuccessFactor,
    Observation,
    Outcome,
    PurchasingCriterion,
    ReferencePlan,
    Segment,
    StrategicOption,
    ValueChain,
    ValueChainStage,
)

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
    "CATALOGUE_FILE",
    "SourceDocument",
    "DocumentCatalogue",
    "document_catalogue",
    "load_document_catalogue",
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
