"""The module 2 check: its expected answers follow from the shipped data, its visible tests check only
the form of an answer, its release carries no answer, and the autograder gives the worked answers full
marks, the untouched release nothing, and a partial answer exactly the parts it got right.

How every expected value was computed by hand (persons employed in 2015, Eurostat, sbs_r_nuts06_r2, as
shipped in course/data/regional; the tests below compute them again from the data with
clusterlab.mapping):

Question 1: leather (C15) in Toscana (ITI1), Italy as the reference area, manufacturing (C) as the
denominator. e_ir = 42,770, e_r = 279,962, E_i = 141,045, E = 3,618,487.
    focus = 42,770 / 279,962           = 0.152771 -> 15.28 % (worked answer 15.3)
    Italy = 141,045 / 3,618,487        = 0.038979
    LQ    = 0.152771 / 0.038979        = 3.9193   -> 3.92
    size  = 42,770 / 141,045           = 0.303237 -> 30.32 % (worked answer 30.3)
Question 2: leather in Marche (ITI3). Business economy (sections B-N without K, and S95): Marche
410,594, Italy 14,224,699.
    Ana   (25,950 / 151,538) / (141,045 / 3,618,487)  = 0.171244 / 0.038979 = 4.39  right (manufacturing twice)
    Ben   (25,950 / 410,594) / (141,045 / 3,618,487)  = 0.063201 / 0.038979 = 1.62  wrong (two different totals)
    Carla (25,950 / 410,594) / (141,045 / 14,224,699) = 0.063201 / 0.009916 = 6.37  right (business economy twice)
Question 3: stars with fixed thresholds: size = e_ir / 141,045 >= 10 %, LQ >= 2, focus = e_ir / e_r >= 5 %.
    Marche         25,950 / 151,538: size 18.40 %, LQ 4.39, focus 17.12 % -> size, specialisation, focus
    Campania       13,138 / 173,890: size  9.31 %, LQ 1.94, focus  7.56 % -> focus
    Veneto         27,355 / 508,954: size 19.39 %, LQ 1.38, focus  5.37 % -> size, focus
    Lombardia      12,915 / 897,520: size  9.16 %, LQ 0.37, focus  1.44 % -> none
    Emilia-Romagna  6,974 / 431,940: size  4.94 %, LQ 0.41, focus  1.61 % -> none
    Puglia          5,199 / 136,247: size  3.69 %, LQ 0.98, focus  3.82 % -> none
Question 4 (invented figures): region 2,000 -> 2,100; the country's industry 100,000 -> 95,000; the
country's employment 1,000,000 -> 1,040,000.
    national share = 2,000 x (1,040,000 / 1,000,000 - 1) = 2,000 x 0.04            =   80
    industry mix   = 2,000 x (95,000 / 100,000 - 1.04)   = 2,000 x (-0.09)         = -180
    regional shift = 2,000 x (2,100 / 2,000 - 0.95)      = 2,000 x 0.10            =  200
    check: 80 - 180 + 200 = 100 = 2,100 - 2,000.
Question 5: Cataluña (ES51) against Spain, manufacturing as the denominator:
    (2,857 / 404,665) / (41,009 / 1,768,607) = 0.007060 / 0.023187 = 0.30; the right letters are A (the
    region is too coarse) and B (division C15 mixes tanning with shoes and leather goods).
Question 6: (a) photonics -> technology-oriented; (b) active people over 65 -> market strategies;
(c) an agency that ran everything, no firm in a leading role -> leadership by a core group of companies.
Question 7 is graded by hand (rubric.yaml, module-2-check, q7).
"""

from __future__ import annotations

import copy
import json

import nbformat
import pandas as pd
import pytest

from clusterlab import mapping
from clusterlab.grading import answers
from clusterlab.grading.checks import DOCUMENTS, check_document, check_part
from clusterlab.grading.engine.autograde import autograde
from clusterlab.grading.export import part_name
from clusterlab.grading.feedback import strip_hidden
from clusterlab.grading.form_view import FormView
from clusterlab.grading.forms import load_forms
from clusterlab.grading.keys import declarations
from clusterlab.grading.nbconfig import ASSIGNMENTS, COURSE_ID, KEEP_SUBMITTED
from clusterlab.grading.rubric import points as rubric_points
from clusterlab.grading.workflow import SHIPPED_COURSE
from clusterlab.regional_data import SOURCE, load_employment

from .helpers import answer_text, example_answers, grade_id, submit

