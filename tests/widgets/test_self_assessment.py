"""The excellence self-assessment: thresholds, results, verdict, saving, and the view."""

import json

import ipywidgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.widgets import INDICATORS, ComponentError, SelfAssessment, SelfAssessmentView, WorkStore

THRESHOLDS = {
    "committed_participants": (80, ">="), "industry_share": (70, ">"), "participants": (40, ">="),
    "maturity_years": (4, ">="), "training_days": (2, ">"), "governance_elements": (5, ">="),
    "personal_contacts": (40, ">"), "collaboration": (30, ">"), "budget_secured_years": (2, ">="),
    "private_funding": (20, ">"), "plan_fulfilment": (80, ">"), "survey_interval": (2, "<="),
}
ALL_MET = {"committed_participants": 80, "industry_share": 71, "participants": 40, "maturity_years": 4,
           "training_days": 2.5, "governance_elements": 5, "personal_contacts": 41, "collaboration": 31,
           "budget_secured_years": 2, "private_funding": 21, "plan_fulfilment": 81, "survey_interval": 2}
JUST_MISSED = {"committed_participants": 79, "industry_share": 70, "participants": 39, "maturity_years": 3.5,
               "training_days": 2, "governance_elements": 4, "personal_contacts": 40, "collaboration": 30,
               "budget_secured_years": 1.5, "private_funding": 20, "plan_fulfilment": 80, "survey_interval": 2.5}


def test_the_twelve_indicators_carry_the_thresholds_of_the_curriculum():
    assert {i.id: (i.threshold, i.comparison) for i in INDICATORS} == THRESHOLDS
    assert [i.id for i in INDICATORS if i.excellence] == ["personal_contacts"]
    assert next(i for i in INDICATORS if i.id == "personal_contacts").excellence == 60
    for ind in INDICATORS:
        assert "000_2a945ab753eb11eb.txt" in ind.source and "lines" in ind.source
        assert ind.label and len(ind.explanation) > 40 and ind.unit
        assert ind.min <= ind.threshold <= ind.max


def test_every_threshold_is_met_exactly_at_its_edge():
    sa = SelfAssessment("Edge", ALL_MET)
    assert sa.met_count() == 12
    assert all(r.met for r in sa.results())
    assert "All 12" in sa.verdict()


def test_every_threshold_is_missed_just_below_its_edge():
    sa = SelfAssessment("Edge", JUST_MISSED)
    assert sa.met_count() == 0
    assert [r.met for r in sa.results()] == [False] * 12
    assert sa.verdict().startswith("0 of 12 thresholds met")


def test_unanswered_indicators_are_none_and_positions_are_value_over_threshold():
    sa = SelfAssessment("Prato", {"participants": 60, "survey_interval": 4})
    res = {r.id: r for r in sa.results()}
    assert res["participants"].met is True and res["participants"].position == 1.5
    assert res["survey_interval"].met is False and res["survey_interval"].position == 0.5
    assert res["committed_participants"].met is None and res["committed_participants"].position is None
    assert sa.met_count() == 1 and sa.answered_count() == 2
    assert "10 still to enter" in sa.verdict()


def test_excellence_level_is_a_second_higher_level():
    sa = SelfAssessment("x", {"personal_contacts": 50})
    r = next(r for r in sa.results() if r.id == "personal_contacts")
    assert (r.met, r.excellent) == (True, False)
    sa.set("personal_contacts", 60)
    r = next(r for r in sa.results() if r.id == "personal_contacts")
    assert (r.met, r.excellent) == (True, True)
    assert next(r for r in sa.results() if r.id == "participants").excellent is None


def test_set_and_clear():
    sa = SelfAssessment()
    sa.set("governance_elements", 6.0)
    assert sa.values == {"governance_elements": 6} and isinstance(sa.values["governance_elements"], int)
    sa.set("governance_elements", None)
    assert sa.values == {}


def test_verdict_names_the_largest_gaps():
    values = dict(ALL_MET, participants=10, private_funding=8, collaboration=29)  # 0.25, 0.4, 0.97
    verdict = SelfAssessment("x", values).verdict()
    assert verdict.startswith("9 of 12 thresholds met")
    order = [verdict.index(s) for s in ("Number of committed", "Private share", "joint activities")]
    assert order == sorted(order)


@pytest.mark.parametrize("indicator, value, fragment", [
    ("participants", 40.5, "whole number"),
    ("participants", -1, "between 0 and 1000"),
    ("committed_participants", 101, "between 0 and 100"),
    ("committed_participants", "80", "must be a number"),
    ("committed_participants", True, "must be a number"),
    ("committed_participants", float("nan"), "ordinary number"),
    ("committed_participants", float("inf"), "ordinary number"),
    ("committed_participants", 10**400, "huge"),
    ("survey_interval", 0, "between 0.5 and 10"),
    ("nonsense", 1, "no indicator"),
    (3, 1, "no indicator"),
    ("é" * 5000, 1, "no indicator"),
])
def test_invalid_values_are_refused_with_a_reason(indicator, value, fragment):
    sa = SelfAssessment()
    with pytest.raises(ComponentError) as info:
        sa.set(indicator, value)
    assert fragment in str(info.value)
    assert sa.values == {}


@pytest.mark.parametrize("data", [None, [], {}, {"name": "x"}, {"values": {}}, {"name": "", "values": {}},
                                  {"name": "x", "values": []}, {"name": "x", "values": {}, "other": 1},
                                  {"name": "x" * 201, "values": {}}, {"name": 5, "values": {}},
                                  {"name": "x", "values": {}, "kind": "lifecycle"}])
