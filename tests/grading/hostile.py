"""Hostile submissions for ``test_hostile_submissions.py``: one builder per attack, and the oracle.

Every attack is an :class:`Attack`: the trainee's name, the assignment, the class of attack (see the
test module), what it tries, how to build it in ``submitted/`` and what the autograder must make of it:

- ``score``: the exact automatic score expected, or the name of another trainee of the same batch
  whose submission is the same without the attack (the attacker must score exactly like it);
- ``statuses``: the statuses accepted for it in the report;
- ``reasons``: words that must all appear (without case) in the reasons of the report.

:func:`oracle_score` computes a score from the answers alone, in this process, by applying the test
cells' declarations of the course's source notebook (hidden ones included) to the answers: the
grading engine, nbgrader and the sandbox must come to the same number.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import nbformat
from nbformat.v4 import new_code_cell, new_output

from .helpers import example_answers, grade_id, submit

MOD, IND, CLU = "module-1-check", "industry-document", "cluster-document"
#: The greatest automatic score of each assignment (the hand-graded cells are not counted).
AUTO_MAX = {MOD: 8.0, IND: 11.0, CLU: 13.0}

#: Script payloads: in the markdown cells and in the answers.
XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click me</a>',
    "[click me](javascript:alert(1))",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<svg onload=alert(1)></svg>",
    "<details open ontoggle=alert(1)>x</details>",
    # SVG animation that sets a link's address when it starts: a click runs the script
    '<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text x="20" y="20">click</text></a></svg>',
    '<svg><a><set attributeName="href" to="javascript:alert(1)"/><text x="20" y="40">click</text></a></svg>',
    '<svg><a><animate attributeName="href" values="https://example.org;javascript:alert(1)"/><text>x</text></a></svg>',
]
XSS_TEXT = "\n\n".join(XSS)

#: Code that would do harm if any cell of a submission ran. ``{marker}`` is a folder outside the course.
HARMFUL_CODE = [
    # replace the checker, and what the test cells call
    "check = lambda *args, **kwargs: print('Passed.')\nexpect = check\nself_check = check",
    "def require(*args, **kwargs):\n    return None\n",
    "import clusterlab.grading.keys as keys\nkeys.evaluate = lambda decls, answers: keys.Outcome(True)",
    # an IPython input transformer that empties every later cell (so a test cell would run nothing)
    "get_ipython().input_transformers_cleanup.append(lambda lines: [])",
    # answers that equal anything
    "class Anything:\n    def __eq__(self, other):\n        return True\n    __hash__ = object.__hash__\n"
    "Q1 = {'a': Anything(), 'b': Anything(), 'c': Anything()}\nQ3 = Anything()",
    "print('Passed.')\nprint('Passed: this part is complete.')",
    # switch guards off
    "import os\nos.environ['CLUSTERLAB_NO_PATCHES'] = '1'\nos.environ['CLUSTERLAB_READER_AS_ROOT'] = '1'\n"
    "import clusterlab.grading.engine.sandbox as sb\nsb.available = lambda: False",
    # read what is not the trainee's
    "import glob\nsecret = [open(p).read() for p in glob.glob('/**/source/**/*.ipynb', recursive=True)]\n"
    "open('{marker}/read-solutions', 'w').write(str(len(secret)))",
    "open('{marker}/read-gradebook', 'wb').write(open('../../../gradebook.db', 'rb').read())",
    "import shutil\nshutil.copytree('../../honest-full', '{marker}/stolen')",
    # write outside
    "open('../../../nbgrader_config.py', 'a').write('\\nc.Autograde.autograde_preprocessors = []\\n')\n"
    "open('{marker}/wrote-config', 'w').write('x')",
    "open('{marker}/ran', 'w').write('this cell ran')",
    # start processes
    "import subprocess\nsubprocess.Popen(['sleep', '977'])\nopen('{marker}/process', 'w').write('x')",
    "import os\nif os.fork() == 0:\n    open('{marker}/forked', 'w').write('x')\n    os._exit(0)",
    # the gradebook through SQLite: a trigger that gives full points to every later grade
    "import sqlite3\ncon = sqlite3.connect('{marker}/scratch.db')\n"
    "con.execute(\"ATTACH DATABASE '../../../gradebook.db' AS gb\")\n"
    "con.execute('CREATE TRIGGER gb.cheat AFTER UPDATE ON grade BEGIN UPDATE grade SET auto_score = 1000; END')\n"
    "con.commit()\nopen('{marker}/attached', 'w').write('x')",
]


@dataclass
class Context:
    """What the builders need: the course, a folder outside it, the worked answers, the tokens."""

    root: Path
    outside: Path  # a folder outside the course: marker files land here if any code ran
    tokens: dict  # (assignment, honest trainee) -> a text that only that trainee wrote

    @property
    def markers(self) -> Path:
        return self.outside / "markers"

    def full(self, assignment: str) -> dict:
        return example_answers(self.root, assignment)

    def actors(self) -> str:
        return (self.root / "examples" / CLU / "actors.csv").read_text(encoding="utf-8")

    def folder(self, assignment: str, student: str) -> Path:
        return self.root / "submitted" / student / assignment


@dataclass
class Attack:
    student: str
    assignment: str
    klass: int
    what: str
    build: Callable[[Context, str, str], None]
    score: float | str  # the exact automatic score, or the trainee whose score it must equal
    statuses: tuple = ("graded", "flagged")
    reasons: tuple = ()


# --- notebooks -------------------------------------------------------------------------------------


def _release_json(ctx: Context, assignment: str) -> dict:
    return json.loads((ctx.root / "release" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))


def _test_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata.get("nbgrader", {}).get("solution")]


def _answer_cell(nb):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))


def _fake_outputs(test_cell) -> None:
    """Outputs as if the cell had run and passed (and a partial grade of 1000 points)."""
    test_cell.execution_count = 7
    test_cell.outputs = [new_output("stream", name="stdout", text="Passed.\n"),
                         new_output("execute_result", data={"text/plain": "1000"}, execution_count=7)]


def _harmful_cells(ctx: Context) -> list:
    return [new_code_cell(code.replace("{marker}", str(ctx.markers))) for code in HARMFUL_CODE]


def _with_code(ctx: Context):
    def edit(nb):
        at = nb.cells.index(next(c for c in nb.cells if grade_id(c) == "setup")) + 1
        nb.cells[at:at] = _harmful_cells(ctx)
        nb.cells.append(new_code_cell("\n".join(HARMFUL_CODE).replace("{marker}", str(ctx.markers))))
        _answer_cell(nb).source = "```python\n" + "\n".join(HARMFUL_CODE[:3]) + "\n```\n" + \
            f"<script>fetch('file://{ctx.markers}/ran')</script>"
    return edit


# --- builders --------------------------------------------------------------------------------------


def honest_full(ctx, assignment, student):
    token = ctx.tokens[(assignment, student)]
    nb = nbformat.read(ctx.root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = ctx.full(assignment)
    if assignment == IND:
        answers["INDUSTRY"]["name"] = f"technical textiles {token}"
    if assignment == CLU:
        answers["KEY_FIGURES"]["source"] = f"regional register {token}"
    submit(ctx.root, assignment, student, answers=answers,
           text={grade_id(_answer_cell(nb)): f"My own analysis, {token}."},
           csv=ctx.actors() if assignment == CLU else None)


def honest_zero(ctx, assignment, student):
    submit(ctx.root, assignment, student)


PARTIAL = {
    MOD: ({"Q1": {"a": "cluster", "b": "initiative", "c": "organisation"}, "Q2": ["A", "C", "D"], "Q3": 0.6,
           "Q4": ["North"]}, 6.0),
}


def partial_answers(ctx: Context, assignment: str) -> dict:
    if assignment == MOD:
        return copy.deepcopy(PARTIAL[MOD][0])
    full = ctx.full(assignment)
    if assignment == IND:
        return {"INDUSTRY": full["INDUSTRY"], "VALUE_CHAIN": full["VALUE_CHAIN"]}
    return {k: v for k, v in full.items() if k not in ("DIAMOND", "TIMELINE")}


def honest_partial(ctx, assignment, student):
    submit(ctx.root, assignment, student, answers=partial_answers(ctx, assignment),
           csv=ctx.actors() if assignment == CLU else None)


def honest_no_actors(ctx, assignment, student):
    """The full answers without the cluster database: what every attack on actors.csv must score."""
    folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
    (folder / "actors.csv").unlink()


def code_no_answers(ctx, assignment, student):
    submit(ctx.root, assignment, student, edit=_with_code(ctx))


def code_full_answers(ctx, assignment, student):
    submit(ctx.root, assignment, student, edit=_with_code(ctx), answers=ctx.full(assignment),
           csv=ctx.actors() if assignment == CLU else None)


def fake_outputs(ctx, assignment, student, answers=None):
    def edit(nb):
        for test in _test_cells(nb):
            _fake_outputs(test)
    submit(ctx.root, assignment, student, edit=edit, answers=answers)


def fake_outputs_partial(ctx, assignment, student):
    fake_outputs(ctx, assignment, student, answers=partial_answers(ctx, assignment))


def points_1000(ctx, assignment, student):
    def edit(nb):
        for test in _test_cells(nb):
            test.metadata.nbgrader["points"] = 1000
            _fake_outputs(test)
    submit(ctx.root, assignment, student, edit=edit, answers=partial_answers(ctx, assignment))


def _bonus_cell(name: str, points: float):
    bonus = new_code_cell("pass", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": name, "points": points,
        "schema_version": 3}})
    _fake_outputs(bonus)
    return bonus


def new_test_cell(ctx, assignment, student, answers=None):
    def edit(nb):
        nb.cells.append(_bonus_cell("bonus", 100))
        nb.cells.insert(3, _bonus_cell("bonus-2", 1000))
    submit(ctx.root, assignment, student, edit=edit, answers=answers)


def new_test_cell_full(ctx, assignment, student):
    new_test_cell(ctx, assignment, student, answers=ctx.full(assignment))


def tests_to_pass(ctx, assignment, student, answers=None):
    def edit(nb):
        for test in _test_cells(nb):
            test.source = "pass"
            _fake_outputs(test)
    submit(ctx.root, assignment, student, edit=edit, answers=answers)


def tests_to_pass_full(ctx, assignment, student):
    tests_to_pass(ctx, assignment, student, answers=ctx.full(assignment))


def test_to_markdown(ctx, assignment, student):
    """A test cell turned into a markdown cell, another into an answer (solution) cell."""
    def edit(nb):
        tests = _test_cells(nb)
        tests[0].cell_type = "markdown"
        del tests[0]["outputs"], tests[0]["execution_count"]
        tests[1].metadata.nbgrader["solution"] = True
    submit(ctx.root, assignment, student, edit=edit, answers=partial_answers(ctx, assignment))


def code_in_answers(ctx, assignment, student):
    """Code (and template syntax) in answers.json: data only, never run."""
    code = f"__import__('os').system('touch {ctx.markers}/answers-ran') or 'cluster'"
    answers = {"Q1": {"a": code, "b": "{{7*7}}", "c": "${{7*7}}"}, "Q2": [code, "A", "C"],
               "Q3": f"__import__('os').system('touch {ctx.markers}/q3-ran') or 0.6", "Q4": [code]}
    submit(ctx.root, assignment, student, answers=answers)


# symlinks ------------------------------------------------------------------------------------------


def _replace_with_link(path: Path, target: Path | str) -> None:
    if path.is_dir() and not path.is_symlink():
        import shutil
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)


def link_notebook(ctx, assignment, student):
    folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
    _replace_with_link(folder / f"{assignment}.ipynb", ctx.root / "source" / assignment / f"{assignment}.ipynb")


def link_answers(ctx, assignment, student):
    folder = submit(ctx.root, assignment, student)
    _replace_with_link(folder / "answers.json", ctx.root / "examples" / assignment / "answers.json")


def hardlink_answers(ctx, assignment, student):
    """A hard link is an ordinary file: its content is graded, exactly as a copy of it would be."""
    folder = submit(ctx.root, assignment, student)
    (folder / "answers.json").unlink()
    os.link(ctx.root / "examples" / assignment / "answers.json", folder / "answers.json")


def link_actors(target):
    def build(ctx, assignment, student):
        folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
        _replace_with_link(folder / "actors.csv", target)
    return build


def link_folder(ctx, assignment, student):
    """The submission folder itself is a link to another trainee's submission."""
    other = ctx.folder(assignment, "honest-full")
    target = ctx.folder(assignment, student)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(other, target)


