"""Page assembly for the public case dashboards (the notebooks stay a few lines per cell).

``CaseStory("igualada")`` loads the case once and gives one method per section of a dashboard:
:meth:`~CaseStory.header` (who and where, the case in brief, key figures), then the interactive
charts built from the shared components in :mod:`clusterlab.widgets`, all read-only:
:meth:`~CaseStory.timeline`, :meth:`~CaseStory.five_forces`, :meth:`~CaseStory.value_chain`,
:meth:`~CaseStory.diamond`, :meth:`~CaseStory.before_after`, and :meth:`~CaseStory.sources`.
:func:`landing` builds the public landing page that links the three dashboards.

Rules the page keeps: every number shows its source; anything with ``basis: reconstructed`` is
labelled as reconstructed for teaching; a problem shows as a short message, never a traceback.

A chart whose component is not available yet is shown as a clearly marked placeholder with the
same data as a table; :data:`COMPONENTS` names the component each section expects, so it is wired
automatically once the component exists.
"""

from __future__ import annotations

import html
import importlib
from dataclasses import dataclass

from IPython.display import HTML

CASES = ("igualada", "prato", "huddersfield")

#: Section -> (module in clusterlab.widgets, view class, model class with ``from_case(case)``).
COMPONENTS: dict[str, tuple[str, str, str]] = {
    "timeline": ("timeline", "TimelineView", "Timeline"),
    "five_forces": ("five_forces", "FiveForcesView", "FiveForces"),
    "value_chain": ("value_chain", "ValueChainView", "ValueChain"),
    "diamond": ("diamond", "DiamondView", "Diamond"),
    "before_after": ("before_after", "BeforeAfterView", "BeforeAfter"),
}

FORCE_NAMES = {
    "entry_barriers": "Threat of new entrants",
    "substitutes": "Threat of substitutes",
    "supplier_power": "Power of suppliers",
    "buyer_power": "Power of buyers",
    "rivalry": "Rivalry",
}
CORNER_NAMES = {
    "factor_conditions": "Factor conditions",
    "demand_conditions": "Demand conditions",
    "related_and_supporting_industries": "Related and supporting industries",
    "strategy_structure_and_rivalry": "Firm strategy, structure and rivalry",
    "government": "Government",
    "chance": "Chance",
}

REBUILT = "Reconstructed for teaching"

STYLE = """<style>
.cl-page{font-family:var(--jp-content-font-family,system-ui,sans-serif);color:#263238;line-height:1.45}
.cl-hero{border-left:6px solid #1565c0;padding:4px 0 4px 16px;margin:4px 0 14px}
.cl-hero h1{margin:0 0 2px;font-size:1.9em;line-height:1.2}
.cl-hero .cl-where{color:#546e7a;font-size:1.05em}
.cl-summary{font-size:1.08em;max-width:60em;margin:8px 0 12px}
.cl-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px;margin:8px 0}
.cl-card{background:#f5f8fb;border:1px solid #dde5ec;border-radius:6px;padding:10px 12px}
.cl-card.cl-rebuilt{background:#fffaf0;border-style:dashed;border-color:#e0a800}
.cl-num{font-size:1.6em;font-weight:600;color:#0d47a1;line-height:1.1}
.cl-unit{font-size:.9em;color:#37474f}
.cl-label{margin-top:4px;font-size:.95em}
.cl-src{margin-top:6px;font-size:.78em;color:#607d8b}
.cl-badge{display:inline-block;margin-top:6px;font-size:.75em;font-weight:600;color:#7a4f00;
 background:#ffe9a8;border-radius:3px;padding:1px 6px}
.cl-note{font-size:.82em;color:#7a4f00}
.cl-box{border:1px dashed #90a4ae;border-radius:6px;padding:8px 12px;margin:6px 0;background:#fafafa}
.cl-box .cl-pending{font-weight:600;color:#455a64}
.cl-page table.cl-table{border-collapse:collapse;margin:6px 0;font-size:.92em}
.cl-page table.cl-table th,.cl-page table.cl-table td{border-bottom:1px solid #e0e6eb;padding:4px 8px;
 text-align:left;vertical-align:top}
.cl-page table.cl-table td.cl-n{text-align:right;white-space:nowrap}
.cl-page details{margin:8px 0}
.cl-page summary{cursor:pointer;color:#1565c0}
.cl-links a{color:#1565c0}
.cl-case{display:block;text-decoration:none;color:inherit;background:#f5f8fb;border:1px solid #dde5ec;
 border-radius:8px;padding:14px 16px}
.cl-case:hover{border-color:#1565c0;box-shadow:0 1px 6px rgba(21,101,192,.25)}
.cl-case h2{margin:0 0 2px;font-size:1.3em;color:#0d47a1}
.cl-go{margin-top:8px;font-weight:600;color:#1565c0}
.cl-grid3{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:14px}
</style>"""


