"""The rubric for the parts an instructor grades by hand (``rubric.yaml``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from clusterlab.errors import ClusterlabError

__all__ = ["RUBRIC_FILE", "RubricError", "load_rubric", "points", "render_markdown"]

RUBRIC_FILE = Path(__file__).with_name("rubric.yaml")


class RubricError(ClusterlabError, ValueError):
    """``rubric.yaml`` is malformed: the message names the file, the part and what is missing."""


@lru_cache(maxsize=None)
def load_rubric(path: str | Path = RUBRIC_FILE) -> dict:
    """The rubric as ``{assignment: {grade_id: {"title", "criteria": [{"points", "text"}]}}}``."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    for assignment, parts in data.items():
        for grade_id, part in parts.items():
            if not part.get("criteria"):
                raise RubricError(f"{path}: {assignment}/{grade_id} has no criteria.")
            for criterion in part["criteria"]:
                if not isinstance(criterion.get("points"), (int, float)) or not criterion.get("text"):
                    raise RubricError(f"{path}: {assignment}/{grade_id}: every criterion needs points and text.")
    return data


def points(assignment: str, grade_id: str) -> float:
    """The total points of one hand-graded part."""
    return sum(c["points"] for c in load_rubric()[assignment][grade_id]["criteria"])


def render_markdown(assignment: str, grade_id: str) -> str:
    """The rubric of one part as the markdown table shown above its answer cell."""
    part = load_rubric()[assignment][grade_id]
    lines = [f"**Rubric: {part['title']}** ({points(assignment, grade_id):g} points, graded by your instructor)",
             "", "| Points | Criterion |", "| ---: | --- |"]
    lines += [f"| {c['points']:g} | {c['text']} |" for c in part["criteria"]]
    return "\n".join(lines)
