"""Parallel autograding: every submission taken in, read in the sandbox, graded by nbgrader; one gradebook.

For each submission of an assignment, one after another in this process: take it in (:mod:`.intake`:
ordinary files only, within size limits, copied to a private folder), pre-validate its notebook
(:mod:`.prevalidate`); then, on a pool of workers (:mod:`.pool`), autograde it with nbgrader in a
private folder holding a copy of the assignment's source, the submission as taken in and a snapshot
of the gradebook. nbgrader's ``Execute`` step is replaced by :mod:`.grade_cells`: no cell runs, the test
cells are graded from the answers read in the sandbox. The scores are copied into the course
gradebook from this process alone, so SQLite never sees two writers, and a score outside ``[0, max]``
is refused. Every step is per trainee: an error names the trainee and costs only that submission, and
the report is written as each one finishes. A submission already graded and unchanged since is
skipped unless ``force`` is set; re-grading gives the same scores.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import tempfile
import warnings
from pathlib import Path

from clusterlab.errors import ClusterlabError
from clusterlab.grading.nbconfig import COURSE_ID

from clusterlab.files import read_ordinary

from .intake import DEFAULT_LIMIT, LIMITS, MAX_ENTRIES, expected_files, take_in
from .outcomes import Outcome, load_report, save_report
from .pool import WorkerPool
from .startup import scripts_on_path

__all__ = ["autograde", "fingerprint", "NotReleasedError", "SUBMISSION_TIMEOUT"]

#: What nbgrader's submit adds to a submission: its time, and a digest nbgrader checks.
NBGRADER_FILES = ("timestamp.txt", "submission_secret.txt")
#: Seconds one submission may take in a worker (nbgrader and the sandboxed reading together).
SUBMISSION_TIMEOUT = 120


class NotReleasedError(ClusterlabError, LookupError):
    """The assignment to grade has not been released (no gradebook entry, no ``release/`` folder)."""


class ScoreError(ClusterlabError, ValueError):
    """A score outside a part's range reached the gradebook merge; it is refused."""


def fingerprint(folder: Path) -> str:
    """A digest of a submission folder: the content of its ordinary files within the intake's limits,
    and the name, kind and size of anything else, at its top level only and for at most
    ``MAX_ENTRIES`` entries (so it costs little whatever the folder holds); links are not followed."""
    digest = hashlib.sha256()
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)[:MAX_ENTRIES + 1]
    except OSError:
        return "unreadable"
    for entry in entries:
        info = entry.stat(follow_symlinks=False)
        digest.update(f"{entry.name}\0{stat.S_IFMT(info.st_mode)}\0{info.st_size}\0".encode())
        if stat.S_ISREG(info.st_mode):
            data, _why = read_ordinary(Path(entry.path), LIMITS.get(Path(entry.name).suffix, DEFAULT_LIMIT))
            digest.update(hashlib.sha256(data or b"").digest())
    return digest.hexdigest()


def _worker_env(scratch: Path) -> dict:
    """The workers' environment: private Jupyter folders and temporary folder inside ``scratch``."""
    env = dict(os.environ)
    for name in ("data", "runtime", "config", "ipython", "tmp"):
        (scratch / name).mkdir(exist_ok=True)
    env.update(JUPYTER_DATA_DIR=str(scratch / "data"), JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               JUPYTER_CONFIG_DIR=str(scratch / "config"), IPYTHONDIR=str(scratch / "ipython"),
               JUPYTER_PREFER_ENV_PATH="0", MALLOC_ARENA_MAX="2", TMPDIR=str(scratch / "tmp"))
    return env


def _snapshot(db: Path, target: Path) -> None:
    """A consistent copy of the gradebook (SQLite's backup, safe even while it is being read)."""
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()


def _job(root: Path, scratch: Path, assignment: str, student: str, staged: Path) -> dict:
    """What a worker needs to build the private course of one submission and grade it there."""
    return {"course": str(scratch / "jobs" / student), "source": str(root / "source" / assignment),
            "submission": str(staged), "gradebook": str(scratch / "gradebook.db"),
            "assignment": assignment, "student": student}


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
            if auto is not None and not 0 <= float(auto) <= float(grade.max_score or 0):
                raise ScoreError(f"a score of {auto} for '{grade_id}' is outside 0 to {grade.max_score}")
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
              submission_timeout: int | None = None, force: bool = False, progress=None) -> dict[str, Outcome]:
    """Autograde the submissions of ``assignment`` in the course at ``root``; returns the outcomes."""
    root = Path(root).resolve()
    scripts_on_path()
    if not (root / "gradebook.db").is_file() or not (root / "release" / assignment).is_dir():
        raise NotReleasedError(f"the assignment '{assignment}' has not been released yet: "
                               "run 'clusterlab grade release' first")
    timeout = submission_timeout or SUBMISSION_TIMEOUT
    release = root / "release" / assignment
    report = load_report(root, assignment)
    candidates = _candidates(root, assignment, students, report, force)
    scratch = Path(tempfile.mkdtemp(prefix="clusterlab-grade-"))
    results: dict[str, Outcome] = {}
    pool = None
    try:
        _snapshot(root / "gradebook.db", scratch / "gradebook.db")
        (scratch / "jobs").mkdir()
        (scratch / "staged").mkdir()
        if candidates:  # the workers load nbgrader while the submissions are taken in below
            pool = WorkerPool(min(jobs or os.cpu_count() or 1, len(candidates)), env=_worker_env(scratch),
                              timeout=lambda job: timeout).start()
        _grade(root, assignment, candidates, pool, results, scratch=scratch, release=release,
               report=report, progress=progress)
    finally:
        if pool is not None:
            pool.close(abort=True)
        shutil.rmtree(scratch, ignore_errors=True)
    report.update(results)
    save_report(root, assignment, report)
    return results


