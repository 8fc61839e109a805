"""Feedback that does not reveal hidden tests.

nbgrader's feedback shows every test cell as autograded, hidden tests included, and tracebacks quote
the failing lines (upstream issue #917). :class:`SanitizeFeedback` runs inside ``generate_feedback``:
it removes hidden-test regions from the test cells, shortens every error to its message (a traceback
quotes code, the tests' included), and drops from any output a line that quotes hidden-test text.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

__all__ = ["SanitizeFeedback", "strip_hidden"]

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"


def strip_hidden(source: str, begin: str = BEGIN, end: str = END) -> tuple[str, list[str]]:
    """``source`` without its hidden regions, and the hidden lines (stripped, non-empty)."""
    kept, hidden, inside = [], [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            if line.strip():
                hidden.append(line.strip())
        else:
            kept.append(line)
    return "\n".join(kept), hidden


def _clean(text: str, secrets: list[str]) -> str:
    lines = [ln for ln in text.split("\n") if not any(s in ANSI.sub("", ln) for s in secrets)]
    return "\n".join(lines)


class SanitizeFeedback(NbGraderPreprocessor):
    """Remove hidden tests, and anything quoting them, from a notebook before it becomes feedback."""

    begin_test_delimeter = Unicode(BEGIN).tag(config=True)
    end_test_delimeter = Unicode(END).tag(config=True)

    def preprocess(self, nb, resources):
        secrets = []
        for cell in nb.cells:
            cell.source, hidden = strip_hidden(cell.source, self.begin_test_delimeter, self.end_test_delimeter)
            secrets += hidden
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                self._sanitise(output, secrets)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):  # pragma: no cover - preprocess does the work
        return cell, resources

    @staticmethod
    def _sanitise(output, secrets) -> None:
        if output.get("output_type") == "error":
            evalue = _clean(output.get("evalue", ""), secrets)
            output["evalue"] = evalue
            output["traceback"] = [f"{output.get('ename', 'Error')}: {evalue}"]
        if output.get("output_type") == "stream":
            output["text"] = _clean(output.get("text", ""), secrets)
        for key, value in (output.get("data") or {}).items():
            if isinstance(value, str) and not key.startswith("image/"):
                output["data"][key] = _clean(value, secrets)
            elif isinstance(value, list):
                output["data"][key] = [_clean(v, secrets) if isinstance(v, str) else v for v in value]
