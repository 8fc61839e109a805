"""Scores out of the gradebook: one CSV row per student, assignment and graded cell.

Each graded cell is a *part* of a document (or a slice of one, when a part is split into several test
cells for partial credit); the ``part`` column names the part as the trainee sees it. Alongside, the
status of the submission from the last autograde report (graded, flagged, rejected, failed).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from clusterlab.errors import ClusterlabError

from .checks import RULES
from .engine.outcomes import load_report, spreadsheet_text
from .nbconfig import COURSE_ID
from .rubric import load_rubric

__all__ = ["COLUMNS", "NoGradebookError", "export_parts", "export_summary", "part_name"]

COLUMNS = ["student", "assignment", "notebook", "part", "cell", "kind", "score", "max_score",
           "needs_manual_grade", "status"]


class NoGradebookError(ClusterlabError, FileNotFoundError):
    """The course has no gradebook yet, so there is nothing to export."""


def part_name(assignment: str, grade_id: str) -> str:
    """The part a graded cell belongs to, as named in the document."""
    if grade_id in RULES:
        return RULES[grade_id][1]
    rubric = load_rubric().get(assignment, {})
    if grade_id in rubric:
        return rubric[grade_id]["title"]
    question = re.match(r"q(\d+)", grade_id)
    return f"Question {question.group(1)}" if question else grade_id


def export_parts(root: str | Path, output: str | Path) -> Path:
    """Write the per-part CSV for every assignment and student of the gradebook; returns its path."""
    root, output = Path(root), Path(output)
    if not (root / "gradebook.db").is_file():
        raise NoGradebookError(f"{root} has no gradebook yet: release and autograde an assignment first")
    rows = []
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        students = sorted(s.id for s in gb.students)
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            report = load_report(root, assignment.name)
            for student in students:
                try:
                    submission = gb.find_submission(assignment.name, student)
                except MissingEntry:
                    submission = None
                status = report[student].status if student in report else ("graded" if submission else "no submission")
                for notebook in assignment.notebooks:
                    grades = {}
                    if submission is not None:
                        grades = {g.name: g for g in gb.find_submission_notebook(notebook.name, assignment.name, student).grades}
                    for cell in notebook.grade_cells:
                        grade = grades.get(cell.name)
                        manual = cell.cell_type == "markdown"
                        rows.append([spreadsheet_text(student), assignment.name, notebook.name, part_name(assignment.name, cell.name),
                                     cell.name, "manual" if manual else "auto",
                                     float(grade.score) if grade is not None and grade.score is not None else 0.0,
                                     float(cell.max_score),
                                     bool(grade.needs_manual_grade) if grade is not None else False, status])
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return output


def export_summary(root: str | Path, output: str | Path) -> Path:
    """nbgrader's own export (one row per student and assignment) into ``output``."""
    from nbgrader.plugins import CsvExportPlugin

    output = Path(output)
    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}", COURSE_ID) as gb:
        plugin = CsvExportPlugin()
        plugin.to = str(output)
        plugin.export(gb)
    with open(output, newline="", encoding="utf-8") as handle:  # no cell may read as a formula
        rows = [[spreadsheet_text(cell) for cell in row] for row in csv.reader(handle)]
    with open(output, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return output
