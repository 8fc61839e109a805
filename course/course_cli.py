"""Course-wide verbs: where the trainee's work is kept."""

from __future__ import annotations


def _work_dir(args) -> int:
    from clusterlab.widgets.storage import work_dir

    print(work_dir())
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "workdir",
        help="print the folder where your answers and exercises are saved",
        description="Print the folder where the course saves a trainee's work "
        "(set CLUSTERLAB_WORK_DIR to move it).",
    )
    p.set_defaults(handler=_work_dir)
