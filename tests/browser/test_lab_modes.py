"""What a trainee and an instructor meet in JupyterLab started by `clusterlab lab`.

One real server per mode (the course's own command, on a free loopback port, with its own HOME,
Jupyter folders and work folder), Debian's Chromium driven by Playwright. Every "absent" check has a
control showing that the same check finds the thing where it should be (mostly: in instructor mode).
Screenshots go to tests/artifacts/lab-*.png.

Nothing here saves a notebook: lessons are the repository's own files.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest

from support.browser import chromium_page
from support.servers import isolated_env, start_course_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = "modules/01-cluster-economics/01-why-clusters.ipynb"
DOCUMENTS = ["cluster-document", "industry-document", "module-1-check", "module-2-check"]
HIDDEN_FROM_TRAINEES = [
    "course/cli.py", "course/__init__.py", "course/lab.py", "course/config/lab-trainee/jupyter_server_config.json",
    "course/scripts/start.sh", "modules/01-cluster-economics/exercises.yaml",
    "grading/course/source/module-1-check/module-1-check.ipynb",
    "grading/course/source/cluster-document/cluster-document.ipynb", "grading/checks.py",
    "widgets/storage.py", "casestudies/loader.py", "tests/conftest.py", "pyproject.toml",
    "my-documents/../../../course/cli.py", "%2E%2E/%2E%2E/course/cli.py",
]


# -- servers ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trainee(tmp_path_factory):
    base = tmp_path_factory.mktemp("lab-trainee")
    server = start_course_lab(base / "lab.log", base / "work", env=isolated_env(base / "env"))
    server.work = base / "work"
    yield server
    server.stop()


@pytest.fixture(scope="module")
def instructor(tmp_path_factory):
    from clusterlab.grading.workflow import init_course

    base = tmp_path_factory.mktemp("lab-instructor")
    course = init_course(base / "cluster-course")  # outside the repository: nothing is written there
    server = start_course_lab(base / "lab.log", base / "work", instructor=True, course=course,
                              env={**isolated_env(base / "env"), "CLUSTERLAB_EXCHANGE": ""})
    server.course = course
    yield server
    server.stop()


def status(server, path: str) -> int:
    """The HTTP status of ``path`` (after redirects; the token goes in a header, so it follows them)."""
    request = urllib.request.Request(server.url + path, headers={"Authorization": f"token {server.token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


# -- the browser ------------------------------------------------------------------------------------

def open_lab(page, server, path: str = "/lab") -> None:
    page.goto(f"{server.url}{path}?reset&token={server.token}", timeout=90000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands", timeout=90000)
    page.wait_for_selector("#filebrowser .jp-DirListing-item", timeout=90000)


def listing(page) -> list[str]:
    return page.locator("#filebrowser .jp-DirListing-item .jp-DirListing-itemText").all_inner_texts()


def wait_listing(page, expected: list[str] | None = None, timeout: float = 20) -> list[str]:
    """The file browser's entries once they are stable (or equal to ``expected``)."""
    deadline, last, same = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline:
        now = listing(page)
        if expected is not None and sorted(now) == sorted(expected):
            return now
        same = same + 1 if now == last else 0
        if expected is None and same >= 3 and now:
            return now
        last = now
        time.sleep(0.3)
    return listing(page)


def enter(page, folder: str) -> None:
    page.locator("#filebrowser .jp-DirListing-item", has_text=folder).first.dblclick()
    page.wait_for_function(
        "name => [...document.querySelectorAll('#filebrowser .jp-BreadCrumbs-item')].some(e => e.textContent === name)",
        arg=folder, timeout=30000)


def home(page) -> None:
    page.locator("#filebrowser .jp-BreadCrumbs-home").click()
    page.wait_for_function("() => !document.querySelector('#filebrowser .jp-BreadCrumbs-item')", timeout=30000)


