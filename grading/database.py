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

The file may be saved by Excel or LibreOffice as CSV: comma, semicolon or tab separated, in UTF-8
or Windows-1252 (see :mod:`clusterlab.tables`).
"""

from __future__ import annotations

import html
from pathlib import Path

from clusterlab.files import NOT_FOUND, read_ordinary
from clusterlab.tables import read_table
from clusterlab.vocabulary import HELIX_ROLES

__all__ = ["COLUMNS", "TYPES", "HELIX", "STRANDS", "SIZES", "MEMBER", "EXAMPLE_MARK", "ActorTable", "load_actors",
           "load_actors_bytes"]

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
#: The largest actors file read (5 MB): far more than a cluster's actors need.
MAX_BYTES = 5 * 1024 * 1024


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

    The file must be an ordinary file (not a link, a folder or a pipe) of at most 5 MB. It is read
    by :func:`load_actors_bytes`; when it cannot be read, the table is empty and ``problems`` says why.
    """
    path = Path(path)
    data, why = read_ordinary(path, MAX_BYTES + 1)  # one byte more: the reader says it is too large
    if why == NOT_FOUND:
        return _failed(path, f"The file {path.name} was not found next to the notebook.")
    if why is not None and "link" in why:
        return _failed(path, f"The file {path.name} is a link to another file: it must be an ordinary "
                             "file. Copy the table itself next to the notebook.")
    if why is not None and "not an ordinary file" in why:
        return _failed(path, f"The file {path.name} must be an ordinary file, but it is a folder or a "
                             "special file: save the table as a CSV file with that name.")
    if why is not None:
        return _failed(path, f"The file {path.name} could not be read ({why}).")
    table = load_actors_bytes(data, name=path.name)
    table.path = str(path)
    return table


def load_actors_bytes(data: bytes, name: str = "actors.csv") -> ActorTable:
    """Read the cluster database from the bytes of a CSV file (an upload, for example); never raises.

    Comma, semicolon and tab separated files saved as UTF-8 or Windows-1252 are all read (see
    :func:`clusterlab.tables.read_table`). Column names are lower-cased.
    """
    read = read_table(data, name=name, max_bytes=MAX_BYTES)
    return ActorTable(read.rows, path=name, columns=[h.lower() for h in read.header], problems=read.problems)


def _failed(path: Path, problem: str) -> ActorTable:
    return ActorTable(path=str(path), problems=[problem])
