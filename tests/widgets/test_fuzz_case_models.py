"""Property-based tests of the case-based models: any JSON-like input works or raises ComponentError.

from_dict, every setter and from_case get arbitrary data (and valid data with one field spoiled);
nothing but a ComponentError with a message may come out, and accepted models round-trip through JSON.
"""

from fuzz_support import FUZZ, json_like, near, round_trips, works_or_explains
from hypothesis import given
from hypothesis import strategies as st

from clusterlab.widgets import (
    BeforeAfter,
    DiamondComparison,
    FiveForces,
    KeyFigures,
    Provenance,
    SegmentationMatrix,
    ValueChainBenchmark,
)
from clusterlab.widgets.diamond import CORNERS
from clusterlab.widgets.five_forces import FORCES

FORCE = {"score": 3, "reasoning": "r", "source": "s", "basis": "reconstructed", "note": "n"}
SEGMENT = {"id": "a", "label": "A", "description": "d", "forces": {f: dict(FORCE) for f in FORCES}}
MATRIX_SEGMENT = {"id": "a", "label": "A", "products": ["p"], "buyers": ["b"], "position": "ideal",
                  "attractiveness": 3.5, "description": "", "source": "s", "basis": "published", "note": ""}
MATRIX = {"title": "t", "products": ["p"], "buyers": ["b"], "segments": [MATRIX_SEGMENT], "note": ""}
SIDE = {"strength": 2, "where": "local", "activities": ["x"], "source": "s", "basis": "published", "note": ""}
STAGE = {"id": "a", "name": "A", "today": dict(SIDE), "ideal": dict(SIDE, strength=4)}
FACTOR = {"score": 2, "assessment": "a", "source": "s", "basis": "own", "note": ""}
SNAP = {"year": 2003, "text": "t", "value": 3.0, "low": None, "high": None}
CHANGE = {"id": "c", "label": "L", "subject": "S", "unit": "u", "before": SNAP, "after": dict(SNAP, year=2015),
          "source": "s", "basis": "published", "note": ""}
FIGURE = {"id": "f", "label": "L", "value": 1.5, "unit": "firms", "year": 2017, "qualifier": "about",
          "theme": "", "source": "s", "basis": "published", "note": ""}
ids = st.sampled_from(["a", "b", "c"]) | json_like
sides = st.sampled_from(["today", "ideal"]) | json_like


def one_of_nested(valid: dict, key: str, item: dict):
    """Strategy: ``valid`` whole, spoiled at the top, or with its first ``key`` entry spoiled."""
    return st.one_of(json_like, near(valid), st.builds(lambda i: {**valid, key: [i]}, near(item)))


@FUZZ
@given(one_of_nested({"title": "t", "segments": [SEGMENT]}, "segments", SEGMENT)
       | st.builds(lambda f: {"segments": [{**SEGMENT, "forces": {"rivalry": f}}]}, near(FORCE) | json_like))
def test_five_forces_from_dict(data):
    ff = works_or_explains(FiveForces.from_dict, data)
    if ff is not None:
        round_trips(ff)
        assert all(1 <= s.attractiveness() <= 5 for s in ff.segments)


@FUZZ
@given(ids, st.sampled_from(FORCES) | json_like, json_like | st.integers(-2, 8), json_like)
def test_five_forces_setters(segment, force, score, text):
    ff = FiveForces.from_dict({"segments": [SEGMENT]})
    works_or_explains(ff.set_score, segment, force, score)
    works_or_explains(ff.set_reasoning, segment, force, text)
    works_or_explains(ff.add_segment, text, segment)
    works_or_explains(ff.remove_segment, segment)
    round_trips(ff)


@FUZZ
@given(one_of_nested(MATRIX, "segments", MATRIX_SEGMENT))
def test_segmentation_from_dict(data):
    m = works_or_explains(SegmentationMatrix.from_dict, data)
    if m is not None:
        round_trips(m)
        assert set(m.grid()) <= {(p, b) for p in m.products for b in m.buyers}


@FUZZ
@given(ids, json_like, json_like, json_like, st.sampled_from(["initial", "ideal"]) | json_like,
       json_like | st.floats(0, 6))
def test_segmentation_setters(segment, label, products, buyers, position, attractiveness):
    m = SegmentationMatrix.from_dict(MATRIX)
    works_or_explains(m.set_position, segment, position)
    works_or_explains(m.set_attractiveness, segment, attractiveness)
    works_or_explains(m.add_segment, label, products, buyers, position, attractiveness)
    works_or_explains(m.remove_segment, segment)
    round_trips(m)


