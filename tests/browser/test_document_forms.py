"""A graded document answered through its forms in a real browser, handed in, and graded by nbgrader.

The instructor releases the module 1 check into an exchange; a trainee (``clusterlab lab``, trainee
mode) fetches it in JupyterLab's "Assignments" tab, opens it, answers every
question in the forms (dropdowns, ticks, a number typed with a decimal comma), saves, and submits it
with the tab's Submit button. The instructor collects and autogrades: the browser's submission gets
full marks, an untouched release 0 and a partial one its exact score, in the same batch. Debian's
Chromium via Playwright; screenshots in tests/artifacts/forms-*.png.
"""

from __future__ import annotations

import getpass
import json
import os
import shutil
import time

import pytest

from support.browser import chromium_page
from support.servers import isolated_env, start_course_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MOD = "module-1-check"
TRAINEE = getpass.getuser()  # nbgrader names a submission after the account that submits it
RIGHT = {"Q1": {"a": "cluster", "b": "initiative", "c": "organisation"}, "Q2": ["A", "C", "E"], "Q3": 0.6,
         "Q4": ["North", "East"]}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from clusterlab.grading.workflow import init_course, release

    base = tmp_path_factory.mktemp("forms-course")
    exchange = base / "exchange"
    exchange.mkdir()
    saved = os.environ.get("CLUSTERLAB_EXCHANGE")
    os.environ["CLUSTERLAB_EXCHANGE"] = str(exchange)
    try:
        root = init_course(base / "course")
        release(root, MOD)
    finally:
        if saved is None:
            os.environ.pop("CLUSTERLAB_EXCHANGE", None)
        else:
            os.environ["CLUSTERLAB_EXCHANGE"] = saved
    return root, exchange


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    _, exchange = course
    base = tmp_path_factory.mktemp("forms-lab")
    env = isolated_env(base / "env") | {"CLUSTERLAB_EXCHANGE": str(exchange)}
    server = start_course_lab(base / "lab.log", base / "work", env=env)
    server.work = base / "work"
    yield server
    server.stop()


def _kernel_idle(page, path: str) -> None:
    page.wait_for_function(
        "path => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.context && w.context.path === path && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return k && k.status === 'idle'; }",
        arg=path, timeout=120000)


def _assignments_tab(page, lab):
    page.wait_for_function("() => window.jupyterapp.commands.hasCommand('nbgrader:open-assignment-list')",
                           timeout=90000)
    page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
    page.get_by_text(MOD, exact=True).first.wait_for(timeout=60000)


def _click_in_row(page, label: str) -> None:
    """Click the button ``label`` (Fetch, Submit) of the module check's row in the Assignments tab."""
    row = page.locator(".list_item, li, .row").filter(has_text=MOD).filter(
        has=page.get_by_role("button", name=label)).last
    row.get_by_role("button", name=label).click()


def _answers(folder) -> dict:
    path = folder / "answers.json"
    return json.loads(path.read_text(encoding="utf-8"))["answers"] if path.is_file() else {}


def _wait_for(predicate, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def submitted(course, lab, tmp_path_factory, artifacts):
    """The trainee's sitting in the browser: fetch, answer in the forms, save, submit."""
    root, exchange = course
    seen = {}
    with chromium_page(tmp_path_factory.mktemp("forms-chromium")) as page:
        page.goto(f"{lab.url}/lab?reset&token={lab.token}", timeout=90000)
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90000)
        _assignments_tab(page, lab)
        _click_in_row(page, "Fetch")
        path = f"{MOD}/{MOD}.ipynb"
        page.goto(f"{lab.url}/lab/tree/{path}?token={lab.token}", timeout=90000)
        _kernel_idle(page, path)
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        q1 = page.locator(".clusterlab-form-q1")
        q1.wait_for(timeout=120000)
        seen["before"] = page.locator(".jp-NotebookPanel:visible").inner_text()
        page.screenshot(path=str(artifacts / "forms-module-check-empty.png"))
        selects = q1.locator("select")
        for i, label in enumerate(("Cluster", "Cluster initiative", "Cluster organisation")):
            selects.nth(i).select_option(label=label)
        for letter in ("A", "C", "E"):
            page.locator(".clusterlab-form-q2 label").filter(has_text=letter).first.click()
        number = page.locator(".clusterlab-form-q3 input[type=text]").first
        number.fill("0,6")
        number.press("Tab")
        for region in ("North", "East"):
            page.locator(".clusterlab-form-q4 label").filter(has_text=region).first.click()
        folder = _find_fetched(lab)
        _wait_for(lambda: _answers(folder) == RIGHT, what="the forms to save every answer")
        page.keyboard.press("Control+s")
        page.locator(".clusterlab-form-q4").get_by_text("Saved at").first.wait_for(timeout=30000)
        seen["after"] = page.locator(".jp-NotebookPanel:visible").inner_text()
        page.screenshot(path=str(artifacts / "forms-module-check-filled.png"))
        _assignments_tab(page, lab)
        _click_in_row(page, "Submit")
        _wait_for(lambda: any((exchange / "clusterlab" / "inbound").glob(f"{TRAINEE}+{MOD}+*")),
                  what="the submission in the exchange")
        page.screenshot(path=str(artifacts / "forms-assignments-submitted.png"))
    seen["folder"] = folder
    return seen


def _find_fetched(lab):
    found = [p.parent for p in lab.work.rglob(f"{MOD}/{MOD}.ipynb") if "my-documents" not in p.parts]
    assert found, "the fetched assignment was not found in the trainee's files"
    return found[0]


def test_the_forms_start_empty_and_show_what_is_missing(submitted):
    assert "not answered yet" in submitted["before"] and "Not yet right" in submitted["before"]
    assert "Saved at" in submitted["after"]
    # the visible tests follow the forms: once answered, no part is shown as not right any more
    assert "Not yet right" not in submitted["after"]
    assert submitted["after"].count("Passed: this part is complete.") == 7


def test_browser_submission_gets_full_marks_in_a_batch(course, submitted):
    from nbgrader.api import Gradebook

    from clusterlab.grading.engine.autograde import autograde
    from clusterlab.grading.nbconfig import COURSE_ID
    from clusterlab.grading.workflow import collect

    from grading.helpers import submit

    root, exchange = course
    os.environ["CLUSTERLAB_EXCHANGE"] = str(exchange)
    try:
        collect(root, MOD)
    finally:
        os.environ.pop("CLUSTERLAB_EXCHANGE", None)
    assert (root / "submitted" / TRAINEE / MOD / "answers.json").is_file()
    submit(root, MOD, "untouched")
    submit(root, MOD, "partial", answers={"Q1": {"a": "cluster", "b": "cluster", "c": "organisation"},
                                          "Q2": ["A", "C", "F"], "Q3": 0.6, "Q4": []})
    results = autograde(root, MOD, jobs=2)
    assert results[TRAINEE].reasons == []
    assert {s: (o.status, o.score) for s, o in results.items()} == {
        TRAINEE: ("graded", 8.0), "untouched": ("graded", 0.0), "partial": ("graded", 5.0)}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        assert gb.find_submission(MOD, TRAINEE).max_score == 10  # 2 points left for the instructor
    shutil.rmtree(root / "autograded", ignore_errors=True)
