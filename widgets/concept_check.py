"""Concept checks: short quizzes that answer at once and say why.

A quiz (:class:`ConceptCheck`) holds questions of two kinds: :class:`MultipleChoice` (pick one
option; each option carries its own explanation, so a wrong choice is told *why* it is wrong) and
:class:`Matching` (link each item on the left to one on the right; partly right answers earn
partial credit). A notebook can define a quiz as a plain dictionary::

    ConceptCheck.from_dict({"title": "Clusters", "questions": [
        {"id": "q1", "prompt": "...", "options": ["...", "..."], "answer": 1,
         "explanations": ["...", "..."]},
        {"id": "q2", "prompt": "...", "pairs": {"left": "right", ...}, "explanation": "..."}]})

Options are numbered from 0: ``"answer": 1`` means the second option is right.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import ipywidgets as w

from clusterlab import validation as chk

from ._view import MET, NOT_MET, ComponentView, esc
from .errors import ComponentError


def _shuffler(seed: str | None, question_id: str) -> random.Random:
    """A random generator fixed by ``seed`` (for example one per trainee) and the question's id."""
    key = question_id if seed is None else f"{seed}|{question_id}"
    return random.Random(zlib.crc32(key.encode("utf-8")))


def option_order(question: MultipleChoice, seed: str | None = None) -> list[int]:
    """The order in which to show a question's options: a shuffle fixed by ``seed`` and the question.

    With a seed per trainee, each trainee always sees the same order, and the position of the right
    option says nothing about which one it is.
    """
    order = list(range(len(question.options)))
    _shuffler(seed, question.id).shuffle(order)
    return order


@dataclass(frozen=True)
class Feedback:
    """The answer to one check: right or not, a score from 0 to 1, and a message saying why."""

    correct: bool
    score: float
    message: str


@dataclass(frozen=True)
class MultipleChoice:
    """A question with several options, one of them right (``answer``, counted from 0).

    ``explanations`` has one entry per option: why that option is right or wrong.
    """

    id: str
    prompt: str
    options: tuple
    answer: int
    explanations: tuple

    def __post_init__(self):
        qid = chk.identifier(self.id, "The question id")
        where = f"Question '{qid}'"
        opts = chk.items(self.options, f"{where}: the options", min_n=2, max_n=10)
        opts = tuple(chk.text(o, f"{where}: option {i}", max_len=500) for i, o in enumerate(opts))
        if len(set(opts)) != len(opts):
            raise ComponentError(f"{where}: two options have the same text. Make each option different.")
        answer = chk.number(self.answer, f"{where}: the answer (the number of the right option, counting from 0)",
                            0, len(opts) - 1, whole=True)
        expl = chk.items(self.explanations, f"{where}: the explanations", max_n=10)
        if len(expl) != len(opts):
            raise ComponentError(f"{where} has {len(opts)} options but {len(expl)} explanations. Give one "
                                 "explanation per option, in the same order, saying why it is right or wrong.")
        expl = tuple(chk.text(e, f"{where}: explanation {i}", max_len=2000) for i, e in enumerate(expl))
        for name, value in (("id", qid), ("prompt", chk.text(self.prompt, f"{where}: the prompt", max_len=2000)),
                            ("options", opts), ("answer", answer), ("explanations", expl)):
            object.__setattr__(self, name, value)

    def normalise(self, response) -> int:
        """The chosen option's number, checked."""
        if response is None:
            raise ComponentError(f"Question '{self.id}': choose one of the options first.")
        return chk.number(response, f"Your answer to question '{self.id}' (the option's number)",
                          0, len(self.options) - 1, whole=True)

    def check(self, response) -> Feedback:
        """Feedback for the option numbered ``response``, using that option's explanation."""
        chosen = self.normalise(response)
        why = self.explanations[chosen]
        if chosen == self.answer:
            return Feedback(True, 1.0, f"Right. {why}")
        return Feedback(False, 0.0, f"Not quite. {why} Try another option.")

    def to_dict(self) -> dict:
        return {"id": self.id, "prompt": self.prompt, "options": list(self.options),
                "answer": self.answer, "explanations": list(self.explanations)}

    @classmethod
    def from_dict(cls, data) -> MultipleChoice:
        d = chk.fields(data, "A multiple-choice question", ("id", "prompt", "options", "answer", "explanations"),
                       ("type",))
        chk.kind(d, "multiple_choice", "This question", key="type")
        return cls(d["id"], d["prompt"], d["options"], d["answer"], d["explanations"])


