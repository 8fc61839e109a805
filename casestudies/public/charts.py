"""How the dashboards' charts are made ready: a light plotly template, and plotly's script from the server.

Used by :mod:`clusterlab.casestudies.public.story`; see :mod:`.chart_assets` for the served script.
"""

from __future__ import annotations

from contextlib import contextmanager

from clusterlab.patches import applies

from .chart_assets import version
from .deferral import walk
from .environment import serving_public_dashboards


def sync_figures(widget) -> None:
    """Make the first state of every plotly FigureWidget inside ``widget`` what the figure holds now.

    A FigureWidget sends changes made before it is shown as messages that no view receives yet;
    plotly copies its current data and layout into the widget state only when the figure itself
    is displayed, not when a box holding it is. Without this, a chart filled in by its view before
    display comes up empty in Voila.
    """
    for item in walk(widget):
        if hasattr(item, "_widget_data") and hasattr(item, "_repr_mimebundle_"):
            item._repr_mimebundle_()


#: The FigureWidget script of a chart when served by ``clusterlab dashboards``: a few lines that
#: import the dashboards' chart view from the server (evaluated once per page, cached by the
#: browser; see ``chart_assets``) instead of plotly's 4.9 MB script in the state of every chart.
SERVED_PLOTLY_ESM = """\
const base = (document.body && document.body.dataset.baseUrl) || "/voila/";
const url = new URL(base + "clusterlab/{version}/figure-view.js", window.location.href).href;
const mod = await import(url);
export default mod.default;
"""

#: The patch that points the dashboards' charts at the served script, and the versions it reads:
#: plotly's ``BaseFigureWidget._esm`` and anywidget, which copies it into each new widget's state.
SERVED_BUNDLE_PATCH = "dashboard charts load plotly from the server"
SERVED_BUNDLE_WRITTEN_FOR = (("plotly", "7.1.0"), ("anywidget", "0.11.0"))


#: The trace types the shared components draw (see :func:`use_light_chart_template`); the public
#: dashboards' plotly.js holds these and no others (``static/plotly-core.entry.js``).
TRACE_TYPES = ("bar", "scatter", "scatterpolar", "heatmap")


def use_light_chart_template() -> None:
    """Give new charts plotly's default look at a fraction of its cost.

    Every new figure copies and checks its whole template; plotly's default one styles some
    twenty-four trace types, which makes it most of the time needed to build a chart. A template
    with the same layout and only the trace types the components use looks the same and is built
    several times faster. Leaves a default chosen by someone else alone.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    if pio.templates.default != "plotly":
        return
    base = pio.templates["plotly"]
    pio.templates["clusterlab-dashboard"] = go.layout.Template(
        layout=base.layout, data={kind: base.data[kind] for kind in TRACE_TYPES})
    pio.templates.default = "clusterlab-dashboard"


def prepare_charts() -> None:
    """Once per kernel, before the first chart: the light template."""
    global _PREPARED
    if not _PREPARED:
        use_light_chart_template()
        _PREPARED = True


_PREPARED = False


def served_bundle_patch_applies() -> bool:
    """Whether the served-script patch fits here: the plotly and anywidget it was written for, and
    the patches not switched off (``CLUSTERLAB_NO_PATCHES=1``). Else a warning, and plotly's own script."""
    return all(applies(SERVED_BUNDLE_PATCH, package, wanted, speed=True)
               for package, wanted in SERVED_BUNDLE_WRITTEN_FOR)


def served_bundle_applies() -> bool:
    """Whether the dashboards' charts load plotly from the server: under ``clusterlab dashboards``,
    when :func:`served_bundle_patch_applies`."""
    return serving_public_dashboards() and served_bundle_patch_applies()


@contextmanager
def served_plotly_bundle():
    """While the dashboards build their own charts, new FigureWidgets load plotly from the server.

    anywidget copies ``BaseFigureWidget._esm`` into a widget's state when the widget is created, so
    the class attribute is set for the time of the ``with`` block and restored after it: a chart
    made anywhere else in the kernel keeps plotly's own script. Elsewhere than under ``clusterlab
    dashboards`` (JupyterLab, nbval), or when :func:`served_bundle_applies` says no, nothing changes.
    Yields whether the served script is in use.
    """
    if not served_bundle_applies():
        yield False
        return
    from plotly.basewidget import BaseFigureWidget

    stock = BaseFigureWidget.__dict__["_esm"]
    BaseFigureWidget._esm = SERVED_PLOTLY_ESM.replace("{version}", version())
    try:
        yield True
    finally:
        BaseFigureWidget._esm = stock