def esc(value) -> str:
    return html.escape(str(value))


def page(body: str) -> HTML:
    """An HTML output in the dashboards' style."""
    return HTML(f'<div class="cl-page">{body}</div>')


def _source(item) -> str:
    src = getattr(item, "source", None)
    return f"Source: {esc(src)}" if src is not None else "Source: not given"


def _rebuilt_badge(item, field: str | None = None) -> str:
    basis = item.basis_of(field) if field and hasattr(item, "basis_of") else getattr(item, "basis", "published")
    if basis != "reconstructed":
        return ""
    why = getattr(item, "note", None)
    return (f'<div class="cl-badge" title="{esc(why or "")}">{REBUILT}</div>'
            + (f'<div class="cl-note">{esc(why)}</div>' if why else ""))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def figure_card(fig) -> str:
    """One key figure: the number, what it measures, its year, its source, and its basis."""
    words = "" if fig.qualifier == "exact" else f"{fig.qualifier} "
    year = f" ({fig.year})" if fig.year is not None else ""
    rebuilt = fig.basis_of("value") == "reconstructed"
    return (f'<div class="cl-card{" cl-rebuilt" if rebuilt else ""}">'
            f'<div class="cl-num">{esc(words)}{_number(fig.value)}</div>'
            f'<div class="cl-unit">{esc(fig.unit)}</div>'
            f'<div class="cl-label">{esc(fig.label)}{esc(year)}</div>'
            f'<div class="cl-src">{_source(fig)}</div>{_rebuilt_badge(fig, "value")}</div>')


def message(text: str) -> HTML:
    """A short note in place of a section that cannot be shown."""
    return page(f'<div class="cl-box">{esc(text)}</div>')


@dataclass
class Placeholder:
    """A marked place for a chart whose component is not available yet, with the data as a table."""

    title: str
    expected: str
    table: str = ""

    def _repr_html_(self) -> str:
        return (f'<div class="cl-page"><div class="cl-box"><div class="cl-pending">{esc(self.title)}: '
                f'interactive chart in preparation</div>'
                f'<div class="cl-src">The figures are listed below in the meantime.</div>'
                f'{self.table}</div></div>')


def find_component(section: str):
    """``(view class, model class)`` of a section's component, or ``None`` when it does not exist yet."""
    module, view_name, model_name = COMPONENTS[section]
    places = []
    for name in (f"clusterlab.widgets.{module}", "clusterlab.widgets"):
        try:
            places.append(importlib.import_module(name))
        except ImportError:
            continue
    for mod in places:
        view, model = getattr(mod, view_name, None), getattr(mod, model_name, None)
        if view is not None and model is not None and hasattr(model, "from_case"):
            return view, model
    return None


