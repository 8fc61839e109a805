"""The initiative scorecard: the success factors and the typology, candidates and their ratings,
the weakest factors, saving and loading, and the view."""

from __future__ import annotations

import json

import pytest

from clusterlab import vocabulary
from clusterlab.widgets import (Candidate, ComponentError, InitiativeScorecard, InitiativeScorecardView, Rating,
                                WorkStore)


def rated(**scores) -> Candidate:
    c = Candidate("Leather innovation park", "Igualada (Anoia)")
    for factor, score in scores.items():
        c.rate(factor, score)
    return c


# -- the word lists ------------------------------------------------------------------------------------
def test_nine_success_factors_and_five_types_with_explanations():
    assert list(vocabulary.INITIATIVE_SUCCESS_FACTORS) == [
        "business_scope", "future_strategies", "action_plan", "company_involvement", "core_group",
        "incumbent_structures", "governance", "management", "budget_cofunding"]
    assert list(vocabulary.INITIATIVE_TYPES) == ["raw_materials", "manufacturing_processes", "technology", "product",
                                                 "market"]
    assert set(vocabulary.INITIATIVE_SUCCESS_HINTS) == set(vocabulary.INITIATIVE_SUCCESS_FACTORS)
    assert set(vocabulary.INITIATIVE_TYPE_HINTS) == set(vocabulary.INITIATIVE_TYPES)
    assert vocabulary.choices("initiative_types")["technology"] == "Technology-oriented"
    assert vocabulary.choices("initiative_success_factors")["budget_cofunding"] == "Budget and co-funding"


# -- the model --------------------------------------------------------------------------------------
def test_ratings_total_and_unrated_factors():
    c = rated(business_scope=4, action_plan=2, governance=5)
    assert c.total() == 11
    assert c.scores() == {"business_scope": 4, "action_plan": 2, "governance": 5}
    assert "core_group" in c.unrated() and len(c.unrated()) == 6
    c.rate("action_plan", None)
    assert "action_plan" not in c.ratings and c.total() == 9


def test_justification_is_kept_when_the_score_changes_and_made_one_line():
    c = rated(core_group=1)
    c.justify("core_group", "  No firm wants\nto lead.  ")
    assert c.ratings["core_group"] == Rating(1, "No firm wants to lead.")
    c.rate("core_group", 2)
    assert c.ratings["core_group"].justification == "No firm wants to lead."
    c.justify("management", "A manager is being hired.")  # a reason before the rating is kept as a draft
    assert c.ratings["management"].score is None and "management" in c.unrated()


def test_weakest_factors_are_the_lowest_below_four_with_ties():
    c = rated(business_scope=4, future_strategies=3, action_plan=2, company_involvement=5, core_group=1,
              governance=3)
    assert c.weakest() == ["core_group", "action_plan", "future_strategies", "governance"]  # the tie at 3 is kept
    assert c.weakest(1) == ["core_group"]
    assert rated(business_scope=4, governance=5).weakest() == []
    assert rated().weakest() == []


def test_type_and_value_chain_stages():
    c = rated()
    c.set_type("manufacturing_processes")
    c.set_stage("Finishing", "local")
    c.set_stage("finishing", "national")  # the same stage, whatever the capitals
    c.set_stage("Design", "local")
    assert c.stages == {"Finishing": "national", "Design": "local"}
    assert c.local_stages() == ["Design"]
    c.set_stage("Design", None)
    assert c.stages == {"Finishing": "national"}


