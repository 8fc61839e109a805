"""The ``clusterlab`` command: one entry point for trainees, instructors and the public site.

Each area of the course adds its own verbs through a ``register(subparsers)`` function, so this file
only assembles them: ``clusterlab.casestudies.cli`` (cases, dashboards) and ``clusterlab.grading.cli``
(the nbgrader workflow). A verb's handler returns an exit code; errors meant for people are raised as
:class:`CommandError` and printed without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__

#: Modules that contribute verbs. A module missing here is skipped, so a partial install still runs.
VERB_MODULES = (
    "clusterlab.course_cli",
    "clusterlab.casestudies.cli",
    "clusterlab.grading.cli",
)


class CommandError(Exception):
    """An error to show to the person who typed the command, in plain words."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clusterlab",
        description="Cluster development course: start the lessons, check case data, "
        "serve the public dashboards, run the grading workflow.",
    )
    parser.add_argument("--version", action="version", version=f"clusterlab {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in VERB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # an area not installed in this environment
            if exc.name == name:
                continue
            raise
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
