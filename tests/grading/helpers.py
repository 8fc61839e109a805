"""Building submissions for the grading tests from the generated release and the worked examples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def example_answers(course: Path, assignment: str) -> dict:
    """The worked example's answers of an assignment (``examples/<assignment>/answers.json``)."""
    return json.loads((course / "examples" / assignment / "answers.json").read_text(encoding="utf-8"))["answers"]


def answer_text(course: Path, assignment: str) -> dict[str, str]:
    """grade_id -> the worked text of every hand-graded (markdown) answer cell of an assignment."""
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    return {grade_id(c): c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "markdown"}


def submit(course: Path, assignment: str, student: str, *, answers: dict | None = None, text: dict | None = None,
           edit=None, csv: str | None = None, raw: str | None = None, raw_answers: bytes | None = None) -> Path:
    """Write a submission into ``submitted/``: the release, with ``answers`` in answers.json, ``text`` in
    the hand-graded cells, then ``edit(nb)``; ``csv`` replaces actors.csv."""
    folder = course / "submitted" / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(course / "release" / assignment, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    target = folder / f"{assignment}.ipynb"
    if raw is not None:
        target.write_text(raw, encoding="utf-8")
    else:
        nb = nbformat.read(target, as_version=4)
        for cell in nb.cells:
            if text and grade_id(cell) in text:
                cell.source = text[grade_id(cell)]
        if edit:
            edit(nb)
        target.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    if answers is not None:
        (folder / "answers.json").write_text(json.dumps({"document": assignment, "saved": None, "answers": answers}),
                                             encoding="utf-8")
    if raw_answers is not None:
        (folder / "answers.json").write_bytes(raw_answers)
    if csv is not None:
        (folder / "actors.csv").write_text(csv, encoding="utf-8")
    return folder


def cell(nb, gid: str):
    return next(c for c in nb.cells if grade_id(c) == gid)
