"""Load and check case files, ``casestudies/<name>/case.yaml``, and the file of reference figures
about places outside the cases, ``casestudies/references/figures.yaml``.

A broken file fails with a :class:`CaseFileError` that names the file, the field (as a path such as
``key_figures[3].year``) and the reason in plain words, with the line of the file where it can be
found, so that an instructor who edits a case can fix it without reading a traceback.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from clusterlab.errors import ClusterlabError

from .schema import Case, CaseRuleError, KeyFigure, ReferenceFigures, ReferencePlace

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


class CaseFileError(ClusterlabError, ValueError):
    """A case file cannot be used. ``str()`` names the file, the field and the reason.

    Attributes: ``file`` (path as text), ``field`` (path of the field, or a word in brackets such as
    ``(YAML syntax)`` when the problem is not one field), ``reason`` (plain words), ``line`` (1-based
    line in the file, or ``None``) and ``problems`` (every problem found, as ``(field, reason, line)``
    triples; the first is the one in ``field``/``reason``).
    """

    def __init__(self, file: str | Path, field: str, reason: str, *, line: int | None = None,
                 problems: list[tuple[str, str, int | None]] | None = None):
        self.file = str(file)
        self.field = field
        self.reason = reason
        self.line = line
        self.problems = problems or [(field, reason, line)]
        super().__init__(self.file, field, reason)

    @staticmethod
    def _one(field: str, reason: str, line: int | None) -> str:
        where = f" (line {line})" if line and f"line {line}" not in reason else ""
        if field.startswith("("):  # not one field: '(YAML syntax)', '(file)', '(case name)'
            return f"{field}{where}: {reason}"
        return f"field {field}{where}: {reason}"

    def __str__(self) -> str:
        text = f"{self.file}: {self._one(self.field, self.reason, self.line)}"
        others = self.problems[1:]
        if others:
            text += f"\n  {len(others)} more problem{'s' if len(others) > 1 else ''} in the same file:"
            text += "".join(f"\n  - {self._one(f, r, ln)}" for f, r, ln in others)
        return text

    def __reduce__(self):
        return (_rebuild_error, (type(self), self.file, self.field, self.reason, self.line, self.problems))


class UnknownCaseError(CaseFileError, LookupError):
    """No case has this name."""


class ReferenceFileError(CaseFileError):
    """The file of reference figures cannot be used; ``str()`` names the file, the item and the reason."""


class UnknownReferenceError(ReferenceFileError, LookupError):
    """No reference place, or no figure of that place, has this id."""


def _rebuild_error(cls, file, field, reason, line, problems):
    return cls(file, field, reason, line=line, problems=problems)


# --------------------------------------------------------------------------------------- YAML
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster


class _StrictLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """Safe YAML that refuses a key written twice in one mapping (YAML would keep only the last)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)  # resolve '<<' merge keys first
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark,
                f"the key {key!r} appears twice (first on line {seen[key].start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> tuple[Any, str]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CaseFileError(path, "(file)", "the file does not exist") from None
    except OSError as exc:
        raise CaseFileError(path, "(file)", f"the file cannot be read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CaseFileError(path, "(encoding)", f"the file is not UTF-8 text (bad byte at line {line}); "
                            "save it as UTF-8", line=line) from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "the YAML cannot be read"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise CaseFileError(path, "(YAML syntax)",
                            f"invalid YAML at line {line}{column}: {problem}{context}", line=line) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(path, "(YAML syntax)", f"invalid YAML: {exc}") from None
    return data, text


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return None


def _line_of(text: str | yaml.Node | None, loc: tuple) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    node = _compose(text) if isinstance(text, str) else text
    if node is None:
        return None
    best = node
    for part in loc:
        if node is None:
            break
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = None
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == part:
                    found = value_node
                    best = key_node
                    break
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            best = node
        else:
            break
    return best.start_mark.line + 1 if best is not None else None


