"""The trainee's course view: its layout, rebuilding it, the trainee's files, and lessons saved clean.

A small fake checkout stands in for the repository, so nothing here writes into the real one.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from clusterlab import lab_view
from clusterlab.lab_view import (DOCUMENTS_FOLDER, VIEW_FOLDER, ViewError, build_view, place_documents,
                                 strip_lesson_outputs)

BIN = Path(sys.executable).parent


def notebook(text: str = "print('hi')", outputs: bool = False) -> dict:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    cell = nbformat.v4.new_code_cell(text)
    if outputs:
        cell.execution_count = 3
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-11-30T06:00:00Z"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A lesson"), cell]
    return json.loads(nbformat.writes(nb))


@pytest.fixture()
def checkout(tmp_path) -> Path:
    """A fake course checkout: landing page, glossary, two modules, and files a trainee must not see."""
    repo = tmp_path / "repo"
    for rel in ("course/start-here.ipynb", "course/glossary.ipynb", "modules/01-one/01-first.ipynb",
                "modules/01-one/02-second.ipynb", "modules/02-two/01-intro.ipynb",
                "modules/01-one/scratch.ipynb", "grading/course/source/doc/doc.ipynb"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(json.dumps(notebook(rel)), encoding="utf-8")
    for rel in ("pyproject.toml", "course/__init__.py", "course/cli.py", "course/config/x.json",
                "course/scripts/start.sh", "modules/01-one/exercises.yaml"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("secret: answers\n", encoding="utf-8")
    return repo


def tree(root: Path) -> dict[str, str]:
    """Every entry under ``root`` (links not followed): 'link -> target', 'dir' or 'file'."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            found[rel] = f"link -> {os.readlink(path)}" if path.is_symlink() else ("dir" if path.is_dir() else "file")
    return found


def test_view_mirrors_the_course_and_nothing_else(checkout, tmp_path):
    work = tmp_path / "work"
    view = build_view(checkout, work)
    assert view.root == (work / VIEW_FOLDER).resolve() and view.documents == (work / DOCUMENTS_FOLDER).resolve()
    repo = checkout.resolve()
    assert tree(view.root) == {
        "course": "dir",
        "course/start-here.ipynb": f"link -> {repo / 'course/start-here.ipynb'}",
        "course/glossary.ipynb": f"link -> {repo / 'course/glossary.ipynb'}",
        "modules": "dir",
        "modules/01-one": "dir",  # a real folder, not a link to the module (exercises.yaml stays out)
        "modules/01-one/01-first.ipynb": f"link -> {repo / 'modules/01-one/01-first.ipynb'}",
        "modules/01-one/02-second.ipynb": f"link -> {repo / 'modules/01-one/02-second.ipynb'}",
        "modules/02-two": "dir",
        "modules/02-two/01-intro.ipynb": f"link -> {repo / 'modules/02-two/01-intro.ipynb'}",
        "my-documents": f"link -> {view.documents}",
    }
    assert view.documents.is_dir() and not view.documents.is_symlink()
    # relative links between notebooks resolve in the view as in the repository
    lesson = view.root / "modules/01-one/01-first.ipynb"
    assert (lesson.parent / "../../course/start-here.ipynb").exists()
    assert (view.root / "course" / "../modules/01-one/02-second.ipynb").exists()


def test_rebuild_is_idempotent_and_follows_the_course(checkout, tmp_path):
    work = tmp_path / "work"
    first = build_view(checkout, work)
    before = tree(first.root)
    inodes = {p: os.lstat(first.root / p).st_ino for p in before}
    second = build_view(checkout, work)
    assert tree(second.root) == before
    assert {p: os.lstat(second.root / p).st_ino for p in before} == inodes, "links were remade for nothing"

    (checkout / "modules/01-one/02-second.ipynb").unlink()
    for lesson in (checkout / "modules/02-two").iterdir():
        lesson.unlink()
    (checkout / "modules/03-three").mkdir()
    (checkout / "modules/03-three/01-new.ipynb").write_text(json.dumps(notebook()), encoding="utf-8")
    third = build_view(checkout, work)
    entries = tree(third.root)
    assert "modules/01-one/02-second.ipynb" not in entries
    assert "modules/02-two" not in entries  # a module without lessons is gone
    assert entries["modules/03-three/01-new.ipynb"].startswith("link -> ")


