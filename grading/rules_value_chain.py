"""The value-chain rules that both documents share (the industry's chain and the cluster's chain).

A value chain is a table of stages, each with its ``stage`` name, its ``activities`` (a list of
texts) and the ``location`` where it mainly happens, one of the keys of
:data:`clusterlab.vocabulary.VALUE_CHAIN_LOCATIONS`. Each document calls these two rules with its own
rule id and variable name.
"""

from __future__ import annotations

from clusterlab.vocabulary import VALUE_CHAIN_LOCATIONS

from .findings import Finding, choice, lookup, MISSING, not_defined, record, rows, table, text, text_list

__all__ = ["CHAIN_KEYS", "LOCATIONS", "MIN_STAGES", "chain_structure", "chain_content"]

CHAIN_KEYS = ("stage", "activities", "location")
LOCATIONS = tuple(VALUE_CHAIN_LOCATIONS)
MIN_STAGES = 4


def chain_structure(rule: str, name: str, ns) -> list[Finding]:
    """Every stage of the table ``name`` has a name, a list of activities and a known location."""
    chain = lookup(ns, name)
    if chain is MISSING:
        return not_defined(rule, name)
    found = table(rule, name, chain)
    if found:
        return found
    for i, row in enumerate(chain, 1):
        where = f"{name} row {i}"
        problems = record(rule, where, row, CHAIN_KEYS)
        if not problems:
            problems += text(rule, f"{where}, stage", row["stage"])
            problems += text_list(rule, f"{where}, activities", row["activities"], 1)
            problems += choice(rule, f"{where}, location", row["location"], LOCATIONS)
        found += problems
    return found


def chain_content(rule: str, name: str, ns) -> list[Finding]:
    """At least ``MIN_STAGES`` stages in the table ``name``, each named once."""
    stages = [str(row.get("stage", "")).strip().lower() for row in rows(lookup(ns, name))]
    found = [] if len(stages) >= MIN_STAGES else [
        Finding(rule, name, f"describe at least {MIN_STAGES} stages (you gave {len(stages)}).")]
    twice = sorted({s for s in stages if stages.count(s) > 1})
    if twice:
        found.append(Finding(rule, name, f"each stage should appear once; repeated: {', '.join(twice)}."))
    return found
