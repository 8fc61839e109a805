"""Today's value chain against the ideal: gaps, filters, editing, reading the cases, saving, and the view."""

import json

import ipywidgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.widgets import ComponentError, StageComparison, ValueChainBenchmark, ValueChainView, WorkStore


def stage(sid, today, ideal, where_today="local", where_ideal="local"):
    return {"id": sid, "name": sid.title(), "today": {"strength": today, "where": where_today},
            "ideal": {"strength": ideal, "where": where_ideal}}


CHAIN = {"benchmark": "Arzignano", "stages": [stage("hides", 2, 4, "national"), stage("tanning", 3, 4),
                                              stage("design", 1, 4), stage("sales", 2, 5, "national", "global"),
                                              stage("machines", 4, 3)]}


def test_gaps_are_ideal_minus_today_largest_first():
    vc = ValueChainBenchmark.from_dict(CHAIN)
    assert vc.gap("design") == 3 and vc.gap("machines") == -1
    assert vc.gaps() == [("design", 3), ("sales", 3), ("hides", 2), ("tanning", 1), ("machines", -1)]


def test_filters_by_place_today_or_ideally_and_sorts_by_gap():
    vc = ValueChainBenchmark.from_dict(CHAIN)
    assert [s.id for s in vc.shown("national")] == ["hides", "sales"]
    assert [s.id for s in vc.shown("global", "ideal")] == ["sales"]
    assert [s.id for s in vc.shown("local", "ideal", by_gap=True)] == ["design", "hides", "tanning", "machines"]
    assert len(vc.shown()) == 5


def test_editing_a_stage_and_adding_one():
    vc = ValueChainBenchmark.from_dict({"stages": [{**stage("hides", 2, 4), "today": {
        "strength": 2, "where": "national", "source": "doc", "basis": "reconstructed", "note": "by the course"}}]})
    vc.set_strength("hides", "today", 2)
    assert vc.stage("hides").today_provenance.basis == "reconstructed"
    vc.set_strength("hides", "today", 3)
    vc.set_where("hides", "ideal", "global")
    s = vc.stage("hides")
    assert (s.today, s.gap, s.where_ideal, s.today_provenance.basis, s.ideal_provenance.basis) == (
        3, 1, "global", "own", "own")
    new = vc.add_stage("Testing and certification", 1, 5)
    assert new.id == "testing-and-certification" and vc.gaps()[0] == ("testing-and-certification", 4)
    assert vc.remove_stage("hides").id == "hides"


@pytest.mark.parametrize("call, fragment", [
    (lambda vc: vc.set_strength("design", "today", 6), "between 0 and 5"),
    (lambda vc: vc.set_strength("design", "today", -1), "between 0 and 5"),
    (lambda vc: vc.set_strength("design", "today", 2.5), "whole number"),
    (lambda vc: vc.set_strength("design", "today", None), "must be a number"),
    (lambda vc: vc.set_strength("design", "tomorrow", 2), "'today' or 'ideal'"),
    (lambda vc: vc.set_strength("nowhere", "today", 2), "no stage 'nowhere'"),
    (lambda vc: vc.set_where("design", "today", "regional"), "'local', 'national' or 'global'"),
    (lambda vc: vc.shown("everywhere"), "'local', 'national' or 'global'"),
    (lambda vc: vc.add_stage("Design", stage_id="design"), "id 'design'"),
    (lambda vc: vc.add_stage("  "), "empty"),
    (lambda vc: vc.add_stage("é" * 121), "too long"),
])
def test_invalid_edits_are_refused_and_change_nothing(call, fragment):
    vc = ValueChainBenchmark.from_dict(CHAIN)
    before = vc.to_dict()
    with pytest.raises(ComponentError, match=fragment):
        call(vc)
    assert vc.to_dict() == before


@pytest.mark.parametrize("data", [
    None, [], {}, {"stages": {}}, {"stages": [stage("a", 1, 2)] * 2}, {"stages": [stage("a", 1, 2)] * 31},
    {"stages": [{"id": "a", "name": "A", "today": {"strength": 1}}]},
    {"stages": [{**stage("a", 1, 2), "today": {"where": "local"}}]},
    {"stages": [{**stage("a", 1, 2), "today": {"strength": 1, "activities": "tanning"}}]},
    {"stages": [], "year": 999}, {"stages": [], "year": "1994"}, {"stages": [], "kind": "diamond_comparison"},
    {"stages": [], "benchmark": "b" * 201},
])
def test_invalid_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        ValueChainBenchmark.from_dict(data)


