"""The graded documents' source notebooks (the instructor's solution) run top to bottom on a fresh
kernel, with the worked example's filled data beside them, and every test cell passes; and the words
they ask for (diamond factors, helix roles) are the keys of ``clusterlab.vocabulary``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from clusterlab.grading.database import HELIX, STRANDS, load_actors
from clusterlab.grading.rules_cluster import DIAMOND_CORNERS
from clusterlab.vocabulary import DIAMOND_FACTORS, HELIX_ROLES

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


# ------------------------------------------------------------------------------ the shared words
CLUSTER = SOURCE / "cluster-document" / "cluster-document.ipynb"
EXAMPLE_ANSWERS = EXAMPLES / "cluster-document" / "answers.json"


def _cell(nb, cell_id: str) -> str:
    return next(c.source for c in nb.cells if c.get("id") == cell_id)


def unknown_diamond_keys(diamond: dict) -> set[str]:
    """Diamond keys of an answer that are not the corners of the diamond in ``clusterlab.vocabulary``."""
    return set(diamond) - set(DIAMOND_CORNERS)


def test_diamond_keys_are_the_vocabulary_corners():
    assert DIAMOND_CORNERS == tuple(DIAMOND_FACTORS)[:4] and "government" not in DIAMOND_CORNERS
    example = json.loads(EXAMPLE_ANSWERS.read_text(encoding="utf-8"))["answers"]["DIAMOND"]
    assert unknown_diamond_keys(example) == set() and list(example) == list(DIAMOND_CORNERS)
    instructions = _cell(nbformat.read(CLUSTER, as_version=4), "diamond-instructions").lower()
    for corner in DIAMOND_CORNERS:  # each corner is explained, in the vocabulary's words
        assert f"**{DIAMOND_FACTORS[corner].lower()}**" in instructions, corner


def test_control_old_diamond_keys_are_found():
    assert unknown_diamond_keys({"factor_conditions": {}, "related_supporting": {}, "strategy_rivalry": {}}) == \
        {"related_supporting", "strategy_rivalry"}


def test_helix_roles_are_the_vocabulary_roles():
    assert HELIX == tuple(HELIX_ROLES) and STRANDS == ("industry", "academia", "government")
    nb = nbformat.read(CLUSTER, as_version=4)
    row = next(line for line in _cell(nb, "database-instructions").splitlines() if line.startswith("| helix"))
    named = re.findall(r"(\w+) \(", row.split("|")[2].split(";")[0]) + re.findall(r"or (\w+) for", row)
    assert named == list(HELIX_ROLES)
    for csv in (SOURCE / "cluster-document" / "actors.csv", EXAMPLES / "cluster-document" / "actors.csv"):
        roles = {row["helix"] for row in load_actors(csv)}
        assert roles <= set(HELIX_ROLES), csv
    example = {row["helix"] for row in load_actors(EXAMPLES / "cluster-document" / "actors.csv")}
    assert example == set(HELIX_ROLES)  # the worked example shows every role, intermediary included
