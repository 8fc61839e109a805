"""Keep one optional, slow import out of the dashboard server and its kernels."""

from __future__ import annotations

import sys


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
