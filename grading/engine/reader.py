"""The sandboxed reader: ``python -m clusterlab.grading.engine.reader`` checks one submission's answers.

It runs inside the sandbox of :mod:`.sandbox`, in the folder that holds one staged submission. As
root it first drops to user ``nobody`` (the sandbox's ``setpriv`` has done so already; this is a check).
It reads a request on standard input::

    {"document": "industry-document", "cells": {"supply-levels": "check(\\"supply-levels\\")\\n..."}}

where ``cells`` maps each graded test cell to its source (the instructor's version, hidden lines
included). It reads ``answers.json`` and ``actors.csv`` of the submission as data, applies each cell's
declarations (:mod:`clusterlab.grading.keys`) and writes one answer on standard output::

    {"outcomes": {"supply-levels": {"passed": false, "messages": ["..."]}}, "notes": ["..."]}

No code of the submission is run: a notebook's cells are never executed, and the answer file is
JSON read as data.
"""

from __future__ import annotations

import json
import os
import sys

__all__ = ["read_request", "main"]

MAX_MESSAGES = 20
MAX_MESSAGE = 400


def _trim(messages: list[str]) -> list[str]:
    kept = [m if len(m) <= MAX_MESSAGE else m[:MAX_MESSAGE] + " ..." for m in messages[:MAX_MESSAGES]]
    if len(messages) > MAX_MESSAGES:
        kept.append(f"... and {len(messages) - MAX_MESSAGES} more.")
    return kept


def read_request(request: dict, folder: str = ".") -> dict:
    """Check the answers in ``folder`` against the request's test cells; never raises for a submission."""
    from clusterlab.grading import answers as answer_file
    from clusterlab.grading.document import answers_in
    from clusterlab.grading.keys import declarations, evaluate

    notes: list[str] = []
    try:
        answers = answers_in(folder, request.get("document"))
    except answer_file.AnswerFileError as exc:
        answers, notes = {}, [str(exc)]
    except RecursionError:
        answers, notes = {}, ["the answer file is nested too deeply to be read"]
    outcomes = {}
    for grade_id, source in (request.get("cells") or {}).items():
        outcome = evaluate(declarations(source, where=f"test cell '{grade_id}'"), answers)
        messages = outcome.messages if not notes or outcome.passed else [*notes, *outcome.messages]
        outcomes[grade_id] = {"passed": outcome.passed, "messages": _trim(messages)}
    return {"outcomes": outcomes, "notes": notes}


def main() -> int:
    if os.geteuid() == 0 and os.environ.get("CLUSTERLAB_READER_AS_ROOT") != "1":
        print("the reader refuses to run as root", file=sys.stderr)
        return 3
    request = json.loads(sys.stdin.buffer.read(4 * 1024 * 1024))
    sys.stdout.write(json.dumps(read_request(request)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
