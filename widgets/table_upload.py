"""The "Import from a spreadsheet (CSV)" control of a form's table.

The trainee picks a file saved from a spreadsheet program; its rows replace the table's rows, and the
form says what was read ("12 rows read from x.csv (semicolons, Windows-1252)") and what could not be,
line by line. Nothing is raised: a file that cannot be used leaves the table as it was.
"""

from __future__ import annotations

import ipywidgets as w

from clusterlab.tables import read_table

from ._view import esc
from .table_import import rows_from_table, summary

__all__ = ["ImportControl", "LABEL"]

LABEL = "Import from a spreadsheet (CSV)"
MAX_SHOWN = 8


class ImportControl:
    """A file upload button (``upload``) and the note (``note``) that reports the last import."""

    def __init__(self, table):
        self.table = table
        self.upload = w.FileUpload(accept=".csv,.txt,.xlsx", multiple=False, description=LABEL,
                                   icon="upload", layout=w.Layout(width="auto"))
        self.upload.tooltip = ("A table saved from Excel or LibreOffice as CSV: the first line names the columns "
                               f"({', '.join(c.label for c in table.spec.columns)}). It replaces the rows below.")
        self.note = w.HTML()
        self.message = ""
        self.upload.observe(self._picked, names="value")

    def _picked(self, change) -> None:
        files = change["new"]
        if not files:
            return
        chosen = files[0]
        try:
            self.import_bytes(bytes(chosen["content"]), str(chosen.get("name") or "the file"))
        except Exception as exc:  # never a traceback in front of the trainee
            self._say(f"The file could not be imported ({type(exc).__name__}). Save it again as CSV and retry.", [])
        self.upload.value = ()  # the same file can be picked again after a correction

    def import_bytes(self, data: bytes, name: str) -> str:
        """Read ``data`` (the file ``name``) into the table; return the message shown."""
        read = read_table(data, name=name)
        rows, problems = rows_from_table(self.table.spec, read, name)
        if not rows:
            head = f"Nothing was imported from {name}; the table is as it was."
        else:
            head = summary(rows, read, name)
            with self.table.notify.hold():
                self.table.set(rows)
                self.table.notify()
        return self._say(head, problems)

    def _say(self, head: str, problems: list[str]) -> str:
        shown = problems[:MAX_SHOWN] + ([f"... and {len(problems) - MAX_SHOWN} more."]
                                        if len(problems) > MAX_SHOWN else [])
        self.message = " ".join([head] + shown)
        items = "".join(f"<li>{esc(p)}</li>" for p in shown)
        colour = "#2e7d32" if not problems else "#8d6e00"
        self.note.value = (f"<div style='color:{colour}'>{esc(head)}" +
                           (f"<br>What could not be read:<ul style='margin:2px 0'>{items}</ul>" if items else "")
                           + "</div>")
        return self.message
