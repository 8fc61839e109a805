"""Five forces by segment: scores, attractiveness, editing, reading the cases, saving, and the view."""

import json

import ipywidgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.widgets import ComponentError, FiveForces, FiveForcesView, ForceScore, SegmentForces, WorkStore
from clusterlab.widgets.five_forces import FORCES

SEGMENTS = {"segments": [
    {"id": "shoe", "label": "Shoe leather", "forces": {f: {"score": s, "reasoning": f"why {f}"} for f, s in
                                                       zip(FORCES, (4, 4, 3, 5, 5))}},
    {"id": "luxury", "label": "Luxury", "forces": {f: {"score": 2} for f in FORCES}},
]}


def test_attractiveness_is_six_minus_the_mean_score():
    ff = FiveForces.from_dict(SEGMENTS)
    assert ff.segment("shoe").mean_score() == pytest.approx(4.2)
    assert ff.attractiveness("shoe") == pytest.approx(1.8) and ff.attractiveness("luxury") == 4
    assert ff.ranking() == [("luxury", 4), ("shoe", pytest.approx(1.8))]
    assert SegmentForces("a", "A", {f: {"score": 5} for f in FORCES}).attractiveness() == 1
    assert SegmentForces("a", "A", {f: {"score": 1} for f in FORCES}).attractiveness() == 5


def test_a_new_segment_starts_in_the_middle_and_edits_become_own_work():
    ff = FiveForces()
    assert ff.ids() == ["segment-1"] and ff.segment("segment-1").scores() == {f: 3 for f in FORCES}
    seg = ff.add_segment("Technical leather")
    assert seg.id == "technical-leather" and ff.add_segment("Technical leather").id == "technical-leather-2"
    ff = FiveForces.from_dict({"segments": [{"id": "s", "label": "S", "forces": {"rivalry": {
        "score": 4, "reasoning": "r", "source": "doc", "basis": "reconstructed", "note": "by the course"}}}]})
    ff.set_score("s", "rivalry", 4)  # no change: stays reconstructed
    assert ff.segment("s").forces["rivalry"].provenance.basis == "reconstructed"
    ff.set_score("s", "rivalry", 2)
    rivalry = ff.segment("s").forces["rivalry"]
    assert (rivalry.score, rivalry.provenance.basis, rivalry.provenance.source) == (2, "own", "doc")
    ff.set_reasoning("s", "buyer_power", "  Buyers are few.  ")
    assert ff.segment("s").forces["buyer_power"].reasoning == "Buyers are few."


@pytest.mark.parametrize("call, fragment", [
    (lambda ff: ff.set_score("shoe", "rivalry", 6), "between 1 and 5"),
    (lambda ff: ff.set_score("shoe", "rivalry", 0), "between 1 and 5"),
    (lambda ff: ff.set_score("shoe", "rivalry", 2.5), "whole number"),
    (lambda ff: ff.set_score("shoe", "rivalry", "3"), "must be a number"),
    (lambda ff: ff.set_score("shoe", "rivalry", None), "must be a number"),
    (lambda ff: ff.set_score("shoe", "rivalry", 10**400), "huge"),
    (lambda ff: ff.set_score("shoe", "power", 3), "no force"),
    (lambda ff: ff.set_score("nowhere", "rivalry", 3), "no segment"),
    (lambda ff: ff.set_reasoning("shoe", "rivalry", "r" * 2001), "too long"),
    (lambda ff: ff.set_reasoning("shoe", "rivalry", 5), "must be text"),
    (lambda ff: ff.add_segment(""), "empty"),
    (lambda ff: ff.add_segment("x", segment_id="shoe"), "id 'shoe'"),
    (lambda ff: ff.add_segment("x", segment_id="bad id!"), "not usable"),
])
def test_invalid_edits_are_refused_and_change_nothing(call, fragment):
    ff = FiveForces.from_dict(SEGMENTS)
    before = ff.to_dict()
    with pytest.raises(ComponentError, match=fragment):
        call(ff)
    assert ff.to_dict() == before


def test_limits_on_segments():
    ff = FiveForces()
    with pytest.raises(ComponentError, match="last segment"):
        ff.remove_segment("segment-1")
    for k in range(19):
        ff.add_segment(f"S{k}")
    with pytest.raises(ComponentError, match="At most 20"):
        ff.add_segment("one too many")


@pytest.mark.parametrize("data", [
    None, [], {}, {"segments": []}, {"segments": "x"}, {"segments": [{"id": "a", "label": "A"}]},
    {"segments": [{"id": "a", "label": "A", "forces": {"power": {"score": 3}}}]},
    {"segments": [{"id": "a", "label": "A", "forces": {"rivalry": {"score": 9}}}]},
    {"segments": [{"id": "a", "label": "A", "forces": {"rivalry": {"reasoning": "no score"}}}]},
    {"segments": [{"id": "a", "label": "A", "forces": {}}] * 2},
    {"segments": [{"id": "a", "label": "A", "forces": {}}] * 21},
    {"segments": [{"id": "a", "label": "é" * 500, "forces": {}}]},
    {"segments": [{"id": "a", "label": "A", "forces": {}}], "kind": "diamond_comparison"},
    {"segments": [{"id": "a", "label": "A", "forces": {}, "extra": 1}]},
])
def test_invalid_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        FiveForces.from_dict(data)


def test_unicode_json_round_trip_and_work_store():
    ff = FiveForces.from_dict(SEGMENTS)
    ff.set_reasoning("luxury", "rivalry", "Concorrenza con Arzignano — 竞争")
    again = FiveForces.from_dict(json.loads(json.dumps(ff.to_dict())))
    assert again == ff
    assert again.segment("luxury").forces["rivalry"] == ForceScore(2, "Concorrenza con Arzignano — 竞争")
    WorkStore("ff").save(ff.to_dict())
    assert FiveForces.from_dict(WorkStore("ff").load()) == ff


