"""Fields a trainee fills in a form, described as data: what each field is and what a valid value is.

The "my cluster" record (``course/my_cluster.yaml``) and the graded documents' forms
(``grading/forms.yaml``) describe their fields in the same way; :func:`parse_fields` reads such a
description and :meth:`FieldSpec.clean` checks and tidies a value. The views that show a field are in
:mod:`clusterlab.widgets.field_views`.

Field types and the value each one gives (None when nothing is entered):

- ``text`` (one line), ``long_text`` (a few lines): a text, stripped of outer spaces;
- ``text_list``: a list of short texts (typed one per line; a semicolon also separates them);
- ``choice``: one key of ``choices``; ``multi_choice``: a list of keys, in the order of ``choices``;
- ``number``: an int or a float (``whole: true``: an int), between ``min`` and ``max``, with a ``unit``;
- ``year``: an int, between ``min`` (default 1000) and ``max`` (default: this year);
- ``table``: a list of rows, each ``{column id: value}`` with every column (``min_rows`` is only shown
  to the trainee; ``max_rows`` is enforced); columns are text, long_text, text_list, choice, number or year;
- ``record``: ``{field id: value}`` with every one of its ``fields``;
- ``keyed_table``: ``{row key: {column id: value}}`` for the fixed ``rows``.

``choices`` (and the ``rows`` of a keyed table) are the name of a list in :mod:`clusterlab.vocabulary`,
a mapping ``{key: label}`` or a list of keys; ``only`` keeps some keys of a named list. Texts typed by a
person are accepted where numbers, years and choices are expected ("5 400", "12,5", a choice's label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clusterlab import vocabulary
from clusterlab.errors import ComponentError

from .field_values import CLEANERS, MAX_TEXT

__all__ = ["TYPES", "CELL_TYPES", "MAX_TEXT", "FieldSpec", "Column", "FieldSpecError", "parse_fields",
           "parse_field"]

TYPES = ("text", "long_text", "text_list", "choice", "multi_choice", "number", "year", "table", "record",
         "keyed_table")
#: The types a column of a table may have.
CELL_TYPES = ("text", "long_text", "text_list", "choice", "number", "year")


class FieldSpecError(ComponentError):
    """A description of fields is broken; the message names the file, the field and the reason."""


@dataclass(frozen=True)
class FieldSpec:
    """One field: what the trainee reads, and what a valid value is. A table's column is one too."""

    id: str
    label: str
    type: str
    help: str = ""
    choices: dict | None = None
    unit: str = ""
    min: float | None = None
    max: float | None = None
    whole: bool = False
    columns: tuple[FieldSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    rows: dict[str, str] | None = None
    min_rows: int = 0
    max_rows: int = 20
    placeholder: str = ""
    none_option: str = ""
    default: object = None

    def clean(self, value, where: str | None = None):
        """The value checked and tidied; None when nothing is entered.

        Raises ComponentError with a message that names the field (and the row and column of a table)
        and says how to fix it. ``where`` replaces the field's name at the start of the message.
        """
        return CLEANERS[self.type](self, value, where or f"'{self.label}'")

    def display(self, value) -> str:
        """The value as the text a person would type for it (numbers, years, lists one per line)."""
        if value is None:
            return ""
        if isinstance(value, list):
            return "\n".join(map(str, value))
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)


#: A column of a table is described like a field.
Column = FieldSpec


_COMMON = {"label", "help", "type", "placeholder", "default"}
_KEYS = {"text": set(), "long_text": set(), "text_list": {"max_rows"}, "choice": {"choices"},
         "multi_choice": {"choices", "none_option"}, "number": {"unit", "min", "max", "whole"},
         "year": {"min", "max"}, "table": {"columns", "min_rows", "max_rows"}, "record": {"fields"},
         "keyed_table": {"rows", "only", "columns"}}


def _keys_and_labels(raw, only, fail, what: str) -> dict:
    """``{key: label}`` from a vocabulary name, a mapping or a list of keys."""
    if isinstance(raw, str):
        try:
            found = vocabulary.choices(raw)
        except KeyError as exc:
            fail(f"{what}: {exc.args[0]}")
    elif isinstance(raw, dict):
        found = {k: str(v) for k, v in raw.items()}
    elif isinstance(raw, list):
        found = {k: str(k) for k in raw}
    else:
        fail(f"give the {what} as the name of a list of the vocabulary, a mapping key: label, or a list.")
    if only is not None:
        if not isinstance(only, list) or any(k not in found for k in only):
            fail(f"'only' must list keys of the {what} ({', '.join(map(str, found))}).")
        found = {k: found[k] for k in only}
    if not found or any(isinstance(k, bool) or not isinstance(k, (str, int)) or k == "" for k in found):
        fail(f"the {what} must be a non-empty list whose keys are texts or whole numbers.")
    return found