@pytest.mark.parametrize("action, fragment", [
    (lambda c: c.rate("core_group", 6), "between 1 and 5"),
    (lambda c: c.rate("core_group", 0), "between 1 and 5"),
    (lambda c: c.rate("core_group", "3"), "must be a number"),
    (lambda c: c.rate("core_group", True), "must be a number"),
    (lambda c: c.rate("core_group", 2.5), "whole number"),
    (lambda c: c.rate("leadership", 3), "no success factor"),
    (lambda c: c.justify("core_group", "x" * 301), "too long"),
    (lambda c: c.set_type("cluster"), "no type of initiative"),
    (lambda c: c.set_name("   "), "empty"),
    (lambda c: c.set_stage("", "local"), "Give the stage a name"),
    (lambda c: c.set_stage("Design", "abroad"), "must be 'local'"),
])
def test_invalid_input_is_refused_in_plain_words(action, fragment):
    c = rated(core_group=2)
    before = c.to_dict()
    with pytest.raises(ComponentError, match=fragment):
        action(c)
    assert c.to_dict() == before


def test_candidates_add_rename_remove():
    card = InitiativeScorecard()
    assert card.names() == ["Candidate 1"]
    assert card.add() == 1 and card.add("Wool recycling") == 2
    assert card.names() == ["Candidate 1", "Candidate 2", "Wool recycling"]
    with pytest.raises(ComponentError, match="already called 'Wool recycling'"):
        card.rename(0, "wool recycling")
    card.rename(0, "Technical leather")
    card.remove(1)
    assert card.names() == ["Technical leather", "Wool recycling"]
    card.remove(0)
    with pytest.raises(ComponentError, match="at least one candidate"):
        card.remove(0)
    with pytest.raises(ComponentError, match="no candidate number"):
        card.candidate(3)


@pytest.mark.parametrize("data, fragment", [
    ({"candidates": []}, "at least 1"),
    ({"candidates": [{"name": "A"}, {"name": "a"}]}, "Two candidates are called"),
    ({"candidates": [{"name": "A", "ratings": {"core_group": {"score": 9}}}]}, "between 1 and 5"),
    ({"candidates": [{"name": "A", "colour": "red"}]}, "unknown field"),
    ({"candidates": [{"place": "Prato"}]}, "missing the field"),
    ({"kind": "lifecycle", "candidates": [{"name": "A"}]}, "not a initiative scorecard"),
    ({"candidates": "A"}, "must be a list"),
])
def test_invalid_dictionaries_are_refused(data, fragment):
    with pytest.raises(ComponentError, match=fragment):
        InitiativeScorecard.from_dict(data)


def test_round_trip_through_json_and_the_work_store():
    card = InitiativeScorecard([rated(core_group=1, governance=4)])
    card.candidates[0].set_type("product")
    card.candidates[0].set_stage("Tanning", "local")
    card.candidates[0].justify("core_group", "Lana cardata — 羊毛: nobody leads yet.")
    card.add("Wool recycling")
    assert InitiativeScorecard.from_dict(json.loads(json.dumps(card.to_dict()))) == card
    assert InitiativeScorecard.load() is None
    WorkStore("m2-scorecard").save(card.to_dict())
    assert InitiativeScorecard.load() == card


def test_too_many_candidates():
    card = InitiativeScorecard()
    for _ in range(19):
        card.add()
    with pytest.raises(ComponentError, match="at most 20"):
        card.add()


# -- the view ---------------------------------------------------------------------------------------
def test_view_saves_under_m2_scorecard_and_comes_back(work_folder, errors_of):
    view = InitiativeScorecardView()
    assert "clusterlab-scorecard" in view.widget._dom_classes
    view.name_box.value = "Leather innovation park"
    view.place_box.value = "Igualada"
    view.type_pick.value = "manufacturing_processes"
    view.scores["core_group"].value = 1
    view.reasons["core_group"].value = "No firm wants to lead."
    assert (work_folder / "m2-scorecard.json").is_file()
    later = InitiativeScorecardView()
    assert later.model == view.model
    assert later.name_box.value == "Leather innovation park" and later.scores["core_group"].value == 1
    assert later.reasons["core_group"].value == "No firm wants to lead."
    assert "way of making things" in later.type_hint.value
    assert errors_of(later) == []