def link_in_subfolder(ctx, assignment, student):
    """A folder of the submission linked to the course's source (extra files are never read)."""
    folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
    os.symlink(ctx.root / "source", folder / "source")
    os.symlink(ctx.root / "gradebook.db", folder / "gradebook.db")


# batch stoppers -----------------------------------------------------------------------------------


def raw_notebook(text_of: Callable[[Context, str], str]):
    def build(ctx, assignment, student):
        folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
        (folder / f"{assignment}.ipynb").write_text(text_of(ctx, assignment), encoding="utf-8")
    return build


def deep_notebook(ctx, assignment):
    return "[" * 100000


def cell_id_list(ctx, assignment):
    nb = _release_json(ctx, assignment)
    nb["cells"][0]["id"] = ["intro", "again"]
    return json.dumps(nb)


def nbgrader_list(ctx, assignment):
    nb = _release_json(ctx, assignment)
    test = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q1-a")
    test["metadata"]["nbgrader"] = ["grade", True, "points", 1000]
    return json.dumps(nb)


def not_json(ctx, assignment):
    return '{"cells": [ this is not json'


def cells_not_list(ctx, assignment):
    nb = _release_json(ctx, assignment)
    nb["cells"] = {"0": nb["cells"][0]}
    return json.dumps(nb)


