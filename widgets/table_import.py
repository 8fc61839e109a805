"""Rows of a form's table from a table a trainee saved from a spreadsheet program.

:func:`rows_from_table` matches the columns of the file to the table's columns by name (the column's id
or its label, in any case, ``_`` and ``-`` read as spaces) and converts each cell as the form would
(numbers as people type them, choices by key or label). What cannot be used is left empty and said in
plain words, with the line of the file; :func:`summary` says what was read, for the form to show.
"""

from __future__ import annotations

import re

from clusterlab.errors import ComponentError
from clusterlab.tables import TableRead

from .fields import FieldSpec

__all__ = ["rows_from_table", "summary"]

_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}


def _name(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_-]", " ", str(text))).strip().lower()


def _columns(spec: FieldSpec, read: TableRead, name: str, problems: list[str]) -> dict[str, str]:
    """{column id: key of the file's rows} for the columns the file has."""
    keys = {_name(h): h.lower() for h in read.header if h.strip()}
    found = {}
    for col in spec.columns:
        for wanted in (_name(col.id), _name(col.label)):
            if wanted in keys:
                found[col.id] = keys[wanted]
                break
    used = set(found.values())
    unused = [h for h in read.header if h.lower() not in used and h.strip()]
    if found and unused:
        problems.append(f"The column(s) {', '.join(unused[:6])} of {name} are not part of this table and were "
                        "left out.")
    missing = [c.label for c in spec.columns if c.id not in found]
    if found and missing:
        problems.append(f"{name} has no column for {', '.join(missing)}: fill in these cells in the form.")
    return found


def rows_from_table(spec: FieldSpec, read: TableRead, name: str) -> tuple[list[dict], list[str]]:
    """The rows for the table ``spec`` (cleaned values; None where a cell is empty or unusable), and
    the problems in plain words. No rows when no column of the file has a name of the table."""
    problems = list(read.problems)
    if not read.header:
        return [], problems
    found = _columns(spec, read, name, problems)
    if not found:
        problems.append(f"No column of {name} has the name of a column of this table. Name the columns on the "
                        f"first line of the file: {', '.join(c.label for c in spec.columns)}.")
        return [], problems
    rows = []
    for line, cells in zip(read.lines, read.rows):
        row = {}
        for col in spec.columns:
            try:
                row[col.id] = col.clean(cells.get(found.get(col.id, ""), ""), f"Line {line}, {col.label}")
            except ComponentError as exc:
                problems.append(f"{exc} This cell was left empty.")
                row[col.id] = None
        if any(v is not None for v in row.values()):
            rows.append(row)
    if len(rows) > spec.max_rows:
        problems.append(f"{name} has {len(rows)} rows; this table keeps at most {spec.max_rows}, so only the "
                        f"first {spec.max_rows} were imported.")
        rows = rows[:spec.max_rows]
    return rows, problems


def summary(rows: list[dict], read: TableRead, name: str) -> str:
    """ "12 rows read from x.csv (semicolons, Windows-1252)." """
    how = ", ".join(p for p in (_DELIMITERS.get(read.delimiter, ""), read.encoding) if p)
    count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    return f"{count} read from {name}" + (f" ({how})." if how else ".")
