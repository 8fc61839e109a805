"""Findings and the small validators the document checks are built from.

A *finding* is one thing that is missing or wrong in a trainee's document, said in plain words. The
validators below never raise: each returns a (possibly empty) list of findings, so the self-check and
the autograder can report everything at once.

What counts as a text and as a number is decided in one place for the whole course,
:mod:`clusterlab.widgets._checks` (used by every component): :func:`text` and :func:`number` call
it and turn its :class:`~clusterlab.widgets.errors.ComponentError` into a finding, then add what only
the documents ask for (a number of words, a bound on one side only).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clusterlab import validation as _checks
from clusterlab.errors import ComponentError

__all__ = ["Finding", "is_number", "text", "text_list", "number", "year", "choice", "table", "record",
           "rows", "words", "lookup", "MISSING", "not_defined"]

THIS_YEAR = _dt.date.today().year
#: How a value is named in the messages of ``clusterlab.widgets._checks``: the finding says where.
_THIS = "this"


@dataclass(frozen=True)
class Finding:
    """One problem: the rule that found it, where it is, and what to do about it."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{place(self.where)}: {self.message}"


#: How an answer is named to the trainee where its key would not say it plainly.
_NAMES = {"LQ": "location quotient", "ACTORS": "cluster database"}
_KEY = re.compile(r"^([A-Z][A-Z0-9_]*)(?![a-z])(.*)$", re.S)
_FIELD = re.compile(r"\['([^']*)'\]")


def place(where: str) -> str:
    """Where a finding is, in words: ``SUPPLY row 2, value`` -> ``supply, row 2, value``,
    ``INDUSTRY['activity_codes']`` -> ``industry, activity codes``, ``Q1['a']`` -> ``question 1, a``."""
    match = _KEY.match(where)
    if not match:
        return where
    key, rest = match.groups()
    name = _NAMES.get(key) or (f"question {key[1:]}" if re.fullmatch(r"Q\d+", key) else key.lower().replace("_", " "))
    rest = _FIELD.sub(lambda f: ", " + (f.group(1) if re.fullmatch(r"[eE]_\w+", f.group(1))
                                         else f.group(1).replace("_", " ")), rest)
    return name + ("," if rest.startswith(" row") else "") + rest


def is_number(value: object) -> bool:
    """True for a finite int or float (a bool is not a number here)."""
    return not number("", "", value, low=None)


def words(value: object) -> int:
    """How many words a text has (0 for anything that is not text)."""
    return len(value.split()) if isinstance(value, str) else 0


def text(rule: str, where: str, value: object, *, min_words: int = 1) -> list[Finding]:
    """A non-empty text with at least ``min_words`` words."""
    try:
        _checks.text(value, _THIS, max_len=math.inf)
    except ComponentError as exc:
        return [Finding(rule, where, str(exc))]
    if words(value) < min_words:
        return [Finding(rule, where, f"write at least {min_words} words (you wrote {words(value)}).")]
    return []


def text_list(rule: str, where: str, value: object, minimum: int) -> list[Finding]:
    """A list of at least ``minimum`` non-empty texts."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
        return [Finding(rule, where, "give a list of texts, one per line.")]
    if len(value) < minimum:
        return [Finding(rule, where, f"give at least {minimum} (you gave {len(value)}).")]
    return []


def number(rule: str, where: str, value: object, *, low: float | None = 0,
           high: float | None = None, integer: bool = False) -> list[Finding]:
    """A finite number within ``[low, high]`` (``integer``: a whole number)."""
    try:
        value = _checks.number(value, _THIS, -math.inf, math.inf, whole=integer)
    except ComponentError as exc:
        return [Finding(rule, where, str(exc))]
    except (ArithmeticError, TypeError, ValueError):  # a number type that cannot become a float
        return [Finding(rule, where, f"this must be an ordinary number; got {_checks.describe(value)}.")]
    if low is not None and value < low:
        return [Finding(rule, where, f"this cannot be below {low:g}; got {_checks.describe(value)}.")]
    if high is not None and value > high:
        return [Finding(rule, where, f"this cannot be above {high:g}; got {_checks.describe(value)}.")]
    return []


def year(rule: str, where: str, value: object, *, earliest: int = 1000) -> list[Finding]:
    """A whole-number year between ``earliest`` and the current year."""
    if isinstance(value, bool) or not isinstance(value, int):
        return [Finding(rule, where, f"give the year as a whole number such as 2021; got {_checks.describe(value)}.")]
    if not earliest <= value <= THIS_YEAR:
        return [Finding(rule, where, f"{value} is not a possible year (use {earliest} to {THIS_YEAR}).")]
    return []


def choice(rule: str, where: str, value: object, allowed: Sequence[str]) -> list[Finding]:
    """One of the ``allowed`` words (compared without case and outer spaces)."""
    if isinstance(value, str) and value.strip().lower() in allowed:
        return []
    return [Finding(rule, where, f"use one of: {', '.join(allowed)}; got {_checks.describe(value)}.")]


def table(rule: str, name: str, value: object, *, min_rows: int = 1) -> list[Finding]:
    """A list of rows (dictionaries) with at least ``min_rows`` rows."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        return [Finding(rule, name, "this should be a table of rows: fill it in with the form.")]
    bad = [i + 1 for i, row in enumerate(value) if not isinstance(row, Mapping)]
    if bad:
        return [Finding(rule, name, f"row(s) {', '.join(map(str, bad[:5]))} have no columns: fill them in with the form.")]
    if len(value) < min_rows:
        return [Finding(rule, name, f"give at least {min_rows} rows (you gave {len(value)}).")]
    return []


def record(rule: str, where: str, value: object, keys: Sequence[str]) -> list[Finding]:
    """A dictionary that has every one of ``keys``."""
    if not isinstance(value, Mapping):
        return [Finding(rule, where, "this should have named fields: fill it in with the form.")]
    missing = [k for k in keys if k not in value]
    if missing:
        return [Finding(rule, where, f"add the missing field(s): {', '.join(missing)}.")]
    return []


def rows(value: object) -> list[Mapping]:
    """The rows of a table that are dictionaries (an empty list for anything else)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        return []
    return [row for row in value if isinstance(row, Mapping)]


MISSING = object()


def lookup(ns: Mapping, name: str) -> object:
    """The value of ``name`` in a notebook's namespace, or ``MISSING``."""
    try:
        return ns.get(name, MISSING) if isinstance(ns, Mapping) else MISSING
    except Exception:
        return MISSING


def not_defined(rule: str, name: str) -> list[Finding]:
    """The finding for a part the trainee has not answered yet."""
    return [Finding(rule, name, "not answered yet: fill in the form of this part.")]
