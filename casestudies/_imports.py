"""Keep slow imports that the dashboards do not use out of the dashboard server and its kernels."""

from __future__ import annotations

import os
import sys

#: Set in the environment of ``clusterlab dashboards`` and so of its kernels: "this process serves
#: the public dashboards". Their charts then load plotly's script from the server, and the kernels
#: skip what only notebooks opened in JupyterLab need.
PUBLIC_ENV = "CLUSTERLAB_PUBLIC_DASHBOARDS"


def serving_public_dashboards() -> bool:
    return os.environ.get(PUBLIC_ENV) == "1"


def skip_slow_optional_imports() -> None:
    """Mark ``rfc3987_syntax`` unavailable unless ``jsonschema`` is already loaded.

    plotly's FigureWidget (through nbformat) and the Jupyter server (through jupyter_events) import
    jsonschema, which imports ``rfc3987_syntax`` when it is installed, only to check the rarely used
    "iri" string format. That package compiles a grammar on import, which takes seconds (measured:
    3 to 9 s of a 2-core machine's time per kernel). jsonschema treats it as optional, so marking it
    unavailable first removes that delay from every dashboard view and from the server's start.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def skip_notebook_only_imports() -> None:
    """In a public dashboard kernel, mark ``nbformat`` unavailable unless it is already loaded.

    plotly imports nbformat (and with it jsonschema) at once, only to check its version when a
    figure is shown with ``fig.show()``; the dashboards draw FigureWidgets and never call it. This
    saves about a quarter of a second per page view. Elsewhere (JupyterLab, tests) nothing changes.
    """
    if serving_public_dashboards() and "nbformat" not in sys.modules:
        sys.modules.setdefault("nbformat", None)
