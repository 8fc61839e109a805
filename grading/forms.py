"""The forms of the graded documents: trainees answer in forms, and the answers are saved as data.

``grading/forms.yaml`` describes, for each document, its parts in order: the answer's key (the name
the rules read), the field (see :mod:`clusterlab.widgets.fields`) and the rules whose findings the form
shows. In a document's notebook::

    from clusterlab.grading.forms import forms_for
    form = forms_for("industry-document")
    form("supply")          # shows the form of the part "supply", saved in answers.json

:func:`load_forms` reads and checks the file (a broken one raises :class:`FormsSpecError`, naming the
file, the document, the part and the reason); :class:`~clusterlab.grading.form_view.FormView` is one
part's form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from clusterlab.errors import ComponentError
from clusterlab.widgets.fields import FieldSpec, FieldSpecError, parse_field

from .checks import DOCUMENTS, RULES

__all__ = ["FORMS_FILE", "FormsSpecError", "Part", "DocumentForms", "load_forms", "get_part", "forms_for",
           "SUGGESTIONS"]

FORMS_FILE = Path(__file__).resolve().parent / "forms.yaml"
_PART_KEYS = {"id", "key", "title", "help", "rules", "file", "from_my_cluster", "suggest", "by_hand"}
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}\Z")
_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\.csv\Z")


class FormsSpecError(ComponentError):
    """``forms.yaml`` is broken; the message names the file, the document, the part and the reason."""


@dataclass(frozen=True)
class Part:
    """One part of a document: where its answer is saved, its field, and the rules that check it."""

    document: str
    id: str
    key: str
    title: str
    spec: FieldSpec
    rules: tuple[str, ...]
    file: str = ""
    from_my_cluster: object = None
    suggest: str = ""


@dataclass(frozen=True)
class DocumentForms:
    id: str
    title: str
    parts: dict[str, Part]


def _lq_suggestion(answers: dict):
    """The location quotient from the saved employment figures: (value, explanation), or None."""
    from clusterlab.analysis import location_quotient

    e = answers.get("EMPLOYMENT")
    try:
        lq = location_quotient(e["e_ir"], e["e_r"], e["E_i"], e["E"])
    except Exception:  # no figures yet, or figures the rules will report
        return None
    value = float(f"{lq:.3g}")
    shown = [f"{e[k]:,}".replace(",", " ") for k in ("e_ir", "e_r", "E_i", "E")]
    return value, (f"From your employment figures: LQ = ({shown[0]} / {shown[1]}) / ({shown[2]} / {shown[3]}) "
                   f"= {value:g}.")


#: Values a form may compute from the other answers and offer to use (``suggest:`` in forms.yaml).
SUGGESTIONS = {"location-quotient": _lq_suggestion}


def _check_my_cluster(rule, spec: FieldSpec, fail) -> None:
    """``from_my_cluster`` names fields (and columns) that exist in the "my cluster" record."""
    from clusterlab.my_cluster import field_specs

    mine = field_specs()
    if spec.type == "record" and isinstance(rule, dict):
        ours = {f.id for f in spec.fields}
        if all(k in ours and v in mine for k, v in rule.items()):
            return
    elif spec.type == "table" and isinstance(rule, dict) and isinstance(rule.get("columns"), dict):
        theirs = mine.get(rule.get("field"))
        ours, cols = {c.id for c in spec.columns}, {c.id for c in theirs.columns} if theirs else set()
        sources = [v.get("from") if isinstance(v, dict) else v for v in rule["columns"].values()]
        if theirs is not None and set(rule["columns"]) <= ours and set(sources) <= cols and all(
                isinstance(v, str) or isinstance(v.get("map"), dict) for v in rule["columns"].values()):
            return
    elif isinstance(rule, str) and rule in mine:
        return
    fail(f"'from_my_cluster' must name fields of the 'my cluster' record ({', '.join(mine)}), as "
         "{our field: its field} for a record or {field: its table, columns: {our column: its column}} for a table.")


def _part(document: str, raw, source: str) -> Part:
    pid = raw.get("id") if isinstance(raw, dict) else None

    def fail(reason: str):
        raise FormsSpecError(f"{source}: document '{document}', part '{pid}': {reason}")

    if not isinstance(pid, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", pid):
        fail("each part needs an 'id' of lower-case letters, digits and '-'.")
    if not isinstance(raw.get("key"), str) or not _KEY.match(raw["key"]):
        fail("give the 'key' under which the answer is saved, a name such as SUPPLY.")
    if not isinstance(raw.get("title"), str) or not raw["title"].strip():
        fail("give a 'title'.")
    rules = raw.get("rules")
    by_hand = raw.get("by_hand") is True
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules) or (not rules and not by_hand):
        fail("give the 'rules' that check this part, as a list of rule ids (or by_hand: true).")
    unknown = [r for r in rules if RULES.get(r, ("",))[0] != document]
    if unknown:
        fail(f"unknown rule(s) for this document: {', '.join(unknown)}.")
    field = {k: v for k, v in raw.items() if k not in _PART_KEYS}
    try:
        spec = parse_field(pid, {**field, "label": raw["title"], "help": raw.get("help", "")},
                           source=source, where=f"document '{document}', part '{pid}'")
    except FieldSpecError as exc:
        raise FormsSpecError(str(exc)) from None
    file = raw.get("file", "")
    if file and (not isinstance(file, str) or not _FILE.match(file) or spec.type != "table"):
        fail("'file' must be the name of a CSV file next to the notebook, such as actors.csv, for a table.")
    if raw.get("suggest") is not None and raw["suggest"] not in SUGGESTIONS:
        fail(f"'suggest' must be one of: {', '.join(SUGGESTIONS)}.")
    if raw.get("from_my_cluster") is not None:
        _check_my_cluster(raw["from_my_cluster"], spec, fail)
    return Part(document, pid, raw["key"], raw["title"].strip(), spec, tuple(rules), file,
                raw.get("from_my_cluster"), raw.get("suggest") or "")


def _document(document: str, raw, source: str) -> DocumentForms:
    where = f"{source}: document '{document}'"
    if document not in DOCUMENTS:
        raise FormsSpecError(f"{where}: unknown document; known: {', '.join(DOCUMENTS)}.")
    if not isinstance(raw, dict) or not isinstance(raw.get("parts"), list) or not raw["parts"]:
        raise FormsSpecError(f"{where}: give its 'parts' as a list.")
    parts: dict[str, Part] = {}
    for item in raw["parts"]:
        part = _part(document, item, source)
        if part.id in parts:
            raise FormsSpecError(f"{where}, part '{part.id}': two parts have this id.")
        twice = [p.id for p in parts.values() if p.key == part.key]
        if twice:
            raise FormsSpecError(f"{where}, part '{part.id}': the key {part.key} is already the key of part "
                                 f"'{twice[0]}'; each part needs its own key.")
        parts[part.id] = part
    shown = {r for p in parts.values() for r in p.rules}
    missing = [rid for rid, _, _ in DOCUMENTS[document] if rid not in shown]
    if missing:
        raise FormsSpecError(f"{where}: no part shows the rule(s) {', '.join(missing)}; add them to a part.")
    return DocumentForms(document, str(raw.get("title") or document), parts)


@lru_cache(maxsize=4)
def _load(path: Path, mtime_ns: int) -> dict[str, DocumentForms]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FormsSpecError(f"{path}: the file could not be read ({exc}).") from None
    if not isinstance(data, dict) or not data:
        raise FormsSpecError(f"{path}: the file must map each document to its parts.")
    return {doc: _document(doc, raw, str(path)) for doc, raw in data.items()}


def load_forms(path: str | Path | None = None) -> dict[str, DocumentForms]:
    """Every document's forms, read from ``forms.yaml`` (or ``path``) and checked; cached."""
    path = Path(path or FORMS_FILE)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise FormsSpecError(f"{path}: the file could not be read ({exc.strerror}).") from None
    return _load(path, mtime)


def get_part(document: str, part_id: str, path: str | Path | None = None) -> Part:
    """One part; a ComponentError in plain words names the known documents or parts."""
    forms = load_forms(path)
    if document not in forms:
        raise ComponentError(f"There are no forms for {document!r}; known: {', '.join(forms)}.")
    parts = forms[document].parts
    if part_id not in parts:
        raise ComponentError(f"{forms[document].title.capitalize()} has no part {part_id!r}; "
                             f"its parts are: {', '.join(parts)}.")
    return parts[part_id]


def forms_for(document: str, folder: str | Path | None = None):
    """The notebook's entry point: ``form = forms_for("industry-document")``, then ``form("supply")``
    shows that part's form, saved in ``answers.json`` in ``folder`` (default: the notebook's folder)."""
    from IPython.display import display

    from . import answers
    from .form_view import FormView

    def form(part_id: str) -> None:
        where = Path(folder) if folder is not None else Path.cwd()
        display(FormView(document, part_id, where / answers.ANSWERS_FILE).widget)

    form.document = document
    return form
