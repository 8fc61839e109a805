"""The cluster diamond today and ideal: scores, assessments, gaps, reading the cases, saving, and the view."""

import json

import ipywidgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.widgets import ComponentError, DiamondComparison, DiamondView, FactorScore, WorkStore
from clusterlab.widgets.diamond import CORNERS

DIAMOND = {"today": {"factor_conditions": {"score": 2, "assessment": "Old skills, no treatment plant."},
                     "demand_conditions": {"score": 1}, "chance": {"score": 2}},
           "ideal": {"factor_conditions": {"score": 5}, "demand_conditions": {"score": 5},
                     "government": {"score": 4}}}


def test_gaps_only_for_factors_assessed_on_both_sides():
    d = DiamondComparison.from_dict(DIAMOND)
    assert d.gaps() == [("demand_conditions", 4), ("factor_conditions", 3)]
    assert d.scores("today") == {"factor_conditions": 2, "demand_conditions": 1, "chance": 2}
    assert d.factor("government", "today") is None and d.factor("government", "ideal").score == 4


def test_scoring_describing_and_clearing_a_factor():
    d = DiamondComparison()
    with pytest.raises(ComponentError, match="Score Government \\(today\\) before"):
        d.set_assessment("government", "today", "Subsidies withdrawn.")
    d.set_score("government", "today", 3)
    d.set_assessment("government", "today", "  Subsidies withdrawn.  ")
    assert d.factor("government", "today") == FactorScore(3, "Subsidies withdrawn.")
    d.set_score("government", "today", None)
    assert d.factor("government", "today") is None
    r = DiamondComparison.from_dict({"today": {"chance": {"score": 2, "source": "doc", "basis": "reconstructed",
                                                          "note": "by the course"}}})
    r.set_score("chance", "today", 2)
    assert r.factor("chance", "today").provenance.basis == "reconstructed"
    r.set_score("chance", "today", 3)
    assert r.factor("chance", "today").provenance.basis == "own"


@pytest.mark.parametrize("call, fragment", [
    (lambda d: d.set_score("chance", "today", 0), "between 1 and 5"),
    (lambda d: d.set_score("chance", "today", 5.5), "whole number"),
    (lambda d: d.set_score("chance", "today", "4"), "must be a number"),
    (lambda d: d.set_score("luck", "today", 4), "no factor"),
    (lambda d: d.set_score("chance", "later", 4), "'today' or 'ideal'"),
    (lambda d: d.set_assessment("chance", "today", "a" * 2001), "too long"),
    (lambda d: d.set_assessment("chance", "today", ["a"]), "must be text"),
    (lambda d: d.factor(None, "today"), "no factor"),
])
def test_invalid_edits_are_refused_and_change_nothing(call, fragment):
    d = DiamondComparison.from_dict(DIAMOND)
    before = d.to_dict()
    with pytest.raises(ComponentError, match=fragment):
        call(d)
    assert d.to_dict() == before


@pytest.mark.parametrize("data", [
    None, [], {"today": []}, {"today": {"luck": {"score": 3}}}, {"today": {"chance": {"score": 6}}},
    {"today": {"chance": {"assessment": "no score"}}}, {"today": {"chance": 3}}, {"year": 10**400},
    {"kind": "five_forces"}, {"today": {}, "extra": 1}, {"title": ""},
    {"today": {"chance": {"score": 3, "basis": "reconstructed"}}},
])
def test_invalid_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        DiamondComparison.from_dict(data)


