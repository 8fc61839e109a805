"""Exercises as data: each module keeps its questions, answers and explanations in ``exercises.yaml``.

A lesson shows an exercise with one call, ``exercise("m1-01-marshall-forces")``: no answer and no
explanation is in the notebook's code. The file is checked when it is read; a broken file raises
:class:`ExerciseFileError` naming the file, the exercise and the reason.

File format (one file per module, in the module's folder)::

    module: 1
    title: Cluster economics
    exercises:
    - id: m1-01-marshall-forces          # m<module>-..., also the name the answers are saved under
      notebook: 01-why-clusters          # the lesson that shows it (its file name without .ipynb)
      title: Marshall's three forces
      questions:
      - id: q1
        type: multiple_choice
        prompt: ...
        options:
        - {text: ..., why: ...}
        - {text: ..., why: ..., right: true}   # exactly one option is right
      - id: q2
        type: matching
        prompt: ...
        pairs:
        - {item: ..., match: ...}
        explanation: ...

On screen, options are shuffled for each trainee (:func:`trainee_seed`) and the order stays the same
across restarts, so the position of the right option gives nothing away. Only the trainee's responses
are saved, never the questions or the answers.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import yaml

from clusterlab.widgets.concept_check import ConceptCheck, ConceptCheckView, Matching, MultipleChoice
from clusterlab.errors import ComponentError
from clusterlab.widgets._view import error_widget
from clusterlab.widgets.storage import WorkStore

from .syllabus import modules_dir, syllabus

EXERCISE_FILE = "exercises.yaml"
_EXERCISE_ID = re.compile(r"m([1-9])-[a-z0-9][a-z0-9-]{1,60}\Z")


class ExerciseFileError(ComponentError):
    """An exercise file is broken, or an exercise does not exist; the message says where and why."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: a short quiz shown by one lesson, saved under its id."""

    id: str
    module: int
    notebook: str
    quiz: ConceptCheck
    file: Path

    @property
    def title(self) -> str:
        return self.quiz.title

    def score(self, responses) -> tuple[int, int]:
        """(questions answered, questions answered right) for saved ``responses``."""
        check = ConceptCheck(self.quiz.title, self.quiz.questions)
        check.adopt_responses(responses if isinstance(responses, dict) else {})
        answered = [q for q in check.questions if q.id in check.responses]
        right = [q for q in answered if q.check(check.responses[q.id]).correct]
        return len(answered), len(right)


def _question(raw, where: str):
    """A question of the file turned into the quiz component's model."""
    if not isinstance(raw, dict):
        raise ComponentError(f"{where} must be a mapping with an id, a type and a prompt.")
    kind = raw.get("type")
    qid = raw.get("id")
    where = f"question {qid!r}" if isinstance(qid, str) else where
    if kind == "multiple_choice":
        extra = set(raw) - {"id", "type", "prompt", "options"}
        if extra:
            raise ComponentError(f"{where}: unknown field(s) {', '.join(sorted(map(str, extra)))}.")
        options = raw.get("options")
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            raise ComponentError(f"{where}: 'options' must be a list of mappings with 'text' and 'why'.")
        for n, option in enumerate(options, 1):
            extra = set(option) - {"text", "why", "right"}
            if extra or "text" not in option or "why" not in option:
                raise ComponentError(f"{where}, option {n}: give exactly 'text', 'why' and, on the right "
                                     "option only, 'right: true'.")
            if option.get("right", False) not in (True, False):
                raise ComponentError(f"{where}, option {n}: 'right' must be true or false.")
        right = [i for i, o in enumerate(options) if o.get("right") is True]
        if len(right) != 1:
            raise ComponentError(f"{where}: exactly one option must have 'right: true'; {len(right)} have.")
        return MultipleChoice(qid, raw.get("prompt"), tuple(o["text"] for o in options), right[0],
                              tuple(o["why"] for o in options))
    if kind == "matching":
        extra = set(raw) - {"id", "type", "prompt", "pairs", "explanation"}
        if extra:
            raise ComponentError(f"{where}: unknown field(s) {', '.join(sorted(map(str, extra)))}.")
        pairs = raw.get("pairs")
        if not isinstance(pairs, list) or not all(isinstance(p, dict) and set(p) == {"item", "match"}
                                                  for p in pairs):
            raise ComponentError(f"{where}: 'pairs' must be a list of mappings with 'item' and 'match'.")
        items = [p["item"] for p in pairs]
        if len(set(map(str, items))) != len(items):
            raise ComponentError(f"{where}: an item appears twice. Give each item once.")
        return Matching(qid, raw.get("prompt"), {p["item"]: p["match"] for p in pairs}, raw.get("explanation"))
    raise ComponentError(f"{where}: 'type' must be multiple_choice or matching; got {kind!r}.")


