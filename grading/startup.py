"""Faster start-up of the grading processes.

``jsonschema`` imports the optional package ``rfc3987_syntax`` when it is installed, to check the
"iri" string format; building its grammar takes several seconds at every start. Notebook validation
never uses that format, so grading processes mark the package as absent before anything imports
``jsonschema``; nothing else changes.
"""

from __future__ import annotations

import sys


def skip_slow_optional_imports() -> None:
    """Make ``import rfc3987_syntax`` fail fast in this process (only if it is not loaded yet)."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
