"""Page assembly for the public case dashboards (the notebooks stay a few lines per cell).

``CaseStory("igualada")`` loads the case once and gives one method per section of a dashboard:
:meth:`~CaseStory.header` (who and where, the case in brief, key figures), then the interactive
charts built from the shared components in :mod:`clusterlab.widgets`, all read-only:
:meth:`~CaseStory.timeline`, :meth:`~CaseStory.five_forces`, :meth:`~CaseStory.value_chain`,
:meth:`~CaseStory.diamond`, :meth:`~CaseStory.before_after`, and :meth:`~CaseStory.sources`.
:func:`landing` builds the public landing page that links the three dashboards.

Rules the page keeps: every number shows its source (a numbered reference to the list of sources
at the end of the page, with the full citation on hover); a source document is cited by its title,
year and section, from the catalogue ``references/documents.yaml``, never by its file name (which
stays in a data attribute); anything with ``basis: reconstructed`` is labelled as reconstructed for
teaching; a problem shows as a short message, never a traceback. The timeline opens on the period
of the case's story (its ``timeline_focus``), the long history one move of the year slider away.

Each chart is ``View(Model.from_case(case), read_only=True)`` for the component named in
:data:`COMPONENTS`. Should a component refuse a case's data, the section shows the same figures as
a table instead, clearly marked, so that the page still tells the story.
"""

from __future__ import annotations

from IPython.display import HTML

from clusterlab import vocabulary
from clusterlab.casestudies import CaseFileError, load_case
from clusterlab.patches import skip_slow_optional_imports

from .environment import skip_notebook_only_imports

skip_slow_optional_imports()  # before anything imports plotly
skip_notebook_only_imports()

# The shared components, and what draws with plotly, after the imports above are marked.
from clusterlab.widgets._sourcing import short  # noqa: E402
from clusterlab.widgets._view import esc  # noqa: E402
from clusterlab.widgets.comparison import BeforeAfter, BeforeAfterView  # noqa: E402
from clusterlab.widgets.diamond import DiamondComparison, DiamondView  # noqa: E402
from clusterlab.widgets.errors import ComponentError  # noqa: E402
from clusterlab.widgets.five_forces import FiveForces, FiveForcesView  # noqa: E402
from clusterlab.widgets.segmentation import SegmentationMatrix, SegmentationView  # noqa: E402
from clusterlab.widgets.timeline import Timeline, TimelineView  # noqa: E402
from clusterlab.widgets.value_chain import ValueChainBenchmark, ValueChainView  # noqa: E402

from .charts import prepare_charts, served_plotly_bundle, sync_figures  # noqa: E402
from .deferral import Gate, deferred  # noqa: E402
from .markup import References, figure_card, message, page, rebuilt_badge, table  # noqa: E402

CASES = ("igualada", "prato", "huddersfield")

#: Section -> (view class, model class with ``from_case(case)``), from :mod:`clusterlab.widgets`.
COMPONENTS: dict[str, tuple[type, type]] = {
    "timeline": (TimelineView, Timeline),
    "segments": (SegmentationView, SegmentationMatrix),
    "five_forces": (FiveForcesView, FiveForces),
    "value_chain": (ValueChainView, ValueChainBenchmark),
    "diamond": (DiamondView, DiamondComparison),
    "before_after": (BeforeAfterView, BeforeAfter),
}

FORCE_NAMES = vocabulary.FORCES
CORNER_NAMES = vocabulary.DIAMOND_FACTORS


def nav(current: str | None = None) -> str:
    """Links to the landing page and the other dashboards (relative, so they work under any prefix)."""
    links = ['<a class="cl-here" href=".">All cases</a>']
    links += [f'<a class="cl-here" href="{name}">{name.title()}</a>' if name != current
              else f"<b>{name.title()}</b>" for name in CASES]
    return f'<div class="cl-nav">{" &middot; ".join(links)}</div>'


