"""Parallel autograding: every submission in its own course copy and sandboxed kernel, one gradebook.

For each submission of an assignment: pre-validate it (:mod:`.prevalidate`); autograde it with
nbgrader in a private folder holding a copy of the assignment's source, the submission and a snapshot
of the gradebook, on a pool of workers (:mod:`.pool`) in isolated namespaces where available; then copy
the scores into the course gradebook from this process alone, so SQLite never sees two writers. The
workers start first and load nbgrader while this process checks the submissions; each submission is
handed to them as soon as it passes its checks. A submission already graded and unchanged since is
skipped unless ``force`` is set; re-grading gives the same scores.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import warnings
from pathlib import Path

from clusterlab.errors import ClusterlabError
from clusterlab.grading.nbconfig import COURSE_ID, DEFAULT_CELL_TIMEOUT

from . import sandbox_kernel
from .isolation import namespace_prefix
from .outcomes import Outcome, load_report, runtime_flags, save_report
from .pool import WorkerPool
from .startup import scripts_on_path

__all__ = ["autograde", "fingerprint", "DEFAULT_MEMORY_MB", "NotReleasedError"]

DEFAULT_MEMORY_MB = 2048


class NotReleasedError(ClusterlabError, LookupError):
    """The assignment to grade has not been released (no gradebook entry, no ``release/`` folder)."""


def fingerprint(folder: Path) -> str:
    """A digest of every file of a submission folder (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _kernelspec(data_dir: Path) -> None:
    spec = data_dir / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", sandbox_kernel.__name__, "-f", "{connection_file}"],
        "display_name": "Python 3 (grading sandbox)", "language": "python"}))


def _worker_env(scratch: Path, root: Path, *, memory_mb: int, cpu_seconds: int, isolated: bool) -> dict:
    """The workers' environment: private Jupyter folders and temporary folder inside ``scratch``;
    kernels may read neither the course (``root``) nor ``scratch`` (other submissions, the gradebook
    snapshot), except their own folders."""
    env = dict(os.environ)
    for name in ("data", "runtime", "config", "ipython", "tmp"):
        (scratch / name).mkdir(exist_ok=True)
    _kernelspec(scratch / "data")
    env.update(JUPYTER_DATA_DIR=str(scratch / "data"), JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               JUPYTER_CONFIG_DIR=str(scratch / "config"), IPYTHONDIR=str(scratch / "ipython"),
               JUPYTER_PATH=str(scratch / "data"), JUPYTER_PREFER_ENV_PATH="0", MALLOC_ARENA_MAX="2",
               TMPDIR=str(scratch / "tmp"), PYDEVD_DISABLE_FILE_VALIDATION="1",
               CLUSTERLAB_SANDBOX_MEMORY_MB=str(memory_mb), CLUSTERLAB_SANDBOX_CPU_SECONDS=str(cpu_seconds),
               CLUSTERLAB_SANDBOX_FILE_MB="100",
               CLUSTERLAB_SANDBOX_DENY_READ=os.pathsep.join([str(root), str(scratch)]),
               CLUSTERLAB_NETNS="1" if isolated else "0")
    return env


def _snapshot(db: Path, target: Path) -> None:
    """A consistent copy of the gradebook (SQLite's backup, safe even while it is being read)."""
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()


def _job(root: Path, scratch: Path, assignment: str, student: str, cell_timeout: int) -> dict:
    """What a worker needs to build the private course of one submission and grade it there."""
    return {"course": str(scratch / "jobs" / student), "source": str(root / "source" / assignment),
            "submission": str(root / "submitted" / student / assignment),
            "gradebook": str(scratch / "gradebook.db"), "assignment": assignment, "student": student,
            "cell_timeout": cell_timeout}


def _merge(gb, assignment: str, student: str, answer: dict | None) -> tuple[float, float]:
    """Write one submission's automatic scores into the course gradebook; ``None`` means zero."""
    with warnings.catch_warnings():  # nbgrader's own session handling warns under SQLAlchemy 2
        warnings.simplefilter("ignore")
        return _merge_quietly(gb, assignment, student, answer)


def _merge_quietly(gb, assignment: str, student: str, answer: dict | None) -> tuple[float, float]:
    from nbgrader.utils import parse_utc

    gb.update_or_create_student(student)
    timestamp = parse_utc(answer["timestamp"]) if answer and answer.get("timestamp") else None
    submission = gb.update_or_create_submission(assignment, student, **({"timestamp": timestamp} if timestamp else {}))
    with gb.db.no_autoflush:  # one read of the submission's rows, one write at the commit
        grades = {(nb.name, g.name): g for nb in submission.notebooks for g in nb.grades}
        comments = {(nb.name, c.name): c for nb in submission.notebooks for c in nb.comments}
    if answer is None:
        for grade in grades.values():
            grade.auto_score, grade.needs_manual_grade = 0.0, False
    else:
        for notebook, grade_id, auto, _max, needs in answer["grades"]:
            grade = grades.get((notebook, grade_id)) or gb.find_grade(grade_id, notebook, assignment, student)
            grade.auto_score, grade.needs_manual_grade = auto, needs
        for notebook, comment_id, text in answer["comments"]:
            comment = comments.get((notebook, comment_id)) or gb.find_comment(comment_id, notebook, assignment, student)
            comment.auto_comment = text
    gb.db.commit()
    submission = gb.find_submission(assignment, student)
    return float(submission.score or 0), float(submission.max_score or 0)


def _submitted(root: Path, assignment: str, students) -> list[str]:
    found = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}") if p.is_dir())
    return [s for s in found if s in set(students)] if students else found