def _take_in(root: Path, assignment: str, student: str, release: Path, scratch: Path, mark: str) -> tuple:
    """Take one submission in and pre-validate it: ``(outcome, staged folder or None)``."""
    from .prevalidate import prevalidate

    staged = scratch / "staged" / student
    wanted = [*expected_files(release), *NBGRADER_FILES]
    intake = take_in(root / "submitted" / student / assignment, wanted, staged)
    verdict = prevalidate(staged, release)
    outcome = Outcome(student, verdict.status if verdict.status != "ok" else "graded",
                      [*intake.findings, *intake.extra_finding(), *verdict.reasons], fingerprint=mark)
    if outcome.reasons and outcome.status == "graded":
        outcome.status = "flagged"
    return outcome, (None if verdict.status == "rejected" else staged)


def _grade(root: Path, assignment: str, candidates, pool, results: dict, *, scratch: Path, release: Path,
           report: dict, progress) -> None:
    # nbgrader (prevalidate imports it too) loads here, once the workers have started loading theirs
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise NotReleasedError(f"the assignment '{assignment}' is not in the gradebook: release it first") from None
        for student, mark in candidates:
            try:
                outcome, staged = _take_in(root, assignment, student, release, scratch, mark)
            except Exception as exc:  # one submission never stops the batch
                outcome, staged = Outcome(student, "failed", [f"could not be taken in: {type(exc).__name__}: "
                                                              f"{str(exc)[:200]}"], fingerprint=mark), None
            results[student] = outcome
            if staged is None:
                _zero(root, gb, assignment, outcome)
                _done(root, assignment, report, outcome, progress)
            else:
                pool.submit(_job(root, scratch, assignment, student, staged))
        for job, answer in (pool.results() if pool is not None else ()):
            outcome = results[job["student"]]
            try:
                _finish(root, gb, job, answer, outcome)
            except Exception as exc:  # a refused score, a broken copy: this trainee only
                gb.db.rollback()
                outcome.status = "failed"
                outcome.reasons.append(f"grading did not finish: {type(exc).__name__}: {str(exc)[:200]}")
                _zero(root, gb, assignment, outcome)
            _done(root, assignment, report, outcome, progress)


def _zero(root: Path, gb, assignment: str, outcome: Outcome) -> None:
    outcome.score, outcome.max_score = _merge(gb, assignment, outcome.student, None)
    shutil.rmtree(root / "autograded" / outcome.student / assignment, ignore_errors=True)


def _done(root: Path, assignment: str, report: dict, outcome: Outcome, progress) -> None:
    """Write the report as each trainee finishes, so an interrupted batch keeps what it graded."""
    report[outcome.student] = outcome
    save_report(root, assignment, report)
    if progress:
        progress(outcome)


def _finish(root: Path, gb, job: dict, answer: dict, outcome: Outcome) -> None:
    """Take one worker's answer: copy the autograded notebooks, note the findings, merge the scores."""
    assignment, student = job["assignment"], job["student"]
    outcome.seconds = float(answer.get("seconds") or 0)
    outcome.patches_off = sorted(name for name, ran in (answer.get("patches") or {}).items() if not ran)
    target = root / "autograded" / student / assignment
    shutil.rmtree(target, ignore_errors=True)
    if answer.get("success"):
        notes = [str(n)[:300] for n in answer.get("notes") or []][:10]
        outcome.reasons += [n for n in notes if n not in outcome.reasons]
        if outcome.reasons and outcome.status == "graded":
            outcome.status = "flagged"
        outcome.score, outcome.max_score = _merge(gb, assignment, student, answer)
        shutil.copytree(Path(job["course"]) / "autograded" / student / assignment, target)
    else:
        outcome.status = "failed"
        outcome.reasons.append(_failure(answer))
        outcome.score, outcome.max_score = _merge(gb, assignment, student, None)
    shutil.rmtree(job["course"], ignore_errors=True)


def _failure(answer: dict) -> str:
    error = (answer.get("error") or "").strip()
    if answer.get("limit_exceeded") or error.startswith("stopped after"):
        return error
    last = error.splitlines()[-1] if error else "unknown error"
    return f"grading did not finish: {last[:200]}"
