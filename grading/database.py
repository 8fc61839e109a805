"""The cluster database: the table of actors a trainee fills in a CSV file.

Columns (one actor per row):

- ``name``: the actor's name;
- ``type``: what kind of organisation it is (see ``TYPES``);
- ``helix``: its role in the *triple helix*, the three kinds of actors that make a cluster work
  together: ``industry`` (firms), ``academia`` (universities, research and training) and
  ``government`` (public bodies and agencies), or ``intermediary`` for the bodies that link them
  (cluster organisations, associations, technology centres): the keys of
  :data:`clusterlab.vocabulary.HELIX_ROLES`;
- ``size``: ``micro`` (under 10 employees), ``small`` (10-49), ``medium`` (50-249), ``large`` (250 or more);
- ``location``: the town or area where it is based;
- ``member``: ``yes`` if it is a member of the cluster organisation, otherwise ``no``.
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from clusterlab.vocabulary import HELIX_ROLES

__all__ = ["COLUMNS", "TYPES", "HELIX", "STRANDS", "SIZES", "MEMBER", "EXAMPLE_MARK", "ActorTable", "load_actors"]

COLUMNS = ("name", "type", "helix", "size", "location", "member")
TYPES = ("firm", "university", "research centre", "training centre", "public body",
         "association", "financial", "other")
#: Every role an actor may have; the vocabulary lists the three strands of the helix first.
HELIX = tuple(HELIX_ROLES)
#: The three strands a cluster needs (the intermediaries are welcome, not required).
STRANDS = HELIX[:3]
SIZES = ("micro", "small", "medium", "large")
MEMBER = ("yes", "no")
#: Rows of the template whose name contains this text are examples to delete.
EXAMPLE_MARK = "(example: delete this row)"


class ActorTable(list):
    """A list of actors (one dictionary per row) that remembers where it came from.

    ``problems`` lists what prevented reading the file, in plain words; the document checks report
    them. In a notebook the table shows as an HTML table.
    """

    def __init__(self, rows=(), *, path: str = "", columns=(), problems=()):
        super().__init__(rows)
        self.path = path
        self.columns = tuple(columns)
        self.problems = list(problems)

    def count_where(self, **conditions) -> int:
        """How many actors match every ``column=value`` condition, e.g. ``count_where(type="firm")``."""
        return sum(1 for row in self
                   if all(str(row.get(k, "")).strip().lower() == str(v).lower() for k, v in conditions.items()))

    def _repr_html_(self) -> str:
        if self.problems:
            return "<p>" + "<br>".join(html.escape(p) for p in self.problems) + "</p>"
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(row.get(c, '')))}</td>" for c in self.columns) + "</tr>"
            for row in self)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{len(self)} actors</p>"


def load_actors(path: str | Path = "actors.csv") -> ActorTable:
    """Read the cluster database from a CSV file; never raises.

    Cells are stripped of outer spaces; rows that are completely empty are skipped. When the file
    cannot be read, the table is empty and ``problems`` says why.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ActorTable(path=str(path), problems=[f"The file {path.name} was not found next to the notebook."])
    except OSError as exc:
        return ActorTable(path=str(path), problems=[f"The file {path.name} could not be read ({exc.strerror})."])
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ActorTable(path=str(path), problems=[
            f"The file {path.name} is not saved as UTF-8 text: save it again as 'CSV UTF-8'."])
    try:
        dialect = csv.Sniffer().sniff(content.splitlines()[0] if content else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(content.splitlines(), dialect)
    try:
        lines = [[cell.strip() for cell in line] for line in reader]
    except csv.Error as exc:
        return ActorTable(path=str(path), problems=[f"The file {path.name} is not a valid CSV file ({exc})."])
    lines = [line for line in lines if any(line)]
    if not lines:
        return ActorTable(path=str(path), problems=[f"The file {path.name} is empty: keep its first line, the column names."])
    header = [h.lower() for h in lines[0]]
    table = [dict(zip(header, line + [""] * (len(header) - len(line)))) for line in lines[1:]]
    long_rows = [i + 2 for i, line in enumerate(lines[1:]) if len(line) > len(header)]
    problems = [f"Line(s) {', '.join(map(str, long_rows[:5]))} of {path.name} have more cells than there are columns."] if long_rows else []
    return ActorTable(table, path=str(path), columns=header, problems=problems)
