"""The chart script of the public dashboards: files, and the version that names them in URLs.

``static/figure-view.js`` draws plotly.py's FigureWidgets with ``static/plotly-core.min.js`` (a
plotly.js holding only the trace types the components use). ``clusterlab dashboards`` serves both
at ``<base>voila/clusterlab/<version>/<file>``; the version is a hash of their content, so a
browser may cache them for good. Imported by the server and by the dashboard kernels, so it
imports nothing heavy.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
FILES = ("figure-view.js", "plotly-core.min.js")


@functools.lru_cache(maxsize=1)
def version() -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:12]

