"""The graded documents' source notebooks (the instructor's solution) run top to bottom on a fresh
kernel, with the worked example's filled data beside them, and every test cell passes."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "grading" / "course" / "source"
EXAMPLES = REPO / "grading" / "course" / "examples"
NOTEBOOKS = sorted(SOURCE.glob("*/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_source_notebook_runs_clean(path, tmp_path):
    work = tmp_path / path.parent.name
    shutil.copytree(path.parent, work)
    if (EXAMPLES / path.parent.name).is_dir():
        shutil.copytree(EXAMPLES / path.parent.name, work, dirs_exist_ok=True)
    nb = nbformat.read(work / path.name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[:1]
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert graded, "a source notebook without graded test cells"
