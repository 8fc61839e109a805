"""nbgrader's autograde step without running the notebook: test cells are graded from the answers.

:class:`GradeFromAnswers` takes the place of nbgrader's ``Execute`` preprocessor (see
:func:`clusterlab.grading.nbconfig.configure`), so every ``nbgrader autograde`` of the course, from
the command line, the formgrader or :mod:`.autograde`, grades the same way:

1. the answer files of the notebook's folder (``answers.json``, ``actors.csv``) are taken in as
   ordinary files only (:mod:`.intake`) into a private folder;
2. the sandboxed reader (:mod:`.sandbox`, :mod:`.reader`) applies each test cell's declarations, read
   from the instructor's version of the cell (nbgrader has just restored it from the gradebook), to
   those answers;
3. each test cell gets an output: ``Passed.``, or an error listing what is not right. nbgrader's own
   ``SaveAutoGrades`` then gives full points for a cell without error and none for a cell with one.

No cell of the notebook is ever run, so code a trainee adds or changes cannot change a score.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

from . import sandbox
from .intake import take_in

__all__ = ["GradeFromAnswers", "DATA_FILES", "is_test_cell"]

#: The files a document's answers are read from.
DATA_FILES = ("answers.json", "actors.csv")


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _output(outcome: dict | None, fallback: str):
    if outcome is None:
        messages = [fallback]
    elif outcome.get("passed") is True:
        return new_output("stream", name="stdout", text="Passed.\n")
    else:
        messages = [str(m) for m in outcome.get("messages") or []][:20] or ["This part is not right yet."]
    text = "\n".join(f"  - {m}" for m in messages)
    return new_output("error", ename="Not yet right", evalue=text, traceback=["Not yet right:", text])


class GradeFromAnswers(NbGraderPreprocessor):
    """Fill every test cell's output from the submission's answers, read in the sandbox."""

    #: What the last notebook's reading found (intake findings, answer file problems), for the report.
    notes: list[str] = []

    def preprocess(self, nb, resources):
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        document = resources.get("nbgrader", {}).get("assignment")
        cells = {cell.metadata.nbgrader["grade_id"]: cell.source for cell in nb.cells if is_test_cell(cell)}
        answer, fallback = None, "Your answers could not be read."
        with tempfile.TemporaryDirectory(prefix="clusterlab-read-") as staging:
            intake = take_in(folder, DATA_FILES, Path(staging))
            missing = list(intake.findings)
            try:
                answer = sandbox.run(Path(staging), {"document": document, "cells": cells})
            except sandbox.SandboxError as exc:
                fallback = f"Your answers could not be read: {exc}."
                type(self).notes = [*missing, fallback]
            else:
                type(self).notes = [*missing, *[str(n) for n in answer.get("notes") or []][:5]]
        outcomes = answer.get("outcomes") if isinstance(answer, dict) else None
        outcomes = outcomes if isinstance(outcomes, dict) else {}
        for cell in nb.cells:
            if is_test_cell(cell):
                outcome = outcomes.get(cell.metadata.nbgrader["grade_id"])
                cell.outputs = [_output(outcome if isinstance(outcome, dict) else None, fallback)]
                cell.execution_count = None
        return nb, resources
