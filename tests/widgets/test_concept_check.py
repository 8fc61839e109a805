"""Concept checks: questions, feedback with reasons, partial credit, saving, and the view."""

import copy
import json

import ipywidgets
import pytest

from clusterlab.widgets import (
    ComponentError,
    ConceptCheck,
    ConceptCheckView,
    Feedback,
    Matching,
    MultipleChoice,
    WorkStore,
)


def mc(**changes):
    base = dict(id="q1", prompt="Pick one", options=["a", "b", "c"], answer=2,
                explanations=["a is wrong because x", "b is wrong because y", "c is right because z"])
    base.update(changes)
    return MultipleChoice(**base)


def matching(**changes):
    base = dict(id="m1", prompt="Match", pairs={"A": "1", "B": "2", "C": "3", "D": "4"}, explanation="Because.")
    base.update(changes)
    return Matching(**base)


# -- multiple choice -----------------------------------------------------------------------------
def test_right_option_scores_one_and_gives_its_reason():
    assert mc().check(2) == Feedback(True, 1.0, "Right. c is right because z")


def test_wrong_option_explains_why_using_that_options_explanation():
    fb = mc().check(0)
    assert (fb.correct, fb.score) == (False, 0.0)
    assert "a is wrong because x" in fb.message and "c is right" not in fb.message


@pytest.mark.parametrize("response", [None, -1, 3, 1.5, "1", True, [0], 10**400])
def test_invalid_choice_is_refused(response):
    with pytest.raises(ComponentError) as info:
        mc().check(response)
    assert str(info.value)


@pytest.mark.parametrize("changes, fragment", [
    (dict(id=""), "question id"),
    (dict(id="q 1"), "question id"),
    (dict(id=7), "question id"),
    (dict(prompt=""), "empty"),
    (dict(prompt=None), "must be text"),
    (dict(prompt="x" * 2001), "too long"),
    (dict(options=["only one"], explanations=["e"]), "at least 2"),
    (dict(options="abc"), "must be a list"),
    (dict(options=["a", "a", "c"]), "same text"),
    (dict(answer=3), "between 0 and 2"),
    (dict(answer=-1), "between 0 and 2"),
    (dict(answer="2"), "must be a number"),
    (dict(answer=True), "must be a number"),
    (dict(answer=10**400), "huge"),
    (dict(explanations=["one", "two"]), "one explanation per option"),
    (dict(explanations=["", "b", "c"]), "empty"),
])
def test_invalid_multiple_choice_is_refused_with_a_reason(changes, fragment):
    with pytest.raises(ComponentError) as info:
        mc(**changes)
    assert fragment in str(info.value)


def test_unicode_text_is_accepted():
    q = mc(prompt="¿Qué es un clúster? 集群", options=["Ñ", "ü", "—"], explanations=["é", "ß", "✓ 正しい"])
    assert q.check(2).message == "Right. ✓ 正しい"


# -- matching ------------------------------------------------------------------------------------
def test_matching_gives_partial_credit_and_names_the_wrong_items():
    fb = matching().check({"A": "1", "B": "2", "C": "4", "D": "3"})
    assert (fb.correct, fb.score) == (False, 0.5)
    assert "C, D" in fb.message and "Because." in fb.message


def test_matching_all_right():
    fb = matching().check({"A": "1", "B": "2", "C": "3", "D": "4"})
    assert (fb.correct, fb.score) == (True, 1.0)


def test_matching_unanswered_items_count_as_wrong():
    assert matching().check({"A": "1", "B": None}).score == 0.25


@pytest.mark.parametrize("response", [{}, {"A": None}, {"Z": "1"}, {"A": "9"}, {"A": ["1"]}, ["A", "1"], "A=1", None])
def test_matching_invalid_response_is_refused(response):
    with pytest.raises(ComponentError):
        matching().check(response)


def test_matching_choices_are_shuffled_the_same_way_every_time():
    q = matching()
    assert q.choices() == matching().choices()
    assert sorted(q.choices()) == ["1", "2", "3", "4"]
    assert q.choices() != ["1", "2", "3", "4"]


