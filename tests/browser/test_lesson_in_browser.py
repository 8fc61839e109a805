"""What a trainee sees: the self-assessment lesson in JupyterLab and the same notebook in Voila.

Real servers on loopback, Debian's Chromium driven by Playwright. Screenshots are kept in
tests/artifacts/ as evidence of what the browser showed.
"""

from __future__ import annotations

import json
import shutil

import pytest

from support.browser import chromium_page
from support.servers import start_lab, start_voila

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHART_DATA = "el => JSON.stringify((el.data || []).map(t => [t.x, t.y, t.marker && t.marker.color]))"


@pytest.fixture(scope="module")
def lesson_root(tmp_path_factory, repo):
    """A copy of the lessons, so the browser never writes into the repository's notebooks."""
    root = tmp_path_factory.mktemp("lab-root")
    for folder in ("course", "modules"):
        shutil.copytree(repo / folder, root / folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return root


def self_assessment_notebook(root):
    found = sorted((root / "modules" / "01-cluster-economics").glob("*.ipynb"))
    for path in found:
        nb = json.loads(path.read_text())
        if any("self-assessment" in c.get("metadata", {}).get("tags", []) for c in nb["cells"]):
            return path
    pytest.fail("no Module 1 notebook has a cell tagged 'self-assessment'")


def move_first_slider(page, chart):
    """Press arrow keys on the first indicator's slider until the chart's data changes."""
    before = chart.evaluate(CHART_DATA)
    handle = page.locator(".clusterlab-indicator .noUi-handle").first
    handle.scroll_into_view_if_needed()
    for key in ("ArrowRight", "ArrowLeft"):
        handle.click()
        for _ in range(3):
            handle.press(key)
        try:
            page.wait_for_function(
                "([el, before]) => JSON.stringify((el.data || []).map(t => [t.x, t.y, t.marker && t.marker.color])) !== before",
                arg=[chart.element_handle(), before], timeout=60000,
            )
            return before, chart.evaluate(CHART_DATA)
        except Exception:
            continue
    return before, chart.evaluate(CHART_DATA)


def test_lab_runs_the_lesson_and_the_chart_follows_the_slider(lesson_root, sandbox, artifacts):
    notebook = self_assessment_notebook(lesson_root)
    server = start_lab(lesson_root, sandbox / "lab.log")
    try:
        with chromium_page(sandbox / "chromium-lab") as page:
            rel = notebook.relative_to(lesson_root).as_posix()
            page.goto(f"{server.url}/lab/tree/{rel}?reset&token={server.token}", timeout=90000)
            page.wait_for_selector(".jp-Notebook", timeout=90000)
            page.wait_for_function(
                "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
                " return k && k.status === 'idle'; }",
                timeout=90000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_selector(".clusterlab-indicator .noUi-handle", timeout=120000)
            chart = page.locator(".jp-OutputArea-output .js-plotly-plot").filter(
                has=page.locator(".barlayer")).first
            chart.wait_for(timeout=120000)
            chart.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "lab-self-assessment-before.png"))
            before, after = move_first_slider(page, chart)
            page.screenshot(path=str(artifacts / "lab-self-assessment-after.png"))
            assert before != after, "moving an indicator's slider did not change the chart"
            assert not page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count()
            assert not page.locator(".jp-OutputArea-output .ansi-red-fg").count(), "a traceback appeared"
    finally:
        server.stop()


def test_voila_shows_the_component_and_no_code(lesson_root, sandbox, artifacts):
    notebook = self_assessment_notebook(lesson_root)
    code_lines = [line.strip() for c in json.loads(notebook.read_text())["cells"]
                  if c["cell_type"] == "code" for line in "".join(c["source"]).splitlines() if len(line.strip()) > 12]
    server = start_voila(notebook, sandbox / "voila.log")
    try:
        with chromium_page(sandbox / "chromium-voila") as page:
            page.goto(server.url + "/", timeout=120000)
            page.wait_for_selector(".clusterlab-indicator .noUi-handle", timeout=120000)
            chart = page.locator(".js-plotly-plot").filter(has=page.locator(".barlayer")).first
            chart.wait_for(timeout=60000)
            chart.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "voila-self-assessment.png"), full_page=True)
            assert "Committed participants" in chart.evaluate(CHART_DATA)
            text = page.inner_text("body")
            assert page.locator(".cm-editor, .jp-InputArea-editor, .CodeMirror").count() == 0
            leaked = [line for line in code_lines if line in text]
            assert not leaked, f"code visible on the Voila page: {leaked[:3]}"
            assert "Traceback" not in text
    finally:
        server.stop()