class CaseStory:
    """The dashboard of one case: load it once, then one method per section."""

    def __init__(self, name: str):
        from . import CaseFileError, load_case

        self.name = name
        self.problem: str | None = None
        try:
            self.case = load_case(name)
        except CaseFileError as exc:
            self.case = None
            self.problem = f"The data of this case cannot be shown right now ({exc.reason})."

    # --------------------------------------------------------------------------- helpers
    def _component(self, section: str, title: str, table):
        """The read-only component for ``section``, or a marked placeholder with ``table()``."""
        if self.case is None:
            return message(self.problem)
        found = find_component(section)
        if found is None:
            # PLACEHOLDER: wired automatically once clusterlab.widgets provides the view and model
            # named in COMPONENTS[section], e.g. FiveForcesView(FiveForces.from_case(case), read_only=True).
            return Placeholder(title, COMPONENTS[section][1], table())
        view, model = found
        try:
            return view(model.from_case(self.case), read_only=True)
        except Exception as exc:  # a component refusing the data must not break the page
            kind = "ComponentError" if type(exc).__name__ == "ComponentError" else "error"
            return page(f'<div class="cl-box">{esc(title)} cannot be drawn for this case '
                        f'({esc(exc) if kind == "ComponentError" else "unexpected error"}).</div>'
                        f'{table()}')

    # -------------------------------------------------------------------------- sections
    def header(self, figures: int = 8) -> HTML:
        """Title, place, the case in brief and the first ``figures`` key figures as cards."""
        if self.case is None:
            return page(STYLE + f'<div class="cl-box">{esc(self.problem)}</div>')
        c, p = self.case, self.case.profile
        where = ", ".join(x for x in (p.place, p.area, p.region, p.country) if x)
        cards = "".join(figure_card(f) for f in c.key_figures[:figures])
        more = c.key_figures[figures:]
        extra = ""
        if more:
            extra = (f"<details><summary>{len(more)} more key figures</summary>"
                     f'<div class="cl-cards">{"".join(figure_card(f) for f in more)}</div></details>')
        body = (f'{STYLE}<div class="cl-hero"><h1>{esc(c.title)}</h1>'
                f'<div class="cl-where">{esc(p.industry)} &middot; {esc(where)} &middot; '
                f'cluster organisation: {esc(p.cluster_organisation)}</div></div>'
                f'<div class="cl-summary">{esc(p.summary)}</div>'
                f'<div class="cl-src">{_source(p)}</div>'
                f'<div class="cl-cards">{cards}</div>{extra}'
                '<div class="cl-src">Dashed cards and hollow points are reconstructed for teaching: '
                'the course worked them out from the sources; they are not published figures.</div>')
        return page(body)

    def timeline(self):
        """The cluster's history on a date axis, with a year filter (hover a point for its source)."""
        return self._component("timeline", "Timeline", self._timeline_table)

    def five_forces(self):
        """The strategic segments and the five forces in each."""
        return self._component("five_forces", "Segments and their five forces", self._five_forces_table)

    def value_chain(self):
        """Today's value chain against the ideal one: the gap, stage by stage."""
        return self._component("value_chain", "Value chain: today and ideal", self._value_chain_table)

    def diamond(self):
        """The cluster diamond (business environment), today and ideal."""
        return self._component("diamond", "Cluster diamond", self._diamond_table)

    def before_after(self):
        """What changed: before and after, with the years and sources."""
        return self._component("before_after", "Before and after", self._outcomes_table)

    def sources(self) -> HTML:
        """Every source cited on the page."""
        if self.case is None:
            return message(self.problem)
        items = "".join(f"<li>{esc(s)}</li>" for s in self.case.bibliography())
        return page(f'<details open><summary>Sources ({len(self.case.bibliography())})</summary>'
                    f'<ul class="cl-src">{items}</ul></details>')

    # ------------------------------------------------------------- tables (placeholders)
    def _timeline_table(self) -> str:
        rows = "".join(
            f"<tr><td>{esc(e.when)}</td><td>{esc(e.title)}{_rebuilt_badge(e)}</td>"
            f'<td class="cl-src">{_source(e)}</td></tr>' for e in self.case.timeline_sorted())
        return _table(["When", "What", "Source"], rows)

    def _five_forces_table(self) -> str:
        c = self.case
        if not c.segments:
            return '<div class="cl-src">No segments are recorded for this case.</div>'
        seg_rows = "".join(
            f"<tr><td>{esc(s.label)}</td><td>{esc(s.position)}</td><td>{esc(', '.join(s.products))}</td>"
            f"<td>{esc(', '.join(s.buyers))}</td><td class='cl-src'>{_source(s)}{_rebuilt_badge(s)}</td></tr>"
            for s in c.segments)
        out = _table(["Segment", "Position", "Products", "Buyers", "Source"], seg_rows)
        if c.five_forces:
            labels = {s.id: s.label for s in c.segments}
            head = ["Force (1 = weak, 5 = strong)"] + [labels.get(ff.segment, ff.segment) for ff in c.five_forces]
            rows = ""
            for force, name in FORCE_NAMES.items():
                cells = "".join(
                    f'<td class="cl-n" title="{esc(getattr(ff, force).reasoning)}">{getattr(ff, force).score}'
                    f'{" *" if getattr(ff, force).basis_of("score") == "reconstructed" else ""}</td>'
                    for ff in c.five_forces)
                rows += f"<tr><td>{esc(name)}</td>{cells}</tr>"
            out += _table(head, rows) + '<div class="cl-src">* reconstructed for teaching. ' + \
                "; ".join(sorted({str(getattr(ff, f).source) for ff in c.five_forces for f in FORCE_NAMES})) + "</div>"
        return out

    def _value_chain_table(self) -> str:
        rows = self.case.value_chain_gaps()
        if not rows:
            return '<div class="cl-src">No value chain is recorded for this case.</div>'
        body = "".join(
            f"<tr><td>{esc(r['name'])}</td><td class='cl-n'>{r['today']}</td><td class='cl-n'>{r['ideal']}</td>"
            f"<td class='cl-n'>{r['gap']:+d}</td><td>{esc(r['where_today'])} &rarr; {esc(r['where_ideal'])}</td></tr>"
            for r in rows)
        today, ideal = self.case.value_chain_today, self.case.value_chain_ideal
        notes = "".join(f'<div class="cl-src">{label}: {_source(ch)}{_rebuilt_badge(ch)}</div>'
                        for label, ch in (("Today", today), ("Ideal", ideal)))
        return _table(["Stage", "Today (0-5)", "Ideal (0-5)", "Gap", "Where"], body) + notes

    def _diamond_table(self) -> str:
        today, ideal = self.case.diamond_today, self.case.diamond_ideal
        if today is None and ideal is None:
            return '<div class="cl-src">No diamond is recorded for this case.</div>'
        rows = ""
        for corner, name in CORNER_NAMES.items():
            a = getattr(today, corner, None) if today else None
            b = getattr(ideal, corner, None) if ideal else None
            if a is None and b is None:
                continue
            cell = lambda f: (f'<td class="cl-n" title="{esc(f.assessment)}">{f.score}'  # noqa: E731
                              f'{" *" if f.basis_of("score") == "reconstructed" else ""}</td>') if f else "<td></td>"
            rows += f"<tr><td>{esc(name)}</td>{cell(a)}{cell(b)}</tr>"
        srcs = sorted({str(f.source) for d in (today, ideal) if d for f in
                       (getattr(d, k) for k in CORNER_NAMES) if f is not None})
        return (_table(["Corner (1 = holds back, 5 = strong advantage)", "Today", "Ideal"], rows)
                + f'<div class="cl-src">* reconstructed for teaching. Source: {esc("; ".join(srcs))}</div>')

    def _outcomes_table(self) -> str:
        if not self.case.outcomes:
            return '<div class="cl-src">No before/after comparison is recorded for this case.</div>'
        rows = "".join(
            f"<tr><td>{esc(o.subject)}: {esc(o.label)}</td><td>{o.before.year}: {esc(o.before.text)}</td>"
            f"<td>{o.after.year}: {esc(o.after.text)}</td><td class='cl-src'>{_source(o)}{_rebuilt_badge(o)}</td></tr>"
            for o in self.case.outcomes)
        return _table(["What", "Before", "After", "Source"], rows)


