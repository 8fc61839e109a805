"""Property-based tests: any JSON-like input either works or raises ComponentError with a message.

Nothing else may happen: no TypeError, KeyError, OverflowError or other surprise. When input is
accepted, the model must survive a JSON round trip unchanged.
"""

import json
from types import SimpleNamespace

from fuzz_support import FUZZ, json_like, near, round_trips, works_or_explains
from hypothesis import given, settings
from hypothesis import strategies as st
from widget_samples import QUIZ

from clusterlab.widgets import (
    INDICATORS,
    STAGES,
    ConceptCheck,
    Event,
    Lifecycle,
    SelfAssessment,
    Timeline,
    WorkStore,
    normalise_date,
)


def quiz_variants():
    q1, q2 = QUIZ["questions"]
    return st.one_of(
        near(QUIZ),
        st.builds(lambda q: {"title": "t", "questions": [q]}, near(q1)),
        st.builds(lambda q: {"title": "t", "questions": [q1, q]}, near(q2)),
        st.builds(lambda r: {**QUIZ, "responses": r}, st.dictionaries(st.sampled_from(["q1", "q2", "q3"]), json_like)),
    )


@FUZZ
@given(st.one_of(json_like, quiz_variants()))
def test_concept_check_from_dict(data):
    quiz = works_or_explains(ConceptCheck.from_dict, data)
    if quiz is not None:
        round_trips(quiz)
        assert 0 <= quiz.score() <= 1


words = st.text(min_size=1, max_size=40).filter(str.strip).map(str.strip)


@st.composite
def valid_quizzes(draw):
    options = draw(st.lists(words, min_size=2, max_size=6, unique=True))
    lefts = draw(st.lists(words, min_size=2, max_size=6, unique=True))
    return {"title": draw(words), "questions": [
        {"id": "a1", "prompt": draw(words), "options": options, "answer": draw(st.integers(0, len(options) - 1)),
         "explanations": [draw(words) for _ in options]},
        {"id": "a2", "prompt": draw(words), "pairs": {left: draw(words) for left in lefts},
         "explanation": draw(words)}]}


@FUZZ
@given(valid_quizzes(), st.data())
def test_valid_quizzes_score_their_own_answers(quiz_data, data):
    quiz = ConceptCheck.from_dict(quiz_data)
    mc, match = quiz.questions
    wrong = data.draw(st.integers(0, len(mc.options) - 1).filter(lambda i: i != mc.answer))
    assert quiz.check("a1", wrong).message.endswith(f"{mc.explanations[wrong]} Try another option.")
    assert quiz.check("a1", mc.answer).correct
    assert quiz.check("a2", dict(match.pairs)).score == 1
    assert sorted(match.choices()) == sorted(set(match.pairs.values()))
    assert quiz.score() == 1
    round_trips(quiz)


rights = st.sampled_from(["Marshall", "Porter", "Becattini", "Nobody", None])
lefts = st.sampled_from(["industrial district", "cluster", "Italian district", "other"])


@FUZZ
@given(st.one_of(st.tuples(st.sampled_from(["q1", "q2", "q3"]) | json_like, json_like),
                 st.tuples(st.just("q1"), st.integers(-2, 4)),
                 st.tuples(st.just("q2"), st.dictionaries(lefts, rights, max_size=4))))
def test_concept_check_check(args):
    question_id, response = args
    quiz = ConceptCheck.from_dict(QUIZ)
    fb = works_or_explains(quiz.check, question_id, response)
    if fb is not None:
        assert 0 <= fb.score <= 1 and fb.message and fb.correct == (fb.score == 1)
        round_trips(quiz)


valid_values = st.fixed_dictionaries({}, optional={
    i.id: (st.integers(int(i.min), int(i.max)) if i.whole else st.floats(i.min, i.max)) for i in INDICATORS})


@FUZZ
@given(st.one_of(json_like, near({"name": "x", "values": {"participants": 40}}),
                 st.builds(lambda v: {"name": "x", "values": v}, st.dictionaries(
                     st.sampled_from([i.id for i in INDICATORS]), json_like))))
def test_self_assessment_from_dict(data):
    sa = works_or_explains(SelfAssessment.from_dict, data)
    if sa is not None:
        round_trips(sa)


