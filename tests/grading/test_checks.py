"""The document checks: the worked solutions pass, each kind of mistake is found, nothing raises."""

from __future__ import annotations

import copy

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from clusterlab.grading.checks import DOCUMENTS, RULES, Finding, check_document, check_part, require
from clusterlab.grading.database import load_actors
from clusterlab.grading.workflow import SHIPPED_COURSE

def solved(assignment: str) -> dict:
    """The answers of an assignment's worked example, as the grader reads them."""
    path = SHIPPED_COURSE / "examples" / assignment / "answers.json"
    ns = json.loads(path.read_text(encoding="utf-8"))["answers"]
    if assignment == "cluster-document":
        ns["ACTORS"] = load_actors(SHIPPED_COURSE / "examples" / "cluster-document" / "actors.csv")
    return ns


@pytest.fixture(params=list(DOCUMENTS))
def document(request):
    return request.param, solved(request.param)


def test_solutions_pass(document):
    name, ns = document
    assert list(check_document(ns, name)) == []
    assert check_document(ns) == []  # recognised from its variables


def _rules(found):
    return {f.rule for f in found}


MISTAKES = [
    ("industry-document", lambda ns: ns.pop("INDUSTRY"), {"reference-structure", "reference-content"}),
    ("industry-document", lambda ns: ns["INDUSTRY"].update(activity_codes=["textiles"]), {"reference-content"}),
    ("industry-document", lambda ns: ns["INDUSTRY"].update(boundaries="too short"), {"reference-content"}),
    ("industry-document", lambda ns: ns["SUPPLY"][0].pop("unit"), {"supply-structure"}),
    ("industry-document", lambda ns: ns.update(SUPPLY=[r for r in ns["SUPPLY"] if r["level"] != "regional"]),
     {"supply-levels"}),
    ("industry-document", lambda ns: ns["SUPPLY"][2].update(source=""), {"supply-sources"}),
    ("industry-document", lambda ns: ns["SUPPLY"][2].update(year=1850), {"supply-sources"}),
    ("industry-document", lambda ns: ns["SUPPLY"][1].update(value=131.5), {"supply-ranges"}),
    ("industry-document", lambda ns: ns["SUPPLY"][0].update(value="many"), {"supply-structure"}),
    ("industry-document", lambda ns: ns["EMPLOYMENT"].update(e_ir=500000), {"lq-table", "lq-matches"}),
    ("industry-document", lambda ns: ns.update(LQ=2.0), {"lq-matches"}),
    ("industry-document", lambda ns: ns.update(LQ="3"), {"lq-value", "lq-matches"}),
    ("industry-document", lambda ns: ns["VALUE_CHAIN"][0].update(location="abroad"), {"value-chain-structure"}),
    ("industry-document", lambda ns: ns.update(VALUE_CHAIN=ns["VALUE_CHAIN"][:3]), {"value-chain-content"}),
    ("industry-document", lambda ns: ns.update(TRENDS=[t for t in ns["TRENDS"] if t["kind"] == "market"]),
     {"trends-content"}),
    ("industry-document", lambda ns: ns["TRENDS"][0].update(kind="fashion"), {"trends-structure"}),
    ("cluster-document", lambda ns: ns["TIMELINE"].reverse(), {"history-timeline"}),
    ("cluster-document", lambda ns: ns["TIMELINE"][0].update(year=2999), {"history-timeline"}),
    ("cluster-document", lambda ns: ns["FACTORS"][0].update(effect="mixed"), {"impacting-factors"}),
    ("cluster-document", lambda ns: ns["KEY_FIGURES"].update(export_share_percent=120), {"key-figures-structure", "key-figures-consistency"}),
    ("cluster-document", lambda ns: ns["KEY_FIGURES"].update(members=3), {"key-figures-consistency"}),
    ("cluster-document", lambda ns: ns["KEY_FIGURES"].update(firms=2), {"key-figures-consistency"}),
    ("cluster-document", lambda ns: ns.update(CLUSTER_MAP=[r for r in ns["CLUSTER_MAP"] if r["category"] != "core"]),
     {"cluster-map"}),
    ("cluster-document", lambda ns: ns["DIAMOND"]["demand_conditions"].update(rating=7), {"diamond-structure", "diamond-evidence"}),
    ("cluster-document", lambda ns: ns["DIAMOND"]["demand_conditions"].update(evidence="good"), {"diamond-evidence"}),
    ("cluster-document", lambda ns: ns["DIAMOND"].update(related_supporting=ns["DIAMOND"].pop(
        "related_and_supporting_industries")), {"diamond-structure", "diamond-evidence"}),
    ("cluster-document", lambda ns: ns["ACTORS"][0].update(helix="business"), {"database-values"}),
    ("cluster-document", lambda ns: ns["ACTORS"].append(dict(ns["ACTORS"][1])),
     {"database-values", "key-figures-consistency"}),
    ("cluster-document", lambda ns: ns.update(ACTORS=[a for a in ns["ACTORS"] if a["helix"] != "government"]),
     {"database-coverage", "key-figures-consistency"}),
    ("module-1-check", lambda ns: ns.update(Q1={"a": "cluster"}), {"q1-format"}),
    ("module-1-check", lambda ns: ns.update(Q2={"A", "C"}), {"q2-format"}),
    ("module-1-check", lambda ns: ns.update(Q2={"A", "C", "Z"}), {"q2-format"}),
    ("module-1-check", lambda ns: ns.update(Q3="0.6"), {"q3-format"}),
    ("module-1-check", lambda ns: ns.update(Q4=["Nowhere"]), {"q4-format"}),
]


