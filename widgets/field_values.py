"""How a value entered by a person becomes the value saved, field type by field type.

:data:`CLEANERS` maps each type of :mod:`clusterlab.widgets.fields` to its function ``(spec, value,
where)``: it returns the tidied value (None when nothing is entered) or raises ComponentError with a
message that starts with ``where`` (the field, and the row and column of a table) and says how to fix
it. Texts typed by a person are read where numbers, years and choices are expected.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import TYPE_CHECKING

from clusterlab.errors import ComponentError
from clusterlab.tables import parse_number

if TYPE_CHECKING:
    from .fields import FieldSpec

__all__ = ["CLEANERS", "MAX_TEXT", "FIRST_YEAR"]

MAX_TEXT = {"text": 300, "long_text": 3000}
FIRST_YEAR = 1000


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, (list, tuple, set, dict)) and not value)


def _split(text: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", text) if part.strip()]


def _text(spec: FieldSpec, value, where: str):
    if _empty(value):
        return None
    if not isinstance(value, str):
        raise ComponentError(f"{where} must be text.")
    value, limit = value.strip(), MAX_TEXT.get(spec.type, MAX_TEXT["text"])
    if len(value) > limit:
        raise ComponentError(f"{where} is too long ({len(value)} characters); shorten it to {limit} or fewer.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ComponentError(f"{where} contains characters that cannot be saved; retype it.") from None
    return value


def _text_list(spec: FieldSpec, value, where: str):
    if isinstance(value, str):
        value = _split(value, "\n;")
    if _empty(value):
        return None
    if not isinstance(value, (list, tuple)):
        raise ComponentError(f"{where} must be a list of texts, one per line.")
    items = [_text(spec, item, f"{where}, line {n}") for n, item in enumerate(value, 1)]
    items = [item for item in items if item is not None]
    if len(items) > spec.max_rows:
        raise ComponentError(f"{where} has {len(items)} lines; keep at most {spec.max_rows}.")
    return items or None


def _match(choices: dict, value):
    """The key of ``choices`` that ``value`` names (the key or its label, in any case), or None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    for key in choices:
        if value == key and not isinstance(key, bool):
            return key
    text = str(value).strip().lower()
    for key, label in choices.items():
        if text in (str(key).lower(), str(label).strip().lower()):
            return key
    return None


def _options(spec: FieldSpec) -> str:
    labels = list((spec.choices or {}).values())
    return ", ".join(labels[:8]) + (" ..." if len(labels) > 8 else "")


def _choice(spec: FieldSpec, value, where: str):
    if _empty(value):
        return None
    key = _match(spec.choices or {}, value)
    if key is None:
        raise ComponentError(f"{where}: choose one of the options in the list ({_options(spec)}).")
    return key


def _multi_choice(spec: FieldSpec, value, where: str):
    if isinstance(value, str):
        value = _split(value, "\n;,") or None
    if value is None:
        return None
    if not isinstance(value, (list, tuple, set)):
        raise ComponentError(f"{where} must be a list of the options chosen.")
    if not value:
        return [] if spec.none_option else None
    keys = set()
    for item in value:
        key = _match(spec.choices or {}, item)
        if key is None:
            raise ComponentError(f"{where}: {item!r} is not one of the options ({_options(spec)}).")
        keys.add(key)
    return [key for key in spec.choices if key in keys]


def _shown(number) -> str:
    return f"{number:g}" if isinstance(number, float) else str(number)


def _number(spec: FieldSpec, value, where: str):
    if _empty(value):
        return None
    if isinstance(value, str):
        try:
            value = parse_number(value)
        except ValueError as exc:
            raise ComponentError(f"{where} must be a number: {exc}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ComponentError(f"{where} must be a number.")
    year = spec.type == "year"
    if (spec.whole or year) and isinstance(value, float):
        if not value.is_integer():
            raise ComponentError(f"{where} must be a whole number; you entered {_shown(value)}. Round it.")
        value = int(value)
    low = spec.min if spec.min is not None or not year else FIRST_YEAR
    high = spec.max if spec.max is not None or not year else _dt.date.today().year
    unit = spec.unit if spec.unit in ("", "%") else f" {spec.unit}"
    what = "a year" if year else "a number"
    if low is not None and high is not None and not low <= value <= high:
        raise ComponentError(f"{where} must be {what} between {_shown(low)} and {_shown(high)}{unit}; "
                             f"you entered {_shown(value)}.")
    if low is not None and value < low:
        raise ComponentError(f"{where} must be at least {_shown(low)}{unit}; you entered {_shown(value)}.")
    if high is not None and value > high:
        raise ComponentError(f"{where} must be at most {_shown(high)}{unit}; you entered {_shown(value)}.")
    return value


def _cells(columns, row, where: str, what: str) -> dict:
    if not isinstance(row, dict):
        raise ComponentError(f"{where}{what}: a row must have one entry per column.")
    return {c.id: c.clean(row.get(c.id), f"{where}{what}, '{c.label}'") for c in columns}


def _table(spec: FieldSpec, rows, where: str):
    if _empty(rows):
        return None
    if not isinstance(rows, list):
        raise ComponentError(f"{where} must be a list of rows.")
    kept = [_cells(spec.columns, row, where, f", row {n}") for n, row in enumerate(rows, 1)]
    kept = [row for row in kept if any(v is not None for v in row.values())]
    if len(kept) > spec.max_rows:
        raise ComponentError(f"{where} has {len(kept)} rows; keep at most {spec.max_rows}.")
    return kept or None


def _record(spec: FieldSpec, value, where: str):
    if _empty(value):
        return None
    if not isinstance(value, dict):
        raise ComponentError(f"{where} must give a value for each of its fields.")
    found = _cells(spec.fields, value, where, "")
    return found if any(v is not None for v in found.values()) else None


def _keyed_table(spec: FieldSpec, value, where: str):
    if _empty(value):
        return None
    if not isinstance(value, dict):
        raise ComponentError(f"{where} must give a row for each of: {', '.join(spec.rows.values())}.")
    found = {key: _cells(spec.columns, value.get(key) or {}, where, f", '{label}'")
             for key, label in spec.rows.items()}
    return found if any(v is not None for row in found.values() for v in row.values()) else None


CLEANERS = {"text": _text, "long_text": _text, "text_list": _text_list, "choice": _choice,
            "multi_choice": _multi_choice, "number": _number, "year": _number, "table": _table,
            "record": _record, "keyed_table": _keyed_table}
