"""Rules for the cluster document: history, factors, key figures, value chain, map, diamond, database.

Each rule takes the notebook's namespace (``globals()``) and returns a list of findings.
"""

from __future__ import annotations

from clusterlab.vocabulary import DIAMOND_FACTORS

from . import rules_value_chain
from .database import COLUMNS, EXAMPLE_MARK, HELIX, MEMBER, SIZES, STRANDS, TYPES
from .findings import (Finding, choice, lookup, MISSING, not_defined, number, record, rows, table, text,
                       year)

EFFECTS = ("positive", "negative")
MAP_CATEGORIES = ("core", "suppliers", "related", "customers", "knowledge", "support")
#: The four corners of Porter's diamond, rated in the document: the vocabulary lists them first,
#: then the two outside influences (government, chance), which the document does not rate.
DIAMOND_CORNERS = tuple(DIAMOND_FACTORS)[:4]
FIGURE_KEYS = ("year", "source", "firms", "employees", "turnover_million_eur", "export_share_percent",
               "sme_share_percent", "members")


def timeline(ns) -> list[Finding]:
    rule, events = "history-timeline", lookup(ns, "TIMELINE")
    if events is MISSING:
        return not_defined(rule, "TIMELINE")
    found = table(rule, "TIMELINE", events, min_rows=4)
    if found:
        return found
    years = []
    for i, row in enumerate(events, 1):
        problems = record(rule, f"TIMELINE row {i}", row, ("year", "event"))
        if not problems:
            problems += year(rule, f"TIMELINE row {i}, year", row["year"])
            problems += text(rule, f"TIMELINE row {i}, event", row["event"], min_words=3)
            years.append(row["year"])
        found += problems
    if not found and years != sorted(years):
        found.append(Finding(rule, "TIMELINE", "put the events in order, the earliest year first."))
    return found


def factors(ns) -> list[Finding]:
    rule, given = "impacting-factors", lookup(ns, "FACTORS")
    if given is MISSING:
        return not_defined(rule, "FACTORS")
    found = table(rule, "FACTORS", given, min_rows=3)
    if found:
        return found
    for i, row in enumerate(given, 1):
        problems = record(rule, f"FACTORS row {i}", row, ("factor", "effect", "explanation"))
        if not problems:
            problems += text(rule, f"FACTORS row {i}, factor", row["factor"])
            problems += choice(rule, f"FACTORS row {i}, effect", row["effect"], EFFECTS)
            problems += text(rule, f"FACTORS row {i}, explanation", row["explanation"], min_words=8)
        found += problems
    return found


def figures_structure(ns) -> list[Finding]:
    rule, figures = "key-figures-structure", lookup(ns, "KEY_FIGURES")
    if figures is MISSING:
        return not_defined(rule, "KEY_FIGURES")
    found = record(rule, "KEY_FIGURES", figures, FIGURE_KEYS)
    if found:
        return found
    found += year(rule, "KEY_FIGURES['year']", figures["year"], earliest=1990)
    found += text(rule, "KEY_FIGURES['source']", figures["source"])
    for key in ("firms", "employees", "members"):
        found += number(rule, f"KEY_FIGURES['{key}']", figures[key], low=0, integer=True)
    found += number(rule, "KEY_FIGURES['turnover_million_eur']", figures["turnover_million_eur"], low=0)
    for key in ("export_share_percent", "sme_share_percent"):
        found += number(rule, f"KEY_FIGURES['{key}']", figures[key], low=0, high=100)
    return found


def figures_consistency(ns) -> list[Finding]:
    rule, figures, actors = "key-figures-consistency", lookup(ns, "KEY_FIGURES"), _actors(ns)
    if figures_structure(ns) or not actors:
        return [Finding(rule, "KEY_FIGURES", "complete KEY_FIGURES and the cluster database first.")]
    found = []
    members = sum(1 for a in actors if _cell(a, "member") == "yes")
    if figures["members"] != members:
        found.append(Finding(rule, "KEY_FIGURES['members']", f"you wrote {figures['members']}, but your "
                             f"cluster database marks {members} actors as members: make them agree."))
    firms = sum(1 for a in actors if _cell(a, "type") == "firm")
    if figures["firms"] < firms:
        found.append(Finding(rule, "KEY_FIGURES['firms']", f"you wrote {figures['firms']}, but your cluster "
                             f"database already lists {firms} firms: the cluster has at least that many."))
    if figures["members"] > figures["firms"] + len(actors):
        found.append(Finding(rule, "KEY_FIGURES['members']", "there cannot be more members than actors."))
    return found


def chain_structure(ns) -> list[Finding]:
    return rules_value_chain.chain_structure("cluster-chain-structure", "CLUSTER_VALUE_CHAIN", ns)


def chain_content(ns) -> list[Finding]:
    return rules_value_chain.chain_content("cluster-chain-content", "CLUSTER_VALUE_CHAIN", ns)