class CaseStory:
    """The dashboard of one case: load it once, then one method per section.

    ``defer`` (default): the charts below the first one are built when the page shows them.
    """

    def __init__(self, name: str, defer: bool = True):
        self.name = name
        self.defer = defer
        self.gate = Gate()
        self.problem: str | None = None
        self.case = None
        self.refs = References()
        try:
            self.case = load_case(name)
        except CaseFileError as exc:
            self.problem = f"The data of this case cannot be shown right now ({exc.reason})."
            return
        self.refs = References(self.case.bibliography())

    # ----------------------------------------------------------------------------- sections
    def header(self, figures: int = 8) -> HTML:
        """Title, place, the case in brief and the first ``figures`` key figures as cards."""
        if self.case is None:
            return page(nav(self.name) + f'<div class="cl-box">{esc(self.problem)}</div>')
        c, p, ref = self.case, self.case.profile, self.refs.ref
        where = ", ".join(x for x in (p.place, p.region, p.country) if x)
        cards = "".join(figure_card(f, self.refs) for f in c.key_figures[:figures])
        more = c.key_figures[figures:]
        extra = ""
        if more:
            extra = (f"<details><summary>{len(more)} more key figures</summary><div class=\"cl-cards\">"
                     f'{"".join(figure_card(f, self.refs) for f in more)}</div></details>')
        body = (f'{nav(self.name)}<div class="cl-hero"><h1>{esc(c.title)}</h1>'
                f'<div class="cl-where">{esc(p.industry)} &middot; {esc(where)}</div>'
                f'<div class="cl-where">Cluster organisation: {esc(p.cluster_organisation)}</div></div>'
                f'<div class="cl-summary">{esc(p.summary)} {ref(p)}</div>'
                f'<div class="cl-cards">{cards}</div>{extra}'
                '<div class="cl-src">Numbers in brackets point to the sources at the end of the page '
                '(hover to read them). Dashed cards and hollow points are reconstructed for teaching: '
                'worked out by the course from the sources, not published as such.</div>')
        return page(body)

    def timeline(self):
        """The cluster's history on a date axis, with a year filter (hover a point for its source).

        The first chart of the page: the sections below are built once it is drawn.
        """
        shown = self._component("timeline", "Timeline", self._timeline_table)
        self.gate.watch(getattr(shown, "widget", None))
        return shown

    def segments(self):
        """The strategic segmentation matrix: which ways to compete exist, where the cluster starts."""
        return self._section("segments", "Strategic segments", self._segments_table)

    def five_forces(self):
        """The five forces in each strategic segment."""
        return self._section("five_forces", "The five forces by segment", self._five_forces_table)

    def value_chain(self):
        """Today's value chain against the ideal one: the gap, stage by stage."""
        return self._section("value_chain", "Value chain: today and ideal", self._value_chain_table)

    def diamond(self):
        """The cluster diamond (business environment), today and ideal."""
        return self._section("diamond", "Cluster diamond", self._diamond_table)

    def before_after(self):
        """What changed: before and after, with the years and sources."""
        return self._section("before_after", "Before and after", self._outcomes_table)

    def sources(self) -> HTML:
        """Every source cited on the page, numbered as the references above."""
        if self.case is None:
            return message(self.problem)
        return page(f"{self.refs.html()}{nav(self.name)}")

    # ------------------------------------------------------------------------------ helpers
    def _section(self, section: str, title: str, fallback):
        """A chart further down the page: built at once, or once its place is on screen (``defer``)."""
        if not self.defer or self.case is None:
            return self._component(section, title, fallback)
        return deferred(lambda: self._component(section, title, fallback), title, self.gate)

    def _component(self, section: str, title: str, fallback):
        """The read-only component of ``section``; if it refuses the case, ``fallback()`` as a table."""
        if self.case is None:
            return message(self.problem)
        view, model = COMPONENTS[section]
        prepare_charts()
        try:
            with served_plotly_bundle():
                shown = view(model.from_case(self.case), read_only=True)
            sync_figures(getattr(shown, "widget", None))
            return shown
        except Exception as exc:  # a component refusing the data must not break the page
            why = str(exc) if isinstance(exc, ComponentError) else "an unexpected problem"
            return page(f'<div class="cl-box">{esc(title)} cannot be drawn for this case ({esc(why)}). '
                        f"The figures:</div>{fallback()}")

    def _timeline_table(self) -> str:
        rows = [[esc(e.when), esc(e.title) + rebuilt_badge(e, short=True), self.refs.ref(e)]
                for e in self.case.timeline_sorted()]
        return table(["When", "What", "Source"], rows) if rows else "<p>No dated events are recorded.</p>"

    def _segments_table(self) -> str:
        c, ref = self.case, self.refs.ref
        if not c.segments:
            return "<p>No segments are recorded for this case.</p>"
        return table(["Segment", "Position", "Products", "Buyers", "Source"], [
            [esc(s.label), esc(s.position), esc(", ".join(s.products)), esc(", ".join(s.buyers)),
             ref(s) + rebuilt_badge(s, short=True)] for s in c.segments])

    def _five_forces_table(self) -> str:
        c, ref = self.case, self.refs.ref
        if not c.five_forces:
            return "<p>No five-forces assessment is recorded for this case.</p>"
        labels = {s.id: s.label for s in c.segments}
        rows = []
        for force, name in FORCE_NAMES.items():
            row = [esc(name)]
            for ff in c.five_forces:
                fa = getattr(ff, force)
                row.append(f'<span title="{esc(fa.reasoning)}">{fa.score}</span> {ref(fa)}'
                           + rebuilt_badge(fa, "score", short=True))
            rows.append(row)
        return table(["Force (1 = weak, 5 = strong)"] + [labels.get(ff.segment, ff.segment)
                                                        for ff in c.five_forces], rows)

    def _value_chain_table(self) -> str:
        gaps = self.case.value_chain_gaps()
        if not gaps:
            return "<p>No value chain is recorded for this case.</p>"
        today = {s.id: s for s in self.case.value_chain_today.stages}
        rows = [[esc(g["name"]), str(g["today"]), str(g["ideal"]), f"{g['gap']:+d}",
                 f"{esc(g['where_today'])} &rarr; {esc(g['where_ideal'])}",
                 self.refs.ref(today[g["stage"]]) + rebuilt_badge(today[g["stage"]], "strength", short=True)]
                for g in gaps]
        notes = "".join(
            f'<div class="cl-src">{label}: {esc(ch.description)} {self.refs.ref(ch)}{rebuilt_badge(ch)}</div>'
            for label, ch in (("Today", self.case.value_chain_today), ("Ideal", self.case.value_chain_ideal)))
        return table(["Stage", "Today (0-5)", "Ideal (0-5)", "Gap", "Where", "Source"], rows, {1, 2, 3}) + notes

    def _diamond_table(self) -> str:
        today, ideal = self.case.diamond_today, self.case.diamond_ideal
        if today is None and ideal is None:
            return "<p>No diamond is recorded for this case.</p>"

        def cell(f) -> str:
            if f is None:
                return ""
            return f'<span title="{esc(f.assessment)}">{f.score}</span> {self.refs.ref(f)}{rebuilt_badge(f, "score", short=True)}'

        rows = []
        for corner, name in CORNER_NAMES.items():
            a = getattr(today, corner, None) if today else None
            b = getattr(ideal, corner, None) if ideal else None
            if a is not None or b is not None:
                rows.append([esc(name), cell(a), cell(b)])
        return table(["Corner (1 = holds back, 5 = strong advantage)", "Today", "Ideal"], rows)

    def _outcomes_table(self) -> str:
        if not self.case.outcomes:
            return "<p>No before/after comparison is recorded for this case.</p>"
        rows = [[f"{esc(o.subject)}: {esc(o.label)}", f"{o.before.year}: {esc(o.before.text)}",
                 f"{o.after.year}: {esc(o.after.text)}", self.refs.ref(o) + rebuilt_badge(o, short=True)]
                for o in self.case.outcomes]
        return table(["What", "Before", "After", "Source"], rows)


