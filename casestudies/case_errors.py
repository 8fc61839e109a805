"""The errors of case and reference files: what is wrong, in which file, field and line."""

from __future__ import annotations

from pathlib import Path

from clusterlab.errors import ClusterlabError


class CaseFileError(ClusterlabError, ValueError):
    """A case file cannot be used. ``str()`` names the file, the field and the reason.

    Attributes: ``file`` (path as text), ``field`` (path of the field, or a word in brackets such as
    ``(YAML syntax)`` when the problem is not one field), ``reason`` (plain words), ``line`` (1-based
    line in the file, or ``None``) and ``problems`` (every problem found, as ``(field, reason, line)``
    triples; the first is the one in ``field``/``reason``).
    """

    def __init__(self, file: str | Path, field: str, reason: str, *, line: int | None = None,
                 problems: list[tuple[str, str, int | None]] | None = None):
        self.file = str(file)
        self.field = field
        self.reason = reason
        self.line = line
        self.problems = problems or [(field, reason, line)]
        super().__init__(self.file, field, reason)

    @staticmethod
    def _one(field: str, reason: str, line: int | None) -> str:
        where = f" (line {line})" if line and f"line {line}" not in reason else ""
        if field.startswith("("):  # not one field: '(YAML syntax)', '(file)', '(case name)'
            return f"{field}{where}: {reason}"
        return f"field {field}{where}: {reason}"

    def __str__(self) -> str:
        text = f"{self.file}: {self._one(self.field, self.reason, self.line)}"
        others = self.problems[1:]
        if others:
            text += f"\n  {len(others)} more problem{'s' if len(others) > 1 else ''} in the same file:"
            text += "".join(f"\n  - {self._one(f, r, ln)}" for f, r, ln in others)
        return text

    def __reduce__(self):
        return (_rebuild_error, (type(self), self.file, self.field, self.reason, self.line, self.problems))


class UnknownCaseError(CaseFileError, LookupError):
    """No case has this name."""


class ReferenceFileError(CaseFileError):
    """The file of reference figures cannot be used; ``str()`` names the file, the item and the reason."""


class UnknownReferenceError(ReferenceFileError, LookupError):
    """No reference place, or no figure of that place, has this id."""


def _rebuild_error(cls, file, field, reason, line, problems):
    return cls(file, field, reason, line=line, problems=problems)