MOD2 = "module-2-check"
NOTEBOOK = SHIPPED_COURSE / "source" / MOD2 / f"{MOD2}.ipynb"
WORKED = json.loads((SHIPPED_COURSE / "examples" / MOD2 / "answers.json").read_text(encoding="utf-8"))["answers"]
#: Question 3's regions, as the form saves them (its choices' keys).
REGIONS = {"marche": "ITI3", "campania": "ITF3", "veneto": "ITH3", "lombardia": "ITC4",
           "emilia-romagna": "ITH5", "puglia": "ITF4"}
#: Right: Q1 LQ (2) and focus (1), Q2 (b), Q3 size, Q4 national and regional, one letter of Q5, Q6 (a) and (c).
#: Wrong: Q1 size given as a share instead of a percentage, Q2 (a) ticks Ana only, Q3 specialisation adds
#: Campania (LQ 1.94), Q3 focus "No region", Q4 mix with the wrong sign, Q5 C, Q6 (b) product-oriented.
PARTIAL = {
    "Q1": {"lq": 3.92, "size": 0.30, "focus": 15.3},
    "Q2": {"a": ["ana"], "b": "mixed"},
    "Q3": {"size": ["marche", "veneto"], "specialisation": ["marche", "campania"], "focus": []},
    "Q4": {"national": 80, "mix": 180, "regional": 200},
    "Q5": ["A", "C"],
    "Q6": {"a": "technology", "b": "product", "c": "core_group"},
}
PARTIAL_SCORES = {"q1-lq": 2, "q1-size": 0, "q1-focus": 1, "q2-a": 0, "q2-b": 1, "q3-size": 1,
                  "q3-specialisation": 0, "q3-focus": 0, "q4-national": 1, "q4-mix": 0, "q4-regional": 1,
                  "q5-partly": 1, "q5-fully": 0, "q6-a": 1, "q6-b": 0, "q6-c": 1}


def source_cells() -> list:
    return nbformat.read(NOTEBOOK, as_version=4).cells


def graded_cells() -> dict:
    """grade_id -> the code cell of every autograded part."""
    return {grade_id(c): c for c in source_cells()
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}


def expected() -> dict:
    """path -> the options of its hidden expect(...) line, read from the source notebook."""
    found = {}
    for gid, cell in graded_cells().items():
        for decl in declarations(cell.source, where=gid):
            if decl.verb == "expect":
                found.setdefault(decl.args[0], []).append(dict(decl.options))
    return found


def markdown() -> str:
    return "\n".join(c.source for c in source_cells() if c.cell_type == "markdown")


def employed(frame, region: str, code: str) -> float:
    [value] = frame.loc[(frame["region"] == region) & (frame["nace"] == code), "employed"].tolist()
    return value


def business_economy(frame, region: str) -> float:
    return sum(employed(frame, region, code) for code in mapping.BUSINESS_ECONOMY)


# ------------------------------------------------------------------------------ the expected values
@pytest.fixture(scope="module")
def data():
    return load_employment()


def test_question_1_values_come_from_the_data(data):
    e_ir, e_r = employed(data, "ITI1", "C15"), employed(data, "ITI1", "C")
    E_i, E = employed(data, "IT", "C15"), employed(data, "IT", "C")
    assert (e_ir, e_r, E_i, E) == (42770, 279962, 141045, 3618487)
    keys = expected()
    truth = {"Q1.lq": mapping.location_quotient(e_ir, e_r, E_i, E),  # 3.9193
             "Q1.size": 100 * mapping.size(e_ir, E_i),              # 30.32
             "Q1.focus": 100 * mapping.focus(e_ir, e_r)}            # 15.28
    for path, exact in truth.items():
        [options] = keys[path]
        assert abs(options["near"] - exact) < 0.005, path
        rounded = round(exact, 2 if path == "Q1.lq" else 1)  # what the question asks for is accepted
        assert abs(rounded - options["near"]) <= options["within"], path
    assert round(truth["Q1.lq"], 2) == 3.92 and round(truth["Q1.size"], 1) == 30.3 and round(truth["Q1.focus"], 1) == 15.3
    # the worked answers are the rounded values
    assert WORKED["Q1"] == {"lq": 3.92, "size": 30.3, "focus": 15.3}


