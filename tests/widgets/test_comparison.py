"""Before and after: snapshots with values or ranges, changes, reading the cases, saving, and the view."""

import json

import ipywidgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.widgets import BeforeAfter, BeforeAfterView, Change, ComponentError, Snapshot, WorkStore

CHANGES = {"changes": [
    {"id": "turnover", "label": "Turnover", "subject": "Curtidos Badia", "unit": "EUR million",
     "before": {"year": 2003, "text": "€3 million", "value": 3}, "after": {"year": 2015, "value": 54}},
    {"id": "employees", "label": "Employees", "subject": "Curtidos Badia", "unit": "employees",
     "before": {"year": 2003, "low": 10, "high": 49}, "after": {"year": 2015, "low": 100, "high": 149}},
    {"id": "strategy", "label": "Main strategy", "subject": "Curtidos Badia",
     "before": {"year": 2003, "text": "Volume and price"}, "after": {"year": 2015, "text": "Quality"}},
    {"id": "firms", "label": "Tanning firms", "subject": "Igualada", "unit": "firms",
     "before": {"year": 1950, "value": 268}, "after": {"year": 2017, "value": 28}},
]}


def test_changes_with_values_ranges_and_words():
    ba = BeforeAfter.from_dict(CHANGES)
    assert ba.change("turnover").change() == 51 and ba.change("firms").change() == -240
    assert ba.change("employees").change() == pytest.approx(124.5 - 29.5)
    assert ba.change("strategy").change() is None and not ba.change("strategy").numeric
    assert ba.change("employees").before.shown("employees") == "10–49 employees"
    assert ba.change("turnover").after.shown("EUR million") == "54 EUR million"
    assert ba.change("strategy").after.shown("") == "Quality"
    assert ba.subjects() == ["Curtidos Badia", "Igualada"] and [c.id for c in ba.about("Igualada")] == ["firms"]


def test_add_and_remove():
    ba = BeforeAfter()
    added = ba.add({"label": "Jobs", "subject": "Town", "unit": "jobs", "before": {"year": 2000, "value": 5},
                    "after": {"year": 2010, "value": 7}})
    assert added.id == "jobs" and added.provenance.basis == "own"
    assert ba.add({"label": "Jobs", "subject": "Town", "before": {"year": 2000, "text": "a"},
                   "after": {"year": 2010, "text": "b"}}).id == "jobs-2"
    assert ba.remove("jobs").id == "jobs" and [c.id for c in ba.changes] == ["jobs-2"]


@pytest.mark.parametrize("snapshot, fragment", [
    ({"year": 2003}, "empty"), ({"year": 2003, "low": 1}, "both a low and a high"),
    ({"year": 2003, "low": 5, "high": 1}, "range"), ({"year": 2003, "value": 1, "low": 0, "high": 2}, "either one"),
    ({"year": 999, "value": 1}, "between 1000 and 2200"), ({"year": "2003", "value": 1}, "must be a number"),
    ({"year": 2003, "value": float("inf")}, "ordinary number"), ({"year": 2003, "value": 10**400}, "huge"),
    ({"year": 2003, "text": "t" * 1001}, "too long"), ({"year": 2003, "value": 1, "when": 1}, "unknown field"),
])
def test_invalid_snapshots_are_refused(snapshot, fragment):
    with pytest.raises(ComponentError, match=fragment):
        Snapshot.from_dict(snapshot)


@pytest.mark.parametrize("change, fragment", [
    ({"after": {"year": 1990, "value": 1}}, "comes before"), ({"unit": ""}, "no unit"),
    ({"label": ""}, "empty"), ({"id": "no spaces"}, "not usable"), ({"subject": 5}, "must be text"),
    ({"basis": "reconstructed"}, "needs a note"),
])
def test_invalid_changes_are_refused(change, fragment):
    with pytest.raises(ComponentError, match=fragment):
        Change.from_dict({**CHANGES["changes"][0], **change})


@pytest.mark.parametrize("data", [None, [], {}, {"changes": {}}, {"changes": CHANGES["changes"] * 2},
                                  {"changes": [], "kind": "timeline"}, {"changes": [{}]},
                                  {"changes": [CHANGES["changes"][0]] * 101}])
def test_invalid_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        BeforeAfter.from_dict(data)


