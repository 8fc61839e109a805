"""One part of a graded document as a form: it shows the saved answer and saves every valid change.

``FormView("industry-document", "supply", path)`` (``path``: the document's ``answers.json``) shows
the part's field (see ``grading/forms.yaml``), filled with what was saved. Each change that is valid is
saved at once ("Saved at 10:15:02"); an entry that is not valid is shown with what to do and is not
saved, so the answer saved before stays. After each change the form lists what the part's rules still
find ("2 things to fix: ...", or "This part is complete."), on all the document's current answers.
An answer file that cannot be used is reported and never overwritten. Nothing is shown as a traceback.

For tests and the grading engine: ``.value`` (the part's value, cleaned), ``.set(value)`` (fill the form
as a trainee would, and save), ``.input(...)`` (one input widget), ``.findings``.
"""

from __future__ import annotations

import weakref
from pathlib import Path

import ipywidgets as w
from IPython.display import display

from clusterlab.errors import ComponentError
from clusterlab.widgets._view import ErrorBox, esc
from clusterlab.widgets.field_views import InputView, Notify, labelled, make_view, save_and_say

from . import answers
from .checks import Finding, check_part
from .document import answers_in
from .form_sources import from_my_cluster, store_for
from .forms import SUGGESTIONS, get_part

__all__ = ["FormView", "PREFILL_LABEL", "USE_LABEL", "follow_saves", "stop_following"]

PREFILL_LABEL = "Start from what you wrote in 'My cluster'"
USE_LABEL = "Use this value"
MAX_FINDINGS = 10
_GREEN, _AMBER, _MUTED = "#2e7d32", "#8d6e00", "#607d8b"
#: The form last shown for each (folder, document, part) in this kernel: a save refreshes the others.
_OPEN: dict[tuple, weakref.ref] = {}


def follow_saves(folder: Path, name: str, view) -> None:
    """Have ``view.refresh()`` called whenever a form in ``folder`` saves (held by a weak reference,
    under ``name``, which replaces an earlier view of that name)."""
    _OPEN[(folder, name, None)] = weakref.ref(view)


def stop_following(folder: Path, name: str) -> None:
    _OPEN.pop((folder, name, None), None)


