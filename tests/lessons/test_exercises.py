"""Exercises are data: every lesson shows them by id, no answer is in a notebook, options are shuffled
per trainee and stay in the same order for that trainee."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from clusterlab.exercises import (ExerciseFileError, ExerciseView, exercise, find_exercise, load_exercises,
                                  parse_exercises)
from clusterlab.syllabus import modules_dir, syllabus
from clusterlab.widgets.concept_check import MultipleChoice, option_order

CALL = re.compile(r'\bexercise\(\s*["\']([^"\']+)["\']\s*\)')
LESSONS = sorted(p for p in modules_dir().glob("*/[0-9]*.ipynb"))


def code_cells(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def all_exercises():
    found = {}
    for module in syllabus():
        found.update(load_exercises(module.number))
    return found


def test_there_are_lessons_and_exercises():
    assert LESSONS, "no lesson notebooks found"
    assert len(all_exercises()) >= 10


def test_every_exercise_a_notebook_shows_exists_and_every_exercise_is_shown_once_by_its_notebook():
    exercises = all_exercises()
    shown: dict[str, list[str]] = {}
    for path in LESSONS:
        for source in code_cells(path):
            for eid in CALL.findall(source):
                shown.setdefault(eid, []).append(path.stem)
    missing = sorted(set(shown) - set(exercises))
    assert not missing, f"notebooks show exercises that no exercises.yaml defines: {missing}"
    unused = sorted(set(exercises) - set(shown))
    assert not unused, f"exercises defined but shown by no notebook: {unused}"
    for eid, stems in shown.items():
        assert stems == [exercises[eid].notebook], f"{eid} is shown by {stems}, its file says {exercises[eid].notebook}"


def _exercise_texts() -> set[str]:
    texts = set()
    for item in all_exercises().values():
        for q in item.quiz.questions:
            if isinstance(q, MultipleChoice):
                texts.update(q.options)
                texts.update(q.explanations)
            else:
                texts.update(q.pairs)
                texts.update(q.pairs.values())
                texts.add(q.explanation)
    return {t for t in texts if len(t) >= 25}


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_no_notebook_code_cell_carries_answers_or_explanations(path):
    texts = _exercise_texts()
    assert texts, "the check needs exercise texts to look for"
    for source in code_cells(path):
        for marker in ("ConceptCheck", "MultipleChoice", "Matching(", '"answer"', "'answer'", "explanation",
                       "pairs"):
            assert marker not in source, f"{path.name}: a code cell defines exercise data ({marker!r})"
        for text in texts:
            assert text not in source, f"{path.name}: a code cell carries exercise text: {text[:60]!r}"


def test_the_answer_check_can_fail():
    """Control: the scan above finds exercise data when a code cell carries it."""
    texts = _exercise_texts()
    leaked = next(iter(texts))
    assert any(t in f"quiz = {leaked!r}" for t in texts)


def test_lesson_code_cells_are_short():
    for path in LESSONS:
        for source in code_cells(path):
            assert len(source.splitlines()) <= 8, f"{path.name}: a code cell has {len(source.splitlines())} lines"


GOOD = {
    "module": 1, "title": "T",
    "exercises": [{"id": "m1-x-one", "notebook": "01-why-clusters", "title": "One", "questions": [
        {"id": "q1", "type": "multiple_choice", "prompt": "P?", "options": [
            {"text": "A", "why": "because a"}, {"text": "B", "why": "because b", "right": True}]},
        {"id": "q2", "type": "matching", "prompt": "Match", "pairs": [
            {"item": "x", "match": "1"}, {"item": "y", "match": "2"}], "explanation": "E"}]}]}


def _broken(change):
    data = json.loads(json.dumps(GOOD))
    change(data)
    return data


@pytest.mark.parametrize("change, reason", [
    (lambda d: d["exercises"][0]["questions"][0]["options"][0].update(right=True), "exactly one option"),
    (lambda d: d["exercises"][0]["questions"][0]["options"][1].pop("right"), "exactly one option"),
    (lambda d: d["exercises"][0]["questions"][0]["options"][0].pop("why"), "'why'"),
    (lambda d: d["exercises"][0]["questions"][1].update(type="essay"), "multiple_choice or matching"),
    (lambda d: d["exercises"][0].update(notebook="99-nowhere"), "not a notebook"),
    (lambda d: d["exercises"][0].update(id="m2-x-one"), "must start with 'm1-'"),
    (lambda d: d["exercises"].append(dict(d["exercises"][0])), "used twice"),
    (lambda d: d["exercises"][0]["questions"][1].update(pairs=[{"item": "x", "match": "1"}]), "pairs"),
    (lambda d: d["exercises"][0]["questions"][0].update(prompt=""), "empty"),
    (lambda d: d["exercises"][0].update(hint="h"), "unknown field"),
])
def test_a_broken_file_names_the_file_the_exercise_and_the_reason(change, reason):
    path = modules_dir() / "01-cluster-economics" / "exercises.yaml"
    with pytest.raises(ExerciseFileError) as info:
        parse_exercises(_broken(change), path, 1)
    message = str(info.value)
    assert str(path) in message
    assert "exercise 'm" in message
    assert reason in message


def test_the_good_sample_is_accepted():
    """Control for the broken-file cases: the unchanged sample loads."""
    path = modules_dir() / "01-cluster-economics" / "exercises.yaml"
    found = parse_exercises(GOOD, path, 1)
    assert found["m1-x-one"].quiz.questions[0].answer == 1


def test_broken_yaml_is_reported_with_the_file(tmp_path, monkeypatch):
    from clusterlab import exercises as mod

    bad = tmp_path / "exercises.yaml"
    bad.write_text("module: 1\nexercises: [\n", encoding="utf-8")
    with pytest.raises(ExerciseFileError, match=re.escape(str(bad))):
        mod._read(bad, 1, 0)


def test_an_unknown_exercise_is_shown_as_a_message_not_a_traceback():
    shown = exercise("m1-99-no-such-exercise")
    assert "There is no exercise &#x27;m1-99-no-such-exercise&#x27;" in shown.value
    assert "clusterlab-error" in shown._dom_classes


def _orders(work: Path) -> dict:
    script = ("import json; from clusterlab.exercises import all_orders; print(json.dumps(all_orders()))")
    env = {"CLUSTERLAB_WORK_DIR": str(work), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_option_order_is_stable_for_a_trainee_across_restarts_and_differs_between_trainees(tmp_path):
    first, again = _orders(tmp_path / "anna"), _orders(tmp_path / "anna")
    other = _orders(tmp_path / "bruno")
    assert first == again
    assert first != other
    assert len(first) >= 10


def test_the_view_shows_the_trainees_order_and_scores_by_meaning_not_position():
    item = find_exercise("m1-01-porter-cluster")
    q = item.quiz.questions[0]
    view = ExerciseView(item, order_seed="trainee-a")
    shown = [value for _label, value in view.controls[q.id].options]
    assert shown == option_order(q, "trainee-a")
    view.controls[q.id].value = q.answer
    view._check(q.id)
    assert view.model.feedback(q.id).correct
    wrong = next(i for i in shown if i != q.answer)
    view.controls[q.id].value = wrong
    view._check(q.id)
    assert not view.model.feedback(q.id).correct


def test_right_options_are_spread_over_positions_on_screen():
    """Over all questions, the right option does not always sit in the same place for a trainee."""
    positions = set()
    for item in all_exercises().values():
        for q in item.quiz.questions:
            if isinstance(q, MultipleChoice):
                positions.add(option_order(q, "some-trainee").index(q.answer))
    assert len(positions) >= 2


def test_saved_work_holds_responses_only_and_comes_back(work_folder):
    item = find_exercise("m1-01-porter-cluster")
    view = ExerciseView(item, order_seed="s")
    view.controls["q1"].value = 1
    view._check("q1")
    saved = json.loads((work_folder / "m1-01-porter-cluster.json").read_text())
    assert saved["responses"] == {"q1": 1}
    text = json.dumps(saved)
    assert "explanation" not in text and "options" not in text and "answer" not in text
    again = ExerciseView(item, order_seed="s")
    assert again.controls["q1"].value == 1
    assert again.model.feedback("q1").correct


def test_work_saved_in_the_old_format_is_taken_over(work_folder):
    """Trainees who answered before exercises moved to data files keep their answers."""
    item = find_exercise("m1-01-porter-cluster")
    work_folder.mkdir(parents=True, exist_ok=True)
    old = item.quiz.to_dict()
    old["responses"] = {"q2": 1}
    (work_folder / "m1-01-porter-cluster.json").write_text(json.dumps(old))
    view = ExerciseView(item, order_seed="s")
    assert view.model.responses == {"q2": 1}


def test_every_exercise_file_is_valid_yaml_with_a_header_for_authors():
    for module in syllabus():
        path = modules_dir() / module.folder / "exercises.yaml"
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert text.startswith("#"), f"{path}: start with a comment saying how the file is written"
            assert yaml.safe_load(text)["module"] == module.number