def _table(head: list[str], rows: str) -> str:
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f'<table class="cl-table"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>'


# ------------------------------------------------------------------------------- landing
def landing(figures: int = 2) -> HTML:
    """The public landing page: one card per case, each linking to its dashboard."""
    from . import CaseFileError, load_case

    cards = []
    for name in CASES:
        try:
            c = load_case(name)
        except CaseFileError:
            cards.append(f'<a class="cl-case" href="{name}"><h2>{esc(name.title())}</h2>'
                         '<div class="cl-src">The data of this case cannot be shown right now.</div></a>')
            continue
        p = c.profile
        figs = "".join(figure_card(f) for f in c.key_figures[:figures])
        cards.append(
            f'<a class="cl-case" href="{esc(name)}"><h2>{esc(c.title)}</h2>'
            f'<div class="cl-where">{esc(p.industry)} &middot; {esc(p.place)}, {esc(p.country)}</div>'
            f'<div class="cl-summary">{esc(_first_sentences(p.summary))}</div>'
            f'<div class="cl-cards">{figs}</div><div class="cl-go">Open the dashboard &rarr;</div></a>')
    body = (f'{STYLE}<div class="cl-hero"><h1>Three industrial clusters</h1>'
            '<div class="cl-where">How firms that share a place, a trade and a history found a new way to '
            'compete</div></div><div class="cl-grid3">' + "".join(cards) + "</div>")
    return page(body)


def _first_sentences(text: str, limit: int = 260) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > 80 else cut.rstrip() + "…"
