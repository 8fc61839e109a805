"""The notebook that is graded: the released one, with the trainee's written answers put in.

The autograded parts come from the answer files (``answers.json``, ``actors.csv``), not from the
notebook; from the notebook only the trainee's written answers (the hand-graded cells, such as the
analysis) are taken. So :func:`prevalidate` rebuilds, in the staged copy (never in the submission
itself), the notebook nbgrader grades: the released notebook, each answer cell filled with the text
of the submitted cell of the same name. Whatever else was done to the notebook costs nothing but is
reported (the submission is *flagged*):

- a changed or deleted locked or test cell: the released one is used;
- a deleted answer cell: that part is graded as empty (it costs only that part);
- a cell copied (two cells of one name): the first one is used;
- cells the assignment does not have (marked for grading or not): not graded;
- a notebook that cannot be read (not JSON, not a notebook, too many cells, missing): the answer
  files are graded; the written answers could not be read and count as empty.

A *rejected* submission (not graded at all) is no longer a result of anything in a notebook: one
broken or copied cell never costs the whole document.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import compute_checksum

__all__ = ["Verdict", "prevalidate", "MAX_NOTEBOOK_BYTES", "MAX_CELLS"]

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
#: The most cells a submitted notebook may have (the documents have about 30): more is not a document.
MAX_CELLS = 2000


@dataclass
class Verdict:
    status: str = "ok"  # "ok", "flagged" or "rejected"
    reasons: list[str] = field(default_factory=list)

    def reject(self, reason: str) -> None:
        self.status = "rejected"
        self.reasons.append(reason)

    def flag(self, reason: str) -> None:
        if self.status == "ok":
            self.status = "flagged"
        self.reasons.append(reason)


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    value = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return value if isinstance(value, dict) else {}


#: The nbgrader settings that decide how a cell is graded.
_ROLE = ("grade", "solution", "locked", "points")


def _kind(meta: dict) -> str:
    if meta.get("grade") and not meta.get("solution"):
        return "test"
    return "answer" if meta.get("solution") else "locked"


def _cells(path: Path, name: str, verdict: Verdict) -> list[dict] | None:
    """The submitted notebook's cells (plain dictionaries), or None and a finding why not."""
    unreadable = "; the answer files were graded, the written answers count as empty"
    if not path.is_file():
        verdict.flag(f"{name} is missing from the submission{unreadable}")
        return None
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        verdict.flag(f"{name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB{unreadable}")
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        verdict.flag(f"{name} is not valid notebook JSON (not UTF-8 text){unreadable}")
        return None
    except (ValueError, RecursionError) as exc:
        where = f" ({exc.msg} at line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        verdict.flag(f"{name} is not valid notebook JSON{where}{unreadable}")
        return None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        verdict.flag(f"{name} is not valid notebook JSON (it has no list of cells){unreadable}")
        return None
    if len(cells) > MAX_CELLS:
        verdict.flag(f"{name} has {len(cells)} cells, more than the {MAX_CELLS} a notebook of this course may "
                     f"have{unreadable}")
        return None
    return [c for c in cells if isinstance(c, dict)]


def _text(cell: dict) -> str | None:
    source = cell.get("source")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    return source if isinstance(source, str) else None


def _same(cell: dict, original) -> bool:
    try:
        return compute_checksum(nbformat.from_dict({**cell, "source": _text(cell)})) == compute_checksum(original)
    except Exception:  # a cell of the wrong form is not the original
        return False


def _rebuild(cells: list[dict] | None, release, name: str, verdict: Verdict):
    """The release with the submitted answer texts put in (``cells`` None: the release as it is)."""
    nb = nbformat.reads(nbformat.writes(release), as_version=4)
    if cells is None:
        return nb
    named: dict[str, dict] = {}
    names = Counter()
    strangers = []
    released = {_nbgrader(c).get("grade_id") for c in release.cells if _nbgrader(c).get("grade_id")}
    for i, cell in enumerate(cells):
        grade_id = _nbgrader(cell).get("grade_id")
        if isinstance(grade_id, str) and grade_id in released:
            names[grade_id] += 1
            named.setdefault(grade_id, cell)
        elif grade_id or _nbgrader(cell).get("grade") or _nbgrader(cell).get("solution"):
            strangers.append(grade_id if isinstance(grade_id, str) and grade_id else f"cell {i + 1}")
    copied = sorted(g for g, n in names.items() if n > 1)
    if copied:
        verdict.flag(f"{name} has duplicated graded cells: {', '.join(copied[:5])}; the first of each is used")
    if strangers:
        verdict.flag(f"{name}: cells the assignment does not have were marked for grading "
                     f"({', '.join(map(str, strangers[:5]))}); they were not graded")
    for cell in nb.cells:
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        kind, submitted = _kind(meta), named.get(grade_id)
        if kind != "answer":
            if submitted is None:
                verdict.flag(f"{name}: the {kind} cell '{grade_id}' was deleted; the original is used for grading")
            elif not _same(submitted, cell):
                verdict.flag(f"{name}: the {kind} cell '{grade_id}' was changed; the original is used for grading")
            continue
        text = _text(submitted) if submitted is not None else None
        if submitted is not None and (submitted.get("cell_type"), *map(_nbgrader(submitted).get, _ROLE)) != \
                (cell.cell_type, *map(meta.get, _ROLE)):
            verdict.flag(f"{name}: the answer cell '{grade_id}' was made into another kind of cell; its text is "
                         "graded as the answer")
        if text is None:
            verdict.flag(f"{name}: the answer cell '{grade_id}' was deleted or cannot be read; that part is "
                         "graded as empty")
        else:
            cell.source = text
    return nb


def prevalidate(submission: Path, release: Path) -> Verdict:
    """Rebuild, in the staged ``submission``, every notebook of the released assignment ``release``."""
    verdict = Verdict()
    for released in sorted(Path(release).glob("*.ipynb")):
        path = Path(submission) / released.name
        cells = _cells(path, released.name, verdict)
        nb = _rebuild(cells, nbformat.read(released, as_version=4), released.name, verdict)
        path.write_text(nbformat.writes(nb), encoding="utf-8")
    return verdict
