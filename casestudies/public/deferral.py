"""Sections of a dashboard built once the page shows them, after its first chart is drawn.

Used by :mod:`clusterlab.casestudies.public.story`.
"""

from __future__ import annotations

import html


def as_widget(shown):
    """An ipywidgets widget for what a section returns (a view, or an HTML display object)."""
    import ipywidgets as w

    if getattr(shown, "widget", None) is not None:
        return shown.widget
    if isinstance(shown, w.Widget):
        return shown
    markup = shown._repr_html_() if hasattr(shown, "_repr_html_") else getattr(shown, "data", str(shown))
    return w.HTML(markup)


class Gate:
    """Holds back work until the first chart of the page is drawn (or ``fallback`` seconds pass).

    A plotly FigureWidget reports its layout to the kernel once the browser has drawn it
    (``_js2py_layoutDelta``); :meth:`watch` opens the gate then. Work queued with :meth:`run`
    waits until the gate is open, so that it does not compete with the first chart for the
    browser's and the kernel's time.
    """

    def __init__(self, fallback: float = 8.0):
        self.opened = False
        self.fallback = fallback
        self._pending: list = []
        self._timer = None

    def watch(self, widget) -> None:
        """Open when the first FigureWidget inside ``widget`` is drawn; at once if there is none."""
        figures = [f for f in walk(widget) if hasattr(f, "_js2py_layoutDelta")]
        if not figures:
            self.open()
            return

        def drawn(change) -> None:
            if change["new"] is not None:
                figures[0].unobserve(drawn, names="_js2py_layoutDelta")
                self.open()

        figures[0].observe(drawn, names="_js2py_layoutDelta")

    def run(self, job) -> None:
        if self.opened:
            job()
            return
        self._pending.append(job)
        if self._timer is None and self.fallback is not None:
            try:
                import asyncio

                self._timer = asyncio.get_running_loop().call_later(self.fallback, self.open)
            except RuntimeError:  # no event loop (a plain script): do not wait
                self.open()

    def open(self) -> None:
        if self.opened:
            return
        self.opened = True
        if self._timer is not None:
            self._timer.cancel()
        jobs, self._pending = self._pending, []
        for job in jobs:
            job()


def walk(widget):
    seen, stack = set(), [widget]
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        stack.extend(reversed(getattr(item, "children", ()) or ()))


def deferred(build, title: str, gate: Gate | None = None):
    """A box that builds its content once the page shows it (and, with ``gate``, once it opens).

    The first chart of a page is built while the notebook runs; the charts below it are built by
    the kernel once the visitor's page has displayed their boxes (ipywidgets reports that through
    the box's ``_view_count``) and the first chart is drawn. The top of the page is then drawn
    sooner, and the rest follows. Where no page ever displays the box (a notebook run without a
    browser), nothing is built.
    """
    import ipywidgets as w

    box = w.VBox([w.HTML(f'<div class="cl-src" style="padding:12px 0">Loading: {html.escape(str(title))}&hellip;</div>')])
    box.add_class("clusterlab-deferred")
    state = {"queued": False}

    def fill() -> None:
        try:
            content = as_widget(build())
        except Exception:  # never a traceback on the page
            content = w.HTML(f'<div class="cl-box">{html.escape(str(title))} cannot be shown right now.</div>')
        box.children = [content]
        box.remove_class("clusterlab-deferred")
        box.add_class("clusterlab-built")

    def on_view(change) -> None:
        if state["queued"] or not change["new"]:
            return
        state["queued"] = True
        (gate.run if gate else (lambda job: job()))(fill)

    box.observe(on_view, names="_view_count")
    box._view_count = 0  # ask the page to report when it displays the box
    return box
