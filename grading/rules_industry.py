"""Rules for the industry document: the reference industry, its supply, value chain and trends.

Each rule takes the notebook's namespace (``globals()``) and returns a list of findings.
"""

from __future__ import annotations

import re

from clusterlab.analysis import location_quotient

from . import rules_value_chain
from .findings import (Finding, choice, is_number, lookup, MISSING, not_defined, number, record, rows,
                       table, text, text_list, year, words)

LEVELS = ("international", "national", "regional")
TREND_KINDS = ("consumer", "market")
CODE = re.compile(r"^[A-Z]?\d{2}(\.?\d{1,4})?$")
INDUSTRY_KEYS = ("name", "classification", "activity_codes", "products", "boundaries")
SUPPLY_KEYS = ("level", "figure", "value", "unit", "year", "source")
EMPLOYMENT_KEYS = ("region", "reference_area", "year", "source", "e_ir", "e_r", "E_i", "E")
TREND_KEYS = ("trend", "kind", "evidence", "source")


def reference_structure(ns) -> list[Finding]:
    rule, industry = "reference-structure", lookup(ns, "INDUSTRY")
    if industry is MISSING:
        return not_defined(rule, "INDUSTRY")
    found = record(rule, "INDUSTRY", industry, INDUSTRY_KEYS)
    if found:
        return found
    found += text(rule, "INDUSTRY['name']", industry["name"])
    found += text(rule, "INDUSTRY['classification']", industry["classification"])
    found += text_list(rule, "INDUSTRY['activity_codes']", industry["activity_codes"], 1)
    found += text_list(rule, "INDUSTRY['products']", industry["products"], 1)
    found += text(rule, "INDUSTRY['boundaries']", industry["boundaries"])
    return found


def reference_content(ns) -> list[Finding]:
    rule, industry = "reference-content", lookup(ns, "INDUSTRY")
    if reference_structure(ns):
        return [Finding(rule, "INDUSTRY", "complete the structure of INDUSTRY first (see the finding above).")]
    found = []
    bad = [c for c in industry["activity_codes"] if not CODE.match(c.strip())]
    if bad:
        found.append(Finding(rule, "INDUSTRY['activity_codes']",
                             f"{', '.join(bad[:3])} do(es) not look like activity codes such as '13.96' or 'C14'."))
    found += text_list(rule, "INDUSTRY['products']", industry["products"], 2)
    found += text(rule, "INDUSTRY['boundaries']", industry["boundaries"], min_words=20)
    return found


def supply_structure(ns) -> list[Finding]:
    rule, supply = "supply-structure", lookup(ns, "SUPPLY")
    if supply is MISSING:
        return not_defined(rule, "SUPPLY")
    found = table(rule, "SUPPLY", supply)
    if found:
        return found
    for i, row in enumerate(supply, 1):
        where = f"SUPPLY row {i}"
        problems = record(rule, where, row, SUPPLY_KEYS)
        if not problems:
            problems += choice(rule, f"{where}, level", row["level"], LEVELS)
            problems += text(rule, f"{where}, figure", row["figure"])
            problems += number(rule, f"{where}, value", row["value"], low=None)
            problems += text(rule, f"{where}, unit", row["unit"])
        found += problems
    return found


def supply_levels(ns) -> list[Finding]:
    rule = "supply-levels"
    given = {str(row.get("level", "")).strip().lower() for row in rows(lookup(ns, "SUPPLY"))}
    missing = [level for level in LEVELS if level not in given]
    if missing:
        return [Finding(rule, "SUPPLY", f"add at least one figure at the {', '.join(missing)} level(s).")]
    return []


def supply_sources(ns) -> list[Finding]:
    rule, found = "supply-sources", []
    for i, row in enumerate(rows(lookup(ns, "SUPPLY")), 1):
        found += text(rule, f"SUPPLY row {i}, source", row.get("source"))
        found += year(rule, f"SUPPLY row {i}, year", row.get("year"), earliest=1990)
    return found or ([] if rows(lookup(ns, "SUPPLY")) else [Finding(rule, "SUPPLY", "give the figures with their sources.")])


def supply_ranges(ns) -> list[Finding]:
    rule, found = "supply-ranges", []
    supply = rows(lookup(ns, "SUPPLY"))
    for i, row in enumerate(supply, 1):
        unit, value = row.get("unit"), row.get("value")
        if isinstance(unit, str) and unit.strip() == "%" and is_number(value):
            found += number(rule, f"SUPPLY row {i}, value", value, low=0, high=100)
        elif isinstance(unit, str) and unit.strip().lower() in ("employees", "firms", "establishments") and is_number(value):
            found += number(rule, f"SUPPLY row {i}, value", value, low=0)
    return found if supply else [Finding(rule, "SUPPLY", "give the figures first.")]


