"""What ``clusterlab dashboards`` tells its kernels, and the imports those kernels skip.

Imported by the server and by every dashboard kernel, so it imports nothing heavy.
"""

from __future__ import annotations

import os
import sys

from clusterlab.patches import applies

#: Set in the environment of ``clusterlab dashboards`` and so of its kernels: "this process serves
#: the public dashboards". Their charts then load plotly's script from the server, and the kernels
#: skip what only notebooks opened in JupyterLab need.
PUBLIC_ENV = "CLUSTERLAB_PUBLIC_DASHBOARDS"


def serving_public_dashboards() -> bool:
    return os.environ.get(PUBLIC_ENV) == "1"


def skip_notebook_only_imports() -> bool:
    """In a public dashboard kernel, mark ``nbformat`` unavailable unless it is already loaded.

    plotly 7.1.0 imports nbformat (and with it jsonschema) at once, only to check its version when a
    figure is shown with ``fig.show()``; the dashboards draw FigureWidgets and never call it. This
    saves about a quarter of a second per page view. Elsewhere (JupyterLab, tests) nothing changes.
    A speed patch: skipped with ``CLUSTERLAB_NO_PATCHES=1`` and, with a warning, for another plotly.
    Returns whether nbformat is now marked unavailable.
    """
    if not serving_public_dashboards() or "nbformat" in sys.modules:
        return False
    if not applies("dashboard kernels skip nbformat", "plotly", "7.1.0", speed=True):
        return False
    sys.modules.setdefault("nbformat", None)
    return True
