"""End to end with real nbgrader: release, autograde from the answer files, re-run, feedback, export."""

from __future__ import annotations

import csv
import html
import json
import re

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbgrader.api import Gradebook

from clusterlab.grading.engine.autograde import autograde
from clusterlab.grading.engine.startup import LAZY_ARCHIVE_UTIL, LEAN_NBGRADER, SKIP_RFC3987
from clusterlab.grading.engine.tuning import CACHED_SCHEMA, SHARED_ENGINES
from clusterlab.grading.feedback import strip_hidden
from clusterlab.grading.nbconfig import ASSIGNMENTS, COURSE_ID
from clusterlab.grading.workflow import feedback

from .helpers import answer_text, cell, example_answers, grade_id, submit

pytestmark = pytest.mark.slow
IND, CLU, MOD = "industry-document", "cluster-document", "module-1-check"

PARTIAL_SUPPLY = [
    {"level": "international", "figure": "employment", "value": 410000, "unit": "employees", "year": 2021,
     "source": "EU statistics"},
    {"level": "national", "figure": "employment", "value": 95000, "unit": "employees", "year": 2021,
     "source": "national statistics"},
]
#: Python a trainee might leave in a notebook: it is never run, so it changes nothing.
TAMPERING = ("check = lambda *a, **k: None\nimport clusterlab.grading.keys as k\nk.evaluate = None\n"
             "class Any:\n    def __eq__(self, other):\n        return True\nSUPPLY = Any()\n")


def dump(root):
    """Every score of the gradebook, to compare before and after a re-run."""
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        rows = []
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    rows += [(assignment.name, submission.student.id, g.name, g.auto_score, g.manual_score,
                              g.needs_manual_grade) for g in notebook.grades]
        return sorted(rows, key=str)