@pytest.mark.parametrize("changes", [dict(pairs={"A": "1"}), dict(pairs={}), dict(pairs=["A", "1"]),
                                     dict(pairs={"A": "", "B": "2"}), dict(pairs={"A": 1, "B": "2"}),
                                     dict(pairs={f"k{i}": str(i) for i in range(13)}), dict(explanation="")])
def test_invalid_matching_is_refused(changes):
    with pytest.raises(ComponentError):
        matching(**changes)


# -- the quiz ------------------------------------------------------------------------------------
def test_quiz_from_a_compact_dictionary(quiz_dict):
    quiz = ConceptCheck.from_dict(quiz_dict)
    assert [type(q) for q in quiz.questions] == [MultipleChoice, Matching]
    assert quiz.score() == 0
    assert quiz.check("q1", 1).correct
    fb = quiz.check("q2", {"industrial district": "Marshall", "cluster": "Becattini", "Italian district": "Porter"})
    assert fb.score == pytest.approx(1 / 3)
    assert quiz.score() == pytest.approx((1 + 1 / 3) / 2)
    assert quiz.responses["q1"] == 1 and quiz.feedback("q1").correct


def test_quiz_check_of_unknown_question_lists_the_known_ones(quiz_dict):
    with pytest.raises(ComponentError, match="q1, q2"):
        ConceptCheck.from_dict(quiz_dict).check("q9", 0)


def test_a_refused_response_does_not_overwrite_the_stored_one(quiz_dict):
    quiz = ConceptCheck.from_dict(quiz_dict)
    quiz.check("q1", 1)
    with pytest.raises(ComponentError):
        quiz.check("q1", 7)
    assert quiz.responses == {"q1": 1}


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.pop("title"), "missing"),
    (lambda d: d.pop("questions"), "missing"),
    (lambda d: d.update(questions=[]), "at least 1"),
    (lambda d: d.update(questions="q1"), "must be a list"),
    (lambda d: d.update(title=""), "empty"),
    (lambda d: d.update(title="t" * 201), "too long"),
    (lambda d: d.update(extra=1), "unknown field"),
    (lambda d: d["questions"][0].pop("answer"), "missing"),
    (lambda d: d["questions"][0].update(pairs={"a": "b"}), "not both"),
    (lambda d: d["questions"][1].pop("pairs"), "either"),
    (lambda d: d["questions"][1].update(id="q1"), "same id"),
    (lambda d: d["questions"][0].update(type="matching"), "missing"),
    (lambda d: d["questions"][0].update(type="essay"), "type"),
    (lambda d: d.update(responses={"q1": 9}), "between 0 and 2"),
    (lambda d: d.update(responses={"zz": 0}), "no question"),
    (lambda d: d.update(kind="timeline"), "not a concept check"),
])
def test_invalid_quiz_dictionaries_are_refused_with_a_reason(quiz_dict, mutate, fragment):
    mutate(quiz_dict)
    with pytest.raises(ComponentError) as info:
        ConceptCheck.from_dict(quiz_dict)
    assert fragment in str(info.value)


@pytest.mark.parametrize("bad", [None, [], "quiz", 3, {}])
def test_from_dict_refuses_what_is_not_a_quiz(bad):
    with pytest.raises(ComponentError):
        ConceptCheck.from_dict(bad)


def test_json_round_trip_keeps_questions_and_responses(quiz_dict):
    quiz = ConceptCheck.from_dict(quiz_dict)
    quiz.check("q1", 0)
    quiz.check("q2", {"cluster": "Porter"})
    again = ConceptCheck.from_dict(json.loads(json.dumps(quiz.to_dict())))
    assert again == quiz and again.score() == quiz.score()


def test_save_and_reload_through_the_work_store(quiz_dict):
    quiz = ConceptCheck.from_dict(quiz_dict)
    quiz.check("q1", 1)
    WorkStore("quiz").save(quiz.to_dict())
    assert ConceptCheck.from_dict(WorkStore("quiz").load()) == quiz