# ----------------------------------------------------------------------------------- landing
def landing(figures: int = 2) -> HTML:
    """The public landing page: one card per case, each linking to its dashboard."""
    cards = []
    for name in CASES:
        try:
            c = load_case(name)
        except CaseFileError:
            cards.append(f'<a class="cl-case cl-here" href="{name}"><h2>{esc(name.title())}</h2>'
                         '<div class="cl-src">The data of this case cannot be shown right now.</div></a>')
            continue
        p = c.profile
        figs = "".join(figure_card(f) for f in c.key_figures[:figures])
        cards.append(
            f'<a class="cl-case cl-here" href="{esc(name)}"><h2>{esc(p.name)}</h2>'
            f'<div class="cl-where">{esc(p.industry)} &middot; {esc(p.place)}, {esc(p.country)}</div>'
            f'<div class="cl-summary">{esc(_first_sentences(p.summary))}</div>'
            f'<div class="cl-cards">{figs}</div><div class="cl-go">Open the dashboard &rarr;</div></a>')
    body = ('<div class="cl-hero"><h1>Three industrial clusters</h1>'
            '<div class="cl-where">How firms that share a place, a trade and a history found new ways to '
            'compete</div></div><div class="cl-grid3">' + "".join(cards) + "</div>")
    return page(body)


def _first_sentences(text: str, limit: int = 240) -> str:
    """``text`` cut after its last full sentence within ``limit`` characters (or cut short)."""
    if len(text) <= limit:
        return text
    end = text[:limit].rfind(". ")
    return text[: end + 1] if end > 80 else short(text, limit)