def auto_scores(root, assignment, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        sub = gb.find_submission(assignment, student)
        return {g.name: g.auto_score for nb in sub.notebooks for g in nb.grades
                if g.cell.cell_type == "code"}


@pytest.fixture(scope="module")
def graded(released_course):
    root = released_course
    full = {a: example_answers(root, a) for a in ASSIGNMENTS}
    text = {a: answer_text(root, a) for a in ASSIGNMENTS}
    example_csv = (root / "examples" / CLU / "actors.csv").read_text()
    for assignment in ASSIGNMENTS:
        submit(root, assignment, "solution", answers=full[assignment], text=text[assignment],
               csv=example_csv if assignment == CLU else None)
        submit(root, assignment, "untouched")
    submit(root, IND, "partial", answers={k: full[IND][k] for k in ("INDUSTRY", "VALUE_CHAIN")} | {"SUPPLY": PARTIAL_SUPPLY})
    submit(root, MOD, "partial", answers={"Q1": {"a": "cluster", "b": "initiative", "c": "initiative"},
                                          "Q2": ["A", "C", "D"], "Q3": 0.6, "Q4": ["North"]})

    def edit_locked(nb):
        cell(nb, "intro").source += "\nI changed this."
        cell(nb, "supply-levels").source = "pass"

    def delete_test(nb):
        nb.cells.remove(cell(nb, "lq-value"))

    def duplicate(nb):
        nb.cells.append(nbformat.from_dict(dict(cell(nb, "supply-form"))))

    def tamper(nb):
        nb.cells.insert(2, nbformat.v4.new_code_cell(TAMPERING))
        cell(nb, "supply-levels").outputs = [nbformat.v4.new_output("stream", name="stdout", text="Passed.")]

    submit(root, IND, "edited", answers=full[IND], edit=edit_locked)
    submit(root, IND, "deleted", answers=full[IND], edit=delete_test)
    submit(root, IND, "duplicated", answers=full[IND], edit=duplicate)
    submit(root, IND, "not-json", raw='{"cells": [ this is not json')
    submit(root, IND, "not-json-answered", answers=full[IND], raw='{"cells": [ this is not json')
    submit(root, IND, "no-analysis", answers=full[IND], text=text[IND],
           edit=lambda nb: nb.cells.remove(cell(nb, "analysis")))
    submit(root, IND, "tampered", edit=tamper)  # code that would pass every test, and no answers
    submit(root, IND, "bad-answers", raw_answers=b'{"document": "industry-document", "answers": [1, 2')
    results = {}
    for assignment in ASSIGNMENTS:
        results[assignment] = autograde(root, assignment, jobs=2)
    return root, results


def test_solution_gets_full_marks(graded):
    root, results = graded
    for assignment in ASSIGNMENTS:
        scores = auto_scores(root, assignment, "solution")
        nb = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        points = {grade_id(c): c.metadata.nbgrader["points"] for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
        assert scores == points, assignment
        assert results[assignment]["solution"].status == "graded"


def test_untouched_release_gets_zero(graded):
    root, results = graded
    for assignment in ASSIGNMENTS:
        assert set(auto_scores(root, assignment, "untouched").values()) == {0.0}
        assert results[assignment]["untouched"].status == "graded"


def test_partial_scores_are_exact(graded):
    root, _ = graded
    ind = auto_scores(root, IND, "partial")
    assert sum(ind.values()) == 6
    assert ind["supply-levels"] == 0 and ind["supply-structure"] == 1 and ind["supply-sources"] == 1
    mod = auto_scores(root, MOD, "partial")
    assert mod == {"q1-a": 1, "q1-b": 1, "q1-c": 0, "q2-partly": 1, "q2-fully": 0, "q3": 2, "q4": 0}


@pytest.mark.parametrize("student, status, reason, score", [
    ("edited", "flagged", "the test cell 'supply-levels' was changed", 11),
    ("deleted", "flagged", "the test cell 'lq-value' was deleted", 11),
    ("duplicated", "flagged", "duplicated graded cells: supply-form", 11),
    ("not-json", "flagged", "not valid notebook JSON", 0),
    ("not-json-answered", "flagged", "not valid notebook JSON", 11),
    ("no-analysis", "flagged", "the answer cell 'analysis' was deleted", 11),
    ("tampered", "graded", None, 0),
    ("bad-answers", "flagged", "answers.json cannot be read", 0),
])
def test_bad_submissions_are_flagged(graded, student, status, reason, score):
    root, results = graded
    outcome = results[IND][student]
    assert outcome.status == status
    assert reason is None or any(reason in r for r in outcome.reasons), outcome.reasons
    assert outcome.score == score
    assert (root / "gradebook.db").read_bytes()[:15] == b"SQLite format 3"


def test_a_deleted_answer_cell_costs_only_its_part(graded):
    """The analysis cell was deleted: the autograded parts are all there, the analysis is graded as
    empty (0, nothing for the instructor to grade); the trainee's other written answer is kept."""
    root, _ = graded
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        grades = {g.name: g for nb in gb.find_submission(IND, "no-analysis").notebooks for g in nb.grades}
        solution = {g.name: g for nb in gb.find_submission(IND, "solution").notebooks for g in nb.grades}
    assert grades["analysis"].auto_score == 0 and not grades["analysis"].needs_manual_grade
    assert solution["analysis"].needs_manual_grade  # control: a written analysis waits for the instructor
    assert sum(g.auto_score or 0 for g in grades.values()) == 11


def test_tampered_test_cell_shows_the_real_outcome(graded):
    """The trainee's fake "Passed." output and added code are gone: the test cell shows why it fails."""
    root, _ = graded
    nb = nbformat.read(root / "autograded" / "tampered" / IND / f"{IND}.ipynb", as_version=4)
    outputs = cell(nb, "supply-levels").outputs
    assert [o.output_type for o in outputs] == ["error"]
    assert "supply" in outputs[0].evalue
    solution = nbformat.read(root / "autograded" / "solution" / IND / f"{IND}.ipynb", as_version=4)
    assert [o.get("text") for o in cell(solution, "supply-levels").outputs] == ["Passed.\n"]


def test_report_lists_every_submission(graded):
    root, results = graded
    with open(root / "reports" / f"autograde-{IND}.csv", encoding="utf-8") as handle:
        rows = {r["student"]: r for r in csv.DictReader(handle)}
    assert set(rows) == set(results[IND])
    assert "not valid notebook JSON" in rows["not-json"]["reasons"]


def test_rerun_changes_nothing(graded):
    root, _ = graded
    before = dump(root)
    assert autograde(root, IND, jobs=2) == {}  # nothing new: skipped
    again = autograde(root, IND, students=["solution", "partial", "not-json"], jobs=2, force=True)
    assert {s: o.status for s, o in again.items()} == {"solution": "graded", "partial": "graded",
                                                       "not-json": "flagged"}
    assert dump(root) == before


def _text(page: str) -> str:
    """What a page shows: its text without tags, styles and scripts (its CSS names "Traceback")."""
    shown = re.sub(r"<(style|script)\b.*?</\1\s*>", "", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", shown))


def _revealing(text: str) -> list[str]:
    """What a feedback page must not show: a traceback (it quotes test code) or a hidden-test marker."""
    return [word for word in ("Traceback", "HIDDEN") if word in text]


def test_release_has_no_solution_and_no_hidden_test(released_course):
    for assignment in ASSIGNMENTS:
        source = nbformat.read(released_course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        released = (released_course / "release" / assignment / f"{assignment}.ipynb").read_text()
        assert "BEGIN SOLUTION" not in released and "HIDDEN TESTS" not in released
        shipped = json.loads((released_course / "release" / assignment / "answers.json").read_text())
        assert shipped["answers"] == {}, assignment  # the release carries no answer
        for c in source.cells:
            hidden = strip_hidden(c.source)[1]
            solution = re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", c.source, re.S)
            given = re.sub(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", "", c.source, flags=re.S)
            lines = hidden + [ln.strip() for s in solution for ln in s.splitlines()
                              if len(ln.strip()) > 12 and ln.strip() not in given]
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution"):
                lines += [ln.strip() for ln in c.source.splitlines() if len(ln.strip()) > 12]
            for line in lines:
                assert line not in released, (assignment, line)


def test_feedback_hides_hidden_tests(graded):
    root, _ = graded
    for assignment in (IND, MOD):
        feedback(root, assignment)
    source_hidden = []
    for assignment in (IND, MOD):
        nb = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        released = (root / "release" / assignment / f"{assignment}.ipynb").read_text()
        source_hidden += [ln for c in nb.cells for ln in strip_hidden(c.source)[1] if ln not in released]
    pages = sorted((root / "feedback").glob("*/*/*.html"))
    assert len(pages) >= 6
    for page in pages:
        text = _text(page.read_text(encoding="utf-8"))
        assert _revealing(text) == [], page
        for line in source_hidden:
            assert line not in text, (page, line)
    partial = _text((root / "feedback" / "partial" / MOD / f"{MOD}.html").read_text())
    assert "Question 1" in partial and "Description (c) is not classified correctly." in partial
    assert 'equals="organisation"' not in partial  # the hidden answer key is not shown


def test_control_unsanitised_feedback_reveals_hidden_tests(graded):
    """The checks above can fail: the same partial submissions as a page without the sanitiser (the
    autograded notebook as HTML) show hidden-test markers and hidden-test lines."""
    root, _ = graded
    for assignment in (IND, MOD):
        nb = nbformat.read(root / "autograded" / "partial" / assignment / f"{assignment}.ipynb", as_version=4)
        text = _text(HTMLExporter().from_notebook_node(nb)[0])
        assert "HIDDEN" in _revealing(text), assignment
        hidden = [ln for c in nb.cells for ln in strip_hidden(c.source)[1]]
        assert hidden and all(line in text for line in hidden)


def test_export_per_part(graded, tmp_path):
    from clusterlab.cli import main

    root, _ = graded
    out = tmp_path / "parts.csv"
    assert main(["grade", "export", "--course", str(root), "--output", str(out),
                 "--summary", str(tmp_path / "summary.csv")]) == 0
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    partial = [r for r in rows if r["student"] == "partial" and r["assignment"] == IND and r["kind"] == "auto"]
    assert sum(float(r["score"]) for r in partial) == 6
    assert {r["part"] for r in partial} >= {"Industry supply", "Location quotient", "Reference industry"}
    assert {r["status"] for r in rows if r["student"] == "not-json" and r["assignment"] == IND} == {"flagged"}
    assert (tmp_path / "summary.csv").read_text().startswith("assignment")


SPEED_PATCHES = sorted([SKIP_RFC3987, LEAN_NBGRADER, LAZY_ARCHIVE_UTIL, CACHED_SCHEMA, SHARED_ENGINES])


def test_stock_path_grades_the_same_without_patches(graded, monkeypatch):
    """With ``CLUSTERLAB_NO_PATCHES=1`` the grading processes skip every speed patch: nbgrader's stock
    path gives the same scores."""
    root, results = graded
    # control: in the run with the patches on, every patch ran
    assert all(results[MOD][s].patches_off == [] for s in ("solution", "partial", "untouched"))
    before = dump(root)
    monkeypatch.setenv("CLUSTERLAB_NO_PATCHES", "1")  # inherited by the workers
    stock = autograde(root, MOD, students=["solution", "partial", "untouched"], jobs=2, force=True)
    assert {s: o.status for s, o in stock.items()} == {"solution": "graded", "partial": "graded",
                                                       "untouched": "graded"}
    assert all(o.patches_off == SPEED_PATCHES for o in stock.values())  # the patched path was skipped
    assert dump(root) == before
