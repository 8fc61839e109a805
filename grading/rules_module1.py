"""Rules for the module 1 check: the form of each answer.

Whether an answer is right is tested by the autograder only; these rules say whether it is given in a
form that can be graded, so a trainee can fix the form before submitting.
"""

from __future__ import annotations

from .findings import Finding, choice, lookup, MISSING, not_defined, number

KINDS = ("cluster", "initiative", "organisation")
OPTIONS = ("A", "B", "C", "D", "E", "F")
REGIONS = ("north", "south", "east", "west")


def q1_format(ns) -> list[Finding]:
    rule, answer = "q1-format", lookup(ns, "Q1")
    if answer is MISSING:
        return not_defined(rule, "Q1")
    if not isinstance(answer, dict) or set(answer) != {"a", "b", "c"}:
        return [Finding(rule, "Q1", "answer (a), (b) and (c).")]
    found = []
    for key in ("a", "b", "c"):
        found += choice(rule, f"Q1['{key}']", answer[key], KINDS)
    return found


def q2_format(ns) -> list[Finding]:
    rule, answer = "q2-format", lookup(ns, "Q2")
    if answer is MISSING:
        return not_defined(rule, "Q2")
    if not isinstance(answer, (set, list, tuple)) or not all(isinstance(x, str) for x in answer):
        return [Finding(rule, "Q2", "tick three letters.")]
    letters = {x.strip().upper() for x in answer}
    if not letters <= set(OPTIONS):
        return [Finding(rule, "Q2", f"tick only the letters {', '.join(OPTIONS)}.")]
    if len(letters) != 3:
        return [Finding(rule, "Q2", f"tick exactly three letters (you ticked {len(letters)}).")]
    return []


def q3_format(ns) -> list[Finding]:
    answer = lookup(ns, "Q3")
    if answer is MISSING:
        return not_defined("q3-format", "Q3")
    return number("q3-format", "Q3", answer, low=0)


def q4_format(ns) -> list[Finding]:
    rule, answer = "q4-format", lookup(ns, "Q4")
    if answer is MISSING:
        return not_defined(rule, "Q4")
    if not isinstance(answer, (list, tuple, set)) or not all(isinstance(x, str) for x in answer):
        return [Finding(rule, "Q4", 'tick the regions that get the star, or "No region".')]
    unknown = [x for x in answer if x.strip().lower() not in REGIONS]
    if unknown:
        return [Finding(rule, "Q4", f"use the region names of the table, not {', '.join(map(repr, unknown[:3]))}.")]
    return []


RULES = (
    ("q1-format", "Question 1", q1_format),
    ("q2-format", "Question 2", q2_format),
    ("q3-format", "Question 3", q3_format),
    ("q4-format", "Question 4", q4_format),
)