def duplicate_ids(ctx, assignment):
    nb = _release_json(ctx, assignment)
    for c in nb["cells"]:
        c["id"] = "same"
    return json.dumps(nb)


def deleted_test_cell(ctx, assignment):
    nb = _release_json(ctx, assignment)
    nb["cells"] = [c for c in nb["cells"]
                   if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "supply-levels"]
    return json.dumps(nb)


def many_cells(ctx, assignment):
    nb = _release_json(ctx, assignment)
    nb["cells"] += [{"cell_type": "markdown", "id": f"extra-{i}", "metadata": {}, "source": f"Cell {i}."}
                    for i in range(20000)]
    return json.dumps(nb)


def notebook_30mb(ctx, assignment, student):
    folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
    nb = _release_json(ctx, assignment)
    nb["cells"].append({"cell_type": "markdown", "id": "big", "metadata": {}, "source": "x" * (30 * 2**20)})
    (folder / f"{assignment}.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def raw_answers(data_of: Callable[[Context, str], bytes]):
    def build(ctx, assignment, student):
        submit(ctx.root, assignment, student, raw_answers=data_of(ctx, assignment))
    return build


def _answers_text(assignment: str, answers_json: str) -> bytes:
    return f'{{"document": "{assignment}", "saved": null, "answers": {answers_json}}}'.encode()


def answers_deep(ctx, assignment):
    return _answers_text(assignment, '{"Q1": ' + "[" * 100000 + "]" * 100000 + "}")


def answers_nan(ctx, assignment):
    return _answers_text(assignment, '{"Q1": {"a": "cluster", "b": "initiative", "c": "organisation"}, '
                                     '"Q3": NaN, "Q4": [Infinity, -Infinity]}')


def answers_1e400(ctx, assignment):
    return _answers_text(assignment, '{"Q1": {"a": "cluster", "b": "initiative", "c": "organisation"}, "Q3": 1e400}')


def answers_long_text(ctx, assignment):
    return _answers_text(assignment, json.dumps({"Q1": {"a": "cluster", "b": "initiative", "c": "x" * 1_900_000}}))


def answers_huge_int(ctx, assignment):
    return _answers_text(assignment, '{"Q1": {"a": "cluster", "b": "initiative", "c": "organisation"}, "Q3": '
                         + "9" * 5000 + "}")


def answers_not_utf8(ctx, assignment):
    return _answers_text(assignment, '{"Q1": {"a": "cluster", "b": "initiative", "c": "organisation"}}') \
        .replace(b"cluster", b"cl\xff\xfe\xc3uster")


def answers_wrong_shape(ctx, assignment):
    return b'[1, 2, 3]'


def answers_other_document(ctx, assignment):
    """The worked answers of another document: its parts are not this document's."""
    return (ctx.root / "examples" / MOD / "answers.json").read_bytes()


def fifo(name: str, answers: bool = True):
    def build(ctx, assignment, student):
        folder = submit(ctx.root, assignment, student,
                        answers=ctx.full(assignment) if answers and name != "answers.json" else None)
        (folder / name).unlink(missing_ok=True)
        os.mkfifo(folder / name)
    return build


def directory_named(name: str):
    def build(ctx, assignment, student):
        folder = submit(ctx.root, assignment, student,
                        answers=ctx.full(assignment) if name != "answers.json" else None)
        (folder / name).unlink(missing_ok=True)
        (folder / name).mkdir()
        (folder / name / "answers.json").write_text("{}", encoding="utf-8")
    return build


def extra_files(ctx, assignment, student):
    """25 sparse files of 50 MB each, and a hidden folder: not graded, never copied."""
    folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
    for i in range(25):
        with open(folder / f"extra-{i:02d}.bin", "wb") as handle:
            handle.truncate(50 * 2**20)
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / f"{assignment}-checkpoint.ipynb").write_text("[" * 1000)