# -- the view ------------------------------------------------------------------------------------
def test_view_checks_an_answer_and_shows_why(quiz_dict):
    view = ConceptCheckView(quiz_dict)
    view.controls["q1"].value = 0
    view.buttons["q1"].click()
    assert view.model.responses == {"q1": 0}
    assert "not the cluster" in view.feedback_boxes["q1"].value and "#c62828" in view.feedback_boxes["q1"].value
    view.controls["q1"].value = 1
    view.buttons["q1"].click()
    assert "#2e7d32" in view.feedback_boxes["q1"].value
    assert "50%" in view.score_line.value


def test_view_matching_uses_one_dropdown_per_item(quiz_dict, widgets_in):
    view = ConceptCheckView(quiz_dict)
    drops = view.controls["q2"]
    assert set(drops) == {"industrial district", "cluster", "Italian district"}
    assert len(widgets_in(view, ipywidgets.Dropdown)) == 3
    drops["cluster"].value = "Porter"
    view.buttons["q2"].click()
    assert view.model.responses["q2"] == {"cluster": "Porter"}
    assert "1 of 3 pairs" in view.feedback_boxes["q2"].value


def test_view_shows_an_error_when_checking_without_a_choice(quiz_dict, errors_of):
    view = ConceptCheckView(quiz_dict)
    assert errors_of(view) == []
    view.buttons["q1"].click()
    assert any("choose one of the options" in e for e in errors_of(view))
    assert view.model.responses == {}


def test_view_with_an_invalid_quiz_shows_the_problem_instead_of_raising(quiz_dict, errors_of):
    del quiz_dict["questions"][0]["explanations"]
    view = ConceptCheckView(quiz_dict)
    assert view.model is None
    assert any("explanations" in e for e in errors_of(view))
    assert ConceptCheckView().model is None


def test_view_read_only_disables_every_control(quiz_dict):
    view = ConceptCheckView(quiz_dict, read_only=True)
    controls = [view.controls["q1"], *view.controls["q2"].values(), *view.buttons.values()]
    assert controls and all(c.disabled for c in controls)


def test_view_work_survives_a_restart(quiz_dict, work_folder):
    view = ConceptCheckView(copy.deepcopy(quiz_dict), save_as="m1-quiz")
    view.controls["q1"].value = 1
    view.buttons["q1"].click()
    assert (work_folder / "m1-quiz.json").exists()
    again = ConceptCheckView(copy.deepcopy(quiz_dict), save_as="m1-quiz")
    assert again.model.responses == {"q1": 1}
    assert again.controls["q1"].value == 1
    assert "Right." in again.feedback_boxes["q1"].value


def test_view_keeps_the_new_questions_and_only_fitting_saved_answers(quiz_dict, work_folder):
    WorkStore("m1-quiz").save({"title": "old", "questions": quiz_dict["questions"],
                               "responses": {"q1": 2, "q2": {"cluster": "Porter"}}})
    quiz_dict["questions"][0]["options"] = ["x", "y"]
    quiz_dict["questions"][0]["explanations"] = ["no", "yes"]
    quiz_dict["questions"][0]["answer"] = 1
    view = ConceptCheckView(quiz_dict, save_as="m1-quiz")
    assert view.model.title == quiz_dict["title"]
    assert view.model.responses == {"q2": {"cluster": "Porter"}}


def test_view_with_a_corrupt_save_file_reports_it_and_keeps_it(quiz_dict, work_folder, errors_of):
    work_folder.mkdir(parents=True)
    (work_folder / "m1-quiz.json").write_text("{oops")
    view = ConceptCheckView(quiz_dict, save_as="m1-quiz")
    assert view.model.responses == {}
    assert any("could not be read" in e for e in errors_of(view))
    kept = list(work_folder.glob("m1-quiz.corrupt-*.json"))
    assert [p.read_text() for p in kept] == ["{oops"]
