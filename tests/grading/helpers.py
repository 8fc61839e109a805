"""Building submissions for the grading tests from the shipped source and the generated release."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat

SOLUTION_LINE = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_text(source: str) -> str:
    """A source solution cell as a trainee would have written it (without the solution markers)."""
    return "\n".join(line for line in source.split("\n") if not SOLUTION_LINE.match(line))


def answers(course: Path, assignment: str) -> dict[str, str]:
    """grade_id -> the worked solution of every answer cell of an assignment."""
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    return {grade_id(c): solution_text(c.source) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def submit(course: Path, assignment: str, student: str, *, fill: dict[str, str] | None = None,
           edit=None, csv: str | None = None, raw: str | None = None) -> Path:
    """Write a submission into ``submitted/``: the release, with ``fill`` answers, then ``edit(nb)``."""
    folder = course / "submitted" / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(course / "release" / assignment, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    target = folder / f"{assignment}.ipynb"
    if raw is not None:
        target.write_text(raw, encoding="utf-8")
        return folder
    nb = nbformat.read(target, as_version=4)
    for cell in nb.cells:
        if fill and grade_id(cell) in fill:
            cell.source = fill[grade_id(cell)]
    if edit:
        edit(nb)
    target.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    if csv is not None:
        (folder / "actors.csv").write_text(csv, encoding="utf-8")
    return folder


def cell(nb, gid: str):
    return next(c for c in nb.cells if grade_id(c) == gid)