def nbgrader_menu(page) -> list[str]:
    """The visible items of the Nbgrader menu ([] when there is no such menu)."""
    title = page.locator(".lm-MenuBar-item", has_text="Nbgrader")
    if not title.count():
        return []
    title.first.click()
    page.wait_for_selector(".lm-Menu", timeout=10000)
    items = page.locator(".lm-Menu .lm-Menu-item:visible .lm-Menu-itemLabel").all_inner_texts()
    return [i for i in items if i.strip()]


def close_menu(page) -> None:
    page.keyboard.press("Escape")
    page.wait_for_selector(".lm-Menu", state="detached", timeout=10000)


def sidebar_tabs(page, side: str) -> list[str]:
    return page.evaluate(
        "side => [...document.querySelectorAll(`.jp-SideBar.jp-mod-${side} .lm-TabBar-tab`)].map(e => e.dataset.id)", side)


def launcher_cards(page) -> list[str]:
    page.evaluate("() => { window.jupyterapp.commands.execute('launcher:create'); return true; }")
    page.locator(".jp-Launcher:visible .jp-LauncherCard").first.wait_for(timeout=30000)
    return page.locator(".jp-Launcher:visible .jp-LauncherCard-label").all_inner_texts()


def has_command(page, command: str) -> bool:
    return page.evaluate("id => window.jupyterapp.commands.hasCommand(id)", command)


# -- trainee mode -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trainee_seen(trainee, tmp_path_factory, artifacts):
    """Everything the trainee's browser showed, gathered in one visit."""
    seen = {}
    with chromium_page(tmp_path_factory.mktemp("chromium-trainee")) as page:
        open_lab(page, trainee)
        seen["root"] = wait_listing(page, ["course", "modules", "my-documents"])
        page.screenshot(path=str(artifacts / "lab-trainee-root.png"))
        enter(page, "course")
        seen["course"] = wait_listing(page, ["start-here.ipynb", "glossary.ipynb"])
        home(page)
        enter(page, "modules")
        seen["modules"] = wait_listing(page)
        enter(page, "01-cluster-economics")
        seen["module"] = wait_listing(page)
        page.screenshot(path=str(artifacts / "lab-trainee-module.png"))
        home(page)
        enter(page, "my-documents")
        seen["my-documents"] = wait_listing(page, DOCUMENTS)
        enter(page, "cluster-document")
        seen["cluster-document"] = wait_listing(page, ["actors.csv", "cluster-document.ipynb"])
        page.screenshot(path=str(artifacts / "lab-trainee-documents.png"))
        home(page)

        seen["menu"] = nbgrader_menu(page)
        page.screenshot(path=str(artifacts / "lab-trainee-nbgrader-menu.png"))
        close_menu(page)
        seen["right"] = sidebar_tabs(page, "right")
        seen["left"] = sidebar_tabs(page, "left")
        seen["launcher"] = launcher_cards(page)
        page.screenshot(path=str(artifacts / "lab-trainee-launcher.png"))
        seen["commands"] = {c: has_command(page, c) for c in
                            ("nbgrader:open-formgrader", "nbgrader:open-create-assignment",
                             "nbgrader:open-course-list", "nbgrader:open-assignment-list", "terminal:create-new")}
        # a download as JupyterLab makes it (/files/, through the my-documents link)
        seen["download"] = page.evaluate(
            "async path => { const url = await window.jupyterapp.serviceManager.contents.getDownloadUrl(path);"
            " const r = await fetch(url); return [r.status, (await r.text()).split('\\n')[0]]; }",
            "my-documents/cluster-document/actors.csv")

        # the landing page, and a relative link from it to a lesson (the view mirrors the repository)
        open_lab(page, trainee, "/lab/tree/course/start-here.ipynb")
        page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown").first.wait_for(timeout=90000)
        link = page.locator(f".jp-RenderedMarkdown a[href*='01-why-clusters.ipynb']").first
        link.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "lab-trainee-landing.png"))
        link.click()
        page.wait_for_function(
            "path => { const w = window.jupyterapp.shell.currentWidget; return w && w.context && w.context.path === path; }",
            arg=LESSON, timeout=60000)
        page.locator(".jp-NotebookPanel:visible .jp-RenderedMarkdown").first.wait_for(timeout=60000)
        seen["opened"] = page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")
        page.screenshot(path=str(artifacts / "lab-trainee-lesson.png"))
        seen["console_errors"] = list(page.console_errors)
    return seen


