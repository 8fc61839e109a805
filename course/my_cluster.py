""""My cluster": one record of what the trainee writes about their own cluster, shared by all modules.

The fields and the lesson sections that show them are defined in ``course/my_cluster.yaml``
(:func:`field_specs`, :func:`sections`). The record is saved as ``my-cluster.json`` in the trainee's
work folder. Each save changes only the fields it names, under a lock, so two notebooks open at once
never undo each other's entries (:func:`save_fields`). Later modules, the graded documents and the
strategy report read the same record (:func:`load_record`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import yaml

from clusterlab.errors import ComponentError
from clusterlab.widgets.storage import WorkStore

from . import vocabulary

SPEC_FILE = Path(__file__).resolve().parent / "my_cluster.yaml"
STORE_KEY = "my-cluster"
TYPES = ("text", "long_text", "choice", "number", "table")
MAX_TEXT = {"text": 300, "long_text": 3000}


class MyClusterSpecError(ComponentError):
    """``my_cluster.yaml`` is broken; the message names the file, the field and the reason."""


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    type: str
    choices: dict[str, str] | None = None


@dataclass(frozen=True)
class FieldSpec:
    """One field of the record: what the trainee reads, and what a valid value is."""

    id: str
    label: str
    type: str
    help: str = ""
    choices: dict[str, str] | None = None
    unit: str = ""
    min: float | None = None
    max: float | None = None
    columns: tuple[Column, ...] = ()
    max_rows: int = 20

    def clean(self, value):
        """The value checked and tidied (text stripped, empty rows dropped); None when empty.

        Raises ComponentError with a message that names the field and says how to fix it.
        """
        where = f"'{self.label}'"
        if value is None or value == "" or value == []:
            return None
        if self.type in MAX_TEXT:
            if not isinstance(value, str):
                raise ComponentError(f"{where} must be text.")
            value = value.strip()
            if len(value) > MAX_TEXT[self.type]:
                raise ComponentError(f"{where} is too long ({len(value)} characters); shorten it to "
                                     f"{MAX_TEXT[self.type]} or fewer.")
            return value or None
        if self.type == "choice":
            if value not in (self.choices or {}):
                raise ComponentError(f"{where}: choose one of the options in the list.")
            return value
        if self.type == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ComponentError(f"{where} must be a number.")
            if (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
                raise ComponentError(f"{where} must be between {self.min:g} and {self.max:g}{self.unit}; "
                                     f"you entered {value:g}.")
            return value
        return self._clean_table(value, where)

    def _clean_table(self, rows, where: str) -> list[dict] | None:
        if not isinstance(rows, list):
            raise ComponentError(f"{where} must be a list of rows.")
        kept = []
        for n, row in enumerate(rows, 1):
            if not isinstance(row, dict):
                raise ComponentError(f"{where}, row {n}: a row must have one entry per column.")
            clean = {}
            for col in self.columns:
                cell = row.get(col.id)
                if cell in (None, ""):
                    clean[col.id] = None
                elif col.type == "choice":
                    if cell not in (col.choices or {}):
                        raise ComponentError(f"{where}, row {n}: choose a value for '{col.label}' from the list.")
                    clean[col.id] = cell
                else:
                    if not isinstance(cell, str):
                        raise ComponentError(f"{where}, row {n}: '{col.label}' must be text.")
                    if len(cell.strip()) > MAX_TEXT["text"]:
                        raise ComponentError(f"{where}, row {n}: '{col.label}' is too long; shorten it to "
                                             f"{MAX_TEXT['text']} characters or fewer.")
                    clean[col.id] = cell.strip() or None
            if any(v is not None for v in clean.values()):
                kept.append(clean)
        if len(kept) > self.max_rows:
            raise ComponentError(f"{where} has {len(kept)} rows; keep at most {self.max_rows}.")
        return kept or None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    fields: tuple[str, ...]


def _choices(name, where: str) -> dict[str, str]:
    try:
        return vocabulary.choices(name)
    except KeyError as exc:
        raise MyClusterSpecError(f"{SPEC_FILE}: {where}: {exc.args[0]}") from None


def _field(fid: str, raw) -> FieldSpec:
    where = f"field '{fid}'"
    if not isinstance(raw, dict) or raw.get("type") not in TYPES or not isinstance(raw.get("label"), str):
        raise MyClusterSpecError(f"{SPEC_FILE}: {where}: give a 'label' and a 'type' ({', '.join(TYPES)}).")
    extra = set(raw) - {"label", "help", "type", "choices", "unit", "min", "max", "columns", "max_rows"}
    if extra:
        raise MyClusterSpecError(f"{SPEC_FILE}: {where}: unknown key(s) {', '.join(sorted(extra))}.")
    kind = raw["type"]
    choices = _choices(raw.get("choices"), where) if kind == "choice" else None
    columns = ()
    if kind == "table":
        cols = raw.get("columns")
        if not isinstance(cols, list) or not cols:
            raise MyClusterSpecError(f"{SPEC_FILE}: {where}: a table needs a list of 'columns'.")
        built = []
        for col in cols:
            if not isinstance(col, dict) or col.get("type") not in ("text", "choice") or not col.get("id"):
                raise MyClusterSpecError(f"{SPEC_FILE}: {where}: each column needs an id, a label and a type "
                                         "(text or choice).")
            col_choices = _choices(col.get("choices"), f"{where}, column '{col['id']}'") \
                if col["type"] == "choice" else None
            built.append(Column(col["id"], str(col.get("label", col["id"])), col["type"], col_choices))
        columns = tuple(built)
    return FieldSpec(fid, raw["label"], kind, str(raw.get("help", "")).strip(), choices, str(raw.get("unit", "")),
                     raw.get("min"), raw.get("max"), columns, int(raw.get("max_rows", 20)))


@lru_cache(maxsize=1)
def _load(mtime_ns: int) -> tuple[dict[str, FieldSpec], dict[str, Section]]:
    try:
        data = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MyClusterSpecError(f"{SPEC_FILE}: the file could not be read ({exc}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict) or not isinstance(
            data.get("sections"), dict):
        raise MyClusterSpecError(f"{SPEC_FILE}: the file must hold 'fields' and 'sections'.")
    fields = {fid: _field(fid, raw) for fid, raw in data["fields"].items()}
    sections = {}
    for sid, raw in data["sections"].items():
        names = raw.get("fields") if isinstance(raw, dict) else None
        if not isinstance(names, list) or not names or not isinstance(raw.get("title"), str):
            raise MyClusterSpecError(f"{SPEC_FILE}: section '{sid}': give a 'title' and a list of 'fields'.")
        unknown = [n for n in names if n not in fields]
        if unknown:
            raise MyClusterSpecError(f"{SPEC_FILE}: section '{sid}': unknown field(s) {', '.join(map(str, unknown))}.")
        sections[sid] = Section(sid, raw["title"], tuple(names))
    return fields, sections


def field_specs() -> dict[str, FieldSpec]:
    """Every field of the record, by id."""
    return _load(SPEC_FILE.stat().st_mtime_ns)[0]


def sections() -> dict[str, Section]:
    """The lesson sections, by id (for example ``m1-01``)."""
    return _load(SPEC_FILE.stat().st_mtime_ns)[1]


def section(section_id: str) -> Section:
    found = sections()
    if section_id not in found:
        raise ComponentError(f"There is no 'my cluster' section {section_id!r}; known: {', '.join(found)}.")
    return found[section_id]


def load_record(store: WorkStore | None = None) -> dict:
    """The trainee's record: {"fields": {id: value}, "updated": {id: time}}; empty if nothing saved.

    Values that no longer fit their field (after a course update) are left out, not deleted from disk.
    """
    store = store or WorkStore(STORE_KEY)
    saved = store.load() or {}
    specs = field_specs()
    fields = {}
    given = saved.get("fields")
    updated = saved.get("updated")
    for fid, value in (given if isinstance(given, dict) else {}).items():
        if fid in specs:
            try:
                cleaned = specs[fid].clean(value)
            except ComponentError:
                continue
            if cleaned is not None:
                fields[fid] = cleaned
    return {"fields": fields, "updated": dict(updated) if isinstance(updated, dict) else {}}


def save_fields(values: dict, store: WorkStore | None = None) -> dict:
    """Check and save some fields, leaving every other field as it is on disk; return the record.

    Raises ComponentError (naming the field) if a value is not valid; nothing is saved then.
    """
    specs = field_specs()
    cleaned = {}
    for fid, value in values.items():
        if fid not in specs:
            raise ComponentError(f"'{fid}' is not a field of the 'my cluster' record.")
        cleaned[fid] = specs[fid].clean(value)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")

    def merge(data: dict) -> None:
        data["kind"] = "my_cluster"
        fields = data.setdefault("fields", {})
        updated = data.setdefault("updated", {})
        if not isinstance(fields, dict) or not isinstance(updated, dict):
            data["fields"], data["updated"] = fields, updated = {}, {}
        for fid, value in cleaned.items():
            if value is None:
                fields.pop(fid, None)
            else:
                fields[fid] = value
            updated[fid] = now

    return (store or WorkStore(STORE_KEY)).update(merge)


def filled(section_id: str, record: dict | None = None) -> tuple[int, int]:
    """(fields filled, fields) of a section in the trainee's record."""
    record = record if record is not None else load_record()
    names = section(section_id).fields
    return sum(1 for n in names if record["fields"].get(n) is not None), len(names)
