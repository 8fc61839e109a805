"""Checks made on a submission before it is graded: is it a notebook, and are its fixed cells intact?

A *rejected* submission is not graded (it could not be, or not fairly): a missing notebook, a file that
is not valid notebook JSON, duplicated cell ids, a deleted graded or locked cell. A *flagged* submission
is graded, with a note: a locked or test cell was changed, and the original from the release is used.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import compute_checksum

__all__ = ["Verdict", "prevalidate", "MAX_NOTEBOOK_BYTES"]

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


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


def _check(loaded: tuple, release, name: str, verdict: Verdict) -> None:
    data, raw = loaded
    cells = [c for c in data["cells"] if isinstance(c, dict)]
    if len(cells) != len(data["cells"]) or any(not isinstance(c.get("id", ""), str) for c in cells) \
            or any(not isinstance(_nbgrader(c).get("grade_id", ""), str) for c in cells):
        verdict.reject(f"{name} is not a valid notebook (a cell, or a cell's id, has the wrong form)")
        return
    ids = Counter(c.get("id") for c in cells if c.get("id") is not None)
    twice = sorted(str(i) for i, n in ids.items() if n > 1)
    if twice:
        verdict.reject(f"{name} has duplicated cell ids: {', '.join(twice[:5])}")
    grade_ids = Counter(_nbgrader(c).get("grade_id") for c in cells if _nbgrader(c).get("grade_id"))
    twice = sorted(str(i) for i, n in grade_ids.items() if n > 1)
    if twice:
        verdict.reject(f"{name} has duplicated graded cells: {', '.join(twice[:5])}")
    if verdict.status == "rejected":
        return
    try:
        nb = nbformat.reads(raw, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds of error for a malformed notebook
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        verdict.reject(f"{name} is not a valid notebook ({first[:160]})")
        return
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


def prevalidate(submission: Path, release: Path) -> Verdict:
    """Check every notebook of the released assignment folder ``release`` in ``submission``."""
    verdict = Verdict()
    for released in sorted(Path(release).glob("*.ipynb")):
        data = _read(Path(submission) / released.name, verdict)
        if data is not None:
            _check(data, nbformat.read(released, as_version=4), released.name, verdict)
    return verdict