def test_unicode_json_round_trip_and_work_store():
    ba = BeforeAfter.from_dict({**CHANGES, "title": "Curtidos Badia — 2003 → 2015"})
    assert BeforeAfter.from_dict(json.loads(json.dumps(ba.to_dict()))) == ba
    WorkStore("ba").save(ba.to_dict())
    assert BeforeAfter.from_dict(WorkStore("ba").load()) == ba


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_from_case_reads_every_outcome(cases, case_files, name):
    ba = BeforeAfter.from_case(cases[name])
    raw = case_files[name]["outcomes"]
    assert [c.id for c in ba.changes] == [o["id"] for o in raw]
    for c, o in zip(ba.changes, raw):
        for side in ("before", "after"):
            snap, written = getattr(c, side), o[side]
            assert (snap.year, snap.value, snap.low, snap.high) == (
                written["year"], written.get("value"), written.get("low"), written.get("high"))
        assert c.unit == (o.get("unit") or "") and c.subject == o["subject"]
    assert BeforeAfter.from_dict(json.loads(json.dumps(ba.to_dict()))) == ba


def test_curtidos_badia_2003_against_2015(cases):
    ba = BeforeAfter.from_case(cases["igualada"])
    turnover = ba.change("badia-turnover")
    assert (turnover.before.value, turnover.after.value, turnover.unit) == (3, 54, "EUR million")
    assert turnover.change() == 51 and (turnover.before.year, turnover.after.year) == (2003, 2015)
    assert [c.id for c in ba.about("Curtidos Badia S.A.") if c.numeric] == [
        "badia-employees", "badia-turnover", "badia-sales-growth"]
    assert ba.change("badia-product-mix").before.text.startswith("Footwear 60 %")


def test_from_case_without_outcomes_says_so():
    with pytest.raises(ComponentError, match="no before-and-after outcomes"):
        BeforeAfter.from_case({"outcomes": []})
    with pytest.raises(ComponentError, match="Outcome 1 of the case"):
        BeforeAfter.from_case({"outcomes": [{"id": "x", "label": "X", "subject": "S", "before": {"year": 2000},
                                             "after": {"year": 2001, "text": "t"}}]})


# -- the view ------------------------------------------------------------------------------------
def test_view_draws_numeric_changes_on_their_own_scale_and_lists_the_others():
    view = BeforeAfterView(CHANGES, read_only=True)
    before, after = view.figure.data[3], view.figure.data[4]
    assert len(before.x) == 3 and after.x[0] == 1 and before.x[0] == pytest.approx(3 / 54)
    assert before.x[2] == 1 and after.x[2] == pytest.approx(28 / 268)
    assert "3 EUR million (2003)" in before.text[0] and "10–49 employees (2003)" in before.text[1]
    assert view.figure.data[1].x[:2] == pytest.approx((10 / 149, 49 / 149))
    assert "Volume and price (2003)" in view.texts.value and "Quality (2015)" in view.texts.value


def test_subject_and_selection_change_what_is_drawn_even_when_read_only(cases, widgets_in):
    view = BeforeAfterView(BeforeAfter.from_case(cases["igualada"]), read_only=True)
    assert len(view.figure.data[3].x) == 5 and "Source: CLUSTEM" in view.figure.data[3].hovertext[0]
    view.subject.value = "Igualada"
    assert len(view.chosen.options) == 3 and len(view.figure.data[3].x) == 2
    view.chosen.value = ("tanning-firms",)
    assert view.figure.data[4].text == ("28 firms (2017)",) and "Showing 1 of 13" in view.notes.value
    assert widgets_in(view, ipywidgets.Button) == [] and widgets_in(view, ipywidgets.Text) == []
    assert view.figure.layout.height == 180


def test_form_adds_and_removes_changes_and_saves(work_folder, errors_of):
    view = BeforeAfterView(save_as="m5-ba")
    boxes = view.boxes
    boxes["What"].value, boxes["Subject"].value, boxes["Unit"].value = "Members", "Cluster", "firms"
    boxes["Before"].value, boxes["After"].value = "2018: 40", "2024: 1,500"
    view.add_button.click()
    assert view.model.changes[0].after.value == 1500 and view.figure.data[4].text == ("1,500 firms (2024)",)
    boxes["Before"].value = "around 2018"
    view.add_button.click()
    assert any("year: value or words" in e for e in errors_of(view))
    again = BeforeAfterView(save_as="m5-ba")
    assert again.model == view.model
    view.remove_pick.value = "members"
    view.remove_button.click()
    assert view.model.changes == [] and view.figure.data[3].x == ()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)), min_size=1, max_size=5))
def test_view_draws_any_valid_values_within_the_axis(pairs):
    changes = [{"id": f"c{k}", "label": f"C{k}", "subject": "S", "unit": "u", "before": {"year": 2000, "value": a},
                "after": {"year": 2001, "value": b}} for k, (a, b) in enumerate(pairs)]
    view = BeforeAfterView({"changes": changes})
    lo, hi = view.figure.layout.xaxis.range
    for trace in view.figure.data[3:]:
        assert len(trace.x) == len(pairs) and all(lo <= x <= hi for x in trace.x)
