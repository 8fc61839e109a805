from pathlib import Path

import nbformat
import pytest

from clusterlab.grading.rubric import load_rubric, points, render_markdown
from clusterlab.grading.workflow import SHIPPED_COURSE


@pytest.mark.parametrize("assignment, grade_id", [(a, g) for a, parts in load_rubric().items() for g in parts])
def test_rubric_matches_notebook(assignment, grade_id):
    nb = nbformat.read(SHIPPED_COURSE / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}
    answer = cells[grade_id]
    assert answer.metadata["nbgrader"]["points"] == points(assignment, grade_id)
    assert answer.metadata["nbgrader"]["grade"] and answer.metadata["nbgrader"]["solution"]
    shown = [c for c in nb.cells if render_markdown(assignment, grade_id) in c.source]
    assert shown and shown[0].metadata["nbgrader"]["locked"]


def test_every_manual_cell_has_a_rubric():
    for folder in (SHIPPED_COURSE / "source").iterdir():
        nb = nbformat.read(folder / f"{folder.name}.ipynb", as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and meta.get("solution"):
                assert meta["grade_id"] in load_rubric()[folder.name]
