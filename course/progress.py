"""The trainee's progress, read from their work folder: one row per lesson of the syllabus.

For each lesson: questions answered and answered right in its exercises, components and "my
cluster" sections saved, and when it was last opened (:func:`record_visit`, called by each lesson's
first cell). Visits of all lessons share one file, written under a lock, so lessons open in two
tabs keep each other's entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import ipywidgets as w
from IPython.display import display

from clusterlab.widgets._view import ErrorBox, esc
from clusterlab.errors import ComponentError
from clusterlab.widgets.storage import SavedWorkError, WorkStore

from . import my_cluster
from .exercises import ExerciseFileError, load_exercises
from .syllabus import lesson as find_lesson
from .syllabus import syllabus

VISITS_KEY = "visits"


@dataclass(frozen=True)
class LessonProgress:
    module: int
    lesson_id: str
    title: str
    questions: int
    answered: int
    right: int
    components: int
    saved: int
    last_visited: str | None


def record_visit(lesson_id: str, when: datetime | None = None) -> str:
    """Note that a lesson was opened now; returns the time written (ISO 8601, UTC)."""
    find_lesson(lesson_id)  # an unknown id is an error in the lesson, said plainly
    stamp = (when or datetime.now(timezone.utc)).isoformat(timespec="seconds")

    def note(data: dict) -> None:
        visits = data.get("lessons")
        if not isinstance(visits, dict):
            visits = data["lessons"] = {}
        visits[lesson_id] = stamp

    WorkStore(VISITS_KEY).update(note)
    return stamp


def _load(key: str) -> dict:
    try:
        return WorkStore(key).load() or {}
    except SavedWorkError as exc:
        return exc.recovered or {}


def progress() -> list[LessonProgress]:
    """The progress of every lesson of the modules that are ready, in course order."""
    visits = _load(VISITS_KEY).get("lessons")
    visits = visits if isinstance(visits, dict) else {}
    try:
        record = my_cluster.load_record()
    except ComponentError:
        record = {"fields": {}}
    rows = []
    for module in syllabus():
        if not module.ready:
            continue
        try:
            exercises = load_exercises(module.number)
        except ExerciseFileError:
            exercises = {}
        for item in module.lessons:
            questions = answered = right = 0
            for ex in exercises.values():
                if ex.notebook != item.stem:
                    continue
                questions += len(ex.quiz.questions)
                a, r = ex.score(_load(ex.id).get("responses"))
                answered, right = answered + a, right + r
            saved = sum(1 for key in item.components if WorkStore(key).path.exists())
            parts = len(item.components)
            if item.my_cluster:
                parts += 1
                done, _total = my_cluster.filled(item.my_cluster, record)
                saved += 1 if done else 0
            when = visits.get(item.id)
            rows.append(LessonProgress(module.number, item.id, item.title, questions, answered, right, parts,
                                       saved, when if isinstance(when, str) else None))
    return rows


def _when(stamp: str | None) -> str:
    if not stamp:
        return "not yet"
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%d %b %Y, %H:%M")
    except ValueError:
        return "not yet"


def progress_html(rows: list[LessonProgress]) -> str:
    """The progress rows as an HTML table, one block per module."""
    titles = {m.number: m.title for m in syllabus()}
    out = ["<table class='clusterlab-progress' style='border-collapse:collapse'>",
           "<thead><tr>" + "".join(f"<th style='text-align:left;padding:3px 10px'>{h}</th>" for h in (
               "Lesson", "Questions answered", "Answered right", "Your work saved", "Last opened")) +
           "</tr></thead><tbody>"]
    module = None
    for row in rows:
        if row.module != module:
            module = row.module
            out.append(f"<tr><td colspan='5' style='padding:6px 10px 2px'><b>Module {module} — "
                       f"{esc(titles[module])}</b></td></tr>")
        cells = (esc(row.title), f"{row.answered} of {row.questions}", f"{row.right} of {row.questions}",
                 f"{row.saved} of {row.components}" if row.components else "—", _when(row.last_visited))
        out.append("<tr>" + "".join(f"<td style='padding:3px 10px;border-top:1px solid #eceff1'>{c}</td>"
                                    for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


class ProgressView:
    """The landing page's progress table, with a button that reads the work folder again."""

    def __init__(self):
        self.error = ErrorBox()
        self.table = w.HTML()
        self.refresh_button = w.Button(description="Refresh", icon="refresh", layout=w.Layout(width="auto"))
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.widget = w.VBox([self.table, self.refresh_button, self.error.widget])
        self.widget.add_class("clusterlab-progress-view")
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = progress()
        except ComponentError as exc:
            self.error.show(str(exc))
            return
        self.error.clear()
        self.table.value = progress_html(rows)

    def _ipython_display_(self):
        display(self.widget)