@pytest.mark.parametrize("assignment, mistake, expected", MISTAKES)
def test_each_mistake_is_found(assignment, mistake, expected):
    ns = copy.deepcopy(solved(assignment))
    mistake(ns)
    found = check_document(ns, assignment)
    assert _rules(found) == expected, [str(f) for f in found]
    assert all(isinstance(f, Finding) and f.message for f in found)
    with pytest.raises(AssertionError, match="Not yet right"):
        require(*expected, ns=ns)


def test_intermediary_is_a_helix_role_but_not_required():
    ns = solved("cluster-document")
    assert {row["helix"] for row in ns["ACTORS"]} >= {"intermediary"}
    for row in ns["ACTORS"]:
        if row["helix"] == "intermediary":
            row["helix"] = "industry"
    assert check_document(ns, "cluster-document") == []


def test_template_database_is_not_accepted():
    ns = solved("cluster-document")
    ns["ACTORS"] = load_actors(SHIPPED_COURSE / "source" / "cluster-document" / "actors.csv")
    assert _rules(check_part("Cluster database", ns)) == {"database-structure", "database-values", "database-coverage"}


def test_unknown_selector():
    with pytest.raises(KeyError):
        check_part("no-such-rule", {})


def test_report_is_plain_text():
    text = repr(check_document({}, "industry-document"))
    assert "INDUSTRY" in text and "fill in the form of this part" in text and "Traceback" not in text


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    | st.tuples(inner, inner) | st.sets(st.text(max_size=3), max_size=4),
    max_leaves=30)
NAMES = ["INDUSTRY", "SUPPLY", "EMPLOYMENT", "LQ", "VALUE_CHAIN", "TRENDS", "TIMELINE", "FACTORS",
         "KEY_FIGURES", "CLUSTER_VALUE_CHAIN", "CLUSTER_MAP", "DIAMOND", "ACTORS", "Q1", "Q2", "Q3", "Q4"]


class Hostile(dict):
    def get(self, *args):
        raise RuntimeError("boom")

    def __repr__(self):
        raise RuntimeError("no repr")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NAMES), json_like | st.builds(Hostile), max_size=10),
       st.sampled_from([None, *DOCUMENTS]))
def test_checks_never_raise(ns, document):
    found = check_document(ns, document)
    assert isinstance(found, list) and all(isinstance(f, Finding) for f in found)
    for rule_id in RULES:
        assert all(isinstance(f, Finding) for f in check_part(rule_id, ns))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["industry-document", "cluster-document"]), st.data())
def test_single_field_corruption_never_raises(assignment, data):
    ns = copy.deepcopy(solved(assignment))
    name = data.draw(st.sampled_from(sorted(k for k in ns if k.isupper())))
    value = ns[name]
    if isinstance(value, dict) and value:
        value[data.draw(st.sampled_from(sorted(value)))] = data.draw(json_like)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        row = value[data.draw(st.integers(0, len(value) - 1))]
        row[data.draw(st.sampled_from(sorted(row)))] = data.draw(json_like)
    else:
        ns[name] = data.draw(json_like)
    assert all(isinstance(f, Finding) for f in check_document(ns, assignment))