@pytest.mark.parametrize("name, segment", [("igualada", "shoe-leather"), ("prato", "pronto-moda"),
                                           ("huddersfield", "british-provenance")])
def test_from_case_reads_every_segment_with_its_scores_and_sources(cases, case_files, name, segment):
    ff = FiveForces.from_case(cases[name])
    raw = case_files[name]
    assert ff.ids() == [item["segment"] for item in raw["five_forces"]]
    written = next(item for item in raw["five_forces"] if item["segment"] == segment)
    seg = ff.segment(segment)
    assert seg.scores() == {f: written[f]["score"] for f in FORCES}
    assert seg.attractiveness() == pytest.approx(6 - sum(written[f]["score"] for f in FORCES) / 5)
    assert seg.label == next(s["label"] for s in raw["segments"] if s["id"] == segment)
    for f in FORCES:
        assert seg.forces[f].provenance.basis == written[f]["basis"]
        assert seg.forces[f].reasoning == " ".join(written[f]["reasoning"].split())
        assert str(cases[name].five_forces_for(segment).__getattribute__(f).source) == seg.forces[f].provenance.source
    assert FiveForces.from_dict(json.loads(json.dumps(ff.to_dict()))) == ff


def test_igualada_ideal_segments_are_more_attractive_than_the_initial_one(cases):
    ff = FiveForces.from_case(cases["igualada"])
    assert ff.title == "Igualada: five forces by segment"
    assert ff.attractiveness("shoe-leather") == pytest.approx(1.8)
    assert [i for i, _ in ff.ranking()] == ["technical", "luxury", "shoe-leather"]


def test_from_case_without_five_forces_says_so():
    with pytest.raises(ComponentError, match="no five-forces assessment"):
        FiveForces.from_case({"id": "x", "five_forces": []})
    with pytest.raises(ComponentError, match="assessment 1.*'rivalry' is missing"):
        FiveForces.from_case({"five_forces": [{"segment": "a", **{f: {"score": 3, "reasoning": "r", "basis": "published"}
                                                                  for f in FORCES[:4]}}]})


# -- the view ------------------------------------------------------------------------------------
def test_view_picks_a_segment_and_a_second_one_to_compare(cases):
    view = FiveForcesView(FiveForces.from_case(cases["igualada"]), read_only=True)
    chosen, other = view.figure.data
    assert chosen.r == (4, 4, 3, 5, 5, 4) and other.r == (2, 2, 2, 2, 3, 2) and other.visible
    view.compare_pick.value = "technical"
    assert view.figure.data[1].r == (1, 3, 2, 2, 2, 1) and view.figure.data[1].name == "Ideal 2"
    view.segment_pick.value = "luxury"
    assert view.figure.data[0].r == (2, 2, 2, 2, 3, 2) and view.sliders["rivalry"].value == 3
    view.compare_pick.value = view.NONE
    assert view.figure.data[1].visible is False
    assert "Ideal 1</b>: attractiveness 3.8" in view.summary.value


def test_view_marks_reconstructed_scores_and_shows_reasons_and_sources(cases):
    view = FiveForcesView(FiveForces.from_case(cases["igualada"]), read_only=True)
    assert set(view.figure.data[0].marker.symbol) == {"circle-open"}
    assert "Reconstructed for teaching" in view.notes.value and "Sources:" in view.notes.value
    assert "Why:</b> Low barriers" in view.infos["entry_barriers"].value
    assert "reconstructed for teaching: Score by the course" in view.infos["entry_barriers"].value
    assert "Source: CLUSTEM final publication" in view.figure.data[0].hovertext[0]


def test_moving_a_slider_changes_model_chart_and_saved_work(work_folder):
    view = FiveForcesView(SEGMENTS, save_as="m3-ff")
    view.sliders["buyer_power"].value = 1
    assert view.model.segment("shoe").forces["buyer_power"].score == 1
    assert view.figure.data[0].r[3] == 1 and view.figure.data[0].marker.symbol[3] == "circle"
    view.reasons["buyer_power"].value = "Buyers need us."
    again = FiveForcesView(save_as="m3-ff")
    assert again.model == view.model and again.sliders["buyer_power"].value == 1


def test_adding_a_segment_from_the_view(errors_of):
    view = FiveForcesView(SEGMENTS)
    view.new_label.value = "Technical leather"
    view.add_button.click()
    assert view.segment_pick.value == "technical-leather" and view.figure.data[0].r == (3,) * 6
    assert len(view.compare_pick.options) == 4
    view.add_button.click()
    assert any("empty" in e for e in errors_of(view))


def test_read_only_disables_inputs_but_not_the_pickers(widgets_in):
    view = FiveForcesView(SEGMENTS, read_only=True)
    inputs = widgets_in(view, (ipywidgets.IntSlider, ipywidgets.Textarea, ipywidgets.Text, ipywidgets.Button))
    assert len(inputs) == 12 and all(i.disabled for i in inputs)
    assert not view.segment_pick.disabled and not view.compare_pick.disabled


def test_view_shows_a_bad_model_in_the_widget(errors_of):
    view = FiveForcesView({"segments": []})
    assert isinstance(view.model, FiveForces) and any("at least 1" in e for e in errors_of(view))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 5), min_size=5, max_size=5))
def test_view_draws_any_valid_scores(scores):
    view = FiveForcesView({"segments": [{"id": "a", "label": "A", "forces": {
        f: {"score": s} for f, s in zip(FORCES, scores)}}]})
    assert view.figure.data[0].r == (*scores, scores[0])
    assert f"{6 - sum(scores) / 5:.1f} of 5" in view.summary.value
