"""Checks of a trainee's document, shared by the self-check and the autograder's tests.

In a document, ``check_document(globals())`` lists in plain words what is missing or wrong; the
graded test cells call ``require(rule_id, globals())``, which fails with the same words. Both run the
same rules, so a document that passes its self-check passes the visible tests.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Callable, Iterable

from clusterlab.errors import ClusterlabError

from . import rules_cluster, rules_industry, rules_module1, rules_module2
from .findings import Finding, lookup, MISSING

__all__ = ["DOCUMENTS", "RULES", "Finding", "UnknownRuleError", "check_part", "check_document", "require",
           "report_text"]

Rule = Callable[[Mapping], list]

#: document name -> ((rule id, part, check), ...)
DOCUMENTS: dict[str, tuple] = {
    "industry-document": rules_industry.RULES,
    "cluster-document": rules_cluster.RULES,
    "module-1-check": rules_module1.RULES,
    "module-2-check": rules_module2.RULES,
}
#: rule id -> (document, part, check)
RULES: dict[str, tuple[str, str, Rule]] = {
    rule_id: (document, part, check)
    for document, rules in DOCUMENTS.items() for rule_id, part, check in rules
}
#: A variable that only one document defines tells which document a namespace belongs to.
_MARKERS = {"Q5": "module-2-check", "Q6": "module-2-check",  # before Q1: module 1 has no Q5 or Q6
            "INDUSTRY": "industry-document", "SUPPLY": "industry-document",
            "TIMELINE": "cluster-document", "ACTORS": "cluster-document", "DIAMOND": "cluster-document",
            "Q1": "module-1-check", "Q3": "module-1-check"}


class UnknownRuleError(ClusterlabError, KeyError):
    """No rule, part or document has the name given to :func:`check_part` or :func:`require`."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def _run(rule_id: str, ns: Mapping) -> list[Finding]:
    """Run one rule; anything unexpected becomes a finding instead of an exception."""
    check = RULES[rule_id][2]
    try:
        found = check(ns)
        if isinstance(found, list) and all(isinstance(f, Finding) for f in found):
            return found
        return [Finding(rule_id, rule_id, "this part could not be checked.")]
    except RecursionError:
        return [Finding(rule_id, rule_id, "a value nests too deeply to be checked.")]
    except Exception as exc:  # the checks must never stop a trainee's notebook
        return [Finding(rule_id, rule_id, f"this part could not be checked ({type(exc).__name__}); "
                        "compare your cell with the example in the instructions.")]


def _rule_ids(selector: str) -> list[str]:
    if selector in RULES:
        return [selector]
    chosen = [rid for rid, (doc, part, _) in RULES.items()
              if selector in (doc, part) or part.lower() == selector.lower()]
    if not chosen:
        raise UnknownRuleError(f"Unknown rule, part or document: {selector!r}. Known rules: {', '.join(RULES)}.")
    return chosen


def check_part(selector: str, ns: Mapping) -> list[Finding]:
    """Findings of one rule (``"supply-levels"``), one part (``"Industry supply"``) or one document."""
    found: list[Finding] = []
    for rule_id in _rule_ids(selector):
        found += _run(rule_id, ns)
    return found


def detect_document(ns: Mapping) -> str | None:
    """Which document a namespace belongs to, from the variables it defines (None if unknown)."""
    for name, document in _MARKERS.items():
        if lookup(ns, name) is not MISSING:
            return document
    return None


def report_text(findings: Iterable[Finding], *, title: str = "") -> str:
    """The findings as plain text, grouped by part."""
    findings = list(findings)
    lines = [title] if title else []
    if not findings:
        lines.append("Everything that can be checked automatically is in order.")
        return "\n".join(lines)
    lines.append(f"{len(findings)} thing(s) to fix before you submit:")
    part = None
    for f in findings:
        this = RULES[f.rule][1] if f.rule in RULES else "Other"
        if this != part:
            lines.append(f"\n{this}")
            part = this
        lines.append(f"  - {f}")
    return "\n".join(lines)


class _Report(list):
    """The findings of a self-check; shows itself as a short list in a notebook."""

    def __init__(self, findings, title):
        super().__init__(findings)
        self.title = title

    def __repr__(self) -> str:
        return report_text(self, title=self.title)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(report_text(self, title=self.title)) + "</pre>"


def check_document(ns: Mapping, document: str | None = None) -> list[Finding]:
    """Self-check: every rule of the document, as a list of findings (empty when all is in order).

    ``document`` is ``"industry-document"``, ``"cluster-document"`` or ``"module-1-check"``; when not
    given it is recognised from the variables the namespace defines. Never raises for any namespace.
    """
    document = document or detect_document(ns)
    if document not in DOCUMENTS:
        return _Report([Finding("document", "document", "no answer found yet: fill in and run the cells "
                                "of your document, then run the check again.")], "Self-check")
    found: list[Finding] = []
    for rule_id, _, _ in DOCUMENTS[document]:
        found += _run(rule_id, ns)
    return _Report(found, f"Self-check of the {document.replace('-', ' ')}")


def require(*selectors: str, ns: Mapping | None = None) -> None:
    """Fail with the findings in plain words unless the selected rules find nothing.

    Used by graded test cells: ``require("supply-levels", ns=globals())``.
    """
    found: list[Finding] = []
    for selector in selectors:
        found += check_part(selector, ns if ns is not None else {})
    if found:
        raise AssertionError("\n".join(["Not yet right:"] + [f"  - {f}" for f in found]))
