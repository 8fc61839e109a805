"""What a graded test cell asks, read as data: ``check(...)`` and ``expect(...)`` lines.

A test cell of a document holds only declarations, one per line, and comments::

    # Test: description (a) is classified correctly.
    check("q1-format")
    ### BEGIN HIDDEN TESTS
    expect("Q1.a", equals="cluster", message="Description (a) is not classified correctly.")
    ### END HIDDEN TESTS

- ``check(rule, ...)``: the rules of :mod:`clusterlab.grading.checks` must find nothing;
- ``expect(path, equals=...)``: the answer at ``path`` (``"Q1.a"``: key ``Q1``, field ``a``) equals the
  value (texts compared without case and outer spaces);
- ``expect(path, same_as=[...])``: the answer is a list holding exactly these items, in any order;
- ``expect(path, overlap=[...], at_least=n)``: at least ``n`` of the answer's items are among these;
- ``expect(path, near=x, within=d)``: the answer is a number within ``d`` of ``x``.

The autograder never runs these lines: :func:`declarations` reads them with Python's parser, accepts
literal values only, and :func:`evaluate` applies them to the submitted answers in the grading
process. In the trainee's notebook the same lines are ordinary calls (:mod:`.document`), so a trainee
runs the visible checks on their own answers; the hidden lines are removed from their copy.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from clusterlab.errors import ClusterlabError

from .checks import RULES, check_part

__all__ = ["Declaration", "KeyError_", "declarations", "evaluate", "Outcome"]

_EXPECT_KINDS = ("equals", "same_as", "overlap", "near")


class KeyError_(ClusterlabError, ValueError):
    """A test cell that is not made of ``check``/``expect`` lines (an error in the course's source)."""


@dataclass(frozen=True)
class Declaration:
    verb: str  # "check" or "expect"
    args: tuple
    options: tuple  # sorted (name, value) pairs


@dataclass
class Outcome:
    """The result of one test cell: passed or not, and the messages for the trainee."""

    passed: bool
    messages: list[str] = field(default_factory=list)


def _literal(node: ast.AST, where: str):
    try:
        return ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError, RecursionError):
        raise KeyError_(f"{where}: only plain values (texts, numbers, lists) may be given.") from None


def declarations(source: str, *, where: str = "test cell") -> list[Declaration]:
    """The declarations of a test cell's source; raises :class:`KeyError_` for anything else."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError) as exc:
        raise KeyError_(f"{where}: cannot be read ({exc}).") from None
    found = []
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id in ("check", "expect")):
            raise KeyError_(f"{where}, line {statement.lineno}: a test cell holds only check(...) and "
                            "expect(...) lines.")
        args = tuple(_literal(a, where) for a in call.args)
        options = tuple(sorted((k.arg, _literal(k.value, where)) for k in call.keywords if k.arg))
        decl = Declaration(call.func.id, args, options)
        _validate(decl, where)
        found.append(decl)
    return found


def _validate(decl: Declaration, where: str) -> None:
    if decl.verb == "check":
        unknown = [a for a in decl.args if a not in RULES]
        if not decl.args or unknown or decl.options:
            raise KeyError_(f"{where}: check() takes rule ids of clusterlab.grading.checks; unknown: {unknown}.")
        return
    options = dict(decl.options)
    kinds = [k for k in _EXPECT_KINDS if k in options]
    if len(decl.args) != 1 or not isinstance(decl.args[0], str) or len(kinds) != 1:
        raise KeyError_(f"{where}: expect() takes a path such as \"Q1.a\" and one of {', '.join(_EXPECT_KINDS)}.")
    allowed = {kinds[0], "message", "at_least", "within"}
    if set(options) - allowed:
        raise KeyError_(f"{where}: expect() does not know {', '.join(sorted(set(options) - allowed))}.")


def _at(answers: Mapping, path: str):
    value = answers
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _norm(value):
    return value.strip().casefold() if isinstance(value, str) else value


def _items(value) -> list | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [_norm(v) for v in value]
    return None


def _expect(answers: Mapping, decl: Declaration) -> bool:
    options = dict(decl.options)
    value = _at(answers, decl.args[0])
    if "equals" in options:
        return value is not None and _norm(value) == _norm(options["equals"])
    if "near" in options:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
        return abs(value - options["near"]) <= options.get("within", 0)
    items = _items(value)
    if items is None:
        return False
    wanted = {_norm(v) for v in (options.get("same_as") or options.get("overlap") or [])}
    if "same_as" in options:
        return set(items) == wanted and len(items) == len(set(items))
    return len(set(items) & wanted) >= int(options.get("at_least", len(wanted)))


def evaluate(decls: list[Declaration], answers: Mapping) -> Outcome:
    """Apply a test cell's declarations to the answers (plain data); never raises."""
    outcome = Outcome(True)
    for decl in decls:
        if decl.verb == "check":
            for rule in decl.args:
                found = check_part(rule, answers)
                if found:
                    outcome.passed = False
                    outcome.messages += [str(f) for f in found]
        else:
            try:
                right = _expect(answers, decl)
            except Exception:  # a value of an unexpected shape is simply not right
                right = False
            if not right:
                outcome.passed = False
                outcome.messages.append(dict(decl.options).get("message") or "This answer is not right.")
    return outcome
