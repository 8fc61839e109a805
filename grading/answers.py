"""The answer file of a graded document: what the trainee entered in its forms, as plain data.

Each document (the industry document, the cluster document, a module check) keeps its answers in
``answers.json`` next to the notebook. The trainee never writes it by hand: the forms of the document
save into it, one part at a time, and it is submitted with the notebook. The autograder reads it as
data, in the grading process, never by running the trainee's code.

The file::

    {"document": "industry-document", "saved": "2026-11-30T10:15:00",
     "answers": {"INDUSTRY": {...}, "SUPPLY": [{...}, ...]}}

Only plain JSON values are accepted (texts, numbers, true/false, null, lists and objects with text
keys), nested at most :data:`MAX_DEPTH` deep, in a file of at most :data:`MAX_BYTES`. Anything else
is refused with an :class:`AnswerFileError` that says what is wrong and how to put it right.
A save changes only the part it names, under a lock, and swaps the new file in at once, so two forms
saving together never undo each other and a crash never leaves half a file.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from clusterlab.errors import ClusterlabError
from clusterlab.files import NOT_FOUND, read_ordinary, write_atomically

__all__ = ["ANSWERS_FILE", "MAX_BYTES", "MAX_DEPTH", "AnswerFileError", "parse", "read", "load", "save",
           "empty", "nesting"]

ANSWERS_FILE = "answers.json"
MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 6
MAX_ITEMS = 5000
MAX_TEXT = 20000


class AnswerFileError(ClusterlabError, ValueError):
    """An answer file that cannot be used; the message names the problem and what to do."""


def empty(document: str) -> dict:
    """The content of a new answer file."""
    return {"document": document, "saved": None, "answers": {}}


def _plain(value, depth: int, where: str, budget: list[int]):
    """``value`` if it is plain data within the limits; raises AnswerFileError otherwise."""
    budget[0] -= 1
    if budget[0] < 0:
        raise AnswerFileError(f"the answers hold more than {MAX_ITEMS} values; remove rows you do not need.")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > 10**15:
            raise AnswerFileError(f"{where}: the number {value} is too large.")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AnswerFileError(f"{where}: a number must be finite.")
        return value
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise AnswerFileError(f"{where}: a text is longer than {MAX_TEXT} characters; shorten it.")
        return value
    if depth >= MAX_DEPTH:
        raise AnswerFileError(f"{where}: values are nested more than {MAX_DEPTH} levels deep.")
    if isinstance(value, list):
        return [_plain(v, depth + 1, f"{where}[{i}]", budget) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or len(key) > 200:
                raise AnswerFileError(f"{where}: field names must be short texts.")
            out[key] = _plain(item, depth + 1, f"{where}.{key}", budget)
        return out
    raise AnswerFileError(f"{where}: {type(value).__name__} is not plain data (text, number, list or table).")


def nesting(data: bytes) -> int:
    """The deepest nesting of brackets outside strings in JSON bytes (a cheap scan, no parser)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number")


def parse(data: bytes, *, document: str | None = None, name: str = ANSWERS_FILE) -> dict:
    """The answer file's content checked: ``{"document", "saved", "answers"}``.

    ``document``, when given, must match the file's. Raises :class:`AnswerFileError`.
    """
    if len(data) > MAX_BYTES:
        raise AnswerFileError(f"{name} is larger than {MAX_BYTES // 2**20} MB; it cannot be an answer file "
                              "made by the forms.")
    if nesting(data) > MAX_DEPTH + 2:  # refuse deep nesting before the parser sees it
        raise AnswerFileError(f"{name}: values are nested too deeply; fill in the forms again.")
    try:
        content = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise AnswerFileError(f"{name} is not UTF-8 text; it was not made by the forms.") from None
    except (ValueError, RecursionError) as exc:
        raise AnswerFileError(f"{name} cannot be read ({str(exc)[:120]}); fill in the forms again, or "
                              "ask your instructor for a fresh copy.") from None
    if not isinstance(content, dict) or not isinstance(content.get("answers"), dict):
        raise AnswerFileError(f"{name} has no answers section; fill in the forms again.")
    if document is not None and content.get("document") != document:
        raise AnswerFileError(f"{name} holds the answers of {content.get('document')!r}, not of {document!r}.")
    answers = _plain(content["answers"], 1, "answers", [MAX_ITEMS])
    saved = content.get("saved")
    return {"document": content.get("document"), "saved": saved if isinstance(saved, str) else None,
            "answers": answers}


def read(path: str | os.PathLike, *, document: str | None = None) -> dict:
    """Read an answer file (an empty one when it does not exist); refuses a link or a special file."""
    path = Path(path)
    data, why = read_ordinary(path, MAX_BYTES + 1)  # one byte more: parse() says it is too large
    if why == NOT_FOUND:
        return empty(document or "")
    if why is not None:
        raise AnswerFileError(f"{path.name} {why}; it must be the ordinary file the forms save.")
    return parse(data, document=document, name=path.name)


def load(path: str | os.PathLike, *, document: str | None = None) -> dict:
    """The answers only (``{"INDUSTRY": ..., ...}``) of the file at ``path``."""
    return read(path, document=document)["answers"]


@contextmanager
def _locked(path: Path):
    lock = path.with_name(f".{path.name}.lock")
    with open(lock, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save(path: str | os.PathLike, document: str, key: str, value) -> dict:
    """Set one part (``key``) of the answers in ``path``, leaving the others as they are.

    ``value`` None removes the part. Returns the new content. A file of another document, or one that
    cannot be read, is refused (it is never overwritten: the trainee's earlier work stays).
    """
    path = Path(path)
    value = _plain(value, 2, key, [MAX_ITEMS])
    with _locked(path):
        content = read(path, document=None)
        if content["document"] not in ("", None, document):
            raise AnswerFileError(f"{path} holds the answers of {content['document']!r}; the answers of "
                                  f"{document!r} are not saved there.")
        answers = dict(content["answers"])
        if value is None:
            answers.pop(key, None)
        else:
            answers[key] = value
        new = {"document": document, "saved": datetime.now().isoformat(timespec="seconds"), "answers": answers}
        payload = json.dumps(new, indent=1, ensure_ascii=False).encode("utf-8")
        if len(payload) > MAX_BYTES:
            raise AnswerFileError(f"the answers would be larger than {MAX_BYTES // 2**20} MB; shorten them.")
        write_atomically(path, payload)
    return new