def test_rebuild_never_deletes_or_overwrites_a_trainees_file(checkout, tmp_path):
    work = tmp_path / "work"
    view = build_view(checkout, work)
    (view.documents / "my-notes.ipynb").write_text("mine", encoding="utf-8")
    (view.root / "Untitled.ipynb").write_text("made in JupyterLab", encoding="utf-8")
    (view.root / "Untitled Folder").mkdir()
    (view.root / "fetched").mkdir()  # e.g. an assignment fetched from the instructor's exchange
    (view.root / "fetched/link.csv").symlink_to(view.documents)
    # a real file where a link of the view belongs (say, a copy the trainee saved there)
    landing = view.root / "course/start-here.ipynb"
    landing.unlink()
    landing.write_text("my own landing page", encoding="utf-8")

    again = build_view(checkout, work)
    assert (view.documents / "my-notes.ipynb").read_text() == "mine"
    assert (view.root / "Untitled.ipynb").read_text() == "made in JupyterLab"
    assert (view.root / "Untitled Folder").is_dir() and (view.root / "fetched/link.csv").is_symlink()
    assert landing.is_symlink()
    kept = view.documents / "kept-from-course-view/course/start-here.ipynb"
    assert again.kept == [kept] and kept.read_text() == "my own landing page"
    assert (checkout / "course/start-here.ipynb").read_text() != "my own landing page"


def test_work_folder_inside_the_checkout_is_refused(checkout):
    with pytest.raises(ViewError, match="inside the course's own files"):
        build_view(checkout, checkout / "work")
    assert not (checkout / "work").exists()


def test_clusterlab_lab_refuses_a_work_folder_inside_the_checkout(repo, tmp_path):
    inside = repo / ".test-work-inside-checkout"
    result = subprocess.run([str(BIN / "clusterlab"), "lab", "--no-browser"], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "CLUSTERLAB_WORK_DIR": str(inside)})
    assert result.returncode == 2, result.stdout + result.stderr
    assert "inside the course's own files" in result.stderr
    assert not inside.exists()


# -- documents ------------------------------------------------------------------------------------

def versions(root: Path, text: str) -> Path:
    (root / "doc").mkdir(parents=True, exist_ok=True)
    (root / "doc/doc.ipynb").write_text(text, encoding="utf-8")
    (root / "doc/actors.csv").write_text("name\n", encoding="utf-8")
    return root


def test_documents_are_copied_once_and_never_overwritten(tmp_path):
    documents = tmp_path / "work" / "my-documents"
    documents.mkdir(parents=True)
    v1 = versions(tmp_path / "v1", "version 1")
    placed = place_documents(v1, documents)
    assert sorted(placed.added) == ["doc/actors.csv", "doc/doc.ipynb"] and not placed.notices
    assert (documents / "doc/doc.ipynb").read_text() == "version 1"

    (documents / "doc/doc.ipynb").write_text("my answers", encoding="utf-8")
    again = place_documents(v1, documents)
    assert not again.added and not again.offered and not again.notices
    assert (documents / "doc/doc.ipynb").read_text() == "my answers"

    v2 = versions(tmp_path / "v2", "version 2")
    update = place_documents(v2, documents)
    assert (documents / "doc/doc.ipynb").read_text() == "my answers"
    assert len(update.offered) == 1 and len(update.notices) == 1
    beside = documents / update.offered[0]
    assert beside.name.startswith("doc.course-update-") and beside.suffix == ".ipynb"
    assert beside.read_text() == "version 2"
    assert "yours is unchanged" in update.notices[0]
    assert not place_documents(v2, documents).notices, "the same update is announced once"

    (documents / "doc/doc.ipynb").unlink()  # a trainee who deletes their copy gets the current one
    assert place_documents(v2, documents).added == ["doc/doc.ipynb"]
    assert (documents / "doc/doc.ipynb").read_text() == "version 2"


