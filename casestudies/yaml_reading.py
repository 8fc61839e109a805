"""Reading case files strictly, and turning validation errors into plain messages with a line.

YAML is read safely and refuses a key written twice; a pydantic error becomes a field path
(``key_figures[3].year``), a reason in plain words and the line of the file where the field is.
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

from .case_errors import CaseFileError
from .schema import Case, CaseRuleError

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


def read_yaml(path: Path) -> tuple[Any, str]:
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


def line_of(text: str | yaml.Node | None, loc: tuple) -> int | None:
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


def problems_of(exc: ValidationError, text: str,
              root: type[BaseModel] = Case) -> list[tuple[str, str, int | None]]:
    out: list[tuple[str, str, int | None]] = []
    tree = _compose(text)
    for err in exc.errors(include_url=False):
        loc = _clean_loc(err["loc"])
        cause = err.get("ctx", {}).get("error")
        if isinstance(cause, CaseRuleError):
            # the paths of a rule are relative to the model that checks it (the root, or a nested one)
            for path, reason in cause.problems:
                full = parse_path(path) if not loc else loc + parse_path(path)
                out.append((format_path(full), reason, line_of(tree, full)))
            continue
        out.append((format_path(loc), _reason(err, root), line_of(tree, loc)))
    return out


def parse_path(path: str) -> tuple:
    """``key_figures[3].year`` -> ``('key_figures', 3, 'year')`` (for finding the line)."""
    parts: list[Any] = []
    for name, index in re.findall(r"([A-Za-z_]\w*)|\[(\d+)\]", path):
        parts.append(name if name else int(index))
    return tuple(parts)
