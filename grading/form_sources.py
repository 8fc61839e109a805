"""Where a form's answer is kept, and what a form may start from.

- :class:`AnswerStore`: one key of ``answers.json`` (through :mod:`clusterlab.grading.answers`);
- :class:`TableFileStore`: a table kept as a CSV file next to the notebook (the cluster database,
  ``actors.csv``), read with :func:`~clusterlab.grading.database.load_actors` and written back as UTF-8
  CSV with its column names on the first line; a file changed by another program since the form
  read it is not overwritten, and a file that could not be read is kept under another name;
- :func:`from_my_cluster`: a part's value taken from the trainee's "my cluster" record.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import datetime
from pathlib import Path

from clusterlab.errors import ComponentError
from clusterlab.tables import TableRead, read_table
from clusterlab.widgets.fields import FieldSpec
from clusterlab.widgets.table_import import rows_from_table

from . import answers
from .database import EXAMPLE_MARK, load_actors

__all__ = ["AnswerStore", "TableFileStore", "store_for", "from_my_cluster", "lenient"]


class AnswerStore:
    """The answer under ``key`` in the answer file ``path`` of ``document``."""

    def __init__(self, path: Path, document: str, key: str):
        self.path, self.document, self.key = path, document, key
        self.notes: list[str] = []

    def load(self):
        """The saved value (None if there is none); raises AnswerFileError for a file that cannot be used."""
        return answers.read(self.path, document=self.document)["answers"].get(self.key)

    def save(self, value) -> None:
        answers.save(self.path, self.document, self.key, value)

    def is_empty(self, value) -> bool:
        return value is None


class TableFileStore:
    """A table kept in a CSV file (``path``) with the columns of ``spec``."""

    def __init__(self, path: Path, spec: FieldSpec):
        self.path, self.spec = path, spec
        self.notes: list[str] = []
        self._stamp = None
        self._unreadable = False

    def _mtime(self):
        try:
            return self.path.stat().st_mtime_ns
        except OSError:
            return None

    def load(self) -> list[dict] | None:
        """The rows of the file, as the form shows them; ``notes`` says what could not be shown."""
        self._stamp, name = self._mtime(), self.path.name
        if self._stamp is None:
            self.notes = [f"{name} does not exist yet: it is written when you add the first row."]
            return None
        table = load_actors(self.path)
        read = TableRead(header=list(table.columns), rows=list(table), lines=list(range(2, len(table) + 2)),
                         problems=list(table.problems))
        if table.problems:  # not UTF-8, for example: read it as a spreadsheet's CSV file instead
            read = read_table(self.path.read_bytes(), name=name)
            self._unreadable = not read.rows
        rows, self.notes = rows_from_table(self.spec, read, name)
        return rows or None

    def save(self, rows) -> None:
        name = self.path.name
        if self._mtime() != self._stamp:
            raise ComponentError(f"{name} was changed by another program since this form read it, so it was not "
                                 "overwritten: run the cell of this form again to see the new version.")
        if self._unreadable and self.path.exists():
            kept = self.path.with_name(f"{self.path.stem}.unreadable-{datetime.now():%Y%m%d-%H%M%S}.csv")
            os.replace(self.path, kept)
            self.notes = [f"The earlier {name}, which could not be read, was kept as {kept.name}."]
            self._unreadable = False
        columns = [c.id for c in self.spec.columns]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows or []:
            writer.writerow(["" if row.get(c) is None else str(row[c]) for c in columns])
        fd, tmp = tempfile.mkstemp(prefix=f".{name}-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(out.getvalue())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._stamp = self._mtime()

    def is_empty(self, value) -> bool:
        """No rows, or only the template's example rows."""
        return not any(EXAMPLE_MARK not in str(row.get("name") or "") for row in value or [])


def store_for(part, answers_path: Path):
    """The store of a part of a document whose answer file is ``answers_path``."""
    if part.file:
        return TableFileStore(answers_path.parent / part.file, part.spec)
    return AnswerStore(answers_path, part.document, part.key)


def _fits(spec: FieldSpec, value):
    try:
        return spec.clean(value)
    except ComponentError:
        return None


def lenient(spec: FieldSpec, value):
    """``value`` cleaned cell by cell: what does not fit its field (or column) is left out."""
    if spec.type == "table" and isinstance(value, list):
        value = [{c.id: _fits(c, row.get(c.id)) for c in spec.columns} for row in value if isinstance(row, dict)]
    elif spec.type == "record" and isinstance(value, dict):
        value = {f.id: _fits(f, value.get(f.id)) for f in spec.fields}
    return _fits(spec, value)


def _column(source, row: dict):
    if isinstance(source, dict):
        return source["map"].get(row.get(source["from"]), row.get(source["from"]))
    return row.get(source)


def from_my_cluster(part, record: dict):
    """The part's value from the "my cluster" ``record`` (as ``load_record`` gives it), or None."""
    rule, fields = part.from_my_cluster, record.get("fields") or {}
    if rule is None:
        return None
    if isinstance(rule, str):
        value = fields.get(rule)
    elif part.spec.type == "record":
        taken = {ours: fields[theirs] for ours, theirs in rule.items() if fields.get(theirs) is not None}
        value = {f.id: f.default for f in part.spec.fields} | taken if taken else None
    else:
        value = [{ours: _column(source, row) for ours, source in rule["columns"].items()}
                 for row in fields.get(rule["field"]) or [] if isinstance(row, dict)]
    return lenient(part.spec, value)
