"""Progress on the landing page, read from the work folder; visits recorded by concurrent lessons."""

from __future__ import annotations

import multiprocessing as mp
import os
import re
from pathlib import Path

import nbformat
import pytest

from clusterlab import my_cluster as mc
from clusterlab.exercises import ExerciseView, find_exercise
from clusterlab.progress import ProgressView, progress, record_visit
from clusterlab.syllabus import SyllabusError, lessons, modules_dir, parse_syllabus, syllabus
from clusterlab.widgets.storage import WorkStore


def row(lesson_id):
    return next(r for r in progress() if r.lesson_id == lesson_id)


def test_a_new_trainee_has_done_nothing():
    rows = progress()
    assert [r.lesson_id for r in rows] == [lesson.id for lesson in lessons()]
    assert all(r.answered == 0 and r.right == 0 and r.saved == 0 and r.last_visited is None for r in rows)
    assert row("m1-02").questions == 7


def test_answers_components_and_visits_show_up():
    item = find_exercise("m1-01-porter-cluster")
    view = ExerciseView(item, order_seed="s")
    q1, q2 = item.quiz.questions
    view.controls[q1.id].value = q1.answer
    view._check(q1.id)
    view.controls[q2.id].value = next(i for i in range(len(q2.options)) if i != q2.answer)
    view._check(q2.id)
    record_visit("m1-01")
    mc.save_fields({"name": "Valmora"})
    WorkStore("m1-lifecycle").save({"kind": "lifecycle"})
    r1 = row("m1-01")
    assert (r1.answered, r1.right, r1.questions) == (2, 1, 3)
    assert (r1.saved, r1.components) == (1, 1)
    assert r1.last_visited is not None
    r3 = row("m1-03")
    assert (r3.saved, r3.components) == (1, 2)
    html = ProgressView().table.value
    assert "Why clusters?" in html and "2 of 3" in html and "1 of 3" in html


def _visitor(folder, lesson_id, rounds, barrier):
    os.environ["CLUSTERLAB_WORK_DIR"] = folder
    barrier.wait()
    for _ in range(rounds):
        record_visit(lesson_id)


def test_lessons_open_in_two_tabs_keep_each_others_visits(work_folder):
    ctx = mp.get_context("fork")
    ids = [lesson.id for lesson in lessons()]
    barrier = ctx.Barrier(len(ids))
    procs = [ctx.Process(target=_visitor, args=(str(work_folder), i, 30, barrier)) for i in ids]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert all(r.last_visited for r in progress())


def test_an_unknown_lesson_id_is_refused():
    with pytest.raises(SyllabusError, match="no lesson 'm1-77'"):
        record_visit("m1-77")


def test_the_syllabus_lists_exactly_the_lesson_notebooks_on_disk():
    on_disk = {p.relative_to(modules_dir()).as_posix() for p in modules_dir().glob("*/[0-9]*.ipynb")}
    listed = {f"{lesson.folder}/{lesson.file}" for lesson in lessons()}
    assert on_disk == listed
    assert [m.number for m in syllabus()] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("lesson", lessons(), ids=lambda lesson: lesson.id)
def test_each_lesson_records_its_visit_and_saves_under_the_names_the_syllabus_lists(lesson):
    code = "\n".join(c.source for c in nbformat.read(lesson.path, as_version=4).cells if c.cell_type == "code")
    assert f'start("{lesson.id}")' in code
    assert sorted(re.findall(r'save_as=["\']([^"\']+)["\']', code)) == sorted(lesson.components)
    sections = re.findall(r'my_cluster\(["\']([^"\']+)["\']\)', code)
    assert sections == ([lesson.my_cluster] if lesson.my_cluster else [])


@pytest.mark.parametrize("data, words", [
    ({"modules": []}, "at least one module"),
    ({"modules": [{"number": 2, "folder": "02-x", "title": "X"}]}, "'number' must be 1"),
    ({"modules": [{"number": 1, "folder": "01-x", "title": "X", "notebooks": [
        {"id": "m1-01", "file": "01-a.ipynb", "title": "A", "minutes": 1}]}]}, "'minutes'"),
    ({"modules": [{"number": 1, "folder": "01-x", "title": "X", "notebooks": [
        {"id": "m2-01", "file": "01-a.ipynb", "title": "A", "minutes": 30}]}]}, "'id' must look like"),
])
def test_a_broken_syllabus_names_the_entry_and_the_reason(data, words):
    with pytest.raises(SyllabusError, match=re.escape(words)):
        parse_syllabus(data, Path("syllabus.yaml"))


def test_a_hand_edited_visits_file_of_the_wrong_shape_is_read_as_no_visits(work_folder):
    work_folder.mkdir(parents=True, exist_ok=True)
    (work_folder / "visits.json").write_text('{"lessons": ["m1-01"]}', encoding="utf-8")
    view = ProgressView()
    assert view.error.message == "" and "not yet" in view.table.value
    record_visit("m1-01")
    assert row("m1-01").last_visited is not None
