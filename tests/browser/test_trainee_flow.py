"""A trainee's first hour, in a real browser: a lesson shows no answer before it is asked for, an
exercise answers at once, the "my cluster" form keeps what was typed, the lesson cannot be changed
on disk, and the landing page shows the progress.

`clusterlab lab` in trainee mode on a free loopback port, with its own HOME and work folder;
Debian's Chromium driven by Playwright. Screenshots: tests/artifacts/trainee-*.png.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.request

import pytest

from clusterlab.exercises import find_exercise
from support.browser import chromium_page
from support.servers import isolated_env, start_course_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "modules/01-cluster-economics/01-why-clusters.ipynb"
LANDING = "course/start-here.ipynb"
CLUSTER_NAME = "Valmora wool district"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = tmp_path_factory.mktemp("trainee-flow")
    lab = start_course_lab(base / "lab.log", base / "work", env=isolated_env(base / "env"))
    lab.work = base / "work"
    yield lab
    lab.stop()


def open_notebook(page, server, path: str) -> None:
    page.goto(f"{server.url}/lab/tree/{path}?reset&token={server.token}", timeout=90000)
    page.wait_for_function(
        "path => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        " const k = w && w.context && w.context.path === path && w.sessionContext.session"
        " && w.sessionContext.session.kernel; return k && k.status === 'idle'; }",
        arg=path, timeout=120000)


def run_all(page) -> None:
    # not awaited: the command's promise ends only when every cell has run
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")


def end_sessions(server) -> None:
    """Shut every kernel down, as when the trainee closes JupyterLab and comes back another day."""
    headers = {"Authorization": f"token {server.token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{server.url}/api/sessions", headers=headers),
                                timeout=30) as response:
        sessions = json.loads(response.read())
    for session in sessions:
        request = urllib.request.Request(f"{server.url}/api/sessions/{session['id']}", method="DELETE",
                                         headers=headers)
        urllib.request.urlopen(request, timeout=30).close()


def visible_text(page) -> str:
    return page.locator(".jp-NotebookPanel:visible").inner_text()


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def flow(server, repo, tmp_path_factory, artifacts):
    """One sitting, then a second one: what the trainee saw, gathered as they went."""
    porter = find_exercise("m1-01-porter-cluster")
    question = porter.quiz.questions[0]
    right_text = question.options[question.answer]
    explanations = [e for ex in ("m1-01-marshall-forces", "m1-01-porter-cluster")
                    for q in find_exercise(ex).quiz.questions
                    for e in (getattr(q, "explanations", None) or (q.explanation,))]
    lesson_file = repo / LESSON
    before = sha(lesson_file)
    seen = {"right_why": question.explanations[question.answer]}
    with chromium_page(tmp_path_factory.mktemp("chromium-flow")) as page:
        open_notebook(page, server, LESSON)
        run_all(page)
        quiz = page.locator(".clusterlab-concept-check").filter(has_text="Porter's cluster").first
        quiz.wait_for(timeout=120000)
        form = page.locator(".clusterlab-my-cluster").first
        form.wait_for(timeout=120000)
        seen["read_only_indicator"] = page.locator(".jp-NotebookPanel:visible .jp-ToolbarButtonComponent-label",
                                                   has_text="Read-only").count() + page.locator(
            ".jp-NotebookPanel:visible [data-jp-item-name='read-only-indicator']").count()
        text = visible_text(page)
        seen["explanations_before"] = [e for e in explanations if e in text]

        # answer the first question of "Porter's cluster" with the right option, and check it
        quiz.scroll_into_view_if_needed()
        quiz.locator("label", has_text=right_text[:60]).first.click()
        quiz.locator("button", has_text="Check").first.click()
        quiz.locator("text=Right.").first.wait_for(timeout=30000)
        seen["after_check"] = quiz.inner_text()
        page.screenshot(path=str(artifacts / "trainee-exercise-checked.png"))

        # the "my cluster" form: type the cluster's name
        name = form.locator("input[type='text']").first
        name.scroll_into_view_if_needed()
        name.fill(CLUSTER_NAME)
        name.press("Tab")
        form.locator("text=Saved at").wait_for(timeout=30000)
        page.screenshot(path=str(artifacts / "trainee-my-cluster-saved.png"))

        # saving the lesson is refused: the repository's file does not change
        page.keyboard.press("Control+s")
        time.sleep(2)
        seen["lesson_unchanged"] = sha(lesson_file) == before

        # the landing page: progress
        open_notebook(page, server, LANDING)
        run_all(page)
        table = page.locator(".clusterlab-progress").first
        table.wait_for(timeout=120000)
        table.scroll_into_view_if_needed()
        seen["progress"] = table.inner_text()
        page.screenshot(path=str(artifacts / "trainee-progress.png"))

    # a second sitting: a new browser and a new kernel
    end_sessions(server)
    with chromium_page(tmp_path_factory.mktemp("chromium-flow-2")) as page:
        open_notebook(page, server, LESSON)
        run_all(page)
        form = page.locator(".clusterlab-my-cluster").first
        form.wait_for(timeout=120000)
        seen["name_again"] = form.locator("input[type='text']").first.input_value()
        quiz = page.locator(".clusterlab-concept-check").filter(has_text="Porter's cluster").first
        seen["quiz_again"] = quiz.inner_text()
        seen["checked_again"] = quiz.locator("label", has_text=right_text[:60]).first.locator(
            "input[type='radio']").is_checked()
        seen["checked_count"] = quiz.locator("input[type='radio']:checked").count()
        page.screenshot(path=str(artifacts / "trainee-second-sitting.png"))
    seen["saved"] = json.loads((server.work / "my-cluster.json").read_text())
    seen["lesson_unchanged_at_end"] = sha(lesson_file) == before
    return seen


def test_no_explanation_is_on_screen_before_the_trainee_checks(flow):
    assert flow["explanations_before"] == []


def test_checking_shows_the_answer_and_why_at_once(flow):
    """Control for the test above: the explanation appears once the trainee checks."""
    assert "Right." in flow["after_check"]
    assert flow["right_why"] in flow["after_check"]


def test_my_cluster_is_saved_and_shown_again_in_a_new_sitting(flow):
    assert flow["saved"]["fields"]["name"] == CLUSTER_NAME
    assert flow["name_again"] == CLUSTER_NAME


def test_the_exercise_answer_is_shown_again_with_its_feedback(flow):
    assert flow["checked_again"] and flow["checked_count"] == 1
    assert "Right." in flow["quiz_again"]


def test_the_lesson_is_read_only_and_its_file_never_changes(flow):
    assert flow["read_only_indicator"] >= 1
    assert flow["lesson_unchanged"] and flow["lesson_unchanged_at_end"]


def test_the_landing_page_shows_the_progress(flow):
    text = flow["progress"]
    assert "Why clusters?" in text
    first = next(line for line in text.splitlines() if "Why clusters?" in line)
    assert "1 of 3" in first and "not yet" not in first
    assert "1 of 1" in first  # the "my cluster" section of the lesson is saved
