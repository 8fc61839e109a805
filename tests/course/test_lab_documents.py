"""A trainee on their own gets the graded documents in my-documents and can run their self-check there."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from clusterlab import lab
from clusterlab.grading import student_versions as sv
from clusterlab.grading.answers import save
from clusterlab.lab_view import build_view

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trainee(repo, tmp_path_factory):
    """A first start's preparation: the view and the documents (generated into the session's cache)."""
    work = tmp_path_factory.mktemp("trainee-work")
    view = build_view(repo, work)
    notes, warnings = lab.prepare_documents(view, work)
    assert not warnings, warnings
    return view, notes


def test_documents_are_in_my_documents(trainee):
    view, notes = trainee
    names = sorted(p.name for p in view.documents.iterdir())
    assert names == sorted(p.name for p in sv.SOURCE.iterdir() if p.is_dir())
    assert (view.documents / "cluster-document" / "actors.csv").is_file()
    assert any(line.startswith("New in my-documents:") for line in notes)
    # and through the view, where JupyterLab shows them
    assert (view.root / "my-documents" / "industry-document" / "industry-document.ipynb").is_file()


def test_copies_hold_no_solution(trainee):
    view, _ = trainee
    for source in sv.SOURCE.glob("*/*.ipynb"):
        copy = view.documents / source.relative_to(sv.SOURCE)
        assert sv.leaks(json.loads(source.read_text()), json.loads(copy.read_text())) == []


def self_check_output(nb) -> tuple[str, list]:
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "self-check"]
    errors = [o for o in cell.outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs)
    return text, errors


def test_self_check_runs_in_my_documents(trainee):
    view, _ = trainee
    path = view.root / "my-documents" / "cluster-document" / "cluster-document.ipynb"
    nb = nbformat.read(path, as_version=4)
    # the trainee's first answer, as its form saves it: a timeline (the other parts are unanswered)
    timeline = [{"year": 1890, "event": "Wool mills open along the river"},
                {"year": 1962, "event": "The textile school opens a department"},
                {"year": 1995, "event": "Production of clothing moves abroad"},
                {"year": 2012, "event": "Firms found the cluster association"}]
    save(path.parent / "answers.json", "cluster-document", "TIMELINE", timeline)
    NotebookClient(nb, timeout=120, startup_timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text, errors = self_check_output(nb)
    assert not errors, errors
    assert "Self-check of the cluster document" in text, text
    # it reacts to the trainee's work: the answered part is not listed, the unanswered ones are
    assert "History and origins" not in text and "timeline" not in text
    assert "factors: not answered yet" in text
    # the actors.csv beside the notebook (in my-documents) was read: its example rows are pointed out
    assert "cluster database: delete the template's example row" in text
    [load] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "actors-form"]
    assert not [o for o in load.outputs if o.output_type == "error"]


def test_control_self_check_lists_the_unanswered_timeline(trainee):
    """The check above can fail: without an answer the timeline is listed."""
    view, _ = trainee
    path = view.root / "my-documents" / "cluster-document" / "cluster-document.ipynb"
    save(path.parent / "answers.json", "cluster-document", "TIMELINE", None)
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, startup_timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text, errors = self_check_output(nb)
    assert not errors, errors
    assert "timeline: not answered yet" in text, text