def test_trainee_root_shows_the_course_and_nothing_else(trainee_seen):
    assert sorted(trainee_seen["root"]) == ["course", "modules", "my-documents"]


def test_trainee_course_folder_holds_the_two_pages(trainee_seen, repo):
    assert sorted(trainee_seen["course"]) == ["glossary.ipynb", "start-here.ipynb"]
    # control: the repository's course folder has much more, which the view leaves out
    assert {"cli.py", "__init__.py", "config", "scripts"} <= {p.name for p in (repo / "course").iterdir()}


def test_trainee_module_folder_holds_only_the_lessons(trainee_seen, repo):
    lessons = sorted(p.name for p in (repo / "modules/01-cluster-economics").glob("[0-9]*.ipynb"))
    assert "01-cluster-economics" in trainee_seen["modules"]
    assert sorted(trainee_seen["module"]) == lessons
    others = {p.name for p in (repo / "modules/01-cluster-economics").iterdir()} - set(lessons)
    assert "exercises.yaml" in others, "control: the module folder has a file the trainee must not see"


def test_trainee_documents_are_within_reach(trainee_seen):
    assert sorted(trainee_seen["my-documents"]) == DOCUMENTS
    assert sorted(trainee_seen["cluster-document"]) == ["actors.csv", "answers.json", "cluster-document.ipynb"]


def test_trainee_can_download_a_document(trainee_seen):
    assert trainee_seen["download"] == [200, "name,type,helix,size,location,member"]


def test_trainee_relative_links_open_the_lessons(trainee_seen):
    assert trainee_seen["opened"] == LESSON


def test_trainee_has_no_instructor_tools(trainee_seen, instructor_seen):
    assert trainee_seen["menu"] == ["Assignment List"]  # the trainee's own nbgrader tool stays
    for item in ("Formgrader", "Create assignment", "Course List"):
        assert item not in trainee_seen["menu"]
        assert item in instructor_seen["menu"], f"control: {item!r} is in the instructor's menu"
    assert "nbgrader-create_assignemnt" not in trainee_seen["right"]  # (sic: nbgrader's widget id)
    assert "nbgrader-create_assignemnt" in instructor_seen["right"], "control: the instructor has the sidebar"
    for command in ("nbgrader:open-formgrader", "nbgrader:open-create-assignment", "nbgrader:open-course-list"):
        assert not trainee_seen["commands"][command]
        assert instructor_seen["commands"][command]
    assert trainee_seen["commands"]["nbgrader:open-assignment-list"]


def test_trainee_has_no_terminal_and_no_extension_manager(trainee_seen, instructor_seen):
    assert "Terminal" not in trainee_seen["launcher"]
    assert "Terminal" in instructor_seen["launcher"], "control: the instructor's launcher has a terminal"
    assert "Python 3 (ipykernel)" in trainee_seen["launcher"]
    assert not trainee_seen["commands"]["terminal:create-new"]
    assert "extensionmanager.main-view" not in trainee_seen["left"]
    assert "extensionmanager.main-view" in instructor_seen["left"], "control"


def test_trainee_page_has_no_errors(trainee_seen):
    assert not [e for e in trainee_seen["console_errors"] if "nbgrader" in e.lower()], trainee_seen["console_errors"]


@pytest.mark.parametrize("path", HIDDEN_FROM_TRAINEES)
def test_trainee_server_does_not_serve_course_internals(trainee, path):
    assert status(trainee, f"/api/contents/{path}") == 404
    assert status(trainee, f"/files/{path}") == 404


