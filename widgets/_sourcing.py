"""What the case-based components share: where an item comes from, how that is shown, radar charts.

Every item a case-based model holds carries a :class:`Provenance`: its ``source`` (where it is
stated), its ``basis`` and a ``note``. The basis is ``published`` (the source states it),
``reconstructed`` (worked out by the course for teaching; the note says how) or ``own`` (entered or
changed by the trainee). Views draw reconstructed items pale, hatched or hollow, say "reconstructed
for teaching" on screen, and name every item's source in its hover text.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import plotly.graph_objects as go

from clusterlab import validation as chk
from clusterlab import vocabulary

from ._view import HIGHLIGHT, esc
from .errors import ComponentError

#: How an item is known: the course's bases for facts, and "own" for the trainee's own assessment.
BASES = (*vocabulary.BASES, "own")
TODAY = "#ef6c00"  # orange: today, before, the initial position
IDEAL = HIGHLIGHT  # blue: the ideal, after
COMPARE = "#6a1b9a"  # purple: a second item shown for comparison
HATCH = "/"  # the pattern of a reconstructed bar
PALE = 0.5  # the opacity of a reconstructed bar or point
REBUILT_STYLE = "background:#fff8e1;border-left:4px dashed #e0a800;padding:4px 8px;margin:4px 0;color:#5d4037"


def pick(item, *names):
    """The first of ``names`` that ``item`` has (as an attribute or a key) and that is not None."""
    for name in names:
        value = item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class Provenance:
    """Where an item comes from: ``source`` (may be empty for the trainee's own work), ``basis``, ``note``."""

    source: str = ""
    basis: str = "own"
    note: str = ""

    def __post_init__(self):
        object.__setattr__(self, "source", chk.text(self.source, "The source (where this is stated)",
                                                    max_len=1000, empty_ok=True))
        if self.basis not in BASES:
            raise ComponentError(f"The basis must be 'published', 'reconstructed' or 'own'; got "
                                 f"{chk.describe(self.basis)}.")
        object.__setattr__(self, "note", chk.text(self.note, "The note", max_len=2000, empty_ok=True))
        if self.basis == "reconstructed" and not self.note:
            raise ComponentError("A reconstructed item needs a note that says how it was worked out. Add one.")

    @property
    def reconstructed(self) -> bool:
        return self.basis == "reconstructed"

    def own(self) -> Provenance:
        """The same item once the trainee has changed it: their own assessment, the source kept for reference."""
        return self if self.basis == "own" else Provenance(self.source, "own", "")

    def to_dict(self) -> dict:
        return {"source": self.source, "basis": self.basis, "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping) -> Provenance:
        """From the optional ``source``, ``basis`` and ``note`` fields of an item's dictionary."""
        return cls(data.get("source", ""), data.get("basis", "own"), data.get("note", ""))

    @classmethod
    def of(cls, item, field: str | None = None) -> Provenance:
        """Read from a case item; with ``field``, the basis of that field (see ``reconstructed_fields``)."""
        source = pick(item, "source", "sources", "reference")
        if isinstance(source, Mapping):  # a source written out as in a case file
            source = ", ".join(str(source[k]) for k in ("title", "document", "section", "date", "url") if source.get(k))
        if isinstance(source, (list, tuple)):
            source = "; ".join(str(s) for s in source)
        basis_of = getattr(item, "basis_of", None)
        basis = basis_of(field) if field and callable(basis_of) else pick(item, "basis")
        if basis is None or not str(getattr(basis, "value", basis)).strip():
            name = pick(item, "id", "label", "name")
            what = f"'{field}' of " if field else ""
            raise ComponentError(f"The basis of {what}{chk.describe(name) if name is not None else 'an item'} is "
                                 "missing: say whether it is 'published' or 'reconstructed'. An item without a "
                                 "basis is never shown as published.")
        basis = str(getattr(basis, "value", basis)).strip().lower()
        note = pick(item, "note")
        return cls("" if source is None else str(source), basis, "" if note is None else str(note))

    def hover(self) -> str:
        """Lines of hover text (HTML): the source, and how the item was made when it is not published."""
        lines = [f"<i>Source: {wrap(self.source)}</i>"] if self.source else []
        if self.basis == "reconstructed":
            lines.append(f"<i>Reconstructed for teaching: {wrap(self.note)}</i>")
        elif self.basis == "own":
            lines.append("<i>Your own assessment</i>")
        return "<br>".join(lines)


PROVENANCE_FIELDS = ("source", "basis", "note")


def wrap(text: str, width: int = 60) -> str:
    """``text`` escaped and broken into lines of about ``width`` characters for hover text."""
    return "<br>".join(textwrap.wrap(esc(text), width)) or ""


def number(x: float) -> str:
    """A number as a reader writes it: '1,200', '0.5', '-0.25'."""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}".rstrip("0").rstrip(".")


def short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def slug(label: str, taken: Iterable[str] = ()) -> str:
    """An id made from ``label`` (lower case, digits and '-'), different from every id in ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40].strip("-") or "item"
    taken, candidate, n = set(taken), base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def find(items: list, item_id, what: str):
    """The item of ``items`` whose ``id`` is ``item_id``; a ComponentError listing the ids if there is none."""
    for item in items:
        if item.id == item_id:
            return item
    known = ", ".join(i.id for i in items[:30]) or "none yet"
    shown = f"'{item_id}'" if isinstance(item_id, str) and len(item_id) <= 60 else chk.describe(item_id)
    raise ComponentError(f"There is no {what} {shown}. Known: {known}.")


def unique_ids(ids: list[str], what: str) -> None:
    seen = set()
    for i in ids:
        if i in seen:
            raise ComponentError(f"Two {what} have the id '{i}'. Give each one its own id.")
        seen.add(i)


@contextmanager
def reading(what: str):
    """Turn any problem met while reading case data into a ComponentError that names ``what``."""
    try:
        yield
    except ComponentError as exc:
        raise ComponentError(f"{what}: {exc}") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError) as exc:
        raise ComponentError(f"{what} could not be read ({type(exc).__name__}). Check the case data.") from None


def case_list(case, name: str, what: str) -> list:
    """The list under ``name`` in ``case`` (an attribute or a key); a ComponentError if there is none."""
    items = pick(case, name)
    if hasattr(items, "columns") and hasattr(items, "to_dict"):  # a table
        items = items.to_dict("records")
    if items is None or (isinstance(items, Iterable) and not isinstance(items, (str, bytes, Mapping))
                         and not list(items)):
        raise ComponentError(f"This case has no {what} to show.")
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise ComponentError(f"The case's {what} should be a list; got {chk.describe(items)}.")
    return list(items)


def case_place(case) -> str:
    """A short name for the case's cluster: the profile's place, else the case's name or id."""
    name = pick(pick(case, "profile") or {}, "place") or pick(case, "name", "id", "title")
    return str(name).replace("-", " ").title() if isinstance(name, str) and name.islower() else str(name or "")


def basis_box(entries: list[tuple[str, Provenance]], drawn: str = "pale, hatched or hollow") -> str:
    """HTML: how many items are reconstructed for teaching and, on request, how each one was made."""
    rebuilt = [(label, p) for label, p in entries if p.reconstructed]
    own = sum(1 for _, p in entries if p.basis == "own")
    parts = []
    if rebuilt:
        items = "".join(f"<li><b>{esc(label)}</b>: {esc(p.note)}</li>" for label, p in rebuilt)
        parts.append(
            f'<div class="clusterlab-reconstructed" style="{REBUILT_STYLE}"><b>Reconstructed for teaching:</b> '
            f"{len(rebuilt)} of the {len(entries)} items shown were worked out by the course from the sources, "
            f"not published as such; they are drawn {drawn}.<details><summary>How each was made</summary>"
            f'<ul style="margin:2px 0">{items}</ul></details></div>')
    if own:
        parts.append(f'<p style="margin:2px 0;color:#455a64"><small>{own} of the items are your own '
                     "assessment.</small></p>")
    return "".join(parts)


def sources_line(provenances: Iterable[Provenance]) -> str:
    """HTML: every distinct source of the items shown, in order of first use."""
    seen = list(dict.fromkeys(p.source for p in provenances if p.source))
    if not seen:
        return ""
    return f'<p style="margin:2px 0;color:#607d8b"><small><b>Sources:</b> {esc("; ".join(seen))}</small></p>'


def hatch(provenances: list[Provenance]) -> dict:
    """Bar marker settings: hatched and pale where an item is reconstructed."""
    return dict(pattern=dict(shape=[HATCH if p.reconstructed else "" for p in provenances], fillmode="overlay",
                             solidity=0.3),
                opacity=[PALE if p.reconstructed else 1.0 for p in provenances])


def radar_data(labels: list[str], values: list, hovers: list[str], provenances: list[Provenance]) -> dict:
    """Data of a closed Scatterpolar loop; reconstructed points are hollow. ``None`` leaves a gap."""
    if not labels:
        return dict(theta=[], r=[], hovertext=[], marker=dict(symbol=[]))
    symbols = ["circle-open" if p.reconstructed else "circle" for p in provenances]
    return dict(theta=labels + labels[:1], r=values + values[:1], hovertext=hovers + hovers[:1],
                marker=dict(symbol=symbols + symbols[:1], size=10, line=dict(width=2)))


def radar_trace(name: str, colour: str, data: dict, dash: str = "solid", fill: str = "toself",
                visible: bool = True) -> go.Scatterpolar:
    return go.Scatterpolar(name=name, mode="lines+markers", hoverinfo="text", fill=fill, opacity=0.85,
                           visible=visible, line=dict(color=colour, dash=dash, width=3), **data)


def radar_layout(title: str, top: float = 5, height: int = 460) -> go.Layout:
    """A radar chart's layout, scores 0 to ``top``; passed to the FigureWidget's constructor."""
    return go.Layout(title=title, height=height, margin=dict(l=90, r=90, t=60, b=40), showlegend=True,
                     legend=dict(orientation="h", y=-0.12),
                     polar=dict(radialaxis=dict(range=[0, top], dtick=1, angle=90, tickangle=90),
                                angularaxis=dict(direction="clockwise")))
