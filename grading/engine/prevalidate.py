"""Checks made on a submission before it is graded: is it a notebook, and are its fixed cells intact?

A *rejected* submission is not graded (it could not be, or not fairly): a missing notebook, a file that
is not valid notebook JSON, duplicated cell ids, a deleted graded or locked cell. A *flagged* submission
is graded, with a note: a locked or test cell was changed, and the original from the release is used.

The original is put back into the staged copy of the notebook (never into the submission itself), so
nbgrader meets the cells it released: a changed locked or test cell is replaced by the release's cell,
an answer cell whose grading settings were changed (kind, points, test or answer) gets the release's
settings back with the trainee's text, and a cell the assignment does not have loses the nbgrader
settings it was given (a new "test" cell worth 1000 points is an ordinary cell). Without this, nbgrader
stops on such a notebook and the trainee's right answers would score nothing.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import compute_checksum

__all__ = ["Verdict", "prevalidate", "MAX_NOTEBOOK_BYTES", "MAX_CELLS"]

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
#: The most cells a submitted notebook may have (the documents have about 30): more is not a document,
#: and would cost minutes of grading and of feedback pages.
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


def _read(path: Path, verdict: Verdict):
    name = path.name
    if not path.is_file():
        verdict.reject(f"{name} is missing from the submission")
        return None
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        verdict.reject(f"{name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
        return None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        data = (data, path.read_text(encoding="utf-8")) if isinstance(data, dict) else data
    except UnicodeDecodeError:
        verdict.reject(f"{name} is not valid notebook JSON (not UTF-8 text)")
        return None
    except json.JSONDecodeError as exc:
        verdict.reject(f"{name} is not valid notebook JSON ({exc.msg} at line {exc.lineno})")
        return None
    if not isinstance(data, tuple) or not isinstance(data[0].get("cells"), list):
        verdict.reject(f"{name} is not valid notebook JSON (it has no list of cells)")
        return None
    return data


#: The nbgrader settings that decide how a cell is graded.
_ROLE = ("grade", "solution", "locked", "task", "grade_id", "points")


def _role(cell) -> tuple:
    meta = _nbgrader(cell)
    return (cell.get("cell_type"), *(meta.get(key) for key in _ROLE))


def _marked(cell) -> bool:
    """True when a cell carries nbgrader settings that nbgrader acts on."""
    value = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
    if value is None:
        return False
    return not isinstance(value, dict) or any(value.get(k) for k in ("grade", "solution", "locked", "task", "grade_id"))


def _restored(released, submitted):
    """The release's cell, under the submitted cell's id (so ids stay unique)."""
    cell = copy.deepcopy(released)
    cell.pop("id", None)
    if "id" in submitted:
        cell["id"] = submitted["id"]
    if cell.get("cell_type") == "code":
        cell["outputs"], cell["execution_count"] = [], None
    return cell


def _with_role(released, submitted):
    """The submitted answer cell, with the release's kind and nbgrader settings."""
    cell = copy.deepcopy(submitted)
    cell["cell_type"] = released.get("cell_type")
    cell.setdefault("metadata", nbformat.NotebookNode())["nbgrader"] = copy.deepcopy(released.metadata.nbgrader)
    if cell["cell_type"] == "code":
        cell.setdefault("outputs", [])
        cell.setdefault("execution_count", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return cell


def _repair(nb, release, name: str, verdict: Verdict) -> bool:
    """Put the release's cells and settings back into ``nb`` (see the module's text); True if changed."""
    released = {_nbgrader(c).get("grade_id"): c for c in release.cells if _nbgrader(c).get("grade_id")}
    strangers, changed = [], False
    for i, cell in enumerate(nb.cells):
        grade_id = _nbgrader(cell).get("grade_id")
        original = released.get(grade_id) if isinstance(grade_id, str) else None
        if original is None:
            if _marked(cell):
                strangers.append(grade_id if isinstance(grade_id, str) and grade_id else f"cell {i + 1}")
                cell["metadata"].pop("nbgrader")
                changed = True
            continue
        meta = _nbgrader(original)
        if meta.get("locked") or (meta.get("grade") and not meta.get("solution")):
            try:
                same = compute_checksum(cell) == compute_checksum(original)
            except Exception:
                same = False
            if not same:  # flagged by _check
                nb.cells[i] = _restored(original, cell)
                changed = True
        elif _role(cell) != _role(original):
            verdict.flag(f"{name}: the grading settings of the answer cell '{grade_id}' were changed; the "
                         "original settings are used")
            nb.cells[i] = _with_role(original, cell)
            changed = True
    if strangers:
        verdict.flag(f"{name}: cells the assignment does not have were marked for grading "
                     f"({', '.join(strangers[:5])}); they were not graded")
    return changed


def _check(loaded: tuple, release, name: str, verdict: Verdict):
    """Check one notebook; returns it with the release's cells put back when any was changed, else None."""
    data, raw = loaded
    if len(data["cells"]) > MAX_CELLS:
        verdict.reject(f"{name} has {len(data['cells'])} cells, more than the {MAX_CELLS} a notebook of this "
                       "course may have")
        return None
    cells = [c for c in data["cells"] if isinstance(c, dict)]
    if len(cells) != len(data["cells"]) or any(not isinstance(c.get("id", ""), str) for c in cells) \
            or any(not isinstance(_nbgrader(c).get("grade_id", ""), str) for c in cells):
        verdict.reject(f"{name} is not a valid notebook (a cell, or a cell's id, has the wrong form)")
        return None
    ids = Counter(c.get("id") for c in cells if c.get("id") is not None)
    twice = sorted(str(i) for i, n in ids.items() if n > 1)
    if twice:
        verdict.reject(f"{name} has duplicated cell ids: {', '.join(twice[:5])}")
    grade_ids = Counter(_nbgrader(c).get("grade_id") for c in cells if _nbgrader(c).get("grade_id"))
    twice = sorted(str(i) for i, n in grade_ids.items() if n > 1)
    if twice:
        verdict.reject(f"{name} has duplicated graded cells: {', '.join(twice[:5])}")
    if verdict.status == "rejected":
        return None
    try:
        nb = nbformat.reads(raw, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds of error for a malformed notebook
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        verdict.reject(f"{name} is not a valid notebook ({first[:160]})")
        return None
    submitted = {_nbgrader(c).get("grade_id"): c for c in nb.cells if _nbgrader(c).get("grade_id")}
    for cell in release.cells:
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        fixed = meta.get("locked") or (meta.get("grade") and not meta.get("solution"))
        kind = "test" if meta.get("grade") and not meta.get("solution") else ("locked" if fixed else "answer")
        if grade_id not in submitted:
            verdict.reject(f"{name}: the {kind} cell '{grade_id}' was deleted")
        elif fixed:
            try:
                same = compute_checksum(submitted[grade_id]) == compute_checksum(cell)
            except Exception:
                same = False
            if not same:
                verdict.flag(f"{name}: the {kind} cell '{grade_id}' was changed; the original is used for grading")
    if verdict.status == "rejected" or not _repair(nb, release, name, verdict):
        return None
    try:
        nbformat.validate(nb)
    except Exception:  # never expected (the release's cells are valid): nbgrader then decides
        return None
    return nb


def prevalidate(submission: Path, release: Path) -> Verdict:
    """Check every notebook of the released assignment folder ``release`` in ``submission``."""
    verdict = Verdict()
    for released in sorted(Path(release).glob("*.ipynb")):
        path = Path(submission) / released.name
        data = _read(path, verdict)
        if data is not None:
            repaired = _check(data, nbformat.read(released, as_version=4), released.name, verdict)
            if repaired is not None:  # the staged copy only; the submission itself is never written
                path.write_text(nbformat.writes(repaired), encoding="utf-8")
    return verdict