def test_trainee_server_serves_what_the_view_shows(trainee):
    """Controls for the 404s above: the same requests succeed for the view's files, through its links."""
    for path in ("course/start-here.ipynb", LESSON, "my-documents/cluster-document/actors.csv",
                 "my-documents/industry-document/industry-document.ipynb"):
        assert status(trainee, f"/api/contents/{path}") == 200, path
        assert status(trainee, f"/files/{path}") == 200, path


def test_trainee_server_has_no_formgrader_and_no_terminals(trainee, instructor):
    for path in ("/formgrader", "/formgrader/api/assignments", "/formgraders", "/api/terminals"):
        assert status(trainee, path) == 404, path
        assert status(instructor, path) == 200, f"control: {path} answers in instructor mode"
    assert status(trainee, "/courses") == 200, "the trainee's Assignments tab keeps its server side"


# -- instructor mode --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def instructor_seen(instructor, tmp_path_factory, artifacts):
    seen = {}
    with chromium_page(tmp_path_factory.mktemp("chromium-instructor")) as page:
        open_lab(page, instructor)
        seen["root"] = wait_listing(page)
        seen["menu"] = nbgrader_menu(page)
        page.screenshot(path=str(artifacts / "lab-instructor-nbgrader-menu.png"))
        close_menu(page)
        seen["right"] = sidebar_tabs(page, "right")
        seen["left"] = sidebar_tabs(page, "left")
        seen["commands"] = {c: has_command(page, c) for c in
                            ("nbgrader:open-formgrader", "nbgrader:open-create-assignment",
                             "nbgrader:open-course-list", "nbgrader:open-assignment-list", "terminal:create-new")}
        seen["launcher"] = launcher_cards(page)

        # the formgrader, from its menu item, on the course directory
        nbgrader_menu(page)
        page.locator(".lm-Menu .lm-Menu-item:visible", has_text="Formgrader").first.click()
        frame = page.frame_locator("#formgrader iframe")
        frame.locator("text=Manage Assignments").first.wait_for(timeout=60000)
        frame.locator("td:visible", has_text="cluster-document").first.wait_for(timeout=60000)
        seen["formgrader"] = frame.locator("table:visible").first.inner_text()
        page.screenshot(path=str(artifacts / "lab-instructor-formgrader.png"))

        # the Create Assignment sidebar, on a source notebook of the course (in a temporary folder)
        open_lab(page, instructor, "/lab/tree/source/module-1-check/module-1-check.ipynb")
        page.locator(".jp-NotebookPanel:visible .jp-Cell").first.wait_for(timeout=60000)
        page.evaluate("() => { window.jupyterapp.shell.activateById('nbgrader-create_assignemnt'); return true; }")
        page.wait_for_selector("#nbgrader-create_assignemnt", state="visible", timeout=30000)
        seen["create_assignment"] = page.locator("#nbgrader-create_assignemnt").inner_text()
        page.screenshot(path=str(artifacts / "lab-instructor-create-assignment.png"))
    return seen


def test_instructor_sees_the_course_directory(instructor_seen):
    assert {"source", "nbgrader_config.py"} <= set(instructor_seen["root"])


def test_instructor_has_the_formgrader_and_create_assignment(instructor_seen):
    assert {"Formgrader", "Create assignment", "Assignment List"} <= set(instructor_seen["menu"])
    assert "nbgrader-create_assignemnt" in instructor_seen["right"]
    assert "Autograded answer" in instructor_seen["create_assignment"]
    text = instructor_seen["formgrader"]
    for assignment in DOCUMENTS:
        assert assignment in text, f"{assignment} missing from the formgrader's assignments"


def test_instructor_server(instructor):
    assert status(instructor, "/api/contents/source/module-1-check/module-1-check.ipynb") == 200
    assert (instructor.course / "exchange").is_dir()
