"""Every error grading raises on purpose is a ClusterlabError and keeps its built-in base."""

from __future__ import annotations

import pytest

from clusterlab.errors import ClusterlabError
from clusterlab.grading.checks import UnknownRuleError, check_part
from clusterlab.grading.answers import AnswerFileError
from clusterlab.grading.engine.autograde import NotReleasedError, ScoreError
from clusterlab.grading.engine.pool import WorkerStartError
from clusterlab.grading.engine.sandbox import SandboxError
from clusterlab.grading.keys import KeyError_
from clusterlab.grading.export import NoGradebookError
from clusterlab.grading.rubric import RubricError, load_rubric
from clusterlab.grading.student_versions import LeakError
from clusterlab.grading.workflow import StepError


@pytest.mark.parametrize("error, builtin", [
    (LeakError, RuntimeError), (StepError, RuntimeError), (SandboxError, RuntimeError),
    (NotReleasedError, LookupError), (NoGradebookError, FileNotFoundError), (RubricError, ValueError),
    (UnknownRuleError, KeyError), (ScoreError, ValueError), (WorkerStartError, RuntimeError),
    (AnswerFileError, ValueError), (KeyError_, ValueError),
])
def test_grading_errors_are_course_errors(error, builtin):
    assert issubclass(error, ClusterlabError) and issubclass(error, builtin)


def test_an_unknown_rule_is_named_in_plain_words():
    with pytest.raises(UnknownRuleError) as raised:
        check_part("no-such-rule", {})
    assert str(raised.value).startswith("Unknown rule, part or document: 'no-such-rule'.")


def test_a_broken_rubric_names_the_part(tmp_path):
    path = tmp_path / "rubric.yaml"
    path.write_text("cluster-document:\n  analysis:\n    title: Analysis\n    criteria: []\n", encoding="utf-8")
    with pytest.raises(RubricError, match="cluster-document/analysis has no criteria"):
        load_rubric(path)


def test_the_command_line_shows_course_errors_as_messages(tmp_path, capsys):
    from clusterlab.cli import main

    course = tmp_path / "course"
    assert main(["grade", "init", str(course)]) == 0
    assert main(["grade", "export", "--course", str(course)]) == 2
    assert "has no gradebook yet" in capsys.readouterr().err
