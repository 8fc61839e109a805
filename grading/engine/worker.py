"""A grading worker: ``python -m clusterlab.grading.engine.worker`` grades submissions one after another.

The worker reads one job per line (JSON) on standard input and answers one line per job on standard
output. A job names the ``assignment`` and the ``student`` and where things are: ``source`` (the
assignment's source folder), ``submission`` (the submission as taken in: ordinary files only, see
:mod:`.intake`), ``gradebook`` (a snapshot of the course gradebook) and ``course`` (a new private
folder). The worker builds the private course there and autogrades it with nbgrader, whose ``Execute``
step is replaced by :class:`~.grade_cells.GradeFromAnswers`: no notebook cell runs; the answers are
read in the sandbox. The answer carries ``success``, the ``grades`` and ``comments`` read from that
copy's gradebook, the submission ``timestamp``, the ``notes`` of the reading, the captured ``log``,
the ``seconds`` it took (copy included) and ``patches``.

The worker imports nbgrader once and keeps it loaded, so a batch pays nbgrader's start-up once per
worker, not once per submission. Speed patches (:mod:`.startup`, :mod:`.tuning`) run only where they
fit the installed versions and ``CLUSTERLAB_NO_PATCHES=1`` is not set; otherwise nbgrader's stock path
grades, slower, to the same scores. ``patches`` (in the first line, ``{"ready": true, "patches": ...}``,
and in every answer) maps each patch's name to whether it ran in this worker.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import tempfile
import time

from clusterlab.grading.nbconfig import COURSE_ID, configure

from .startup import lean_nbgrader
from .tuning import CACHED_SCHEMA, SHARED_ENGINES, cache_schema_validation, reset_engines, share_engines

__all__ = ["grade", "prepare", "main", "WARM", "PATCHES"]

#: What grading imports, loaded when the worker starts (the first job would import it otherwise).
WARM = ("nbgrader.api", "nbgrader.converters", "nbgrader.coursedir", "nbgrader.preprocessors",
        "sqlalchemy.dialects.sqlite", "clusterlab.grading.feedback", "clusterlab.grading.engine.grade_cells")
#: Each speed patch's name and whether it ran in this worker (filled by :func:`main`).
PATCHES: dict[str, bool] = {}
_HOME: str | None = None  # where this worker builds each submission's course


def prepare(job: dict, course: str | None = None) -> str:
    """Build the job's private course (in ``course``, else ``job["course"]``): the assignment's
    source, the submission, a gradebook copy."""
    course = course or job["course"]
    shutil.rmtree(course, ignore_errors=True)
    assignment, student = job["assignment"], job["student"]
    shutil.copytree(job["source"], os.path.join(course, "source", assignment))
    shutil.copytree(job["submission"], os.path.join(course, "submitted", student, assignment))
    shutil.copyfile(job["gradebook"], os.path.join(course, "gradebook.db"))
    return course


def _config(course: str):
    # nbgrader is imported in the functions of this module, after lean_nbgrader() in main()
    from traitlets.config import Config

    return configure(Config(), course)


def grade(job: dict) -> dict:
    """Autograde one submission inside its private course copy.

    The copy is built in this worker's own folder, always the same, so that nbgrader's database
    engines (and their compiled queries) serve every submission (see :mod:`.tuning`); once graded,
    the folder is renamed to ``job["course"]``, where the caller reads the result.
    """
    started = time.monotonic()
    if not job.get("source"):  # a course built by the caller
        return _grade(job, job["course"], started)
    global _HOME
    if _HOME is None:
        _HOME = tempfile.mkdtemp(prefix="worker-", dir=os.path.dirname(job["course"]))
    reset_engines()
    try:
        return _grade(job, prepare(job, _HOME), started)
    finally:  # hand the graded course over at the job's own address
        shutil.rmtree(job["course"], ignore_errors=True)
        if os.path.isdir(_HOME):
            os.rename(_HOME, job["course"])


def _grade(job: dict, course: str, started: float) -> dict:
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log

    from .grade_cells import GradeFromAnswers

    config = _config(course)
    GradeFromAnswers.notes = []
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = job["assignment"], job["student"]
    app = Autograde(coursedir=coursedir, config=config)
    app.force, app.create_student = True, True
    result = capture_log(app)
    answer = {"student": job["student"], "success": bool(result.get("success")),
              "log": (result.get("log") or "")[-20000:], "error": (result.get("error") or "")[-5000:],
              "grades": [], "comments": [], "timestamp": None, "patches": PATCHES,
              "notes": list(GradeFromAnswers.notes)}
    if answer["success"]:
        with Gradebook(coursedir.db_url, COURSE_ID) as gb:
            try:
                submission = gb.find_submission(job["assignment"], job["student"])
            except MissingEntry:
                answer["success"], answer["error"] = False, "no submission in the gradebook after autograding"
            else:
                answer["timestamp"] = submission.timestamp.isoformat() if submission.timestamp else None
                for notebook in submission.notebooks:
                    answer["grades"] += [[notebook.name, g.name, g.auto_score, g.max_score, g.needs_manual_grade]
                                         for g in notebook.grades]
                    answer["comments"] += [[notebook.name, c.name, c.auto_comment] for c in notebook.comments]
    answer["seconds"] = round(time.monotonic() - started, 3)
    return answer


def main() -> None:
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed by nbgrader goes to the error stream, not into the protocol
    sys.stdout = sys.stderr
    PATCHES.update(lean_nbgrader())
    for name in WARM:  # load once, before the first job
        importlib.import_module(name)
    PATCHES.update({CACHED_SCHEMA: cache_schema_validation(), SHARED_ENGINES: share_engines()})
    protocol.write(json.dumps({"ready": True, "patches": PATCHES}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            answer = grade(job)
        except Exception as exc:  # report, never die on one submission
            answer = {"student": job.get("student"), "success": False, "error": repr(exc),
                      "grades": [], "comments": [], "log": "", "seconds": 0, "patches": PATCHES}
        protocol.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