def test_question_2_quotients_come_from_the_data(data):
    e_ir, e_r, b_r = employed(data, "ITI3", "C15"), employed(data, "ITI3", "C"), business_economy(data, "ITI3")
    E_i, E, B = employed(data, "IT", "C15"), employed(data, "IT", "C"), business_economy(data, "IT")
    assert (e_ir, e_r, b_r, B) == (25950, 151538, 410594, 14224699)
    ana = mapping.location_quotient(e_ir, e_r, E_i, E)
    ben = (e_ir / b_r) / (E_i / E)  # Marche's business economy against Italy's manufacturing
    carla = mapping.location_quotient(e_ir, b_r, E_i, B)
    assert [round(x, 2) for x in (ana, ben, carla)] == [4.39, 1.62, 6.37]
    # the same quotients as the regional mapper's, for the two denominators it offers
    for denominator, value in (("manufacturing", ana), ("business economy", carla)):
        table = mapping.ranking(data, ["C15"], reference="country", denominator=denominator)
        assert table.loc[table["region"] == "ITI3", "lq"].item() == pytest.approx(value)
    text = markdown()
    for shown in ("(25,950 / 151,538) / (141,045 / 3,618,487) | 4.39", "(25,950 / 410,594) / (141,045 / 3,618,487) | 1.62",
                  "(25,950 / 410,594) / (141,045 / 14,224,699) | 6.37", "410,594", "14,224,699"):
        assert shown in text, shown
    keys = expected()
    assert keys["Q2.a"][0]["same_as"] == ["ana", "carla"]
    assert keys["Q2.b"][0]["equals"] == "mixed"


def test_question_3_stars_come_from_the_data(data):
    E_i, E = employed(data, "IT", "C15"), employed(data, "IT", "C")
    stars = {"size": [], "specialisation": [], "focus": []}
    text = markdown()
    for key, code in REGIONS.items():
        e_ir, e_r = employed(data, code, "C15"), employed(data, code, "C")
        lq = mapping.location_quotient(e_ir, e_r, E_i, E)
        assert f"({code}) | {e_ir:,.0f} | {e_r:,.0f} | {lq:.2f} |" in text, code  # the table shows the data
        if mapping.size(e_ir, E_i) >= 0.10:
            stars["size"].append(key)
        if lq >= 2:
            stars["specialisation"].append(key)
        if mapping.focus(e_ir, e_r) >= 0.05:
            stars["focus"].append(key)
    assert stars == {"size": ["marche", "veneto"], "specialisation": ["marche"],
                     "focus": ["marche", "campania", "veneto"]}
    keys = expected()
    for star, regions in stars.items():
        assert keys[f"Q3.{star}"][0]["same_as"] == regions
    assert WORKED["Q3"] == stars
    # the library's specialisation star (LQ of 2 or more) agrees with the threshold of the question
    codes = list(REGIONS.values())
    e = [employed(data, c, "C15") for c in codes]
    lqs = [mapping.location_quotient(x, employed(data, c, "C"), E_i, E) for x, c in zip(e, codes)]
    table = mapping.eco_stars(pd.Series(e, index=codes), pd.Series(lqs, index=codes),
                              pd.Series([x / employed(data, c, "C") for x, c in zip(e, codes)], index=codes))
    assert [k for k, c in REGIONS.items() if table.loc[c, "specialisation_star"]] == stars["specialisation"]


def test_question_4_components_come_from_the_library():
    result = mapping.shift_share({"C15": 2000}, {"C15": 2100}, {"C15": 100000}, {"C15": 95000},
                                 reference_totals=(1000000, 1040000))
    keys = expected()
    for path, value, by_hand in (("Q4.national", result.national_share, 80), ("Q4.mix", result.industry_mix, -180),
                                 ("Q4.regional", result.regional_shift, 200)):
        assert value == pytest.approx(by_hand)
        [options] = keys[path]
        assert (options["near"], options["within"]) == (by_hand, 0.5)
    assert result.total_change == 100
    for figure in ("| 2,000 | 2,100 |", "| 100,000 | 95,000 |", "| 1,000,000 | 1,040,000 |"):
        assert figure in markdown()


def test_question_5_figures_come_from_the_data(data):
    e_ir, e_r = employed(data, "ES51", "C15"), employed(data, "ES51", "C")
    E_i, E = employed(data, "ES", "C15"), employed(data, "ES", "C")
    text = markdown()
    assert f"| Cataluña (ES51) | {e_ir:,.0f} | {e_r:,.0f} |" in text
    assert f"| Spain (ES) | {E_i:,.0f} | {E:,.0f} |" in text
    assert f"is {mapping.location_quotient(e_ir, e_r, E_i, E):.2f}:" in text  # 0.30
    keys = expected()
    assert [o.get("same_as") or o.get("overlap") for o in keys["Q5"]] == [["A", "B"], ["A", "B"]]


