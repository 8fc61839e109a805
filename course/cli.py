"""The ``clusterlab`` command: one entry point for trainees, instructors and the public site.

Each area of the course adds its own verbs through a ``register(subparsers)`` function, so this file
only assembles them: ``clusterlab.casestudies.cli`` (cases, dashboards) and ``clusterlab.grading.cli``
(the nbgrader workflow). A verb's handler returns an exit code; errors meant for people are raised as
:class:`CommandError` and printed without a traceback.
"""

from __future__ import annotations

import argparse
import sys

from clusterlab.casestudies import cli as case_verbs
from clusterlab.grading import cli as grading_verbs

from . import __version__
from . import course_cli as course_verbs
from .errors import CommandError

__all__ = ["CommandError", "VERB_MODULES", "build_parser", "main"]

#: The modules that contribute verbs, in the order ``--help`` lists them. Each imports only
#: ``argparse`` and the course's errors at the top, and the rest when its verb runs, so that
#: ``clusterlab --help`` stays fast.
VERB_MODULES = (course_verbs, case_verbs, grading_verbs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clusterlab",
        description="Cluster development course: start the lessons, check case data, "
        "serve the public dashboards, run the grading workflow.",
    )
    parser.add_argument("--version", action="version", version=f"clusterlab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in VERB_MODULES:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    # A verb that wraps another program (``lab`` wraps ``jupyter lab``) sets ``pass_through`` and
    # receives the options it does not know in ``args.extra``; any other verb rejects them.
    args, extra = parser.parse_known_args(argv)
    if extra:
        if not getattr(args, "pass_through", False):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        args.extra = extra
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print(f"clusterlab: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