def cluster_map(ns) -> list[Finding]:
    rule, groups = "cluster-map", lookup(ns, "CLUSTER_MAP")
    if groups is MISSING:
        return not_defined(rule, "CLUSTER_MAP")
    found = table(rule, "CLUSTER_MAP", groups, min_rows=4)
    if found:
        return found
    for i, row in enumerate(groups, 1):
        problems = record(rule, f"CLUSTER_MAP row {i}", row, ("group", "category"))
        if not problems:
            problems += text(rule, f"CLUSTER_MAP row {i}, group", row["group"])
            problems += choice(rule, f"CLUSTER_MAP row {i}, category", row["category"], MAP_CATEGORIES)
        found += problems
    categories = {str(row.get("category", "")).strip().lower() for row in rows(groups)}
    if not found and ("core" not in categories or len(categories) < 4):
        found.append(Finding(rule, "CLUSTER_MAP", "use at least 4 different categories, including 'core'."))
    return found


def diamond_structure(ns) -> list[Finding]:
    rule, diamond = "diamond-structure", lookup(ns, "DIAMOND")
    if diamond is MISSING:
        return not_defined(rule, "DIAMOND")
    found = record(rule, "DIAMOND", diamond, DIAMOND_CORNERS)
    if found:
        return found
    for key in DIAMOND_CORNERS:
        problems = record(rule, f"DIAMOND['{key}']", diamond[key], ("rating", "evidence"))
        found += problems or number(rule, f"DIAMOND['{key}']['rating']", diamond[key]["rating"],
                                    low=1, high=5, integer=True)
    return found


def diamond_evidence(ns) -> list[Finding]:
    rule, diamond = "diamond-evidence", lookup(ns, "DIAMOND")
    if diamond_structure(ns):
        return [Finding(rule, "DIAMOND", "complete the structure of DIAMOND first.")]
    found = []
    for key in DIAMOND_CORNERS:
        found += text(rule, f"DIAMOND['{key}']['evidence']", diamond[key]["evidence"], min_words=8)
    return found


def _cell(row, column: str) -> str:
    value = row.get(column, "") if hasattr(row, "get") else ""
    return value.strip().lower() if isinstance(value, str) else ""


def _actors(ns) -> list:
    return rows(lookup(ns, "ACTORS"))


def database_structure(ns) -> list[Finding]:
    rule, actors = "database-structure", lookup(ns, "ACTORS")
    if actors is MISSING:
        return not_defined(rule, "ACTORS")
    problems = getattr(actors, "problems", None)
    if isinstance(problems, list) and problems:
        return [Finding(rule, "ACTORS", str(p)) for p in problems]
    found = table(rule, "ACTORS", actors)
    if found:
        return found
    examples = [i for i, row in enumerate(actors, 1) if EXAMPLE_MARK in str(row.get("name", ""))]
    if examples:
        found.append(Finding(rule, "ACTORS", f"delete the template's example row(s) {', '.join(map(str, examples))} "
                             "and list the actors of your own cluster."))
    missing = [c for c in COLUMNS if any(c not in row for row in actors)]
    if missing:
        found.append(Finding(rule, "ACTORS", f"the database needs the column(s): {', '.join(missing)}."))
    return found


def database_values(ns) -> list[Finding]:
    rule, actors, found = "database-values", _actors(ns), []
    if database_structure(ns):
        return [Finding(rule, "ACTORS", "complete the cluster database first (see the findings above).")]
    vocab = {"type": TYPES, "helix": HELIX, "size": SIZES, "member": MEMBER}
    for i, row in enumerate(actors, 1):
        where = f"ACTORS row {i} ({str(row.get('name', ''))[:30] or 'no name'})"
        found += text(rule, f"{where}, name", row.get("name"))
        found += text(rule, f"{where}, location", row.get("location"))
        for column, allowed in vocab.items():
            found += choice(rule, f"{where}, {column}", row.get(column), allowed)
    names = [_cell(row, "name") for row in actors if _cell(row, "name")]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        found.append(Finding(rule, "ACTORS", f"each actor should appear once; repeated: {', '.join(twice[:5])}."))
    return found


def database_coverage(ns) -> list[Finding]:
    rule, actors = "database-coverage", _actors(ns)
    if database_structure(ns):
        return [Finding(rule, "ACTORS", "complete the cluster database first (see the findings above).")]
    real = sum(1 for row in actors if EXAMPLE_MARK not in str(row.get("name", "")))
    found = [] if real >= 10 else [Finding(rule, "ACTORS", f"list at least 10 actors of your cluster (you listed {real}).")]
    helix = {_cell(row, "helix") for row in actors}
    missing = [h for h in STRANDS if h not in helix]
    if missing:
        found.append(Finding(rule, "ACTORS", f"a cluster involves all three helices: add {', '.join(missing)} actors."))
    if not any(_cell(row, "member") == "yes" for row in actors):
        found.append(Finding(rule, "ACTORS", "mark the members of the cluster organisation with 'yes'."))
    return found


RULES = (
    ("history-timeline", "History and origins", timeline),
    ("impacting-factors", "Impacting factors", factors),
    ("key-figures-structure", "Key facts and figures", figures_structure),
    ("key-figures-consistency", "Key facts and figures", figures_consistency),
    ("cluster-chain-structure", "Value chain and cluster map", chain_structure),
    ("cluster-chain-content", "Value chain and cluster map", chain_content),
    ("cluster-map", "Value chain and cluster map", cluster_map),
    ("diamond-structure", "Cluster diamond", diamond_structure),
    ("diamond-evidence", "Cluster diamond", diamond_evidence),
    ("database-structure", "Cluster database", database_structure),
    ("database-values", "Cluster database", database_values),
    ("database-coverage", "Cluster database", database_coverage),
)
