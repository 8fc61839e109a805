"""Key figures of a cluster as cards: the number, its unit and year, what it measures, and its source.

:class:`KeyFigures` holds the figures; each has a ``theme`` (from a case it is worked out from the
unit: firms, people, money, shares, place, time) so that a long list can be read one theme at a
time. :class:`KeyFiguresView` shows the cards; it is read-only unless asked otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import ipywidgets as w

from clusterlab import validation as chk

from ._sourcing import PROVENANCE_FIELDS, Provenance, case_list, case_place, number, pick, reading, unique_ids
from ._view import ComponentView, esc
from .errors import ComponentError

QUALIFIERS = ("exact", "about", "more than", "less than", "at least", "at most")
BIG = 1e15
MAX_FIGURES = 300
ALL = "all"
_THEMES = (  # (theme, words found in the unit), checked in this order
    ("Shares and rates", ("%", "per cent", "percent")),
    ("Money", ("eur", "usd", "gbp", "€", "£", "$", "dollar", "pound")),
    ("People and jobs", ("people", "worker", "employee", "staff", "inhabitant", "director", "professional", "job")),
    ("Firms and organisations", ("firm", "compan", "establishment", "factor", "mill", "business", "client",
                                 "partner", "agent", "member", "tanner")),
    ("Place and size", ("km", "m²", "sq ft", "hectare", "comuni", "municipal")),
    ("Quantities produced", ("tonne", "kg", "metre", "piece", "pair")),
    ("Time", ("year", "month", "centur", "day")),
)
CSS = """<style>
.clusterlab-kf-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px;margin:8px 0}
.clusterlab-kf-card{background:#f5f8fb;border:1px solid #dde5ec;border-radius:8px;padding:10px 12px;
 font-family:var(--jp-content-font-family,system-ui,sans-serif);color:#263238;line-height:1.35}
.clusterlab-kf-card.clusterlab-kf-rebuilt{background:#fffaf0;border:1px dashed #e0a800}
.clusterlab-kf-num{font-size:1.7em;font-weight:600;color:#0d47a1;line-height:1.1}
.clusterlab-kf-q{font-size:.55em;font-weight:400;color:#546e7a;margin-right:3px}
.clusterlab-kf-unit{font-size:.9em;color:#37474f}
.clusterlab-kf-label{margin-top:4px;font-size:.95em}
.clusterlab-kf-year{display:inline-block;margin-top:4px;font-size:.8em;background:#e3f2fd;color:#0d47a1;
 border-radius:3px;padding:0 6px}
.clusterlab-kf-src{margin-top:4px;font-size:.78em;color:#607d8b;overflow-wrap:anywhere}
.clusterlab-kf-src a{color:#1565c0}
.clusterlab-kf-badge{display:inline-block;margin-top:4px;font-size:.75em;font-weight:600;color:#7a4f00;
 background:#ffe9a8;border-radius:3px;padding:1px 6px}
.clusterlab-kf-card details{font-size:.78em;color:#546e7a;margin-top:3px}
.clusterlab-kf-card summary{cursor:pointer;color:#1565c0}
</style>"""


def theme_of(unit: str) -> str:
    """The theme of a figure, worked out from its unit ('Other' when nothing fits)."""
    low = unit.lower()
    return next((theme for theme, words in _THEMES if any(word in low for word in words)), "Other")


@dataclass(frozen=True)
class KeyNumber:
    """One key figure: ``value`` in ``unit`` for ``year`` (None if the source gives none), stated ``qualifier``."""

    id: str
    label: str
    value: float
    unit: str
    year: int | None = None
    qualifier: str = "exact"
    theme: str = ""
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self):
        fid = chk.identifier(self.id, "The figure's id")
        object.__setattr__(self, "label", chk.text(self.label, f"Figure '{fid}': what it measures", max_len=300))
        object.__setattr__(self, "value", chk.number(self.value, f"Figure '{fid}': the value", -BIG, BIG))
        object.__setattr__(self, "unit", chk.text(self.unit, f"Figure '{fid}': the unit", max_len=60))
        if self.year is not None:
            object.__setattr__(self, "year", chk.number(self.year, f"Figure '{fid}': the year", 1000, 2200, whole=True))
        if self.qualifier not in QUALIFIERS:
            raise ComponentError(f"Figure '{fid}': the qualifier must be one of {', '.join(QUALIFIERS)}; got "
                                 f"{chk.describe(self.qualifier)}.")
        theme = chk.text(self.theme, f"Figure '{fid}': the theme", max_len=60, empty_ok=True)
        object.__setattr__(self, "theme", theme or theme_of(self.unit))
        if not isinstance(self.provenance, Provenance):
            raise ComponentError(f"Figure '{fid}': the provenance must be a Provenance.")

    def number(self) -> str:
        """The value as a reader would write it: '1,200', '0.5'."""
        return number(self.value)

    def display(self) -> str:
        """The figure in words, e.g. 'about 1,200 workers (2018)'."""
        words = "" if self.qualifier == "exact" else f"{self.qualifier} "
        return f"{words}{self.number()} {self.unit}" + (f" ({self.year})" if self.year is not None else "")

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "value": self.value, "unit": self.unit, "year": self.year,
                "qualifier": self.qualifier, "theme": self.theme, **self.provenance.to_dict()}

    @classmethod
    def from_dict(cls, data) -> KeyNumber:
        d = chk.fields(data, "A key figure", ("id", "label", "value", "unit"),
                       ("year", "qualifier", "theme", *PROVENANCE_FIELDS))
        return cls(d["id"], d["label"], d["value"], d["unit"], d.get("year"), d.get("qualifier", "exact"),
                   d.get("theme", ""), Provenance.from_dict(d))


@dataclass
class KeyFigures:
    """A titled list of key figures (at most 300), each with its own id."""

    title: str = "Key figures"
    figures: list = field(default_factory=list)

    def __post_init__(self):
        self.title = chk.text(self.title, "The title")
        given = chk.items(self.figures, "The list of figures", max_n=MAX_FIGURES)
        self.figures = [f if isinstance(f, KeyNumber) else KeyNumber.from_dict(f) for f in given]
        unique_ids([f.id for f in self.figures], "figures")

    def themes(self) -> list[tuple[str, int]]:
        """``(theme, number of figures)`` in order of first appearance."""
        counts: dict = {}
        for f in self.figures:
            counts[f.theme] = counts.get(f.theme, 0) + 1
        return list(counts.items())

    def in_theme(self, theme=None) -> list[KeyNumber]:
        """The figures of one theme (all of them for None or 'all')."""
        if theme is None or theme == ALL:
            return list(self.figures)
        if not isinstance(theme, str) or theme not in dict(self.themes()):
            raise ComponentError(f"There is no theme {chk.describe(theme)}. Themes: "
                                 f"{', '.join(t for t, _ in self.themes()) or 'none'}.")
        return [f for f in self.figures if f.theme == theme]

    @classmethod
    def from_case(cls, case, title: str | None = None) -> KeyFigures:
        figures = []
        for n, item in enumerate(case_list(case, "key_figures", "key figures"), 1):
            with reading(f"Key figure {n} of the case"):
                figures.append(KeyNumber(pick(item, "id"), pick(item, "label"), pick(item, "value"), pick(item, "unit"),
                                         pick(item, "year"), pick(item, "qualifier") or "exact", "",
                                         Provenance.of(item, "value")))
        place = case_place(case)
        return cls(title or (f"{place}: key figures" if place else "Key figures"), figures)

    def to_dict(self) -> dict:
        return {"kind": "key_figures", "title": self.title, "figures": [f.to_dict() for f in self.figures]}

    @classmethod
    def from_dict(cls, data) -> KeyFigures:
        d = chk.fields(data, "A set of key figures", ("figures",), ("title", "kind"))
        chk.kind(d, "key_figures", "This dictionary")
        return cls(d.get("title", "Key figures"), d["figures"])


def _linked(source: str) -> str:
    """The source as HTML, each web address shown as a short link named after its site."""
    parts = re.split(r"(https?://[^\s,;]+)", source)
    return "".join(f'<a href="{esc(x)}" target="_blank" rel="noopener noreferrer">{esc(x.split("/")[2])}</a>'
                   if k % 2 else esc(x) for k, x in enumerate(parts))


def card(f: KeyNumber) -> str:
    """One figure as an HTML card."""
    p = f.provenance
    rebuilt = p.reconstructed
    qualifier = "" if f.qualifier == "exact" else f'<span class="clusterlab-kf-q">{esc(f.qualifier)}</span>'
    year = f"{f.year}" if f.year is not None else "no year given"
    badge = (f'<div class="clusterlab-kf-badge" title="{esc(p.note)}">reconstructed for teaching</div>'
             f"<details><summary>how</summary>{esc(p.note)}</details>" if rebuilt else "")
    more = f"<details><summary>note</summary>{esc(p.note)}</details>" if p.note and not rebuilt else ""
    return (f'<div class="clusterlab-kf-card{" clusterlab-kf-rebuilt" if rebuilt else ""}">'
            f'<div class="clusterlab-kf-num">{qualifier}{esc(f.number())}</div>'
            f'<div class="clusterlab-kf-unit">{esc(f.unit)}</div><div class="clusterlab-kf-label">{esc(f.label)}</div>'
            f'<span class="clusterlab-kf-year">{year}</span>'
            f'<div class="clusterlab-kf-src">Source: {_linked(p.source) if p.source else "your own entry"}</div>'
            f"{badge}{more}</div>")


class KeyFiguresView(ComponentView):
    """Cards for the key figures, with a theme picker when there are more than ``FEW`` of them.

    ``case_or_figures`` may be a case (anything with ``key_figures``), a :class:`KeyFigures`, a
    dictionary that :meth:`KeyFigures.from_dict` accepts, or a list of figures. Read-only by default;
    the theme picker only changes what is shown, so it always works.
    """

    model_class = KeyFigures
    FEW = 8

    def __init__(self, case_or_figures=None, *, save_as: str | None = None, read_only: bool = True):
        super().__init__(case_or_figures, save_as=save_as, read_only=read_only)
        themes = self.model.themes()
        self.header = w.HTML(f"<h3>{esc(self.model.title)}</h3>")
        self.theme = w.Dropdown(description="Theme", options=[(f"All ({len(self.model.figures)})", ALL)] + [
            (f"{t} ({n})", t) for t, n in themes], layout=w.Layout(
                width="340px", display=None if len(self.model.figures) > self.FEW and len(themes) > 1 else "none"))
        self.cards = w.HTML()
        self.cards.add_class("clusterlab-key-figures-cards")
        self.theme.observe(lambda _c: self._run(self._refresh), names="value")
        self.widget = w.VBox([self.header, self.error.widget, self.theme, self.cards])
        self.widget.add_class("clusterlab-key-figures")
        self._refresh()

    def _coerce(self, model):
        if model is not None and not isinstance(model, (KeyFigures, Mapping)):
            try:
                if isinstance(model, (list, tuple)):
                    return KeyFigures(figures=list(model))
                if pick(model, "key_figures") is not None:
                    return KeyFigures.from_case(model)
            except ComponentError as exc:
                self.error.show(str(exc))
                return self._fallback_model()
        return super()._coerce(model)

    def _refresh(self) -> None:
        shown = self.model.in_theme(self.theme.value)
        rebuilt = sum(1 for f in shown if f.provenance.reconstructed)
        foot = (f'<p style="color:#607d8b;font-size:.85em">{rebuilt} of these figures are reconstructed for '
                "teaching (dashed cards): worked out by the course, not published as such.</p>" if rebuilt else "")
        body = "".join(card(f) for f in shown) or "<p>No key figures to show.</p>"
        self.cards.value = f'{CSS}<div class="clusterlab-kf-grid">{body}</div>{foot}'
