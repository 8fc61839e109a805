"""The instructor's steps other than autograding, each a thin call into nbgrader.

``init_course`` creates a course directory from the assignments shipped with the course; ``release``
generates the trainees' version of an assignment and puts it in the exchange; ``collect`` fetches the
submissions from the exchange; ``feedback`` writes the feedback pages (hidden tests removed, no
scripts or event handlers: :mod:`.html_clean`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from clusterlab.errors import ClusterlabError

from .engine.startup import scripts_on_path
from .html_clean import clean_file
from .nbconfig import CONFIG_FILE_TEXT, configure

__all__ = ["SHIPPED_COURSE", "init_course", "api", "release", "collect", "feedback", "StepError"]

SHIPPED_COURSE = Path(__file__).with_name("course")


class StepError(ClusterlabError, RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's log."""


def init_course(target: str | Path, *, examples: bool = True) -> Path:
    """Create (or refresh) a course directory with the shipped assignments and configuration.

    Source notebooks are copied over older copies; everything else in ``target`` is left alone.
    """
    target = Path(target).resolve()
    (target / "source").mkdir(parents=True, exist_ok=True)
    for folder in sorted((SHIPPED_COURSE / "source").iterdir()):
        if folder.is_dir():
            shutil.copytree(folder, target / "source" / folder.name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    if examples and (SHIPPED_COURSE / "examples").is_dir():
        shutil.copytree(SHIPPED_COURSE / "examples", target / "examples", dirs_exist_ok=True)
    config = target / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG_FILE_TEXT, encoding="utf-8")
    return target


def api(root: str | Path):
    """An ``NbGraderAPI`` for the course at ``root``, with the course configuration."""
    scripts_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    config = configure(Config(), root)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _ok(result: dict, step: str) -> str:
    if not result.get("success"):
        raise StepError(f"{step} failed.\n{result.get('log', '')}\n{result.get('error', '')}".strip())
    return result.get("log", "")


def release(root: str | Path, assignment: str, *, to_exchange: bool = True) -> str:
    """Generate the trainees' version (``release/``) and, unless told not to, copy it to the exchange."""
    grader = api(root)
    log = _ok(grader.generate_assignment(assignment, force=True, create=True), "generate_assignment")
    if to_exchange:
        from nbgrader.utils import capture_log, temp_attrs

        with temp_attrs(grader.coursedir, assignment_id=assignment):
            app = grader.exchange.ReleaseAssignment(coursedir=grader.coursedir,
                                                    authenticator=grader.authenticator, parent=grader)
            app.force = True  # releasing again replaces the previous release
            log += _ok(capture_log(app), "release_assignment")
    return log


def collect(root: str | Path, assignment: str) -> str:
    """Copy the latest submissions of ``assignment`` from the exchange into ``submitted/``."""
    return _ok(api(root).collect(assignment, update=True), "collect")


def feedback(root: str | Path, assignment: str, *, student: str | None = None, to_exchange: bool = False) -> str:
    """Write the feedback pages into ``feedback/`` (and copy them to the exchange if asked)."""
    grader = api(root)
    log = _ok(grader.generate_feedback(assignment, student_id=student, force=True), "generate_feedback")
    for page in Path(root, "feedback").glob(f"{student or '*'}/{assignment}/**/*.html"):
        clean_file(page)  # no script, no event handler: safe to open for trainee and instructor
    if to_exchange:
        log += _ok(grader.release_feedback(assignment, student_id=student), "release_feedback")
    return log