class FormView:
    """The form of one part of a document, bound to the answer file ``path``."""

    def __init__(self, document: str, part: str, path: str | Path | None = None):
        self.error, self.status, self.report = ErrorBox(), w.HTML(), w.HTML()
        self.findings: list[Finding] = []
        self.path = Path(path) if path is not None else Path.cwd() / answers.ANSWERS_FILE
        self.view = self.part = None
        try:
            self.part = get_part(document, part)
        except ComponentError as exc:
            self.error.show(str(exc))
            self.widget = w.VBox([self.error.widget])
            return
        self.store = store_for(self.part, self.path)
        saved, self.broken = None, False
        try:
            saved = self.store.load()
        except answers.AnswerFileError as exc:
            self.broken = True
            self.error.show(f"Your answers cannot be shown or saved: {exc} Nothing is overwritten.")
        spec = self.part.spec
        self.notify = Notify(self._changed)
        self.view = make_view(spec, saved if saved is not None else spec.default, self.notify,
                              importable=spec.type == "table")
        self.notes = w.HTML(self._notes())
        self.prefill = self._prefill_button(saved)
        self.hint, self.use = w.HTML(), w.Button(description=USE_LABEL, layout=w.Layout(width="auto", display="none"))
        self.use.on_click(lambda _b: self.set(self._suggested[0]) if self._suggested else None)
        self._suggested = None
        body = labelled(spec, self.view, label=False)
        self.widget = w.VBox([w.HTML(f"<h4 style='margin:4px 0'>{esc(self.part.title)}</h4>"), body, self.notes,
                              w.HBox([self.hint, self.use]), self.prefill, self.error.widget, self.status,
                              self.report],
                             layout=w.Layout(border="1px solid #cfd8dc", padding="8px 12px", max_width="1000px"))
        self.widget.add_class("clusterlab-form")
        self.widget.add_class(f"clusterlab-form-{self.part.id}")
        if self.broken:
            self._disable(self.widget)
        self.refresh()
        _OPEN[(self.path.parent, document, self.part.id)] = weakref.ref(self)

    # -- what the form holds ---------------------------------------------------------------------
    @property
    def value(self):
        """The part's value as it would be saved; ComponentError (in plain words) if it is not valid."""
        if self.view is None:
            raise ComponentError(self.error.message)
        return self.part.spec.clean(self.view.value)

    def set(self, value) -> None:
        """Show ``value`` in the form and save it, as if the trainee had entered it."""
        with self.notify.hold():
            self.view.set(value)
            self.notify()

    def input(self, *path) -> w.Widget:
        """One input: ``input()`` for a single value, ``input("e_ir")`` in a record, ``input(0, "value")``
        in a table (row, column), ``input("factor_conditions", "rating")`` in a keyed table."""
        node = self.view
        for step in path:
            node = node[step] if isinstance(node, dict) else (node.views if hasattr(node, "views") else node.rows)[step]
        return node.control if isinstance(node, InputView) else node

    # -- saving ----------------------------------------------------------------------------------
    def _changed(self) -> None:
        if self.broken:
            return
        try:
            value = self.value
        except ComponentError as exc:
            self.error.show(str(exc))
            self.status.value = (f"<span style='color:{_AMBER}'>Not saved: correct the entry above. Your last "
                                 "saved answer is kept.</span>")
            return
        if not save_and_say(lambda: self.store.save(value), self.error, self.status, self.store.path.name):
            return
        self.notes.value = self._notes()
        if not self.store.is_empty(value):
            self.prefill.layout.display = "none"
        for (folder, _doc, _part), ref in list(_OPEN.items()):
            other = ref()
            if other is not None and other is not self and folder == self.path.parent:
                other.refresh()
        self.refresh()

    # -- findings and hints ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Run the part's rules on the document's current answers and show what they find."""
        try:
            current = answers_in(self.path.parent, self.part.document)
        except answers.AnswerFileError as exc:
            current, self.findings = {}, [Finding("answers", answers.ANSWERS_FILE, str(exc))]
        else:
            self.findings = [f for rule in self.part.rules for f in check_part(rule, current)]
        self._show_findings(self.part.key not in current)
        suggest = SUGGESTIONS.get(self.part.suggest)
        self._suggested = suggest(current) if suggest else None
        self.hint.value = f"<span style='color:{_MUTED}'>{esc(self._suggested[1])}</span>" if self._suggested else ""
        self.use.layout.display = None if self._suggested else "none"

    def _show_findings(self, unanswered: bool) -> None:
        if unanswered and not self.part.file:
            self.report.value = (f"<p style='color:{_MUTED};margin:2px 0'>This part is not answered yet: fill "
                                 "in the form above. It is saved as you type.</p>")
            return
        if not self.findings:
            self.report.value = f"<p style='color:{_GREEN};margin:2px 0'><b>This part is complete.</b></p>"
            return
        shown = list(dict.fromkeys(str(f) for f in self.findings))
        count = len(shown)
        items = "".join(f"<li>{esc(text)}</li>" for text in shown[:MAX_FINDINGS])
        more = f"<li>... and {count - MAX_FINDINGS} more.</li>" if count > MAX_FINDINGS else ""
        self.report.value = (f"<div style='color:{_AMBER};margin:2px 0'><b>{count} thing{'s' if count > 1 else ''} "
                             f"to fix:</b><ul style='margin:2px 0'>{items}{more}</ul></div>")

    def _notes(self) -> str:
        notes = self.store.notes
        return "".join(f"<p style='color:{_MUTED};margin:2px 0'>{esc(n)}</p>" for n in notes[:8])

    def _prefill_button(self, saved) -> w.Button:
        button = w.Button(description=PREFILL_LABEL, icon="copy", layout=w.Layout(width="auto", display="none"))
        self._start = None
        if self.part.from_my_cluster is None or self.broken or not self.store.is_empty(saved):
            return button
        try:
            from clusterlab.my_cluster import load_record

            self._start = from_my_cluster(self.part, load_record())
        except Exception:  # the "my cluster" record is optional: without it there is nothing to offer
            pass
        if self._start is not None:
            button.layout.display = None
            button.on_click(lambda _b: self.start_from_my_cluster())
        return button

    def start_from_my_cluster(self) -> None:
        """Fill the form with what the trainee wrote in "my cluster", and save."""
        self.set(self._start)
        self.prefill.layout.display = "none"

    def _disable(self, widget) -> None:
        if hasattr(widget, "disabled"):
            widget.disabled = True
        for child in getattr(widget, "children", ()):
            self._disable(child)

    def _ipython_display_(self):
        display(self.widget)
