"""A grading worker: ``python -m clusterlab.grading.worker`` grades submissions one after another.

The worker reads one job per line (JSON) on standard input and answers one line per job on standard
output. A job names a private course copy (``course``), the ``assignment``, the ``student`` and the
``cell_timeout``; the answer carries ``success``, the ``grades`` and ``comments`` read from that copy's
gradebook, the submission ``timestamp``, the captured ``log`` and the ``seconds`` it took. The worker
imports nbgrader once and keeps it loaded, so a batch pays the start-up cost once per worker. Kernels
are the sandboxed kernel of :mod:`clusterlab.grading.sandbox_kernel` (registered as ``python3`` in the
worker's private Jupyter data folder).
"""

from __future__ import annotations

import json
import os
import sys
import time

from .nbconfig import COURSE_ID, configure


def grade(job: dict) -> dict:
    """Autograde one submission inside its private course copy."""
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from traitlets.config import Config

    started = time.monotonic()
    config = configure(Config(), job["course"], cell_timeout=job.get("cell_timeout"))
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id, coursedir.student_id = job["assignment"], job["student"]
    app = Autograde(coursedir=coursedir, config=config)
    app.force, app.create_student = True, True
    result = capture_log(app)
    answer = {"student": job["student"], "success": bool(result.get("success")),
              "log": (result.get("log") or "")[-20000:], "error": (result.get("error") or "")[-5000:],
              "grades": [], "comments": [], "timestamp": None}
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
    if os.environ.get("CLUSTERLAB_NETNS") == "1":
        from .isolation import loopback_up
        loopback_up()
    from .startup import skip_slow_optional_imports

    skip_slow_optional_imports()
    import nbgrader.api  # noqa: F401  (load once, before the first job)
    import nbgrader.converters  # noqa: F401
    import nbgrader.coursedir  # noqa: F401

    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            answer = grade(job)
        except Exception as exc:  # report, never die on one submission
            answer = {"student": job.get("student"), "success": False, "error": repr(exc),
                      "grades": [], "comments": [], "log": "", "seconds": 0}
        protocol.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