def test_summary_lists_the_total_and_the_weakest_factors():
    view = InitiativeScorecardView()
    for factor, score in {"business_scope": 4, "action_plan": 2, "core_group": 1, "governance": 5}.items():
        view.scores[factor].value = score
    assert "total 12 out of 45 (4 of 9 factors rated)" in view.summary.value
    assert "Work on these first" in view.summary.value
    weak = view.summary.value.split("Work on these first")[1]
    assert weak.index("Leadership of a core group") < weak.index("Action plan")
    assert "Governance (" not in weak
    assert list(view.figure.data[0].r[:3]) == [4, None, 2]


def test_add_compare_and_remove_candidates():
    view = InitiativeScorecardView(save_key=None)
    view.scores["governance"].value = 4
    view.add_button.click()
    assert view.current == 1 and view.pick.value == 1 and view.name_box.value == "Candidate 2"
    assert view.scores["governance"].value == 0  # "not rated": the new candidate has its own ratings
    view.scores["governance"].value = 2
    assert view.figure.data[1].visible is False and view.compare.value == -1
    assert view.compare.options[0] == ("nobody", -1)
    view.compare.value = 0
    assert view.figure.data[1].visible is True and view.figure.data[1].name == "Candidate 1"
    assert view.figure.data[1].r[6] == 4 and view.figure.data[0].r[6] == 2
    view.remove_button.click()
    assert view.model.names() == ["Candidate 1"] and view.current == 0
    assert view.remove_button.disabled and view.figure.data[1].visible is False


def test_value_chain_stages_in_the_view():
    view = InitiativeScorecardView(save_key=None)
    view.stage_box.value, view.where_pick.value = "Finishing", "local"
    view.stage_add.click()
    view.stage_box.value, view.where_pick.value = "Machinery and equipment", "global"
    view.stage_add.click()
    assert view.model.candidate(0).stages == {"Finishing": "local", "Machinery and equipment": "global"}
    assert "Local firms cover 1 of 2 stages" in view.stage_list.value
    view.stage_box.value = "Finishing"
    view.stage_remove.click()
    assert view.model.candidate(0).stages == {"Machinery and equipment": "global"}


def test_problems_show_in_the_widget_not_as_tracebacks(errors_of):
    view = InitiativeScorecardView(save_key=None)
    view.add_button.click()
    view.name_box.value = "Candidate 1"
    assert any("already called" in e for e in errors_of(view))
    view.stage_box.value = ""
    view.stage_add.click()
    assert any("Give the stage a name" in e for e in errors_of(view))
    view.place_box.value = "Prato"
    assert errors_of(view) == []


def test_unreadable_saved_work_is_set_aside_and_reported(work_folder, errors_of):
    work_folder.mkdir(parents=True, exist_ok=True)
    (work_folder / "m2-scorecard.json").write_text('{"kind": "initiative_scorecard", "candidates": []}')
    view = InitiativeScorecardView()
    assert any("could not be used" in e for e in errors_of(view))
    assert view.model.names() == ["Candidate 1"]
    assert list(work_folder.glob("m2-scorecard.corrupt-*.json"))


def test_read_only_disables_editing():
    view = InitiativeScorecardView(save_key=None, read_only=True)
    assert view.name_box.disabled and view.add_button.disabled and all(s.disabled for s in view.scores.values())
    assert not view.pick.disabled and not view.compare.disabled


def test_not_rated_is_offered_and_clears_a_rating():
    view = InitiativeScorecardView(save_key=None)
    assert view.scores["governance"].options[0] == ("not rated", 0) and view.scores["governance"].value == 0
    view.scores["governance"].value = 3
    view.scores["governance"].value = 0
    assert "governance" not in view.model.candidate(0).ratings


def test_the_chart_is_built_with_the_saved_work(work_folder):
    card = InitiativeScorecard([rated(core_group=2, governance=4)])
    WorkStore("m2-scorecard").save(card.to_dict())
    view = InitiativeScorecardView()
    first = view.figure.data[0]
    assert first.name == "Leather innovation park" and first.r[4] == 2 and first.r[6] == 4