def _candidates(root: Path, assignment: str, students, report: dict, force: bool) -> list[tuple[str, str]]:
    """``(student, fingerprint)`` of each submission to grade: new, changed, or all with ``force``."""
    found = []
    for student in _submitted(root, assignment, students):
        mark = fingerprint(root / "submitted" / student / assignment)
        previous = report.get(student)
        if not force and previous and previous.fingerprint == mark and \
                (previous.status in ("rejected", "failed") or (root / "autograded" / student / assignment).is_dir()):
            continue
        found.append((student, mark))
    return found


def autograde(root: str | Path, assignment: str, *, students=None, jobs: int | None = None,
              cell_timeout: int | None = None, submission_timeout: int | None = None,
              memory_mb: int = DEFAULT_MEMORY_MB, force: bool = False, isolate: bool = True,
              progress=None) -> dict[str, Outcome]:
    """Autograde the submissions of ``assignment`` in the course at ``root``; returns the outcomes."""
    root = Path(root).resolve()
    scripts_on_path()
    if not (root / "gradebook.db").is_file() or not (root / "release" / assignment).is_dir():
        raise NotReleasedError(f"the assignment '{assignment}' has not been released yet: "
                               "run 'clusterlab grade release' first")
    cell_timeout = cell_timeout or DEFAULT_CELL_TIMEOUT
    submission_timeout = submission_timeout or max(120, 20 * cell_timeout)
    release, db = root / "release" / assignment, root / "gradebook.db"
    report = load_report(root, assignment)
    candidates = _candidates(root, assignment, students, report, force)
    prefix = namespace_prefix() if isolate and candidates else ()
    scratch = Path(tempfile.mkdtemp(prefix="clusterlab-grade-"))
    results: dict[str, Outcome] = {}
    pool = None
    try:
        _snapshot(db, scratch / "gradebook.db")
        (scratch / "jobs").mkdir()
        env = _worker_env(scratch, root, memory_mb=memory_mb, cpu_seconds=submission_timeout, isolated=bool(prefix))
        if candidates:  # the workers load nbgrader while the submissions are checked below
            pool = WorkerPool(min(jobs or os.cpu_count() or 1, len(candidates)), env=env, prefix=prefix,
                              timeout=lambda job: submission_timeout).start()
        _grade(root, assignment, candidates, pool, results, scratch=scratch, release=release,
               cell_timeout=cell_timeout, memory_mb=memory_mb, progress=progress)
    finally:
        if pool is not None:
            pool.close(abort=True)
        shutil.rmtree(scratch, ignore_errors=True)
    report.update(results)
    save_report(root, assignment, report)
    return results


def _grade(root: Path, assignment: str, candidates, pool, results: dict, *, scratch: Path, release: Path,
           cell_timeout: int, memory_mb: int, progress) -> None:
    # nbgrader (prevalidate imports it too) loads here, once the workers have started loading theirs
    from nbgrader.api import Gradebook, MissingEntry

    from .prevalidate import prevalidate

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise NotReleasedError(f"the assignment '{assignment}' is not in the gradebook: release it first") from None
        for student, mark in candidates:
            verdict = prevalidate(root / "submitted" / student / assignment, release)
            outcome = Outcome(student, verdict.status if verdict.status != "ok" else "graded", verdict.reasons,
                              fingerprint=mark)
            results[student] = outcome
            if verdict.status == "rejected":
                outcome.score, outcome.max_score = _merge(gb, assignment, student, None)
                shutil.rmtree(root / "autograded" / student / assignment, ignore_errors=True)
            else:
                pool.submit(_job(root, scratch, assignment, student, cell_timeout))
        for job, answer in (pool.results() if pool is not None else ()):
            _finish(root, gb, job, answer, results[job["student"]], cell_timeout=cell_timeout, memory_mb=memory_mb)
            if progress:
                progress(results[job["student"]])


def _finish(root: Path, gb, job: dict, answer: dict, outcome: Outcome, *, cell_timeout: int, memory_mb: int) -> None:
    """Take one worker's answer: copy the autograded notebooks, note the flags, merge the scores."""
    assignment, student = job["assignment"], job["student"]
    outcome.seconds = float(answer.get("seconds") or 0)
    outcome.patches_off = sorted(name for name, ran in (answer.get("patches") or {}).items() if not ran)
    target = root / "autograded" / student / assignment
    shutil.rmtree(target, ignore_errors=True)
    if answer.get("success"):
        shutil.copytree(Path(job["course"]) / "autograded" / student / assignment, target)
        outcome.reasons += runtime_flags(target, cell_timeout=cell_timeout, memory_mb=memory_mb)
        if outcome.reasons and outcome.status == "graded":
            outcome.status = "flagged"
        outcome.score, outcome.max_score = _merge(gb, assignment, student, answer)
    else:
        outcome.status = "failed"
        outcome.reasons.append(_failure(answer))
        outcome.score, outcome.max_score = _merge(gb, assignment, student, None)
    shutil.rmtree(job["course"], ignore_errors=True)


def _failure(answer: dict) -> str:
    error = (answer.get("error") or "").strip()
    if answer.get("limit_exceeded") or error.startswith("stopped after"):
        return error
    log = answer.get("log") or ""
    if "became unresponsive" in log or "CellTimeoutError" in log:
        return "a cell could not be stopped after its time limit: the kernel stopped responding"
    if "DeadKernelError" in error or "Kernel died" in error or "kernel died" in log.lower():
        return "the kernel stopped while grading (too much memory or CPU time)"
    last = error.splitlines()[-1] if error else "unknown error"
    return f"grading did not finish: {last[:200]}"
