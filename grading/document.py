"""The checks a trainee runs in a graded document: the test cells and the self-check.

The trainee's answers are data: ``answers.json`` (filled by the document's forms) and, for the cluster
document, the cluster database ``actors.csv``, both next to the notebook. :func:`answers_in` reads
them; a test cell's ``check("supply-levels")`` applies the same rules as the autograder and fails with
the findings in plain words; ``self_check("industry-document")`` lists everything still to fix.
Nothing here decides a grade: the autograder reads the submitted files itself, in the grading process.
"""

from __future__ import annotations

import html
import os
import sys
from pathlib import Path

from . import answers as answer_file
from .checks import Finding, _Report, check_document, check_part
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


def _report_html(messages: list[str]) -> str:
    if not messages:
        return "<div style='color:#2e7d32'><b>Passed:</b> this part is complete.</div>"
    items = "".join(f"<li>{html.escape(m)}</li>" for m in messages)
    return ("<div class='clusterlab-check-failed' style='border-left:4px solid #c62828;padding:4px 10px;"
            "background:#fff5f5'><b>Not yet right:</b><ul style='margin:2px 0'>" + items + "</ul></div>")


def _not_yet(messages: list[str]) -> None:
    """Show what is not right yet. Under nbgrader (its Validate button) this is an error, so the
    part counts as failed; in the trainee's own run it is a message, so "Run all" goes on and shows
    every form below."""
    text = "\n".join(["Not yet right:"] + [f"  - {m}" for m in messages])
    if os.environ.get("NBGRADER_EXECUTION"):
        raise AssertionError(text)
    try:
        from IPython.display import HTML, display
    except ImportError:  # outside Jupyter
        print(text, file=sys.stderr)
        return
    display(HTML(_report_html(messages)))


def _findings(rules, folder) -> list[str]:
    answers, found = _answers_or_finding(folder)
    for rule in rules:
        found += check_part(rule, answers)
    return [str(f) for f in found]


class _LiveCheck:
    """A visible test's result that follows the forms: every save in the folder shows it again."""

    _kept: dict = {}

    def __init__(self, rules: tuple, folder: Path):
        import ipywidgets as w

        from .form_view import follow_saves, stop_following

        self.rules, self.path = rules, folder / answer_file.ANSWERS_FILE
        self.widget = w.HTML()
        self.refresh()
        name = f"check-{id(self)}"
        kept = type(self)._kept
        kept[(folder, name)] = self  # the forms hold only weak references
        while len(kept) > 200:  # the oldest results (cells run again since) are let go
            stop_following(*next(iter(kept)))
            kept.pop(next(iter(kept)))
        follow_saves(folder, name, self)

    def refresh(self) -> None:
        self.widget.value = _report_html(_findings(self.rules, self.path.parent))


def check(*rules: str, folder: str | Path | None = None) -> None:
    """A visible test: show the findings of ``rules`` on the saved answers, or say it passes.

    In JupyterLab the result follows the forms: it is shown again whenever a form of the document
    saves. Under nbgrader's Validate a part that is not right is an error.
    """
    found = _findings(rules, folder)
    if os.environ.get("NBGRADER_EXECUTION") or not _interactive():
        if found:
            _not_yet(found)
        else:
            print("Passed: this part is complete.")
        return
    from IPython.display import display

    display(_LiveCheck(tuple(rules), Path(folder) if folder else Path.cwd()).widget)


def _interactive() -> bool:
    """True in a Jupyter kernel (where widgets show), False in a plain Python process."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def expect(path: str, *, folder: str | Path | None = None, **options) -> None:
    """A hidden test of the instructor's version; in a trainee's copy these lines are removed."""
    answers, found = _answers_or_finding(folder)
    outcome = evaluate([Declaration("expect", (path,), tuple(sorted(options.items())))], answers)
    if found or not outcome.passed:
        _not_yet([*map(str, found), *outcome.messages])
        return
    print("Passed.")


def self_check(document: str, folder: str | Path | None = None) -> _Report:
    """Every rule of ``document`` on the saved answers, listed part by part (empty when all is done)."""
    answers, found = _answers_or_finding(folder)
    report = check_document(answers, document)
    return _Report([*found, *report], report.title)