def test_every_table_of_real_figures_names_its_source():
    for cell in source_cells():
        if cell.cell_type == "markdown" and "| Manufacturing (C)" in cell.source:
            assert SOURCE in cell.source, grade_id(cell)
    assert markdown().count(SOURCE) == 4  # questions 1, 2, 3 and 5


def test_points_and_parts():
    cells = graded_cells()
    assert {g: c.metadata.nbgrader["points"] for g, c in cells.items()} == {
        "q1-lq": 2, "q1-size": 1, "q1-focus": 1, "q2-a": 1, "q2-b": 1, "q3-size": 1, "q3-specialisation": 1,
        "q3-focus": 1, "q4-national": 1, "q4-mix": 1, "q4-regional": 1, "q5-partly": 1, "q5-fully": 1,
        "q6-a": 1, "q6-b": 1, "q6-c": 1}
    manual = [c for c in source_cells() if c.metadata.get("nbgrader", {}).get("solution")]
    assert [grade_id(c) for c in manual] == ["q7"] and manual[0].metadata.nbgrader["points"] == rubric_points(MOD2, "q7")
    assert {part_name(MOD2, g) for g in cells} == {f"Question {n}" for n in range(1, 7)}
    assert part_name(MOD2, "q7") == "Question 7 (from a map to an initiative)"
    assert ASSIGNMENTS.index(MOD2) == ASSIGNMENTS.index("module-1-check") + 1
    assert KEEP_SUBMITTED[MOD2] == ["answers.json"]
    for gid, cell in cells.items():  # each test cell checks the form of its own part only
        [check] = [d for d in declarations(cell.source) if d.verb == "check"]
        assert len(check.args) == 1 and check.args[0].startswith("m2-q" + gid[1]), gid


# ------------------------------------------------------------------------------ the visible rules
def test_the_worked_answers_pass_every_rule():
    assert list(check_document(copy.deepcopy(WORKED), MOD2)) == []
    assert check_document(copy.deepcopy(WORKED)) == []  # recognised from its answers


def test_wrong_answers_of_the_right_form_pass_the_rules():
    """The visible tests never tell whether an answer is right: the partial answer passes them all."""
    assert list(check_document(copy.deepcopy(PARTIAL), MOD2)) == []


@pytest.mark.parametrize("change, rules", [
    (lambda a: a.pop("Q1"), {"m2-q1-lq", "m2-q1-size", "m2-q1-focus"}),
    (lambda a: a["Q1"].update(focus=None), {"m2-q1-focus"}),
    (lambda a: a["Q1"].update(size=120), {"m2-q1-size"}),
    (lambda a: a["Q1"].update(lq="3.92"), {"m2-q1-lq"}),
    (lambda a: a["Q2"].update(a=["dan"]), {"m2-q2-a"}),
    (lambda a: a["Q2"].update(b="nothing"), {"m2-q2-b"}),
    (lambda a: a["Q3"].update(size=["toscana"]), {"m2-q3-size"}),
    (lambda a: a["Q3"].update(focus="marche"), {"m2-q3-focus"}),
    (lambda a: a["Q4"].update(mix=None), {"m2-q4-mix"}),
    (lambda a: a["Q4"].update(national=True), {"m2-q4-national"}),
    (lambda a: a.update(Q5=["A"]), {"m2-q5"}),
    (lambda a: a.update(Q5=["A", "B", "C"]), {"m2-q5"}),
    (lambda a: a.update(Q5=["A", "Z"]), {"m2-q5"}),
    (lambda a: a["Q6"].update(c="luck"), {"m2-q6-c"}),
    (lambda a: a.update(Q6=["technology"]), {"m2-q6-a", "m2-q6-b", "m2-q6-c"}),
])
def test_each_form_mistake_is_found_by_its_own_rule(change, rules):
    answers_ = copy.deepcopy(WORKED)
    change(answers_)
    found = check_document(answers_, MOD2)
    assert {f.rule for f in found} == rules, [str(f) for f in found]
    assert all(f.message and "Traceback" not in str(f) for f in found)


def test_no_region_is_an_answer():
    answers_ = copy.deepcopy(WORKED)
    answers_["Q3"]["specialisation"] = []
    assert check_part("m2-q3-specialisation", answers_) == []


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(tmp_path / "work"))
    return tmp_path


