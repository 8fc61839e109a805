"""The pieces that read a submission as data: the answer file, the test cells' declarations, the reader."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clusterlab.grading import answers
from clusterlab.grading.engine.reader import read_request
from clusterlab.grading.keys import KeyError_, declarations, evaluate
from clusterlab.grading.workflow import SHIPPED_COURSE

MOD = "module-1-check"


def example(document: str) -> dict:
    return json.loads((SHIPPED_COURSE / "examples" / document / "answers.json").read_text(encoding="utf-8"))


def test_the_reader_starts_without_heavy_packages():
    """The reader starts once per submission: it must not load widgets, charts or data frames."""
    code = ("import sys, clusterlab.grading.engine.reader, clusterlab.grading.document, clusterlab.grading.keys\n"
            "print(sorted(m for m in ('ipywidgets', 'plotly', 'pandas', 'IPython', 'nbgrader') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    # control: the same probe sees a heavy package when one is imported
    done = subprocess.run([sys.executable, "-I", "-c", "import ipywidgets\n" + code], capture_output=True, text=True)
    assert "ipywidgets" in done.stdout


@pytest.mark.parametrize("source, passed", [
    ('expect("Q1.a", equals="cluster")', True),
    ('expect("Q1.a", equals="  CLUSTER ")', True),
    ('expect("Q1.b", equals="cluster")', False),
    ('expect("Q2", same_as=["E", "C", "A"])', True),
    ('expect("Q2", same_as=["A", "C"])', False),
    ('expect("Q2", overlap=["A", "C", "F"], at_least=2)', True),
    ('expect("Q2", overlap=["A", "B", "F"], at_least=2)', False),
    ('expect("Q3", near=0.6, within=0.01)', True),
    ('expect("Q3", near=0.7, within=0.01)', False),
    ('expect("Q9", equals="x")', False),
    ('check("q1-format", "q2-format")\nexpect("Q4", same_as=["North", "East"])', True),
])
def test_declarations_are_applied_to_the_answers(source, passed):
    assert evaluate(declarations(source), example(MOD)["answers"]).passed is passed


@pytest.mark.parametrize("source", [
    "import os", "check = None", "print('x')", 'check("no-such-rule")', 'expect("Q1.a")',
    'expect("Q1.a", equals=open("/etc/passwd").read())', 'expect("Q1.a", equals="x", run="y")',
    "__import__('os').system('true')", 'check("q1-format"); x = 1',
])
def test_a_test_cell_is_data_or_refused(source):
    with pytest.raises(KeyError_):
        declarations(source)


@pytest.mark.parametrize("data, says", [
    (b'{"document": "module-1-check", "answers": {"Q3": NaN}}', "not a number"),
    (b'{"document": "module-1-check", "answers": ' + b"[" * 50 + b"]" * 50 + b"}", "nested too deeply"),
    (b'{"document": "module-1-check", "answers": {"Q1": "\xff"}}', "not UTF-8"),
    (b'{"document": "industry-document", "answers": {}}', "not of 'module-1-check'"),
    (b'{"answers": [1]}', "no answers section"),
    (b"x" * (answers.MAX_BYTES + 1), "larger than"),
    (json.dumps({"document": MOD, "answers": {"Q1": "x" * (answers.MAX_TEXT + 1)}}).encode(), "longer than"),
])
def test_an_answer_file_that_cannot_be_used_is_refused_in_words(data, says):
    with pytest.raises(answers.AnswerFileError, match=says):
        answers.parse(data, document=MOD)


def test_control_a_good_answer_file_is_read():
    assert answers.parse(json.dumps(example(MOD)).encode(), document=MOD)["answers"] == example(MOD)["answers"]


def test_the_reader_grades_a_folder_and_explains_a_broken_file(tmp_path):
    cells = {"q1-a": 'check("q1-format")\nexpect("Q1.a", equals="cluster")', "q3": 'check("q3-format")'}
    (tmp_path / "answers.json").write_text(json.dumps(example(MOD)), encoding="utf-8")
    good = read_request({"document": MOD, "cells": cells}, str(tmp_path))
    assert good == {"outcomes": {"q1-a": {"passed": True, "messages": []}, "q3": {"passed": True, "messages": []}},
                    "notes": []}
    (tmp_path / "answers.json").write_bytes(b'{"document": "module-1-check", "answers": [')
    broken = read_request({"document": MOD, "cells": cells}, str(tmp_path))
    assert not broken["outcomes"]["q1-a"]["passed"]
    assert "answers.json cannot be read" in broken["notes"][0]
    assert broken["outcomes"]["q1-a"]["messages"][0] == broken["notes"][0]