def test_documents_never_written_through_a_link(tmp_path):
    documents = tmp_path / "my-documents"
    (documents / "doc").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("keep", encoding="utf-8")
    (documents / "doc/doc.ipynb").symlink_to(elsewhere)
    place_documents(versions(tmp_path / "v", "version"), documents)
    assert elsewhere.read_text() == "keep"


# -- saving -------------------------------------------------------------------------------------

@pytest.fixture()
def contents(checkout, tmp_path, monkeypatch):
    """Jupyter's own contents manager on a view of the fake checkout, with the course's pre-save hook."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    monkeypatch.setattr(lab_view, "_course_checkout", lambda: checkout.resolve())
    view = build_view(checkout, tmp_path / "work")
    manager = FileContentsManager(root_dir=str(view.root))
    manager.pre_save_hook = strip_lesson_outputs
    return manager, view


def save(manager, path: str, nb: dict):
    result = manager.save({"type": "notebook", "format": "json", "content": nb}, path)
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def test_lessons_are_saved_without_outputs_through_the_link(contents, checkout):
    manager, view = contents
    lesson = "modules/01-one/01-first.ipynb"
    committed = json.loads((checkout / lesson).read_text())["metadata"]
    nb = notebook("x = 1", outputs=True)
    nb["metadata"]["language_info"]["version"] = "3.11.2"  # what a kernel adds
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    save(manager, lesson, nb)

    assert (view.root / lesson).is_symlink(), "saving replaced the link with a file"
    saved = json.loads((checkout / lesson).read_text())
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert all("execution" not in c["metadata"] for c in code)
    assert "".join(code[0]["source"]) == "x = 1"
    assert saved["metadata"] == committed
    assert not list(checkout.rglob(".ipynb_checkpoints")), "checkpoints went into the checkout"


def test_trainees_documents_are_saved_as_they_are(contents):
    manager, view = contents
    (view.documents / "doc").mkdir()
    save(manager, "my-documents/doc/doc.ipynb", notebook("y = 2", outputs=True))
    saved = json.loads((view.documents / "doc/doc.ipynb").read_text())
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert code[0]["outputs"] and code[0]["execution_count"] == 3


def test_control_without_the_hook_outputs_reach_the_checkout(checkout, tmp_path):
    """The check above can fail: Jupyter alone writes a lesson's outputs into the checkout."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    view = build_view(checkout, tmp_path / "work")
    save(FileContentsManager(root_dir=str(view.root)), "modules/01-one/01-first.ipynb", notebook(outputs=True))
    saved = json.loads((checkout / "modules/01-one/01-first.ipynb").read_text())
    assert any(c.get("outputs") for c in saved["cells"])


def test_saving_an_unchanged_lesson_leaves_its_file_as_committed(repo, tmp_path, monkeypatch):
    """What JupyterLab does when a kernel starts (it adds the kernel's details to the notebook's metadata,
    so the notebook becomes "dirty" and is autosaved): the course's lessons keep their exact bytes."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    copy = tmp_path / "repo"
    for page in [*lab_view.COURSE_PAGES, *(p.relative_to(repo).as_posix() for p in repo.glob(lab_view.LESSON_GLOB))]:
        (copy / page).parent.mkdir(parents=True, exist_ok=True)
        (copy / page).write_bytes((repo / page).read_bytes())
    monkeypatch.setattr(lab_view, "_course_checkout", lambda: copy.resolve())
    view = build_view(copy, tmp_path / "work")
    manager = FileContentsManager(root_dir=str(view.root))
    manager.pre_save_hook = strip_lesson_outputs
    pages = sorted(p.relative_to(view.root).as_posix() for p in view.root.rglob("*.ipynb"))
    assert len(pages) >= 3
    for page in pages:
        before = (copy / page).read_bytes()
        model = manager.get(page, content=True)
        model["content"]["metadata"]["language_info"].update(
            {"codemirror_mode": {"name": "ipython", "version": 3}, "version": "3.11.2", "mimetype": "text/x-python"})
        for cell in model["content"]["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "ran\n"}]
                cell["execution_count"] = 1
        save(manager, page, json.loads(json.dumps(model["content"])))
        assert (copy / page).read_bytes() == before, f"{page}: saving changed the committed file"