def actors_bytes(data_of: Callable[[Context], bytes]):
    def build(ctx, assignment, student):
        folder = submit(ctx.root, assignment, student, answers=ctx.full(assignment))
        (folder / "actors.csv").write_bytes(data_of(ctx))
    return build


def actors_too_big(ctx):
    data = ctx.actors().encode()
    return data + b"#" * (5 * 2**20 + 1 - len(data))


def actors_nul(ctx):
    return ctx.actors().encode().replace(b",firm,", b",fi\x00rm,").replace(b"\n", b"\x00\n", 3)


def actors_xss(ctx):
    lines = ctx.actors().splitlines()
    rows = [f'"{p.replace(chr(34), chr(39))}",firm,industry,small,{p.replace(chr(34), chr(39))},maybe' for p in XSS]
    return ("\n".join(lines + rows) + "\n").encode()


# floods and script payloads in the answers ---------------------------------------------------------


def _map_texts(value, fn):
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_map_texts(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _map_texts(v, fn) for k, v in value.items()}
    return value


def flood_texts_answers(ctx: Context, assignment: str) -> dict:
    """Every text of the worked answers replaced by 20,000 characters (script payloads included)."""
    payloads = " ".join(p for p in XSS if "[" not in p)  # brackets in texts: see brackets_answers
    filler = (payloads + " ") * (20000 // (len(payloads) + 1) + 1)
    return _map_texts(ctx.full(assignment), lambda s: filler[:20000])


def flood_texts(ctx, assignment, student):
    submit(ctx.root, assignment, student, answers=flood_texts_answers(ctx, assignment))


def brackets_answers(ctx: Context, assignment: str) -> dict:
    """The worked answers, with an opening bracket in a few texts (a reference "[1", a smiley ":-[")."""
    answers = ctx.full(assignment)
    for row in answers["SUPPLY"]:
        row["source"] += " [1"
    answers["INDUSTRY"]["boundaries"] += " :-["
    return answers


def brackets(ctx, assignment, student):
    submit(ctx.root, assignment, student, answers=brackets_answers(ctx, assignment))


def answer_to_test(ctx, assignment, student):
    """The hand-graded answer cell turned into a passing test cell (code, 'pass', locked, full points)."""
    def edit(nb):
        answer = _answer_cell(nb)
        answer.cell_type, answer.source = "code", "pass"
        answer.metadata.nbgrader.update(grade=True, solution=False, locked=True)
        _fake_outputs(answer)
    submit(ctx.root, assignment, student, edit=edit)


def flood_rows_answers(ctx: Context, assignment: str) -> dict:
    """The worked answers, with SUPPLY made of wrong rows: the most values the answer file may hold."""
    answers = ctx.full(assignment)
    used = _count(answers) - _count(answers["SUPPLY"]) + 1  # the root "answers" value counts too
    rows = (5000 - used - 1) // 2  # each row is a table of one value
    answers["SUPPLY"] = [{"level": f"<b>level {i}</b>"} for i in range(rows)]
    return answers


def _count(value) -> int:
    if isinstance(value, list):
        return 1 + sum(_count(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(_count(v) for v in value.values())
    return 1


def flood_rows(ctx, assignment, student):
    submit(ctx.root, assignment, student, answers=flood_rows_answers(ctx, assignment))


def flood_over_limit(ctx, assignment, student):
    answers = ctx.full(assignment)
    answers["SUPPLY"] = [{"level": "regional"} for _ in range(5000)]
    submit(ctx.root, assignment, student, answers=answers)


def xss_answers(ctx: Context, assignment: str) -> dict:
    answers = ctx.full(assignment)
    if assignment == IND:
        answers["SUPPLY"] = [dict(row, level=XSS[i % len(XSS)], unit=XSS[(i + 1) % len(XSS)])
                             for i, row in enumerate(answers["SUPPLY"])]
        answers["INDUSTRY"]["classification"] = XSS_TEXT
    else:
        answers["FACTORS"] = [dict(row, effect=XSS[i % len(XSS)]) for i, row in enumerate(answers["FACTORS"])]
    return answers


def xss(ctx, assignment, student):
    """Script payloads in the analysis (markdown) cell, in the answers and in the cluster database."""
    nb = nbformat.read(ctx.root / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    submit(ctx.root, assignment, student, answers=xss_answers(ctx, assignment),
           text={grade_id(_answer_cell(nb)): XSS_TEXT},
           csv=actors_xss(ctx).decode() if assignment == CLU else None)


# --- the oracle ------------------------------------------------------------------------------------


def oracle_score(root: Path, assignment: str, answers: dict, actors: bytes | None = None) -> float:
    """The automatic score of ``answers``, from the source notebook's test cells (hidden lines included)."""
    from clusterlab.grading.database import load_actors, load_actors_bytes
    from clusterlab.grading.keys import declarations, evaluate

    answers = dict(answers)
    if assignment == CLU:
        answers["ACTORS"] = load_actors_bytes(actors) if actors is not None else \
            load_actors(root / "no-such-folder" / "actors.csv")
    nb = nbformat.read(root / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    return float(sum(c.metadata.nbgrader["points"] for c in _test_cells(nb)
                     if evaluate(declarations(c.source), answers).passed))


# --- the attacks -----------------------------------------------------------------------------------

HONEST = ("honest-full", "honest-zero", "honest-partial")
#: A trainee id that a spreadsheet would run as a formula when it opens the CSV report.
FORMULA_NAME = '=HYPERLINK("http:\\\\x.example","open")'



def attacks() -> list[Attack]:
    A = Attack
    found = []
    for assignment in (MOD, IND, CLU):
        found += [A("honest-full", assignment, 0, "the worked answers", honest_full, AUTO_MAX[assignment], ("graded",)),
                  A("honest-zero", assignment, 0, "the release, untouched", honest_zero, 0.0, ("graded",)),
                  A("honest-partial", assignment, 0, "some answers right", honest_partial, "oracle:partial",
                    ("graded",))]
    found += [
        A("honest-no-actors", CLU, 0, "the worked answers without actors.csv", honest_no_actors, "oracle:no-actors",
          ("graded", "flagged")),
        # 1. code and tampered test cells
        A("c1-code", MOD, 1, "cells redefining the checker, fake Passed., a transformer, __eq__ True; no answers",
          code_no_answers, "honest-zero"),
        A("c1-code-full", MOD, 1, "the same code cells with the worked answers", code_full_answers, "honest-full"),
        A("c1-code-full", IND, 1, "the same code cells with the worked answers", code_full_answers, "honest-full"),
        A("c1-fake-outputs", MOD, 1, "test cells with outputs 'Passed.' and 1000 points, no answers", fake_outputs,
          "honest-zero"),
        A("c1-fake-outputs", IND, 1, "test cells with fake outputs, some answers", fake_outputs_partial,
          "honest-partial"),
        A("c1-points-1000", MOD, 1, "points of every test cell set to 1000", points_1000, "honest-partial",
          ("flagged",), ("q1-a",)),
        A("c1-new-test-cell", MOD, 1, "two new test cells 'pass' worth 100 and 1000 points, no answers",
          new_test_cell, "honest-zero", ("flagged",), ("bonus", "not graded")),
        A("c1-new-test-cell-full", MOD, 1, "the same new test cells with the worked answers", new_test_cell_full,
          "honest-full", ("flagged",), ("bonus", "not graded")),
        A("c1-tests-pass", MOD, 1, "every test cell's source replaced by 'pass', no answers", tests_to_pass,
          "honest-zero", ("flagged",), ("q1-a", "changed")),
        A("c1-tests-pass-full", MOD, 1, "every test cell 'pass', with the worked answers", tests_to_pass_full,
          "honest-full", ("flagged",), ("changed",)),
        A("c1-test-kind", MOD, 1, "a test cell made markdown, another made an answer cell", test_to_markdown,
          "honest-partial", ("flagged",), ("q1-a", "q1-b", "changed")),
        A("c1-answer-to-test", MOD, 1, "the hand-graded answer cell made a passing test cell", answer_to_test,
          "honest-zero", ("flagged",), ("q5",)),
        # 2. code that would reach outside: never runs
        A("c2-code-full", CLU, 2, "code cells: read solutions, write config, processes, ATTACH + trigger",
          code_full_answers, "honest-full"),
        A("c2-code-in-answers", MOD, 2, "Python and template code as answer texts", code_in_answers, 0.0),
        # 3. links
        A("c3-link-notebook", MOD, 3, "the notebook is a link to the source (solution) notebook", link_notebook,
          "honest-full", ("flagged",), ("module-1-check.ipynb", "link")),
        A("c3-link-answers", MOD, 3, "answers.json is a link to the worked example's answers", link_answers,
          "honest-zero", ("flagged",), ("answers.json", "link")),
        A("c3-link-answers", IND, 3, "answers.json is a link to the worked example's answers", link_answers,
          "honest-zero", ("flagged",), ("answers.json", "link")),
        A("c3-hardlink-answers", MOD, 3, "answers.json is a hard link to the worked example (an ordinary file)",
          hardlink_answers, "honest-full", ("graded",)),
        A("c3-actors-passwd", CLU, 3, "actors.csv is a link to /etc/passwd", link_actors("/etc/passwd"),
          "honest-no-actors", ("flagged",), ("actors.csv", "link")),
        A("c3-actors-urandom", CLU, 3, "actors.csv is a link to /dev/urandom", link_actors("/dev/urandom"),
          "honest-no-actors", ("flagged",), ("actors.csv", "link")),
        A("c3-folder-link", CLU, 3, "the submission folder is a link to honest-full's", link_folder, 0.0,
          ("flagged",), ("not a folder",)),
        A("c3-links-inside", IND, 3, "links to the course's source/ and gradebook.db inside the submission",
          link_in_subfolder, "honest-full", ("flagged",), ("not graded", "source", "gradebook.db")),
        # 4. batch stoppers
        A("c4-deep-notebook", MOD, 4, "a notebook of 100000 '['", raw_notebook(deep_notebook), "honest-full",
          ("flagged",), ("module-1-check.ipynb", "nested")),
        A("c4-cell-id-list", MOD, 4, "a cell whose id is a list", raw_notebook(cell_id_list), "honest-full",
          ("graded", "flagged")),
        A("c4-nbgrader-list", MOD, 4, "a test cell whose metadata.nbgrader is a list", raw_notebook(nbgrader_list),
          "honest-full", ("flagged",), ("module-1-check.ipynb",)),
        A("c4-not-json", IND, 4, "a notebook that is not JSON", raw_notebook(not_json), "honest-full", ("flagged",),
          ("industry-document.ipynb", "json")),
        A("c4-cells-not-list", IND, 4, "a notebook whose cells are not a list", raw_notebook(cells_not_list),
          "honest-full", ("flagged",), ("industry-document.ipynb", "cells")),
        A("c4-duplicate-ids", IND, 4, "every cell with the same id", raw_notebook(duplicate_ids), "honest-full",
          ("graded", "flagged")),
        A("c4-deleted-test", IND, 4, "a test cell deleted", raw_notebook(deleted_test_cell), "honest-full",
          ("flagged",), ("supply-levels", "deleted")),
        A("c4-answers-deep", MOD, 4, "answers.json nested 100000 deep", raw_answers(answers_deep), 0.0,
          ("flagged",), ("nested",)),
        A("c4-answers-nan", MOD, 4, "answers.json with NaN and Infinity", raw_answers(answers_nan), 0.0,
          ("flagged",), ("answers.json", "nan")),
        A("c4-answers-1e400", MOD, 4, "answers.json with 1e400", raw_answers(answers_1e400), 0.0, ("flagged",),
          ("finite",)),
        A("c4-answers-long-text", MOD, 4, "answers.json with a text of 1.9 MB", raw_answers(answers_long_text), 0.0,
          ("flagged",), ("longer than",)),
        A("c4-answers-huge-int", MOD, 4, "answers.json with a number of 5000 digits", raw_answers(answers_huge_int),
          0.0, ("flagged",), ("answers.json",)),
        A("c4-answers-not-utf8", MOD, 4, "answers.json that is not UTF-8", raw_answers(answers_not_utf8), 0.0,
          ("flagged",), ("answers.json", "utf-8")),
        A("c4-answers-shape", IND, 4, "answers.json that is a list", raw_answers(answers_wrong_shape), 0.0,
          ("flagged",), ("answers.json",)),
        A("c4-answers-other-doc", IND, 4, "answers.json of another document (full marks there)",
          raw_answers(answers_other_document), 0.0),
        A("c4-answers-brackets", IND, 4, "the worked answers with '[' in a few texts", brackets,
          "oracle:brackets", ("graded",)),
        A("c4-answers-fifo", MOD, 4, "answers.json is a FIFO", fifo("answers.json"), 0.0, ("flagged",),
          ("answers.json", "pipe")),
        A("c4-actors-fifo", CLU, 4, "actors.csv is a FIFO", fifo("actors.csv"), "honest-no-actors", ("flagged",),
          ("actors.csv", "pipe")),
        A("c4-answers-dir", MOD, 4, "answers.json is a folder", directory_named("answers.json"), 0.0, ("flagged",),
          ("answers.json is a folder",)),
        A("c4-notebook-30mb", MOD, 4, "a notebook of 30 MB", notebook_30mb, "honest-full", ("flagged",),
          ("module-1-check.ipynb", "20 mb")),
        A("c4-extra-files", MOD, 4, "25 extra files of 50 MB (sparse) and a checkpoint folder", extra_files,
          "honest-full", ("flagged",), ("not graded", "extra-00.bin", "20 more")),
        A("c4-actors-5mb", CLU, 4, "actors.csv of 5 MB + 1 byte", actors_bytes(actors_too_big), "honest-no-actors",
          ("flagged",), ("actors.csv", "5 mb")),
        A("c4-actors-nul", CLU, 4, "NUL bytes in actors.csv", actors_bytes(actors_nul), "oracle:actors"),
        A("c4-many-cells", MOD, 4, "a notebook of 20000 cells, with the worked answers", raw_notebook(many_cells),
          "honest-full", ("flagged",), ("module-1-check.ipynb", "20021 cells", "more than")),
        # 5. floods
        A("c5-flood-texts", IND, 5, "every text 20,000 characters", flood_texts, "oracle:flood-texts"),
        A("c5-flood-rows", IND, 5, "SUPPLY of ~2500 wrong rows (5000 values, the limit)", flood_rows,
          "oracle:flood-rows"),
        A("c5-flood-over", IND, 5, "SUPPLY of 5000 rows (over the limit)", flood_over_limit, 0.0, ("flagged",),
          ("5000",)),
        # 6. script payloads
        A("c6-xss", IND, 6, "scripts in the analysis cell and in the answers", xss, "oracle:xss"),
        # trainee ids are folder names, chosen by the trainee in the exchange's inbound folder
        A("*", MOD, 6, "a trainee named '*' (a glob pattern for nbgrader)", honest_zero, "honest-zero", ("graded",)),
        A("honest-f*", MOD, 6, "a trainee whose name, as a pattern, matches honest-full", honest_zero, "honest-zero",
          ("graded",)),
        A("[h]onest-full", MOD, 6, "a trainee whose name, as a pattern, is honest-full", honest_zero, 0.0,
          ("graded", "failed")),
        A(FORMULA_NAME, MOD, 6, "a trainee whose name is a spreadsheet formula", honest_zero, "honest-zero",
          ("graded",)),
        A("c6-xss", CLU, 6, "scripts in the analysis cell, the answers and actors.csv", xss, "oracle:xss"),
    ]
    return found


def expected_from_oracle(ctx: Context, attack: Attack) -> float:
    kind = attack.score.split(":", 1)[1]
    a = attack.assignment
    actors = ctx.actors().encode() if a == CLU else None
    if kind == "partial":
        return oracle_score(ctx.root, a, partial_answers(ctx, a), actors)
    if kind == "no-actors":
        return oracle_score(ctx.root, a, ctx.full(a), None)
    if kind == "actors":
        return oracle_score(ctx.root, a, ctx.full(a), actors_nul(ctx))
    if kind == "flood-texts":
        return oracle_score(ctx.root, a, flood_texts_answers(ctx, a), actors)
    if kind == "flood-rows":
        return oracle_score(ctx.root, a, flood_rows_answers(ctx, a), actors)
    if kind == "brackets":
        return oracle_score(ctx.root, a, brackets_answers(ctx, a), actors)
    if kind == "xss":
        return oracle_score(ctx.root, a, xss_answers(ctx, a), actors_xss(ctx) if a == CLU else None)
    raise ValueError(attack.score)


# --- looking for scripts in HTML -------------------------------------------------------------------


class ActiveContent(HTMLParser):
    """Collects what would run in a browser: script with ``alert``, ``on*`` handlers, ``javascript:`` URLs,
    frames. Attribute values are read unescaped (``html.parser`` decodes ``&#106;avascript:``)."""

    FRAMES = ("iframe", "frame", "object", "embed")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._script = True
        if tag in self.FRAMES:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            value = "".join((value or "").split()).lower()
            if name.startswith("on") and "alert" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if "javascript:" in value or "vbscript:" in value:  # SVG animation values are lists
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "srcdoc":
                self.found.append(f"<{tag} srcdoc>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and "alert" in data:
            self.found.append(f"<script>{data.strip()[:60]}</script>")


def active_content(html_text: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(html_text)
    parser.close()
    return parser.found
