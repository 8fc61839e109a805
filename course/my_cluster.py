""""My cluster": one record of what the trainee writes about their own cluster, shared by all modules.

The fields and the lesson sections that show them are defined in ``course/my_cluster.yaml``
(:func:`field_specs`, :func:`sections`). The record is saved as ``my-cluster.json`` in the trainee's
work folder. Each save changes only the fields it names, under a lock, so two notebooks open at once
never undo each other's entries (:func:`save_fields`). Later modules, the graded documents and the
strategy report read the same record (:func:`load_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import yaml

from clusterlab.errors import ComponentError
from clusterlab.widgets.fields import Column, FieldSpec, FieldSpecError, parse_fields  # noqa: F401 (re-exported)
from clusterlab.widgets.storage import WorkStore

SPEC_FILE = Path(__file__).resolve().parent / "my_cluster.yaml"
STORE_KEY = "my-cluster"


class MyClusterSpecError(FieldSpecError):
    """``my_cluster.yaml`` is broken; the message names the file, the field and the reason."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    fields: tuple[str, ...]


@lru_cache(maxsize=1)
def _load(mtime_ns: int) -> tuple[dict[str, FieldSpec], dict[str, Section]]:
    try:
        data = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MyClusterSpecError(f"{SPEC_FILE}: the file could not be read ({exc}).") from None
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict) or not isinstance(
            data.get("sections"), dict):
        raise MyClusterSpecError(f"{SPEC_FILE}: the file must hold 'fields' and 'sections'.")
    try:
        fields = parse_fields(data["fields"], source=str(SPEC_FILE))
    except FieldSpecError as exc:
        raise MyClusterSpecError(str(exc)) from None
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
