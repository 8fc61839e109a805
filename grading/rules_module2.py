"""Rules for the module 2 check: the form of each answer, never whether it is right.

The autograder alone decides whether an answer is right (the hidden ``expect`` lines of the assignment).
These rules only say whether an answer can be graded: a number where a number is asked, a choice among
the options offered, the number of ticks asked for. A trainee can then fix the form before handing in.

Each rule looks at one graded part only (``Q1.lq``, ``Q1.size`` ...), and the test cell of that part
checks that rule alone: a part left empty costs its own points, never those of the other parts.

The answers are the records and lists saved by the forms of ``forms.yaml`` (section ``module-2-check``):
a record has every field, ``None`` for a field left empty; a list of ticks is ``[]`` when the trainee
ticked "No region" or "None of them".
"""

from __future__ import annotations

from collections.abc import Mapping

from .findings import Finding, choice, lookup, MISSING, number

#: The options of each question, as saved by the forms (the keys of forms.yaml's choices).
TRAINEES = ("ana", "ben", "carla")
DENOMINATOR_REASONS = ("mixed", "reference", "bigger", "size")
REGIONS = ("marche", "campania", "veneto", "lombardia", "emilia-romagna", "puglia")
STARS = ("size", "specialisation", "focus")
LETTERS = ("A", "B", "C", "D", "E", "F")
TYPES = ("raw_materials", "processes", "technology", "product", "market")
FACTORS = ("core_group", "scope", "incumbents", "budget")


def _field(ns, key: str, field: str | None, rule: str) -> tuple[object, list[Finding]]:
    """The answer ``key`` (or its ``field``), or the findings that say it is not given yet."""
    where = key if field is None else f"{key}['{field}']"
    answer = lookup(ns, key)
    if answer is not MISSING and field is not None:
        if not isinstance(answer, Mapping) or field not in answer:
            return MISSING, [Finding(rule, where, "answer this part in the form.")]
        answer = answer[field]
    if answer is MISSING or answer is None:
        return MISSING, [Finding(rule, where, "not answered yet: fill in this part of the form.")]
    return answer, []


def _ticks(rule: str, where: str, value, options: tuple[str, ...], none_word: str) -> list[Finding]:
    """A list of options (``[]`` when the trainee ticked "none")."""
    if not isinstance(value, (list, tuple, set)) or not all(isinstance(x, str) for x in value):
        return [Finding(rule, where, f'tick the options that apply, or "{none_word}".')]
    unknown = [x for x in value if x.strip().lower() not in options]
    if unknown:
        return [Finding(rule, where, f"tick only options of the form, not {', '.join(map(repr, unknown[:3]))}.")]
    return []


def _letters(rule: str, where: str, value, count: int) -> list[Finding]:
    """Exactly ``count`` of the letters A to F."""
    if not isinstance(value, (list, tuple, set)) or not all(isinstance(x, str) for x in value):
        return [Finding(rule, where, f"tick {count} letters.")]
    letters = {x.strip().upper() for x in value}
    if not letters <= set(LETTERS):
        return [Finding(rule, where, f"tick only the letters {', '.join(LETTERS)}.")]
    if len(letters) != count:
        return [Finding(rule, where, f"tick exactly {count} letters (you ticked {len(letters)}).")]
    return []


def _rule(rule: str, key: str, field: str | None, check):
    """A rule on one answer: ``check(rule, where, value)`` once the answer is given."""
    def run(ns) -> list[Finding]:
        value, found = _field(ns, key, field, rule)
        if found:
            return found
        return check(rule, key if field is None else f"{key}['{field}']", value)
    run.__name__ = rule.replace("-", "_")
    run.__doc__ = f"The form of {key}{'' if field is None else '.' + field} (never whether it is right)."
    return run


def _quotient(rule, where, value):
    return number(rule, where, value, low=0)


def _percent(rule, where, value):
    return number(rule, where, value, low=0, high=100)


def _persons(rule, where, value):
    return number(rule, where, value, low=None)


def _one_of(options):
    return lambda rule, where, value: choice(rule, where, value, options)


def _ticked(options, none_word):
    return lambda rule, where, value: _ticks(rule, where, value, options, none_word)


#: (rule id, answer key, field, check of its form); the test cell of each graded part checks its rule.
_FORMS = (
    ("m2-q1-lq", "Q1", "lq", _quotient),
    ("m2-q1-size", "Q1", "size", _percent),
    ("m2-q1-focus", "Q1", "focus", _percent),
    ("m2-q2-a", "Q2", "a", _ticked(TRAINEES, "None of them")),
    ("m2-q2-b", "Q2", "b", _one_of(DENOMINATOR_REASONS)),
    *((f"m2-q3-{star}", "Q3", star, _ticked(REGIONS, "No region")) for star in STARS),
    ("m2-q4-national", "Q4", "national", _persons),
    ("m2-q4-mix", "Q4", "mix", _persons),
    ("m2-q4-regional", "Q4", "regional", _persons),
    ("m2-q5", "Q5", None, lambda rule, where, value: _letters(rule, where, value, 2)),
    ("m2-q6-a", "Q6", "a", _one_of(TYPES)),
    ("m2-q6-b", "Q6", "b", _one_of(TYPES)),
    ("m2-q6-c", "Q6", "c", _one_of(FACTORS)),
)

RULES = tuple((rule, f"Question {key[1:]}", _rule(rule, key, field, check)) for rule, key, field, check in _FORMS)