def parse_exercises(data, path: Path, module: int) -> dict[str, Exercise]:
    """Check the content of one module's exercise file and return its exercises by id."""
    def fail(where: str, reason: str) -> ExerciseFileError:
        return ExerciseFileError(f"{path}: {where}: {reason}")

    if not isinstance(data, dict):
        raise fail("the file", "it must hold 'module', 'title' and a list of 'exercises'")
    extra = set(data) - {"module", "title", "exercises"}
    if extra:
        raise fail("the file", f"unknown field(s) {', '.join(sorted(map(str, extra)))}")
    if data.get("module") != module:
        raise fail("the file", f"'module' must be {module}, the number of the module folder")
    items = data.get("exercises")
    if not isinstance(items, list) or not items:
        raise fail("the file", "'exercises' must be a list with at least one exercise")
    found: dict[str, Exercise] = {}
    for n, raw in enumerate(items, 1):
        eid = raw.get("id") if isinstance(raw, dict) else None
        where = f"exercise {eid!r}" if isinstance(eid, str) else f"exercise number {n}"
        if not isinstance(raw, dict):
            raise fail(where, "each exercise must be a mapping with id, notebook, title and questions")
        extra = set(raw) - {"id", "notebook", "title", "questions"}
        if extra:
            raise fail(where, f"unknown field(s) {', '.join(sorted(map(str, extra)))}")
        match = _EXERCISE_ID.match(eid) if isinstance(eid, str) else None
        if not match or int(match.group(1)) != module:
            raise fail(where, f"the id must start with 'm{module}-' and use lower-case letters, digits and '-'")
        if eid in found:
            raise fail(where, "this id is used twice; give each exercise its own id")
        notebook = raw.get("notebook")
        if not isinstance(notebook, str) or not (path.parent / f"{notebook}.ipynb").is_file():
            raise fail(where, f"'notebook' must name a lesson of this module without '.ipynb'; "
                              f"{notebook!r} is not a notebook in {path.parent.name}")
        questions = raw.get("questions")
        if not isinstance(questions, list):
            raise fail(where, "'questions' must be a list")
        try:
            quiz = ConceptCheck(raw.get("title"), tuple(_question(q, f"question number {i}")
                                                      for i, q in enumerate(questions, 1)))
        except ComponentError as exc:
            raise fail(where, str(exc)) from None
        found[eid] = Exercise(eid, module, notebook, quiz, path)
    return found


@lru_cache(maxsize=16)
def _read(path: Path, module: int, mtime_ns: int) -> dict[str, Exercise]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ExerciseFileError(f"{path}: the file could not be read ({exc.strerror or exc}).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ExerciseFileError(f"{path}: the YAML is broken ({exc}).") from None
    return parse_exercises(data, path, module)


def load_exercises(module: int) -> dict[str, Exercise]:
    """The exercises of one module (empty if the module has no exercise file yet)."""
    for item in syllabus():
        if item.number == module:
            path = modules_dir() / item.folder / EXERCISE_FILE
            if not path.is_file():
                return {}
            return _read(path, module, path.stat().st_mtime_ns)
    raise ExerciseFileError(f"There is no module {module} in the syllabus.")


def find_exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, from its module's file."""
    match = _EXERCISE_ID.match(exercise_id) if isinstance(exercise_id, str) else None
    if not match:
        raise ExerciseFileError(f"{exercise_id!r} is not an exercise id; ids look like 'm1-01-marshall-forces'.")
    found = load_exercises(int(match.group(1)))
    if exercise_id not in found:
        raise ExerciseFileError(f"There is no exercise {exercise_id!r} in module {match.group(1)}'s "
                                f"{EXERCISE_FILE}. Its exercises are: {', '.join(found) or 'none'}.")
    return found[exercise_id]


def trainee_seed() -> str:
    """A random value made once per trainee and kept in the work folder; it fixes the option order."""
    def ensure(data: dict) -> None:
        if not isinstance(data.get("shuffle_seed"), str) or not data["shuffle_seed"]:
            data["shuffle_seed"] = secrets.token_hex(8)
            data.setdefault("created", datetime.now(timezone.utc).isoformat(timespec="seconds"))

    store = WorkStore("trainee")
    try:
        current = store.load()
    except ComponentError:
        current = None
    if isinstance(current, dict) and isinstance(current.get("shuffle_seed"), str) and current["shuffle_seed"]:
        return current["shuffle_seed"]
    return store.update(ensure)["shuffle_seed"]


class ExerciseView(ConceptCheckView):
    """An exercise on screen: the quiz component, options in the trainee's own order, responses saved."""

    def __init__(self, item: Exercise, *, order_seed: str | None = None):
        self.exercise = item
        fresh = ConceptCheck(item.quiz.title, item.quiz.questions)  # the loaded file stays untouched
        super().__init__(fresh, save_as=item.id, order_seed=order_seed)

    def save(self) -> None:
        """Save the responses only (the questions and answers stay in the exercise file)."""
        if self.store is None or self.model is None:
            return
        try:
            self.store.save({"kind": "exercise", "exercise": self.exercise.id,
                             "responses": dict(self.model.responses),
                             "saved": datetime.now(timezone.utc).isoformat(timespec="seconds")})
        except ComponentError as exc:
            self.error.show(str(exc))


def exercise(exercise_id: str):
    """Show the exercise with this id; a problem is shown as a message, never as a traceback."""
    try:
        item = find_exercise(exercise_id)
    except ComponentError as exc:
        return error_widget(str(exc))
    try:
        seed = trainee_seed()
    except ComponentError:
        seed = None  # the work folder cannot be used; the view says so when it tries to save
    return ExerciseView(item, order_seed=seed)


def all_orders(seed: str | None = None) -> dict[str, list]:
    """The on-screen order of every question's options for a trainee (their seed by default).

    Multiple-choice questions give option numbers; matching questions give the order of the matches.
    Used to check that the order is stable for a trainee and differs between trainees.
    """
    from .syllabus import syllabus as _syllabus
    from clusterlab.widgets.concept_check import option_order

    seed = trainee_seed() if seed is None else seed
    orders = {}
    for module in _syllabus():
        for item in load_exercises(module.number).values():
            for q in item.quiz.questions:
                key = f"{item.id}/{q.id}"
                orders[key] = option_order(q, seed) if isinstance(q, MultipleChoice) else q.choices(seed)
    return orders