@FUZZ
@given(one_of_nested({"title": "t", "benchmark": "b", "year": 1994, "stages": [STAGE]}, "stages", STAGE)
       | st.builds(lambda s: {"stages": [{**STAGE, "today": s}]}, near(SIDE) | json_like))
def test_value_chain_from_dict(data):
    vc = works_or_explains(ValueChainBenchmark.from_dict, data)
    if vc is not None:
        round_trips(vc)
        assert [g for _, g in vc.gaps()] == sorted((g for _, g in vc.gaps()), reverse=True)


@FUZZ
@given(ids, sides, json_like | st.integers(-1, 7), st.sampled_from(["local", "global"]) | json_like, json_like)
def test_value_chain_setters(stage, side, strength, where, name):
    vc = ValueChainBenchmark.from_dict({"stages": [STAGE]})
    works_or_explains(vc.set_strength, stage, side, strength)
    works_or_explains(vc.set_where, stage, side, where)
    works_or_explains(vc.shown, where, side, True)
    works_or_explains(vc.add_stage, name, strength, strength, where)
    works_or_explains(vc.remove_stage, stage)
    round_trips(vc)


@FUZZ
@given(st.one_of(json_like, near({"title": "t", "year": 2017, "today": {"chance": FACTOR}, "ideal": {}}),
                 st.builds(lambda f: {"today": {"chance": f}}, near(FACTOR) | json_like),
                 st.builds(lambda k: {"ideal": {k: FACTOR}}, st.text(max_size=10))))
def test_diamond_from_dict(data):
    d = works_or_explains(DiamondComparison.from_dict, data)
    if d is not None:
        round_trips(d)


@FUZZ
@given(st.sampled_from(CORNERS) | json_like, sides, json_like | st.integers(0, 6), json_like)
def test_diamond_setters(corner, side, score, text):
    d = DiamondComparison.from_dict({"today": {"chance": FACTOR}})
    works_or_explains(d.set_score, corner, side, score)
    works_or_explains(d.set_assessment, corner, side, text)
    round_trips(d)


@FUZZ
@given(one_of_nested({"title": "t", "changes": [CHANGE]}, "changes", CHANGE)
       | st.builds(lambda s: {"changes": [{**CHANGE, "before": s}]}, near(SNAP) | json_like))
def test_before_after_from_dict(data):
    ba = works_or_explains(BeforeAfter.from_dict, data)
    if ba is not None:
        round_trips(ba)


@FUZZ
@given(json_like | near(CHANGE) | near({k: v for k, v in CHANGE.items() if k != "id"}), ids)
def test_before_after_setters(change, change_id):
    ba = BeforeAfter.from_dict({"changes": [CHANGE]})
    works_or_explains(ba.add, change)
    works_or_explains(ba.remove, change_id)
    round_trips(ba)


@FUZZ
@given(one_of_nested({"title": "t", "figures": [FIGURE]}, "figures", FIGURE), json_like)
def test_key_figures_from_dict(data, theme):
    kf = works_or_explains(KeyFigures.from_dict, data)
    if kf is not None:
        round_trips(kf)
        works_or_explains(kf.in_theme, theme)


@FUZZ
@given(json_like, json_like, json_like)
def test_provenance(source, basis, note):
    works_or_explains(Provenance, source, basis, note)


@FUZZ
@given(st.data())
def test_from_case_with_spoiled_case_data(case_files, data):
    raw = data.draw(st.sampled_from(sorted(case_files)))
    case = case_files[raw]
    model, key = data.draw(st.sampled_from([
        (FiveForces, "five_forces"), (SegmentationMatrix, "segments"), (BeforeAfter, "outcomes"),
        (KeyFigures, "key_figures"), (ValueChainBenchmark, "value_chain_today"),
        (DiamondComparison, "diamond_ideal")]))
    value = case[key]
    if isinstance(value, list):
        k = data.draw(st.integers(0, len(value) - 1))
        spoiled = value[:k] + [data.draw(near(value[k]) | json_like)] + value[k + 1:]
    else:
        spoiled = data.draw(near(value) | json_like)
    built = works_or_explains(model.from_case, {**case, key: spoiled})
    if built is not None:
        round_trips(built)