# ------------------------------------------------------------------------ validation errors
def format_path(loc: tuple) -> str:
    """``('key_figures', 3, 'year')`` -> ``key_figures[3].year``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.match(r"^[A-Za-z_]\w*$", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "(top level)"


_TAG = re.compile(r"^[a-z][a-z-]*\[.*\]$")


def _clean_loc(loc: tuple) -> tuple:
    # pydantic adds the name of a type or validator to some locations (e.g. 'function-after[...]')
    return tuple(p for p in loc if isinstance(p, int) or not _TAG.match(p))


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside an annotation (Optional, list, dict, Annotated, unions)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out = []
        for arg in typing.get_args(annotation):
            out += _unwrap(arg)
        return out
    if origin in (list, tuple, set):
        return _unwrap(typing.get_args(annotation)[0]) if typing.get_args(annotation) else []
    if origin is dict:
        return _unwrap(typing.get_args(annotation)[1])
    return [annotation]


def _model_at(loc: tuple, root: type[BaseModel] = Case) -> type[BaseModel] | None:
    """The model class that holds the field at the end of ``loc``."""
    model: type[BaseModel] | None = root
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            # a dict key: stay on the same declared value type
            continue
        inner = [t for t in _unwrap(field.annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
        model = inner[0] if inner else None
    return model


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _reason(err: dict, root: type[BaseModel] = Case) -> str:
    kind = err["type"]
    loc = _clean_loc(err["loc"])
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    got = err.get("input")
    if kind == "missing":
        if name == "source":
            return ("every figure and fact about a real place must say where it comes from: add a `source` "
                    "with a `document` and a `section`, or a `url`")
        if name == "basis":
            return ("every figure and fact must say how it is known: add `basis: published` (stated in the "
                    "source) or `basis: reconstructed` (worked out for teaching, with a note saying why)")
        if name == "year":
            return "the year is missing: give the year the figure refers to, or `year: null` with a note"
        return f"the required field `{name}` is missing"
    if kind == "extra_forbidden":
        model = _model_at(loc, root)
        allowed = sorted(model.model_fields) if model else []
        hint = difflib.get_close_matches(name, allowed, n=1)
        text = f"`{name}` is not a field here"
        if hint:
            text += f" (did you mean `{hint[0]}`?)"
        if allowed:
            text += f"; allowed fields: {', '.join(allowed)}"
        return text
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number (for example 2015), got {_shown(got)}"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"must be a number (for example 17 or 2.5, without units or commas), got {_shown(got)}"
    if kind in ("string_type",):
        return f"must be text, got {_shown(got)}"
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false (or null when unknown), got {_shown(got)}"
    if kind in ("list_type",):
        return f"must be a list (one '- ' line per item), got {_shown(got)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a group of fields (indented 'key: value' lines), got {_shown(got)}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}, got {_shown(got)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {err.get('ctx', {}).get('min_length', 1)} item(s)"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = err.get("ctx", {})
        bound = {"greater_than_equal": "at least", "less_than_equal": "at most",
                 "greater_than": "more than", "less_than": "less than"}[kind]
        limit = next(iter(ctx.values()), "")
        return f"must be {bound} {limit}, got {_shown(got)}"
    if kind == "value_error":
        msg = err["msg"]
        return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg
    return f"{err['msg'][:1].lower()}{err['msg'][1:]}, got {_shown(got)}"


def _problems(exc: ValidationError, text: str,
              root: type[BaseModel] = Case) -> list[tuple[str, str, int | None]]:
    out: list[tuple[str, str, int | None]] = []
    tree = _compose(text)
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, CaseRuleError):
            # the paths of a rule are relative to the model that checks it (the root, or a nested one)
            for path, reason in cause.problems:
                full = _parse_path(path) if not loc else loc + _parse_path(path)
                out.append((format_path(full), reason, _line_of(tree, full)))
            continue
        out.append((format_path(loc), _reason(err, root), _line_of(tree, loc)))
    return out


def _parse_path(path: str) -> tuple:
    """``key_figures[3].year`` -> ``('key_figures', 3, 'year')`` (for finding the line)."""
    parts: list[Any] = []
    for name, index in re.findall(r"([A-Za-z_]\w*)|\[(\d+)\]", path):
        parts.append(name if name else int(index))
    return tuple(parts)


# ----------------------------------------------------------------------------- public API
def load_case_file(path: str | Path) -> Case:
    """Read and check one case file. Raises :class:`CaseFileError` when it is broken."""
    path = Path(path)
    data, text = _read_yaml(path)
    if data is None:
        raise CaseFileError(path, "(top level)", "the file is empty")
    if not isinstance(data, dict):
        raise CaseFileError(path, "(top level)",
                            "the file must be a group of fields (id, title, profile, ...), "
                            f"not a {type(data).__name__}", line=1)
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc, text)
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
                            "make them the same", line=_line_of(path.read_text(encoding="utf-8"), ("id",)))
    return case


# ----------------------------------------------------------------------- reference figures
def _item_of(data: Any, path: str) -> str | None:
    """'place 'hamburg-aviation', figure 'eu-projects-share'' for a path inside the references file."""
    parts = _parse_path(path)
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
    try:
        data, text = _read_yaml(path)
    except CaseFileError as exc:
        raise ReferenceFileError(exc.file, exc.field, exc.reason, line=exc.line) from None
    if data is None:
        raise ReferenceFileError(path, "(top level)", "the file is empty")
    if not isinstance(data, dict):
        raise ReferenceFileError(path, "(top level)",
                                 "the file must be a group of fields (sources, places), "
                                 f"not a {type(data).__name__}", line=1)
    try:
        return ReferenceFigures.model_validate(data)
    except ValidationError as exc:
        problems = []
        for field, reason, line in _problems(exc, text, ReferenceFigures):
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
