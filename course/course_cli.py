"""Course-wide verbs: start the course in JupyterLab, and where the trainee's work is kept."""

from __future__ import annotations

import argparse


def _work_dir(args) -> int:
    from clusterlab.widgets.storage import work_dir

    print(work_dir())
    return 0


def _lab(args) -> int:
    from .lab import run

    return run(args)


LAB_HELP = """\
Start JupyterLab for the course on http://127.0.0.1 (this machine only), at the landing page.

Trainee mode (the default) shows the landing page, the glossary, the lessons and your documents
(my-documents, in your work folder; your version of the graded documents is placed there on the
first start). Instructor mode shows the whole repository (or the course directory) with the
formgrader and nbgrader's "Create Assignment" tool.

Options this command does not know are passed to `jupyter lab`, e.g. --no-browser --port=8890.
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "workdir",
        help="print the folder where your answers and exercises are saved",
        description="Print the folder where the course saves a trainee's work "
        "(set CLUSTERLAB_WORK_DIR to move it).",
    )
    p.set_defaults(handler=_work_dir)

    p = subparsers.add_parser(
        "lab",
        help="start the course in JupyterLab (trainee mode; --instructor for the grading tools)",
        description=LAB_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    p.add_argument("--instructor", action="store_true",
                   help="instructor mode: the whole repository, the formgrader and Create Assignment")
    p.add_argument("--course", metavar="DIR",
                   help="with --instructor: the nbgrader course directory (see 'clusterlab grade init'); "
                        "default: $CLUSTERLAB_COURSE_DIR, else the current folder if it is one, "
                        "else the course in the repository")
    p.set_defaults(handler=_lab, pass_through=True)
