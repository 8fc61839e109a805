"""Small validation helpers shared by the components' models and the document checks.

Each raises :class:`~clusterlab.errors.ComponentError` with a message that says what is wrong and how
to fix it. The grading's findings wrap them, so a trainee meets the same rule in a lesson's form and in
a graded document. This module imports nothing heavy: grading kernels load it cheaply.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping

from clusterlab.errors import ComponentError

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")


def describe(value) -> str:
    """A short, readable account of a value for use in messages."""
    if value is None:
        return "nothing (None)"
    if isinstance(value, bool):
        kind = "true/false value"
    elif isinstance(value, numbers.Number):
        kind = "number"
    elif isinstance(value, str):
        kind = "text"
    elif isinstance(value, Mapping):
        kind = "dictionary"
    elif isinstance(value, (list, tuple)):
        kind = "list"
    else:
        kind = type(value).__name__
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 60:
        return "a huge number"
    try:
        shown = repr(value)
    except Exception:  # a broken __repr__ must not hide the real problem
        shown = "?"
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"a {kind} ({shown})"


def text(value, what: str, *, max_len: int = 200, empty_ok: bool = False) -> str:
    """Return ``value`` stripped of outer spaces, checked to be text of a sensible length."""
    if not isinstance(value, str):
        raise ComponentError(f"{what} must be text; got {describe(value)}. Put it in quotes.")
    value = value.strip()
    if not value and not empty_ok:
        raise ComponentError(f"{what} is empty. Write a few words.")
    if len(value) > max_len:
        raise ComponentError(
            f"{what} is too long ({len(value)} characters). Shorten it to {max_len} characters or fewer."
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ComponentError(
            f"{what} contains characters that cannot be saved. Retype it without unusual symbols."
        ) from None
    return value


def identifier(value, what: str) -> str:
    """A short id made of letters, digits, '-' and '_', such as 'q1'."""
    if not isinstance(value, str):
        raise ComponentError(f"{what} must be text such as 'q1'; got {describe(value)}.")
    if not _ID.match(value):
        raise ComponentError(
            f"{what} {describe(value)} is not usable. Use 1 to 64 letters, digits, '-' or '_', "
            "starting with a letter or digit, for example 'q1'."
        )
    return value


def number(value, what: str, lo: float, hi: float, *, whole: bool = False):
    """A real number between ``lo`` and ``hi`` (inclusive); ``whole`` asks for an integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ComponentError(f"{what} must be a number; got {describe(value)}.")
    if isinstance(value, numbers.Integral):
        value = int(value)
    else:
        value = float(value)
        if not math.isfinite(value):
            raise ComponentError(f"{what} must be an ordinary number, not {value}.")
        if whole:
            if not value.is_integer():
                raise ComponentError(f"{what} must be a whole number; got {value}. Round it.")
            value = int(value)
    if not lo <= value <= hi:
        shown = f"{value:g}" if isinstance(value, float) or value.bit_length() < 60 else "a huge number"
        raise ComponentError(f"{what} must be between {lo:g} and {hi:g}; got {shown}.")
    return value


def mapping(value, what: str) -> Mapping:
    """A dictionary (any Mapping)."""
    if not isinstance(value, Mapping):
        raise ComponentError(f"{what} must be a dictionary of names and values; got {describe(value)}.")
    return value


def items(value, what: str, *, min_n: int = 0, max_n: int = 100) -> list:
    """A list (or tuple) with between ``min_n`` and ``max_n`` entries."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        raise ComponentError(f"{what} must be a list; got {describe(value)}. Use square brackets [...].")
    if len(value) < min_n:
        raise ComponentError(f"{what} needs at least {min_n} entries; it has {len(value)}.")
    if len(value) > max_n:
        raise ComponentError(f"{what} has {len(value)} entries; the most allowed is {max_n}.")
    return list(value)


def fields(data, what: str, required=(), optional=()) -> Mapping:
    """Check that dictionary ``data`` has every required field and no unknown ones."""
    data = mapping(data, what)
    for key in data:
        if not isinstance(key, str):
            raise ComponentError(f"{what} has a field named by {describe(key)}; field names must be text.")
    missing = [k for k in required if k not in data]
    if missing:
        raise ComponentError(f"{what} is missing the field(s) {', '.join(repr(m) for m in missing)}. Add them.")
    allowed = set(required) | set(optional)
    unknown = [k for k in data if k not in allowed]
    if unknown:
        shown = ", ".join(repr(k[:30]) for k in unknown[:5])
        raise ComponentError(
            f"{what} has unknown field(s) {shown}. Allowed fields: {', '.join(sorted(allowed))}. "
            "Check the spelling."
        )
    return data


def kind(data: Mapping, expected: str, what: str, key: str = "kind") -> None:
    """If ``data`` names its kind (under ``key``), it must be ``expected``: work of another kind is refused."""
    if key in data and data[key] != expected:
        raise ComponentError(
            f"{what} describes {describe(data[key])}, not a {expected.replace('_', ' ')}. "
            "Check that you loaded the right data, or correct its fields."
        )


def flag(value, what: str) -> bool:
    """A true/false value (not 0/1, not text)."""
    if not isinstance(value, bool):
        raise ComponentError(f"{what} must be true or false; got {describe(value)}.")
    return value
