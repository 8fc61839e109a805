"""``clusterlab grade ...``: the instructor's workflow, one nbgrader step per verb.

    clusterlab grade init DIR                  create a course directory with the course's assignments
    clusterlab grade release ASSIGNMENT...     generate the trainees' version and release it
    clusterlab grade collect ASSIGNMENT        collect the submissions from the exchange
    clusterlab grade autograde ASSIGNMENT      grade the submissions in parallel, each in a sandbox
    clusterlab grade feedback ASSIGNMENT       write the feedback pages (without hidden tests)
    clusterlab grade export                    write the scores per part and per student (CSV)

Every verb takes ``--course DIR``; otherwise ``$CLUSTERLAB_COURSE_DIR``, else the current folder when
it holds an ``nbgrader_config.py``, else the course shipped in the repository. The formgrader in
JupyterLab works on the same directory when JupyterLab is started there.

This module imports only the standard library and the course's errors at the top; each verb imports
what it needs when it runs, so that ``clusterlab --help`` stays fast and ``autograde`` can start
nbgrader its own way (:func:`clusterlab.grading.engine.startup.lean_nbgrader`). An error the course
raises on purpose (a :class:`~clusterlab.errors.ClusterlabError`) is shown as a one-line message.
"""

from __future__ import annotations

import os
from pathlib import Path

from clusterlab.errors import ClusterlabError, CommandError

__all__ = ["register", "course_root"]


def course_root(option: str | None) -> Path:
    """The course directory the command works on."""
    from .workflow import SHIPPED_COURSE

    if option:
        root = Path(option)
    elif os.environ.get("CLUSTERLAB_COURSE_DIR"):
        root = Path(os.environ["CLUSTERLAB_COURSE_DIR"])
    elif (Path.cwd() / "nbgrader_config.py").is_file() and (Path.cwd() / "source").is_dir():
        root = Path.cwd()
    else:
        root = SHIPPED_COURSE
    if not (root / "source").is_dir():
        raise CommandError(f"{root} is not a course directory (it has no 'source' folder); "
                           "create one with 'clusterlab grade init DIR'.")
    return root.resolve()


def _init(args) -> int:
    from .workflow import init_course

    print(f"Course directory ready: {init_course(args.directory)}")
    return 0


def _release(args) -> int:
    from .workflow import release

    root = course_root(args.course)
    for assignment in args.assignments:
        if not (root / "source" / assignment).is_dir():
            raise CommandError(f"there is no assignment '{assignment}' in {root / 'source'}.")
        release(root, assignment, to_exchange=not args.no_exchange)
        where = "release/ and the exchange" if not args.no_exchange else "release/"
        print(f"{assignment}: trainees' version generated into {where}.")
    return 0


def _collect(args) -> int:
    from .workflow import collect

    root = course_root(args.course)
    collect(root, args.assignment)
    count = len(list((root / "submitted").glob(f"*/{args.assignment}")))
    print(f"{args.assignment}: {count} submission(s) in {root / 'submitted'}.")
    return 0


def _autograde(args) -> int:
    from .engine.startup import lean_nbgrader

    lean_nbgrader()  # this process only grades: nbgrader's server extensions are not needed
    from .engine.autograde import autograde
    from .engine.sandbox import describe
    from .engine.outcomes import report_paths

    root = course_root(args.course)
    print(f"Reading submissions: {describe()}")

    def show(outcome) -> None:
        reasons = f" ({'; '.join(outcome.reasons)})" if outcome.reasons else ""
        print(f"  {outcome.student}: {outcome.status}, {outcome.score:g}/{outcome.max_score:g}{reasons}")

    results = autograde(root, args.assignment, students=args.student, jobs=args.jobs,
                        submission_timeout=args.submission_timeout, force=args.force, progress=show)
    for outcome in results.values():
        if outcome.status == "rejected":
            show(outcome)
    counts = {}
    for outcome in results.values():
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing new to grade"
    print(f"{args.assignment}: {summary}. Report: {report_paths(root, args.assignment)[1]}")
    off = sorted({name for outcome in results.values() for name in outcome.patches_off})
    if off:
        print(f"Speed patches off in the grading workers: {', '.join(off)}. The packages' own code graded "
              "instead: slower, same scores (CLUSTERLAB_NO_PATCHES is set, or a package is not at the version "
              "a patch was written for).")
    return 0


def _feedback(args) -> int:
    from .workflow import feedback

    root = course_root(args.course)
    feedback(root, args.assignment, student=args.student, to_exchange=args.release)
    print(f"{args.assignment}: feedback written to {root / 'feedback'}.")
    return 0


def _export(args) -> int:
    from .export import export_parts, export_summary

    root = course_root(args.course)
    parts = export_parts(root, args.output or root / "grades-by-part.csv")
    summary = export_summary(root, args.summary or root / "grades.csv")
    print(f"Scores per part: {parts}\nScores per assignment (nbgrader): {summary}")
    return 0


def _verb(handler):
    """``handler`` with a faster start-up, and the course's own errors shown as plain messages."""
    def run(args) -> int:
        from clusterlab.patches import skip_slow_optional_imports  # it loads importlib.metadata

        skip_slow_optional_imports()
        try:
            return handler(args)
        except CommandError:
            raise
        except ClusterlabError as exc:
            raise CommandError(str(exc)) from None
    return run


def register(subparsers) -> None:
    grade = subparsers.add_parser("grade", help="instructor's grading workflow (nbgrader)",
                                  description=__doc__.split("\n\n")[0])
    verbs = grade.add_subparsers(dest="grade_command", metavar="STEP", required=True)

    def verb(name: str, handler, help_text: str):
        parser = verbs.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--course", metavar="DIR", help="the course directory")
        parser.set_defaults(handler=_verb(handler))
        return parser

    p = verb("init", _init, "create or refresh a course directory with the course's assignments")
    p.add_argument("directory", help="where to create the course directory")
    p = verb("release", _release, "generate the trainees' version of assignments and release them")
    p.add_argument("assignments", nargs="+", metavar="ASSIGNMENT")
    p.add_argument("--no-exchange", action="store_true", help="only generate release/, do not release")
    p = verb("collect", _collect, "collect the submissions of an assignment from the exchange")
    p.add_argument("assignment")
    p = verb("autograde", _autograde, "grade the submissions in parallel from their answers, each read in a sandbox")
    p.add_argument("assignment")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--jobs", type=int, help="submissions graded at once (default: the number of cores)")
    p.add_argument("--submission-timeout", type=int, help="seconds one submission may take (default 120)")
    p.add_argument("--force", action="store_true", help="grade again submissions already graded")
    p = verb("feedback", _feedback, "write feedback pages without hidden tests")
    p.add_argument("assignment")
    p.add_argument("--student", help="only this student")
    p.add_argument("--release", action="store_true", help="also copy the feedback to the exchange")
    p = verb("export", _export, "write scores per part and per student as CSV")
    p.add_argument("--output", metavar="CSV", help="per-part CSV (default: COURSE/grades-by-part.csv)")
    p.add_argument("--summary", metavar="CSV", help="nbgrader's per-assignment CSV (default: COURSE/grades.csv)")
