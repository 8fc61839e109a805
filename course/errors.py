"""The root of the course's own errors.

Every error the course raises on purpose derives from :class:`ClusterlabError`, so a caller (a
command, a view, a test) can catch "anything the course says is wrong" in one place, and tell it
from a bug. Each subclass also derives from the built-in error it stands for (``ValueError`` for bad
data, ``PermissionError`` for a refused action ...), so older code that catches those still works.
Messages are written for the person who can fix the problem: what is wrong, where, and what to do.

The families:
- ``ComponentError`` (components and lessons; defined here, exported by ``clusterlab.widgets``),
  with ``SavedWorkError``, ``SyllabusError``, ``ExerciseFileError`` and ``MyClusterSpecError``;
- ``CaseFileError`` and ``CaseRuleError`` (case data), with ``UnknownCaseError`` and the reference
  figures' errors;
- ``AnalysisError`` (the cluster-mapping analysis);
- ``StepError``, ``NotReleasedError``, ``NoGradebookError``, ``RubricError``, ``UnknownRuleError``,
  ``LeakError``, ``AnswerFileError``, ``KeyError_`` (the instructor's workflow, the answer files and
  the documents' checks), and ``SandboxError``, ``ScoreError``, ``WorkerStartError`` (the grading engine);
- ``CommandError`` and ``ViewError`` (the command line and the course-only JupyterLab).
"""


class ClusterlabError(Exception):
    """Base of the errors the course raises on purpose; the message is meant for a person."""


class CommandError(ClusterlabError):
    """An error to show to the person who typed a ``clusterlab`` command, in plain words."""


class ComponentError(ClusterlabError, ValueError):
    """Invalid input to a component or a lesson, explained in plain words.

    Every model in :mod:`clusterlab.widgets` raises this exception, and only this one, when it is
    given something it cannot use. The message says what is wrong and how to put it right, so that a
    view can show it to the trainee as it is.
    """