def test_unicode_json_round_trip_and_work_store():
    vc = ValueChainBenchmark.from_dict({**CHAIN, "year": 1994})
    vc.add_stage("Concia al vegetale — 植鞣", 2, 5, "global")
    assert ValueChainBenchmark.from_dict(json.loads(json.dumps(vc.to_dict()))) == vc
    WorkStore("vc").save(vc.to_dict())
    assert ValueChainBenchmark.from_dict(WorkStore("vc").load()) == vc


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_from_case_pairs_today_and_ideal_stage_by_stage(cases, case_files, name):
    vc = ValueChainBenchmark.from_case(cases[name])
    raw = case_files[name]
    ideal = {s["id"]: s for s in raw["value_chain_ideal"]["stages"]}
    assert [s.id for s in vc.stages] == [s["id"] for s in raw["value_chain_today"]["stages"]]
    for written in raw["value_chain_today"]["stages"]:
        s = vc.stage(written["id"])
        assert vc.gap(s.id) == ideal[s.id]["strength"] - written["strength"]
        assert (s.where_today, s.where_ideal) == (written["where"], ideal[s.id]["where"])
        assert s.today_provenance.basis == written["basis"] and s.today_provenance.note
    assert [g for _, g in vc.gaps()] == sorted((g for _, g in vc.gaps()), reverse=True)
    assert ValueChainBenchmark.from_dict(json.loads(json.dumps(vc.to_dict()))) == vc


def test_igualada_is_benchmarked_against_arzignano(cases, case_files):
    vc = ValueChainBenchmark.from_case(cases["igualada"])
    stages = {s["id"]: s for s in case_files["igualada"]["value_chain_today"]["stages"]}
    ideal = {s["id"]: s for s in case_files["igualada"]["value_chain_ideal"]["stages"]}
    assert vc.gap("testing") == ideal["testing"]["strength"] - stages["testing"]["strength"] == 4
    assert vc.gap("design") == 3 and vc.benchmark.startswith("Arzignano") and vc.year == 1994
    assert vc.gaps()[:2] == [("testing", 4), ("environment", 4)]
    assert vc.title == "Igualada: value chain today and ideal"


def test_from_case_needs_both_chains():
    with pytest.raises(ComponentError, match="both a value chain today and an ideal one"):
        ValueChainBenchmark.from_case({"value_chain_today": {"stages": []}})
    with pytest.raises(ComponentError, match="'b' is missing from the ideal chain"):
        ValueChainBenchmark.from_case({"value_chain_today": {"stages": [{"id": "b", "name": "B", "strength": 1,
                                                                         "where": "local"}]},
                                       "value_chain_ideal": {"stages": []}})


# -- the view ------------------------------------------------------------------------------------
def test_view_draws_today_ideal_and_gap_and_names_the_benchmark(cases):
    view = ValueChainView(ValueChainBenchmark.from_case(cases["igualada"]), read_only=True)
    today, ideal, gap = view.figure.data
    assert today.y == (2, 3, 2, 2, 2, 1, 1, 2, 1, 2) and gap.y[5] == 4
    assert set(today.marker.pattern.shape) == {"/"} and "Arzignano" in ideal.name
    assert "Arzignano" in view.header.value and "Reconstructed for teaching" in view.notes.value
    assert "Source: CLUSTEM" in today.hovertext[0]
    assert "Largest gaps: Testing and certification (+4)" in view.summary.value


def test_filter_sort_and_stage_picker_work_when_read_only(cases):
    view = ValueChainView(ValueChainBenchmark.from_case(cases["igualada"]), read_only=True)
    view.where.value = "national"
    assert len(view.figure.data[0].x) == 4 and "Showing 4 of 10" in view.summary.value
    view.side.value = "ideal"
    assert view.figure.data[0].x == ()
    view.where.value, view.by_gap.value = "all", True
    assert view.figure.data[2].y == (4, 4, 3, 3, 3, 3, 3, 2, 2, 1)
    view.pick.value = "design"
    assert "Design and product development" in view.details.value and view.sliders["today"].value == 1
    assert all(c.disabled for c in [*view.sliders.values(), *view.places.values()])
    assert not any(c.disabled for c in (view.where, view.side, view.by_gap, view.pick))


def test_moving_a_slider_changes_the_bars_and_is_saved(work_folder):
    view = ValueChainView(CHAIN, save_as="m4-vc")
    view.pick.value = "machines"
    view.sliders["today"].value = 1
    assert view.model.gap("machines") == 2 and view.figure.data[0].y[4] == 1 and view.figure.data[2].y[4] == 2
    assert view.figure.layout.yaxis.range[0] == pytest.approx(-0.6)
    view.places["ideal"].value = "global"
    again = ValueChainView(save_as="m4-vc")
    assert again.model == view.model and again.model.stage("machines").where_ideal == "global"


def test_view_shows_problems_in_the_widget(errors_of):
    view = ValueChainView({"stages": "none"})
    assert view.model.stages == [] and any("must be a list" in e for e in errors_of(view))
    assert view.figure.data[0].x == ()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5), st.sampled_from(["local", "national", "global"])),
                min_size=1, max_size=8))
def test_view_draws_any_valid_chain(rows):
    view = ValueChainView({"stages": [stage(f"s{k}", t, i, w) for k, (t, i, w) in enumerate(rows)]})
    assert view.figure.data[2].y == tuple(i - t for t, i, _ in rows)
    view.by_gap.value = True
    assert list(view.figure.data[2].y) == sorted((i - t for t, i, _ in rows), reverse=True)
    assert isinstance(view.model.stages[0], StageComparison) and isinstance(view.widget, ipywidgets.VBox)