def test_forms_filled_with_the_worked_answers_pass_every_visible_rule(folder):
    parts = load_forms()[MOD2].parts
    assert [p.key for p in parts.values()] == list(WORKED)
    assert {r for p in parts.values() for r in p.rules} == {r for r, _, _ in DOCUMENTS[MOD2]}
    views = {pid: FormView(MOD2, pid, folder / answers.ANSWERS_FILE) for pid in parts}
    for pid, view in views.items():
        assert view.findings, pid  # empty, each part has something to fix
        view.set(copy.deepcopy(WORKED[parts[pid].key]))
        assert view.error.message == "", (pid, view.error.message)
    for pid, view in views.items():
        assert view.findings == [] and "This part is complete." in view.report.value, pid
    assert answers.load(folder / answers.ANSWERS_FILE, document=MOD2) == WORKED


def test_typed_entries_are_saved_as_the_rules_read_them(folder):
    view = FormView(MOD2, "q4", folder / answers.ANSWERS_FILE)
    view.set({"national": "80", "mix": "-180", "regional": "200"})
    q1 = FormView(MOD2, "q1", folder / answers.ANSWERS_FILE)
    q1.set({"lq": "3,92", "size": "30.3", "focus": None})
    saved = answers.load(folder / answers.ANSWERS_FILE, document=MOD2)
    assert saved["Q4"] == {"national": 80, "mix": -180, "regional": 200}
    assert saved["Q1"] == {"lq": 3.92, "size": 30.3, "focus": None}
    assert [f.rule for f in q1.findings] == ["m2-q1-focus"]


# ------------------------------------------------------------------------------ release and autograde
def test_release_carries_no_answer(released_course):
    folder = released_course / "release" / MOD2
    assert json.loads((folder / "answers.json").read_text()) == {"document": MOD2, "saved": None, "answers": {}}
    released = (folder / f"{MOD2}.ipynb").read_text(encoding="utf-8")
    assert "HIDDEN TESTS" not in released and "expect(" not in released
    secret = [line for c in source_cells() for line in strip_hidden(c.source)[1]]
    secret += [line.strip() for line in answer_text(released_course, MOD2)["q7"].splitlines() if len(line.strip()) > 12]
    assert len(secret) > 16
    for line in secret:
        assert line not in released, line
    nb = nbformat.reads(released, as_version=4)
    [q7] = [c for c in nb.cells if grade_id(c) == "q7"]
    assert "YOUR ANSWER HERE" in q7.source
    assert all('check("m2-q' in c.source for c in nb.cells if grade_id(c) in graded_cells())  # the visible tests stay


@pytest.fixture(scope="module")
def graded(released_course):
    root = released_course
    submit(root, MOD2, "m2-solution", answers=example_answers(root, MOD2), text=answer_text(root, MOD2))
    submit(root, MOD2, "m2-untouched")
    submit(root, MOD2, "m2-partial", answers=PARTIAL)
    results = autograde(root, MOD2, students=["m2-solution", "m2-untouched", "m2-partial"], jobs=2, force=True)
    return root, results


def scores(root, student) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        sub = gb.find_submission(MOD2, student)
        return {g.name: (g.auto_score, g.needs_manual_grade) for nb in sub.notebooks for g in nb.grades}


@pytest.mark.slow
def test_worked_answers_get_full_marks(graded):
    root, results = graded
    assert {s: o.status for s, o in results.items()} == {"m2-solution": "graded", "m2-untouched": "graded",
                                                         "m2-partial": "graded"}
    got = scores(root, "m2-solution")
    points = {g: c.metadata.nbgrader["points"] for g, c in graded_cells().items()}
    assert {g: got[g][0] for g in points} == points and sum(points.values()) == 17
    assert got["q7"][1]  # the written answer waits for the instructor


@pytest.mark.slow
def test_untouched_release_gets_zero(graded):
    root, _ = graded
    got = scores(root, "m2-untouched")
    assert {got[g][0] for g in graded_cells()} == {0.0}


@pytest.mark.slow
def test_partial_answer_gets_exactly_its_parts(graded):
    root, _ = graded
    got = scores(root, "m2-partial")
    assert {g: got[g][0] for g in graded_cells()} == PARTIAL_SCORES
    assert sum(PARTIAL_SCORES.values()) == 10
    # the feedback of a wrong part says which part, never the answer
    nb = nbformat.read(root / "autograded" / "m2-partial" / MOD2 / f"{MOD2}.ipynb", as_version=4)
    [mix] = [c for c in nb.cells if grade_id(c) == "q4-mix"]
    shown = json.dumps(mix.outputs)
    assert [o["output_type"] for o in mix.outputs] == ["error"]
    assert "The industry mix is not right." in mix.outputs[0]["evalue"]
    assert "near=" not in shown and "-180" not in shown
