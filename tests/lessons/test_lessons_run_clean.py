"""Each lesson, run top to bottom on a fresh kernel, shows no error: no exception, nothing on stderr,
and no component showing an error message in its widget (views catch errors and show them, so a
plain "the cell ran" check would not see them)."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from clusterlab.syllabus import COURSE_DIR, lessons

ERROR_CLASS = "clusterlab-error"
NOTEBOOKS = [lesson.path for lesson in lessons()] + [COURSE_DIR / "start-here.ipynb"]


def shown_errors(nb) -> list[str]:
    """The messages of every error widget that is showing something."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    found = []
    for model in state.values():
        st = model.get("state", {})
        if ERROR_CLASS in (st.get("_dom_classes") or []) and st.get("value"):
            found.append(st["value"])
    return found


def run(path, work):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=True)
    client.execute()  # the kernel inherits CLUSTERLAB_WORK_DIR from the test (a fresh folder)
    return nb


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_runs_without_any_error_shown(path, work_folder):
    nb = run(path, work_folder)
    problems = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                problems.append(f"exception {out.ename}: {out.evalue}")
            if out.output_type == "stream" and out.name == "stderr":
                problems.append(f"stderr: {out.text[:200]}")
            text = json.dumps(out.get("data", {}))
            if "Traceback" in text:
                problems.append("a traceback in an output")
    problems += [f"component error: {m[:200]}" for m in shown_errors(nb)]
    assert error_boxes(nb) > 0, "no component's error box was recorded: the scan would see nothing"
    assert not problems, f"{path.name}: {problems}"
    assert shown_errors_control(nb)


def error_boxes(nb) -> int:
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return sum(1 for m in state.values() if ERROR_CLASS in (m.get("state", {}).get("_dom_classes") or []))


def shown_errors_control(nb) -> bool:
    """Control: the scan finds an error widget when one shows a message (a copy with one injected)."""
    copy = json.loads(json.dumps(nb.metadata.get("widgets", {})))
    state = copy.setdefault("application/vnd.jupyter.widget-state+json", {}).setdefault("state", {})
    state["injected"] = {"state": {"_dom_classes": [ERROR_CLASS], "value": "boom"}}
    return shown_errors(nbformat.from_dict({"metadata": {"widgets": copy}})) == ["boom"]