def lq_table(ns) -> list[Finding]:
    rule, employment = "lq-table", lookup(ns, "EMPLOYMENT")
    if employment is MISSING:
        return not_defined(rule, "EMPLOYMENT")
    found = record(rule, "EMPLOYMENT", employment, EMPLOYMENT_KEYS)
    if found:
        return found
    for key in ("region", "reference_area", "source"):
        found += text(rule, f"EMPLOYMENT['{key}']", employment[key])
    found += year(rule, "EMPLOYMENT['year']", employment["year"], earliest=1990)
    for key in ("e_ir", "e_r", "E_i", "E"):
        found += number(rule, f"EMPLOYMENT['{key}']", employment[key], low=0)
    if not found:
        try:
            location_quotient(employment["e_ir"], employment["e_r"], employment["E_i"], employment["E"])
        except ValueError as exc:
            found.append(Finding(rule, "EMPLOYMENT", str(exc)))
    return found


def lq_value(ns) -> list[Finding]:
    rule, lq = "lq-value", lookup(ns, "LQ")
    if lq is MISSING:
        return not_defined(rule, "LQ")
    return number(rule, "LQ", lq, low=0) or ([] if lq > 0 else [Finding(rule, "LQ", "a location quotient is above 0.")])


def lq_matches(ns) -> list[Finding]:
    rule = "lq-matches"
    if lq_table(ns) or lq_value(ns):
        return [Finding(rule, "LQ", "complete EMPLOYMENT and LQ first (see the findings above).")]
    e, lq = lookup(ns, "EMPLOYMENT"), lookup(ns, "LQ")
    expected = location_quotient(e["e_ir"], e["e_r"], e["E_i"], e["E"])
    if abs(lq - expected) > max(0.01, 0.01 * expected):
        return [Finding(rule, "LQ", f"LQ is {lq:.3g}, but your EMPLOYMENT table gives "
                        f"(e_ir / e_r) / (E_i / E) = {expected:.3g}.")]
    return []


def chain_structure(ns) -> list[Finding]:
    return rules_value_chain.chain_structure("value-chain-structure", "VALUE_CHAIN", ns)


def chain_content(ns) -> list[Finding]:
    return rules_value_chain.chain_content("value-chain-content", "VALUE_CHAIN", ns)


def trends_structure(ns) -> list[Finding]:
    rule, trends = "trends-structure", lookup(ns, "TRENDS")
    if trends is MISSING:
        return not_defined(rule, "TRENDS")
    found = table(rule, "TRENDS", trends)
    if found:
        return found
    for i, row in enumerate(trends, 1):
        where = f"TRENDS row {i}"
        problems = record(rule, where, row, TREND_KEYS)
        if not problems:
            problems += text(rule, f"{where}, trend", row["trend"])
            problems += choice(rule, f"{where}, kind", row["kind"], TREND_KINDS)
            problems += text(rule, f"{where}, evidence", row["evidence"])
            problems += text(rule, f"{where}, source", row["source"])
        found += problems
    return found


def trends_content(ns) -> list[Finding]:
    rule, trends = "trends-content", rows(lookup(ns, "TRENDS"))
    found = [] if len(trends) >= 4 else [Finding(rule, "TRENDS", f"describe at least 4 trends (you gave {len(trends)}).")]
    kinds = {str(row.get("kind", "")).strip().lower() for row in trends}
    for kind in TREND_KINDS:
        if kind not in kinds:
            found.append(Finding(rule, "TRENDS", f"include at least one {kind} trend."))
    for i, row in enumerate(trends, 1):
        if words(row.get("evidence")) < 8:
            found.append(Finding(rule, f"TRENDS row {i}, evidence", "give the evidence in at least 8 words."))
    return found


#: (rule id, part, check) in the order of the document.
RULES = (
    ("reference-structure", "Reference industry", reference_structure),
    ("reference-content", "Reference industry", reference_content),
    ("supply-structure", "Industry supply", supply_structure),
    ("supply-levels", "Industry supply", supply_levels),
    ("supply-sources", "Industry supply", supply_sources),
    ("supply-ranges", "Industry supply", supply_ranges),
    ("lq-table", "Location quotient", lq_table),
    ("lq-value", "Location quotient", lq_value),
    ("lq-matches", "Location quotient", lq_matches),
    ("value-chain-structure", "Value chain", chain_structure),
    ("value-chain-content", "Value chain", chain_content),
    ("trends-structure", "Consumer and market trends", trends_structure),
    ("trends-content", "Consumer and market trends", trends_content),
)