def test_unicode_json_round_trip_and_work_store():
    d = DiamondComparison.from_dict({**DIAMOND, "year": 2017, "title": "Distretto tessile — 纺织"})
    d.set_assessment("chance", "today", "Brexit: les marchés changent")
    assert DiamondComparison.from_dict(json.loads(json.dumps(d.to_dict()))) == d
    WorkStore("dia").save(d.to_dict())
    assert DiamondComparison.from_dict(WorkStore("dia").load()) == d


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_from_case_reads_both_diamonds(cases, case_files, name):
    d = DiamondComparison.from_case(cases[name])
    raw = case_files[name]
    for side in ("today", "ideal"):
        written = raw[f"diamond_{side}"]
        assert d.scores(side) == {c: written[c]["score"] for c in CORNERS if c in written}
        for c, f in getattr(d, side).items():
            assert f.provenance.basis == written[c]["basis"] and f.assessment == " ".join(
                written[c]["assessment"].split())
    both = [c for c in CORNERS if c in raw["diamond_today"] and c in raw["diamond_ideal"]]
    assert dict(d.gaps()) == {c: raw["diamond_ideal"][c]["score"] - raw["diamond_today"][c]["score"] for c in both}
    assert DiamondComparison.from_dict(json.loads(json.dumps(d.to_dict()))) == d


def test_igualada_diamond(cases):
    d = DiamondComparison.from_case(cases["igualada"])
    assert d.year == 1994 and d.factor("chance", "ideal") is None
    assert d.gaps()[:2] == [("demand_conditions", 4), ("strategy_structure_and_rivalry", 4)]


def test_from_case_needs_both_diamonds():
    with pytest.raises(ComponentError, match="both a diamond today and an ideal one"):
        DiamondComparison.from_case({"diamond_today": {}})
    with pytest.raises(ComponentError, match="Chance"):
        DiamondComparison.from_case({"diamond_today": {"chance": {"score": 9}}, "diamond_ideal": {}})


# -- the view ------------------------------------------------------------------------------------
def test_view_draws_today_and_ideal_with_gaps_for_unassessed_factors(cases):
    view = DiamondView(DiamondComparison.from_case(cases["igualada"]), read_only=True)
    today, ideal = view.figure.data
    assert today.r == (2, 1, 2, 1, 3, 2, 2) and ideal.r == (5, 5, 4, 5, 4, None, 5)
    assert set(today.marker.symbol) == {"circle-open"} and "Reconstructed for teaching" in view.notes.value
    assert "today (1994)" == today.name and "Largest gaps: Demand conditions (+4)" in view.summary.value


def test_factor_picker_shows_both_assessments_even_when_read_only(cases, widgets_in):
    view = DiamondView(DiamondComparison.from_case(cases["igualada"]), read_only=True)
    view.pick.value = "demand_conditions"
    assert "Price-driven shoe makers" in view.details.value and "Louis Vuitton" in view.details.value
    assert "reconstructed for teaching: Score by the course" in view.details.value
    view.pick.value = "chance"
    assert "<b>ideal</b>: not assessed" in view.details.value and view.scores["ideal"].value is None
    inputs = widgets_in(view, (ipywidgets.Dropdown, ipywidgets.Textarea))
    assert [i.disabled for i in inputs] == [False, True, True, True, True]


def test_editing_changes_the_radar_and_is_saved(work_folder, errors_of):
    view = DiamondView(save_as="m4-dia")
    assert view.figure.data[0].r == (None,) * 7
    view.texts["today"].value = "Skilled workers"
    assert any("before you describe it" in e for e in errors_of(view))
    view.scores["today"].value = 2
    view.texts["today"].value = "Skilled workers"
    assert view.figure.data[0].r[0] == 2 and errors_of(view) == []
    view.pick.value = "government"
    view.scores["ideal"].value = 4
    assert view.figure.data[1].r[4] == 4
    again = DiamondView(save_as="m4-dia")
    assert again.model == view.model
    assert again.model.factor("factor_conditions", "today").assessment == "Skilled workers"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(CORNERS), st.integers(1, 5)),
       st.dictionaries(st.sampled_from(CORNERS), st.integers(1, 5)))
def test_view_draws_any_valid_diamond(today, ideal):
    view = DiamondView({"today": {c: {"score": s} for c, s in today.items()},
                        "ideal": {c: {"score": s} for c, s in ideal.items()}})
    assert view.figure.data[0].r[:6] == tuple(today.get(c) for c in CORNERS)
    assert view.figure.data[1].r[:6] == tuple(ideal.get(c) for c in CORNERS)