@dataclass(frozen=True)
class Matching:
    """A question that links each item on the left (``pairs`` keys) to one on the right (values).

    ``explanation`` says why the pairs belong together. Partly right answers earn partial credit.
    """

    id: str
    prompt: str
    pairs: dict
    explanation: str

    def __post_init__(self):
        qid = chk.identifier(self.id, "The question id")
        where = f"Question '{qid}'"
        pairs = chk.mapping(self.pairs, f"{where}: the pairs")
        if not 2 <= len(pairs) <= 12:
            raise ComponentError(f"{where} has {len(pairs)} pairs; give between 2 and 12.")
        clean = {}
        for left, right in pairs.items():
            left = chk.text(left, f"{where}: an item on the left", max_len=300)
            if left in clean:
                raise ComponentError(f"{where}: the item '{left}' appears twice on the left. Merge them.")
            clean[left] = chk.text(right, f"{where}: the match for '{left}'", max_len=300)
        for name, value in (("id", qid), ("prompt", chk.text(self.prompt, f"{where}: the prompt", max_len=2000)),
                            ("pairs", clean),
                            ("explanation", chk.text(self.explanation, f"{where}: the explanation", max_len=2000))):
            object.__setattr__(self, name, value)

    def choices(self, seed: str | None = None) -> list[str]:
        """The right-hand items, shuffled the same way every time for the same ``seed`` and id."""
        rights = list(dict.fromkeys(self.pairs.values()))
        shuffled = rights[:]
        _shuffler(seed, self.id).shuffle(shuffled)
        if shuffled == rights and len(rights) > 1:
            shuffled = shuffled[1:] + shuffled[:1]
        return shuffled

    def normalise(self, response) -> dict:
        """The chosen matches as ``{left: right}`` (unanswered items left out), checked."""
        where = f"Your answer to question '{self.id}'"
        response = chk.mapping(response, where)
        rights = set(self.pairs.values())
        chosen = {}
        for left, right in response.items():
            if left not in self.pairs:
                raise ComponentError(f"{where} names {chk.describe(left)}, which is not an item of this question.")
            if right is None:
                continue
            if not isinstance(right, str) or right not in rights:
                raise ComponentError(f"{where}: {chk.describe(right)} is not one of the possible matches.")
            chosen[left] = right
        if not chosen:
            raise ComponentError(f"Question '{self.id}': pick a match for at least one item first.")
        return chosen

    def check(self, response) -> Feedback:
        """Feedback for ``response`` ({left: right}); the score is the share of items matched right."""
        chosen = self.normalise(response)
        wrong = [left for left, right in self.pairs.items() if chosen.get(left) != right]
        n = len(self.pairs)
        score = (n - len(wrong)) / n
        if not wrong:
            return Feedback(True, 1.0, f"Right: all {n} pairs match. {self.explanation}")
        return Feedback(False, score, f"{n - len(wrong)} of {n} pairs match. Look again at: "
                                      f"{', '.join(wrong)}. {self.explanation}")

    def to_dict(self) -> dict:
        return {"id": self.id, "prompt": self.prompt, "pairs": dict(self.pairs), "explanation": self.explanation}

    @classmethod
    def from_dict(cls, data) -> Matching:
        d = chk.fields(data, "A matching question", ("id", "prompt", "pairs", "explanation"), ("type",))
        chk.kind(d, "matching", "This question", key="type")
        return cls(d["id"], d["prompt"], d["pairs"], d["explanation"])


_KINDS = {"multiple_choice": MultipleChoice, "matching": Matching}


def question_from_dict(data) -> MultipleChoice | Matching:
    """A question from a dictionary: one with ``options`` is multiple choice, one with ``pairs`` matching."""
    data = chk.mapping(data, "A question")
    if "type" in data:
        if not isinstance(data["type"], str) or data["type"] not in _KINDS:
            raise ComponentError(f"A question's type must be 'multiple_choice' or 'matching'; got "
                                 f"{chk.describe(data['type'])}.")
        return _KINDS[data["type"]].from_dict(data)
    if ("options" in data) == ("pairs" in data):
        raise ComponentError("Each question needs either 'options' (multiple choice) or 'pairs' (matching), "
                             "but not both.")
    return (MultipleChoice if "options" in data else Matching).from_dict(data)