@FUZZ
@given(st.sampled_from([i.id for i in INDICATORS]) | json_like, json_like | st.floats(-1, 2000))
def test_self_assessment_set(indicator_id, value):
    sa = SelfAssessment()
    if works_or_explains(sa.set, indicator_id, value) is None and sa.values:
        round_trips(sa)
        assert len(sa.results()) == 12 and 0 <= sa.met_count() <= 1


@FUZZ
@given(st.text(min_size=1, max_size=200).filter(str.strip), valid_values)
def test_valid_self_assessments_round_trip_and_count_correctly(name, values):
    sa = SelfAssessment(name, values)
    round_trips(sa)
    expected = sum(1 for i in INDICATORS if i.id in values and i.meets(values[i.id]))
    assert sa.met_count() == expected


dates = st.one_of(st.integers(900, 2300), st.dates().map(str),
                  st.from_regex(r"[0-9]{4}(-[0-9]{2}){0,2}", fullmatch=True), json_like)
EVENT = {"date": "1950", "title": "t", "detail": "d", "source": "s", "basis": "published"}


@FUZZ
@given(dates)
def test_normalise_date(value):
    out = works_or_explains(normalise_date, value)
    if out is not None:
        assert normalise_date(out) == out


@FUZZ
@given(st.one_of(json_like, near({"title": "t", "events": [EVENT]}),
                 st.builds(lambda e: {"title": "t", "events": [e]}, near(EVENT)),
                 st.builds(lambda d: {"title": "t", "events": [dict(EVENT, date=d)]}, dates)))
def test_timeline_from_dict(data):
    tl = works_or_explains(Timeline.from_dict, data)
    if tl is not None:
        round_trips(tl)
        assert [e.date for e in tl.events] == sorted(e.date for e in tl.events)


@FUZZ
@given(st.one_of(json_like, st.lists(st.one_of(near(EVENT), json_like), max_size=3)), st.booleans())
def test_timeline_from_case(items, as_objects):
    if as_objects and isinstance(items, list):
        items = [SimpleNamespace(**i) if isinstance(i, dict) and all(k.isidentifier() for k in i) else i
                 for i in items]
    tl = works_or_explains(Timeline.from_case, SimpleNamespace(name="Case", timeline=items))
    if tl is not None:
        round_trips(tl)


@FUZZ
@given(st.one_of(json_like, near(EVENT)))
def test_timeline_add(event):
    tl = Timeline("t", [EVENT])
    if works_or_explains(tl.add, event) is not None:
        assert len(tl.events) == 2
        round_trips(tl)


@FUZZ
@given(dates, st.text(max_size=250), st.text(max_size=50), st.text(min_size=1, max_size=50) | json_like,
       st.sampled_from(["published", "reconstructed"]) | json_like)
def test_event_constructor(date, title, detail, source, basis):
    e = works_or_explains(Event, date, title, detail, source, basis)
    if e is not None:
        assert Event.from_dict(json.loads(json.dumps(e.to_dict()))) == e


@FUZZ
@given(st.one_of(json_like, near({"cluster": "x", "stage": "growth", "reasoning": ""}),
                 st.builds(lambda s: {"cluster": "x", "stage": s}, st.sampled_from([s.id for s in STAGES]))))
def test_lifecycle_from_dict(data):
    lc = works_or_explains(Lifecycle.from_dict, data)
    if lc is not None:
        round_trips(lc)


@FUZZ
@given(st.sampled_from([s.id for s in STAGES]) | json_like, json_like | st.sampled_from(["r" * 5001, "ñ" * 4999]))
def test_lifecycle_setters(stage, reasoning):
    lc = Lifecycle("x")
    works_or_explains(lc.choose, stage)
    works_or_explains(lc.set_reasoning, reasoning)
    works_or_explains(lc.set_cluster, reasoning)
    round_trips(lc)


@FUZZ
@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,20}", fullmatch=True) | json_like)
def test_work_store_keys(key):
    store = works_or_explains(WorkStore, key)
    if store is not None:
        assert store.path.name == f"{key}.json"


@settings(FUZZ, max_examples=40)
@given(json_like)
def test_work_store_save_then_load(data):
    store = WorkStore("fuzz")
    if works_or_explains(store.save, {"data": data}) is not None:
        assert store.load() == json.loads(json.dumps({"data": data}))


@FUZZ
@given(near(dict(EVENT, date_label="1950s", approximate=True)))
def test_event_with_an_approximate_date(data):
    e = works_or_explains(Event.from_dict, data)
    if e is not None:
        assert Event.from_dict(json.loads(json.dumps(e.to_dict()))) == e
