"""The segmentation matrix: segments on products × buyers, positions, moves, reading the cases, and the view."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.widgets import ComponentError, MatrixSegment, SegmentationMatrix, SegmentationView, WorkStore

MATRIX = {"products": ["generic leather", "luxury leather", "technical leather"],
          "buyers": ["shoe makers", "fashion houses", "car makers"],
          "segments": [
              {"id": "shoe", "label": "Initial", "products": ["generic leather"], "buyers": ["shoe makers"],
               "position": "initial", "attractiveness": 1.8},
              {"id": "luxury", "label": "Ideal 1", "products": ["luxury leather"],
               "buyers": ["fashion houses", "car makers"], "position": "ideal"},
          ]}


def test_segments_cover_every_product_for_every_buyer():
    m = SegmentationMatrix.from_dict(MATRIX)
    assert all(isinstance(s, MatrixSegment) for s in m.segments)
    assert m.covered("luxury") == [("luxury leather", "fashion houses"), ("luxury leather", "car makers")]
    assert m.grid() == {("generic leather", "shoe makers"): ["shoe"], ("luxury leather", "fashion houses"): ["luxury"],
                        ("luxury leather", "car makers"): ["luxury"]}
    assert m.moves() == [("shoe", "luxury")]


def test_adding_a_segment_extends_the_axes_and_edits_become_own_work():
    m = SegmentationMatrix.from_dict(MATRIX)
    seg = m.add_segment("Technical", ["technical leather", "aircraft leather"], ["car makers"], "ideal", 4)
    assert seg.id == "technical" and m.products[-1] == "aircraft leather" and m.buyers == MATRIX["buyers"]
    assert m.moves() == [("shoe", "luxury"), ("shoe", "technical")]
    m.set_position("technical", "initial")
    m.set_attractiveness("shoe", None)
    assert m.segment("shoe").attractiveness is None and m.segment("shoe").provenance.basis == "own"
    assert m.remove_segment("technical").id == "technical" and len(m.segments) == 2


@pytest.mark.parametrize("call, fragment", [
    (lambda m: m.set_position("shoe", "later"), "'initial' or 'ideal'"),
    (lambda m: m.set_attractiveness("shoe", 6), "between 1 and 5"),
    (lambda m: m.set_attractiveness("shoe", float("nan")), "ordinary number"),
    (lambda m: m.set_attractiveness("shoe", "high"), "must be a number"),
    (lambda m: m.set_position("nowhere", "ideal"), "no segment 'nowhere'"),
    (lambda m: m.add_segment("X", [], ["car makers"]), "at least 1"),
    (lambda m: m.add_segment("X", "luxury leather", ["car makers"]), "must be a list"),
    (lambda m: m.add_segment("X", ["p" * 201], ["car makers"]), "too long"),
    (lambda m: m.add_segment("X", [f"p{k}" for k in range(28)], ["car makers"]), "at most 30"),
    (lambda m: m.add_segment("", ["p"], ["b"]), "empty"),
    (lambda m: m.add_segment("X", ["p"], ["b"], segment_id="shoe"), "id 'shoe'"),
])
def test_invalid_edits_are_refused_and_change_nothing(call, fragment):
    m = SegmentationMatrix.from_dict(MATRIX)
    before = m.to_dict()
    with pytest.raises(ComponentError, match=fragment):
        call(m)
    assert m.to_dict() == before


@pytest.mark.parametrize("data", [
    None, "x", {}, {"segments": "x"}, {"segments": [{"id": "a"}]},
    {"segments": [{"id": "a", "label": "A", "products": ["p"], "buyers": ["b"]}]},  # p and b not on the axes
    {**MATRIX, "segments": MATRIX["segments"] * 2},
    {**MATRIX, "products": ["x"] * 0 + [5]},
    {**MATRIX, "kind": "five_forces"},
    {**MATRIX, "segments": [{**MATRIX["segments"][0], "position": "maybe"}]},
    {**MATRIX, "segments": [{**MATRIX["segments"][0], "attractiveness": 0}]},
    {**MATRIX, "segments": [{**MATRIX["segments"][0], "basis": "reconstructed"}]},
])
def test_invalid_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        SegmentationMatrix.from_dict(data)


def test_unicode_json_round_trip_and_work_store():
    m = SegmentationMatrix.from_dict(MATRIX)
    m.add_segment("Tessuti cardati — 羊毛", ["lana cardata"], ["marchi di moda"], description="Prato")
    assert SegmentationMatrix.from_dict(json.loads(json.dumps(m.to_dict()))) == m
    WorkStore("seg").save(m.to_dict())
    assert SegmentationMatrix.from_dict(WorkStore("seg").load()) == m


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_from_case_places_every_segment_with_its_attractiveness(cases, case_files, name):
    m = SegmentationMatrix.from_case(cases[name])
    raw = case_files[name]
    assert [s.id for s in m.segments] == [s["id"] for s in raw["segments"]]
    for seg, written in zip(m.segments, raw["segments"]):
        assert (seg.label, list(seg.products), list(seg.buyers), seg.position, seg.provenance.basis) == (
            written["label"], written["products"], written["buyers"], written["position"], written["basis"])
        forces = next(ff for ff in raw["five_forces"] if ff["segment"] == seg.id)
        scores = [forces[f]["score"] for f in ("entry_barriers", "substitutes", "supplier_power", "buyer_power",
                                               "rivalry")]
        assert seg.attractiveness == pytest.approx(6 - sum(scores) / 5)
    assert set(m.products) == {p for s in raw["segments"] for p in s["products"]}
    assert "reconstructed for teaching" in m.note
    assert SegmentationMatrix.from_dict(json.loads(json.dumps(m.to_dict()))) == m


def test_igualada_moves_from_shoe_leather_to_both_ideals(cases):
    m = SegmentationMatrix.from_case(cases["igualada"])
    assert m.moves() == [("shoe-leather", "luxury"), ("shoe-leather", "technical")]
    assert m.segment("luxury").attractiveness == pytest.approx(3.8)


def test_from_case_without_segments_says_so():
    with pytest.raises(ComponentError, match="no segments"):
        SegmentationMatrix.from_case({"segments": []})
    with pytest.raises(ComponentError, match="Segment 1 of the case"):
        SegmentationMatrix.from_case({"segments": [{"id": "a", "label": "A", "products": [], "buyers": ["b"]}]})


# -- the view ------------------------------------------------------------------------------------
def test_view_draws_the_matrix_positions_and_moves(cases):
    view = SegmentationView(SegmentationMatrix.from_case(cases["igualada"]), read_only=True)
    heat, initial, ideal = view.figure.data
    m = view.model
    r, c = m.products.index("generic leather"), m.buyers.index("footwear manufacturers")
    assert heat.z[r][c] == pytest.approx(1.8) and "Initial position" in heat.text[r][c]
    assert heat.z[0][len(m.buyers) - 1] is None
    assert len(initial.x) == 1 and len(ideal.x) == 2 and len(view.figure.layout.annotations) == 2
    assert "Reconstructed for teaching" not in view.notes.value and "Sources:" in view.notes.value


def test_picking_a_segment_outlines_its_cells_even_when_read_only(cases, widgets_in):
    view = SegmentationView(SegmentationMatrix.from_case(cases["igualada"]), read_only=True)
    assert len(view.figure.layout.shapes) == 2  # the initial segment: two products, one buyer
    view.pick.value = "luxury"
    assert len(view.figure.layout.shapes) == 4 and "Ideal 1" in view.details.value
    edits = [view.position, view.attract, view.remove_button, view.new_label, view.new_products, view.new_buyers,
             view.new_position, view.add_button]
    assert all(e.disabled for e in edits) and not view.pick.disabled
    assert view.form.layout.display == "none"


def test_editing_changes_the_chart_and_is_saved(work_folder):
    view = SegmentationView(MATRIX, save_as="m3-seg")
    view.pick.value = "luxury"
    view.attract.value = 4
    assert view.figure.data[0].z[1][1] == 4
    view.position.value = "initial"
    assert len(view.figure.data[1].x) == 2 and view.figure.layout.annotations == ()
    again = SegmentationView(save_as="m3-seg")
    assert again.model == view.model


def test_adding_and_removing_segments_in_the_view(errors_of):
    view = SegmentationView()
    assert view.figure.data[0].z == () and "No segment yet" in view.details.value
    view.new_label.value, view.new_products.value, view.new_buyers.value = "Luxury", "bags; shoes", "fashion houses"
    view.new_position.value = "ideal"
    view.add_button.click()
    assert view.model.products == ["bags", "shoes"] and view.pick.value == "luxury"
    assert len(view.figure.data[2].x) == 1 and view.figure.layout.xaxis.ticktext == ("fashion houses",)
    view.new_label.value = "No products"
    view.add_button.click()
    assert any("at least 1" in e for e in errors_of(view))
    view.remove_button.click()
    assert view.model.segments == [] and view.pick.value is None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.sampled_from(["initial", "ideal"]),
                          st.none() | st.floats(1, 5)), min_size=1, max_size=6))
def test_view_draws_any_valid_matrix(cells):
    products, buyers = [f"p{k}" for k in range(4)], [f"b{k}" for k in range(4)]
    segs = [{"id": f"s{k}", "label": f"S{k}", "products": [products[p]], "buyers": [buyers[b]], "position": pos,
             "attractiveness": a} for k, (p, b, pos, a) in enumerate(cells)]
    view = SegmentationView({"products": products, "buyers": buyers, "segments": segs})
    for p, b, _, a in cells:
        known = [c[3] for c in cells if c[:2] == (p, b) and c[3] is not None]
        assert view.figure.data[0].z[p][b] == (max(known) if known else 0)
    assert len(view.figure.data[1].x) + len(view.figure.data[2].x) == len(cells)