@dataclass
class ConceptCheck:
    """A titled quiz: its questions and the trainee's latest response to each."""

    title: str
    questions: tuple
    responses: dict = field(default_factory=dict)

    def __post_init__(self):
        self.title = chk.text(self.title, "The quiz title")
        qs = chk.items(self.questions, "The list of questions", min_n=1, max_n=50)
        qs = tuple(q if isinstance(q, (MultipleChoice, Matching)) else question_from_dict(q) for q in qs)
        ids = [q.id for q in qs]
        if len(set(ids)) != len(ids):
            raise ComponentError("Two questions share the same id. Give each question its own id.")
        self.questions = qs
        given = chk.mapping(self.responses, "The responses")
        self.responses = {}
        for qid, response in given.items():
            self.responses[qid] = self.question(qid).normalise(response)

    def question(self, question_id) -> MultipleChoice | Matching:
        """The question with this id."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise ComponentError(f"This quiz has no question {chk.describe(question_id)}. "
                             f"Its questions are: {', '.join(q.id for q in self.questions)}.")

    def check(self, question_id, response) -> Feedback:
        """Record ``response`` to a question and return the feedback on it."""
        q = self.question(question_id)
        result = q.check(response)
        self.responses[q.id] = q.normalise(response)
        return result

    def feedback(self, question_id) -> Feedback | None:
        """Feedback on the stored response to a question, or None if it is unanswered."""
        q = self.question(question_id)
        return q.check(self.responses[q.id]) if q.id in self.responses else None

    def score(self) -> float:
        """The average score over all questions, 0 to 1 (an unanswered question counts 0)."""
        return sum(q.check(self.responses[q.id]).score for q in self.questions
                   if q.id in self.responses) / len(self.questions)

    def adopt_responses(self, responses) -> int:
        """Take over saved responses that still fit these questions; ignore the rest. Returns how many."""
        taken = 0
        if isinstance(responses, Mapping):
            for qid, response in responses.items():
                try:
                    self.responses[qid] = self.question(qid).normalise(response)
                    taken += 1
                except ComponentError:
                    continue
        return taken

    def to_dict(self) -> dict:
        return {"kind": "concept_check", "title": self.title,
                "questions": [q.to_dict() for q in self.questions], "responses": dict(self.responses)}

    @classmethod
    def from_dict(cls, data) -> ConceptCheck:
        d = chk.fields(data, "A concept check", ("title", "questions"), ("responses", "kind"))
        chk.kind(d, "concept_check", "This dictionary")
        return cls(d["title"], d["questions"], d.get("responses", {}))


class ConceptCheckView(ComponentView):
    """A quiz on screen: options or drop-down lists per question, a Check button, feedback at once."""

    model_class = ConceptCheck

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False,
                 order_seed: str | None = None):
        self.order_seed = order_seed
        super().__init__(model, save_as=save_as, read_only=read_only)
        self.controls, self.buttons, self.feedback_boxes, self._inputs = {}, {}, {}, []
        parts = [self.error.widget]
        if self.model is not None:
            parts.insert(0, w.HTML(f"<h3>{esc(self.model.title)}</h3>"))
            parts += [self._question_box(i, q) for i, q in enumerate(self.model.questions, 1)]
        self.score_line = w.HTML()
        self.widget = w.VBox(parts + [self.score_line])
        self.widget.add_class("clusterlab-concept-check")
        self._disable([*self.buttons.values(), *self._inputs])
        self._show_score()

    def _default_model(self):
        raise ComponentError("No questions were given. Pass a ConceptCheck, or a dictionary with a "
                             "'title' and a list of 'questions'.")

    def _fallback_model(self):
        return None

    def _merge_saved(self, given, saved):
        if given is None:
            return ConceptCheck.from_dict(saved)
        given.adopt_responses(saved.get("responses"))
        return given

    def _question_box(self, number: int, q) -> w.VBox:
        stored = self.model.responses.get(q.id)
        if isinstance(q, MultipleChoice):
            order = option_order(q, self.order_seed) if self.order_seed is not None else range(len(q.options))
            control = w.RadioButtons(options=[(q.options[i], i) for i in order], value=stored,
                                     layout=w.Layout(width="auto"))
            body = [control]
        else:
            stored = stored or {}
            options = [("— choose —", None)] + [(c, c) for c in q.choices(self.order_seed)]
            control = {left: w.Dropdown(options=options, value=stored.get(left), layout=w.Layout(width="auto"))
                       for left in q.pairs}
            body = [w.HBox([w.HTML(f"<b>{esc(left)}</b>&nbsp;→&nbsp;", layout=w.Layout(min_width="12em")), dd])
                    for left, dd in control.items()]
        self.controls[q.id] = control
        self._inputs += list(control.values()) if isinstance(control, dict) else [control]
        button = w.Button(description="Check", button_style="primary")
        button.on_click(lambda _b, qid=q.id: self._run(self._check, qid))
        self.buttons[q.id] = button
        self.feedback_boxes[q.id] = w.HTML()
        self._show_feedback(q.id, self.model.feedback(q.id))
        prompt = w.HTML(f"<p><b>{number}.</b> {esc(q.prompt)}</p>")
        return w.VBox([prompt, *body, button, self.feedback_boxes[q.id]])

    def response(self, question_id):
        """What the controls of a question currently say (an option number, or {left: right})."""
        control = self.controls[question_id]
        if isinstance(control, dict):
            return {left: dd.value for left, dd in control.items()}
        return control.value

    def _check(self, question_id) -> None:
        feedback = self.model.check(question_id, self.response(question_id))
        self._show_feedback(question_id, feedback)
        self._show_score()
        self.save()

    def _show_feedback(self, question_id, feedback: Feedback | None) -> None:
        box = self.feedback_boxes[question_id]
        if feedback is None:
            box.value = ""
            return
        colour = MET if feedback.correct else NOT_MET
        box.value = (f'<div style="border-left:4px solid {colour};padding:4px 8px;color:{colour}">'
                     f"{esc(feedback.message)}</div>")

    def _show_score(self) -> None:
        if self.model is None:
            self.score_line.value = ""
            return
        answered = len(self.model.responses)
        self.score_line.value = (f"<p>Answered {answered} of {len(self.model.questions)}; "
                                 f"score so far: {self.model.score():.0%}.</p>")
