"""Load and check case files, ``casestudies/<name>/case.yaml``, and the file of reference figures
about places outside the cases, ``casestudies/references/figures.yaml``.

A broken file fails with a :class:`CaseFileError` that names the file, the field (as a path such as
``key_figures[3].year``) and the reason in plain words, with the line of the file where it can be
found, so that an instructor who edits a case can fix it without reading a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .case_errors import CaseFileError, ReferenceFileError, UnknownCaseError, UnknownReferenceError
from .schema import Case, KeyFigure, ReferenceFigures, ReferencePlace
from .yaml_reading import line_of, parse_path, problems_of, read_yaml

__all__ = [
    "CASES_DIR",
    "REFERENCES_FILE",
    "CaseFileError",
    "ReferenceFileError",
    "UnknownCaseError",
    "UnknownReferenceError",
    "list_cases",
    "list_reference_places",
    "load_case",
    "load_case_file",
    "load_reference",
    "load_reference_file",
    "load_references",
    "reference_figure",
]

#: The folder that holds one sub-folder per case.
CASES_DIR = Path(__file__).resolve().parent
CASE_FILE = "case.yaml"
#: Sourced figures about places that are not one of the cases (e.g. Hamburg Aviation).
#: It sits one folder down so that the package-data pattern ``*/*.yaml`` ships it.
REFERENCES_FILE = CASES_DIR / "references" / "figures.yaml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


# ----------------------------------------------------------------------------- public API
def _read_mapping(path: Path, error: type[CaseFileError], fields: str) -> tuple[dict, str]:
    """The file's top-level mapping and its text; ``error`` (naming the file) when it is not one."""
    try:
        data, text = read_yaml(path)
    except CaseFileError as exc:
        if type(exc) is error:
            raise
        raise error(exc.file, exc.field, exc.reason, line=exc.line) from None
    if data is None:
        raise error(path, "(top level)", "the file is empty")
    if not isinstance(data, dict):
        raise error(path, "(top level)", f"the file must be a group of fields ({fields}), "
                    f"not a {type(data).__name__}", line=1)
    return data, text


def load_case_file(path: str | Path) -> Case:
    """Read and check one case file. Raises :class:`CaseFileError` when it is broken."""
    path = Path(path)
    data, text = _read_mapping(path, CaseFileError, "id, title, profile, ...")
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        problems = problems_of(exc, text)
        field, reason, line = problems[0]
        raise CaseFileError(path, field, reason, line=line, problems=problems) from None


def list_cases() -> list[str]:
    """Names of the cases shipped with the course, e.g. ``['huddersfield', 'igualada', 'prato']``."""
    return sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir() and (p / CASE_FILE).is_file())


def case_path(name: str) -> Path:
    """Where the file of case ``name`` is (whether or not it exists)."""
    return CASES_DIR / name / CASE_FILE


def load_case(name: str) -> Case:
    """Load a case shipped with the course by name: ``load_case("igualada")``."""
    known = list_cases()
    if not isinstance(name, str) or not _NAME.match(name) or name not in known:
        shown = name if isinstance(name, str) and _NAME.match(name) else "(name)"
        raise UnknownCaseError(
            CASES_DIR / shown / CASE_FILE if shown != "(name)" else CASES_DIR,
            "(case name)",
            f"there is no case called {name!r}; the known cases are: {', '.join(known) or 'none'}",
        )
    path = case_path(name)
    case = load_case_file(path)
    if case.id != name:
        raise CaseFileError(path, "id", f"the id is {case.id!r} but the case sits in folder {name!r}; "
                            "make them the same", line=line_of(path.read_text(encoding="utf-8"), ("id",)))
    return case


# ----------------------------------------------------------------------- reference figures
def _item_of(data: Any, path: str) -> str | None:
    """'place 'hamburg-aviation', figure 'eu-projects-share'' for a path inside the references file."""
    parts = parse_path(path)
    names = []
    node = data
    for i, part in enumerate(parts):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            kind = {"places": "place", "figures": "figure"}.get(str(parts[i - 1]) if i else "", "item")
            names.append(f"{kind} {node['id']!r}")
    return ", ".join(names) or None


def load_reference_file(path: str | Path) -> ReferenceFigures:
    """Read and check a file of reference figures. Raises :class:`ReferenceFileError` when it is broken:
    the error names the file, the item (place and figure id, and the field path) and the reason."""
    path = Path(path)
    data, text = _read_mapping(path, ReferenceFileError, "sources, places")
    try:
        return ReferenceFigures.model_validate(data)
    except ValidationError as exc:
        problems = []
        for field, reason, line in problems_of(exc, text, ReferenceFigures):
            item = _item_of(data, field)
            problems.append((field, f"{reason} [{item}]" if item else reason, line))
        field, reason, line = problems[0]
        raise ReferenceFileError(path, field, reason, line=line, problems=problems) from None


def load_references() -> ReferenceFigures:
    """The reference figures shipped with the course (``casestudies/references/figures.yaml``)."""
    return load_reference_file(REFERENCES_FILE)


def list_reference_places() -> list[str]:
    """Ids of the places in the shipped reference file, e.g. ``['hamburg-aviation']``."""
    return [p.id for p in load_references().places]


def load_reference(place: str) -> ReferencePlace:
    """One place of the reference file: ``load_reference("hamburg-aviation").figure("eu-projects-share")``."""
    refs = load_references()
    for p in refs.places:
        if p.id == place:
            return p
    known = ", ".join(p.id for p in refs.places) or "none"
    raise UnknownReferenceError(REFERENCES_FILE, "(place)",
                                f"there is no reference place called {place!r}; the known places are: {known}")


def reference_figure(place: str, figure_id: str | None = None) -> KeyFigure:
    """One sourced figure about a place outside the cases.

    ``reference_figure("hamburg-aviation", "eu-projects-share")`` or, in one string,
    ``reference_figure("hamburg-aviation/eu-projects-share")``. The result is a :class:`KeyFigure`:
    ``.value`` for computing, ``.display()`` for text, and a sourced card when a notebook shows it.
    """
    if figure_id is None:
        if not isinstance(place, str) or place.count("/") != 1:
            raise UnknownReferenceError(REFERENCES_FILE, "(figure)",
                                        f"give a place and a figure id, e.g. 'hamburg-aviation/eu-projects-share', "
                                        f"got {place!r}")
        place, figure_id = place.split("/")
    where = load_reference(place)
    for f in where.figures:
        if f.id == figure_id:
            return f
    known = ", ".join(f.id for f in where.figures)
    raise UnknownReferenceError(REFERENCES_FILE, "(figure)",
                                f"place {place!r} has no figure {figure_id!r}; its figures are: {known}")
