"""The checks a trainee runs in a graded document: the test cells and the self-check.

The trainee's answers are data: ``answers.json`` (filled by the document's forms) and, for the cluster
document, the cluster database ``actors.csv``, both next to the notebook. :func:`answers_in` reads
them; a test cell's ``check("supply-levels")`` applies the same rules as the autograder and fails with
the findings in plain words; ``self_check("industry-document")`` lists everything still to fix.
Nothing here decides a grade: the autograder reads the submitted files itself, in the grading process.
"""

from __future__ import annotations

from pathlib import Path

from . import answers as answer_file
from .checks import DOCUMENTS, Finding, _Report, check_part
from .database import load_actors
from .keys import Declaration, evaluate

__all__ = ["answers_in", "check", "expect", "self_check", "DATABASE_FILE"]

DATABASE_FILE = "actors.csv"
#: The documents whose answers include the cluster database, read from ``actors.csv``.
WITH_DATABASE = ("cluster-document",)


def answers_in(folder: str | Path | None = None, document: str | None = None) -> dict:
    """The answers of the document in ``folder`` (default: the notebook's folder), as plain data.

    Raises :class:`clusterlab.grading.answers.AnswerFileError` for an answer file that cannot be used.
    """
    folder = Path(folder or Path.cwd())
    content = answer_file.read(folder / answer_file.ANSWERS_FILE)
    answers = dict(content["answers"])
    document = document or content["document"]
    if document in WITH_DATABASE or (folder / DATABASE_FILE).exists():
        answers["ACTORS"] = load_actors(folder / DATABASE_FILE)
    return answers


def _answers_or_finding(folder) -> tuple[dict, list[Finding]]:
    try:
        return answers_in(folder), []
    except answer_file.AnswerFileError as exc:
        return {}, [Finding("answers", answer_file.ANSWERS_FILE, str(exc))]


def check(*rules: str, folder: str | Path | None = None) -> None:
    """A visible test: fail with the findings of ``rules`` on the saved answers, or say it passes."""
    answers, found = _answers_or_finding(folder)
    for rule in rules:
        found += check_part(rule, answers)
    if found:
        raise AssertionError("\n".join(["Not yet right:"] + [f"  - {f}" for f in found]))
    print("Passed: this part is complete.")


def expect(path: str, *, folder: str | Path | None = None, **options) -> None:
    """A hidden test of the instructor's version; in a trainee's copy these lines are removed."""
    answers, found = _answers_or_finding(folder)
    outcome = evaluate([Declaration("expect", (path,), tuple(sorted(options.items())))], answers)
    if found or not outcome.passed:
        raise AssertionError("\n".join(["Not yet right:"] + [f"  - {m}" for m in [*map(str, found), *outcome.messages]]))
    print("Passed.")


def self_check(document: str, folder: str | Path | None = None) -> _Report:
    """Every rule of ``document`` on the saved answers, listed part by part (empty when all is done)."""
    answers, found = _answers_or_finding(folder)
    for rule_id, _part, _check in DOCUMENTS[document]:
        found += check_part(rule_id, answers)
    return _Report(found, f"Self-check of the {document.replace('-', ' ')}")