def _whole(raw: dict, key: str, fail) -> int | None:
    value = raw.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        fail(f"'{key}' must be a whole number.")
    return value


def parse_field(fid, raw, *, source: str, where: str = "", types=TYPES) -> FieldSpec:
    """One field from its description; raises FieldSpecError naming ``source``, the field and the reason."""
    where = where or f"field '{fid}'"

    def fail(reason: str):
        raise FieldSpecError(f"{source}: {where}: {reason}")

    if not isinstance(fid, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,63}", fid):
        fail("a field's id must be a short name made of letters, digits, '_' and '-'.")
    if not isinstance(raw, dict) or raw.get("type") not in types or not isinstance(raw.get("label"), str):
        fail(f"give a 'label' and a 'type' ({', '.join(types)}).")
    kind = raw["type"]
    extra = set(raw) - _COMMON - _KEYS[kind] - {"id"}
    if extra:
        fail(f"unknown key(s) for a {kind} field: {', '.join(sorted(map(str, extra)))}.")
    for key in ("help", "placeholder", "unit", "none_option"):
        if key in raw and not isinstance(raw[key], str):
            fail(f"'{key}' must be a text.")
    for key in ("min", "max"):
        if raw.get(key) is not None and (isinstance(raw[key], bool) or not isinstance(raw[key], (int, float))):
            fail(f"'{key}' must be a number.")
    if "whole" in raw and not isinstance(raw["whole"], bool):
        fail("'whole' must be true or false.")
    options = {}
    if kind in ("choice", "multi_choice"):
        options["choices"] = _keys_and_labels(raw.get("choices"), None, fail, "choices")
    if kind in ("table", "keyed_table"):
        options["columns"] = _parse_list(raw.get("columns"), source, f"{where}, column", CELL_TYPES, fail)
    if kind == "record":
        options["fields"] = _parse_list(raw.get("fields"), source, f"{where}, field", TYPES, fail)
    if kind == "keyed_table":
        options["rows"] = _keys_and_labels(raw.get("rows"), raw.get("only"), fail, "rows")
        if any(not isinstance(k, str) for k in options["rows"]):
            fail("the keys of the rows must be texts.")
    spec = FieldSpec(fid, raw["label"], kind, raw.get("help", "").strip(), unit=raw.get("unit", ""),
                     min=raw.get("min"), max=raw.get("max"), whole=raw.get("whole", False),
                     min_rows=_whole(raw, "min_rows", fail) or 0, max_rows=_whole(raw, "max_rows", fail) or 20,
                     placeholder=raw.get("placeholder", ""), none_option=raw.get("none_option", ""), **options)
    if raw.get("default") is not None:
        try:
            spec = FieldSpec(**{**spec.__dict__, "default": spec.clean(raw["default"])})
        except ComponentError as exc:
            fail(f"the default is not a valid value ({exc}).")
    return spec


def _parse_list(raw, source: str, where: str, types, fail) -> tuple[FieldSpec, ...]:
    """Sub-fields given as a list of descriptions with an ``id``, or as a mapping id -> description."""
    if isinstance(raw, dict):
        raw = [{**spec, "id": fid} if isinstance(spec, dict) else {"id": fid} for fid, spec in raw.items()]
    if not isinstance(raw, list) or not raw or not all(isinstance(item, dict) for item in raw):
        fail(f"give the {where.rsplit(', ', 1)[-1]}s as a list, each with an id, a label and a type.")
    built = tuple(parse_field(item.get("id"), item, source=source, where=f"{where} '{item.get('id')}'",
                              types=types) for item in raw)
    ids = [spec.id for spec in built]
    if len(set(ids)) != len(ids):
        fail(f"two {where.rsplit(', ', 1)[-1]}s have the same id.")
    return built


def parse_fields(raw: dict, *, source: str) -> dict[str, FieldSpec]:
    """The fields described in ``raw`` (``{id: description}``), in order; FieldSpecError if broken."""
    if not isinstance(raw, dict) or not raw:
        raise FieldSpecError(f"{source}: give the fields as a mapping of ids to descriptions.")
    return {fid: parse_field(fid, spec, source=source) for fid, spec in raw.items()}
