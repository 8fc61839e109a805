"""The lifecycle: stages and their metrics, the trainee's choice, saving, and the view."""

import json

import ipywidgets
import pytest

from clusterlab.widgets import STAGES, ComponentError, Lifecycle, LifecycleView, WorkStore, get_stage


def test_five_stages_each_with_metrics_to_watch():
    assert [s.id for s in STAGES] == ["emergence", "growth", "maturity", "decline", "renewal"]
    for stage in STAGES:
        assert stage.name and len(stage.summary) > 40 and len(stage.metrics) >= 3
    assert any("patents" in m for m in get_stage("growth").metrics)
    assert any("international" in m for m in get_stage("maturity").metrics)


def test_choose_a_stage_and_give_reasons():
    lc = Lifecycle("Igualada")
    assert lc.stage is None and lc.metrics() == ()
    assert lc.choose("renewal").name == "Renewal"
    lc.set_reasoning("  Tanneries moved into technical leather.  ")
    assert lc.reasoning == "Tanneries moved into technical leather."
    assert lc.metrics() == get_stage("renewal").metrics
    lc.choose(None)
    assert lc.stage is None


@pytest.mark.parametrize("stage", ["Growth", "boom", "", 2, True, ["growth"], {"id": "growth"}])
def test_unknown_stages_are_refused_with_the_list_of_stages(stage):
    lc = Lifecycle("x", "growth")
    with pytest.raises(ComponentError, match="emergence, growth"):
        lc.choose(stage)
    assert lc.stage == "growth"


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(cluster=""), "empty"), (dict(cluster=None), "must be text"), (dict(cluster="c" * 201), "too long"),
    (dict(reasoning="r" * 5001), "too long"), (dict(reasoning=5), "must be text"),
])
def test_invalid_fields_are_refused(kwargs, fragment):
    with pytest.raises(ComponentError, match=fragment):
        Lifecycle(**kwargs)


@pytest.mark.parametrize("data", [None, [], {}, {"stage": "growth"}, {"cluster": "x", "stage": "boom"},
                                  {"cluster": "x", "other": 1}, {"cluster": "x", "kind": "timeline"}])
def test_invalid_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        Lifecycle.from_dict(data)


def test_unicode_json_round_trip_and_work_store():
    lc = Lifecycle("Distretto di Prato", "maturity", "Lana cardata — 羊毛; many small firms.")
    assert Lifecycle.from_dict(json.loads(json.dumps(lc.to_dict()))) == lc
    WorkStore("lc").save(lc.to_dict())
    assert Lifecycle.from_dict(WorkStore("lc").load()) == lc


# -- the view ------------------------------------------------------------------------------------
def test_picking_a_stage_highlights_it_and_lists_its_metrics():
    view = LifecycleView({"cluster": "Prato"})
    assert [t.line.width for t in view.figure.data] == [3] * 5
    view.picker.value = "maturity"
    assert view.model.stage == "maturity"
    assert [t.line.width for t in view.figure.data] == [3, 3, 7, 3, 3]
    assert view.figure.data[2].line.color == "#1565c0"
    assert "international markets" in view.details.value


def test_view_says_the_curve_is_a_teaching_drawing():
    view = LifecycleView()
    assert "stylised teaching drawing" in view.widget.children[0].value
    assert "teaching drawing" in view.figure.layout.title.text


def test_reasoning_is_saved_and_survives_a_restart(work_folder):
    view = LifecycleView({"cluster": "Huddersfield"}, save_as="m1-lifecycle")
    view.picker.value = "decline"
    view.reasoning_box.value = "Mills closed after the 1970s."
    again = LifecycleView(save_as="m1-lifecycle")
    assert (again.model.cluster, again.model.stage, again.model.reasoning) == (
        "Huddersfield", "decline", "Mills closed after the 1970s.")
    assert again.picker.value == "decline" and again.figure.data[3].line.width == 7


def test_invalid_input_is_shown_in_the_widget(errors_of):
    view = LifecycleView()
    view.cluster_box.value = ""
    assert any("empty" in e for e in errors_of(view))
    view.reasoning_box.value = "x" * 6000
    assert any("too long" in e for e in errors_of(view))
    assert view.model.reasoning == ""


def test_read_only_disables_controls(widgets_in):
    view = LifecycleView({"cluster": "x", "stage": "growth"}, read_only=True)
    controls = widgets_in(view, (ipywidgets.Text, ipywidgets.Textarea, ipywidgets.ToggleButtons))
    assert len(controls) == 3 and all(c.disabled for c in controls)