def test_invalid_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        SelfAssessment.from_dict(data)


def test_unicode_name_and_json_round_trip():
    sa = SelfAssessment("Clúster del cuero d'Igualada 皮革", dict(ALL_MET, training_days=3.5))
    again = SelfAssessment.from_dict(json.loads(json.dumps(sa.to_dict())))
    assert again == sa and again.met_count() == 12


def test_save_and_reload_through_the_work_store():
    sa = SelfAssessment("Huddersfield", {"participants": 100})
    WorkStore("sa").save(sa.to_dict())
    assert SelfAssessment.from_dict(WorkStore("sa").load()) == sa


# -- the view ------------------------------------------------------------------------------------
def test_view_has_one_classed_slider_per_indicator(widgets_in):
    view = SelfAssessmentView()
    sliders = [s for s in widgets_in(view, (ipywidgets.IntSlider, ipywidgets.FloatSlider))]
    assert len(sliders) == 12 and all("clusterlab-indicator" in s._dom_classes for s in sliders)
    assert isinstance(view.sliders["participants"], ipywidgets.IntSlider)
    assert isinstance(view.sliders["training_days"], ipywidgets.FloatSlider)
    assert "Inspired by" in view.widget.children[0].value and "not their official" in view.widget.children[0].value


def test_moving_a_slider_updates_model_chart_and_summary_at_once():
    view = SelfAssessmentView()
    bar = view.figure.data[0]
    assert bar.x[2] == 0 and bar.marker.color[2] == "#9e9e9e"
    view.sliders["participants"].value = 30
    assert view.model.values == {"participants": 30}
    assert view.figure.data[0].x[2] == pytest.approx(0.75)
    assert view.figure.data[0].marker.color[2] == "#c62828"
    view.sliders["participants"].value = 50
    assert view.figure.data[0].x[2] == pytest.approx(1.25)
    assert view.figure.data[0].marker.color[2] == "#2e7d32"
    assert "1 of the 1 entered" in view.summary.value


def test_chart_caps_very_large_positions_and_draws_the_threshold_line():
    view = SelfAssessmentView({"name": "x", "values": {"participants": 1000}})
    assert view.figure.data[0].x[2] == 2.5
    assert view.figure.layout.shapes[0].x0 == 1


def test_view_shows_an_invalid_name_as_an_error_in_the_widget(errors_of):
    view = SelfAssessmentView()
    view.name_box.value = "   "
    assert any("name" in e and "empty" in e for e in errors_of(view))
    assert view.model.name == "My cluster"
    view.name_box.value = "Prato"
    assert errors_of(view) == [] and view.model.name == "Prato"


def test_view_read_only_disables_controls_and_does_not_save(work_folder):
    view = SelfAssessmentView(save_as="sa", read_only=True)
    assert all(s.disabled for s in view.sliders.values()) and view.name_box.disabled
    view.sliders["participants"].value = 50  # a program can still move it
    assert not (work_folder / "sa.json").exists()


def test_view_work_survives_a_restart(work_folder):
    view = SelfAssessmentView(save_as="m1-self")
    view.sliders["maturity_years"].value = 6.5
    again = SelfAssessmentView(save_as="m1-self")
    assert again.model.values == {"maturity_years": 6.5}
    assert again.sliders["maturity_years"].value == 6.5
    assert again.figure.data[0].marker.color[3] == "#2e7d32"


def test_view_sets_aside_saved_data_it_cannot_use(work_folder, errors_of):
    WorkStore("m1-self").save({"name": "x", "values": {"participants": -5}})
    view = SelfAssessmentView(save_as="m1-self")
    assert view.model.values == {}
    assert any("could not be used" in e for e in errors_of(view))
    assert len(list(work_folder.glob("m1-self.corrupt-*.json"))) == 1


def test_view_given_a_wrong_model_type_shows_the_problem(errors_of):
    view = SelfAssessmentView(model=42)
    assert isinstance(view.model, SelfAssessment)
    assert any("needs a SelfAssessment" in e for e in errors_of(view))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional={
    i.id: (st.integers(int(i.min), int(i.max)) if i.whole else st.floats(i.min, i.max)) for i in INDICATORS}))
def test_view_shows_any_valid_assessment(values):
    view = SelfAssessmentView({"name": "x", "values": values})
    colours = view.figure.data[0].marker.color
    for k, ind in enumerate(INDICATORS):
        expected = "#9e9e9e" if ind.id not in values else ("#2e7d32" if ind.meets(values[ind.id]) else "#c62828")
        assert colours[k] == expected
        if ind.id in values:
            assert view.sliders[ind.id].value == pytest.approx(values[ind.id])


def test_chart_sits_beside_the_sliders_which_scroll_on_their_own():
    view = SelfAssessmentView()
    grid = view.widget.children[-1]
    assert isinstance(grid, ipywidgets.HBox) and "clusterlab-two-columns" in grid._dom_classes
    left, right = grid.children[1:]
    assert view.figure in right.children and view.summary in right.children
    assert "clusterlab-chart-column" in right._dom_classes and left.layout.overflow == "auto"
    assert all(s in [row.children[1].children[0] for row in left.children] for s in view.sliders.values())
    assert view.figure.layout.width == 480 and right.layout.flex == "0 0 490px"
