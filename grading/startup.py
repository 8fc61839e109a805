"""Faster start-up of the grading processes.

- ``jsonschema`` imports the optional package ``rfc3987_syntax`` when it is installed, to check the
  "iri" string format; building its grammar takes several seconds at every start. Notebook validation
  never uses that format, so grading processes mark the package as absent before anything imports
  ``jsonschema``; nothing else changes.
- ``import nbgrader`` first loads nbgrader's Jupyter server extensions (the server, its handlers),
  and ``nbgrader.utils`` imports ``setuptools.archive_util`` (which loads ``pkg_resources``) for the
  zip collection of submissions: together ≈ 2 s before any grading. :func:`lean_nbgrader` lets the
  processes that only grade (the autograde command and its workers) load nbgrader's package without
  its server extensions, and loads ``setuptools.archive_util`` only when one of its functions is
  called. Never used by a server process, which needs the extensions.
"""

from __future__ import annotations

import importlib.util
import sys
import types

__all__ = ["skip_slow_optional_imports", "lean_nbgrader"]


def skip_slow_optional_imports() -> None:
    """Make ``import rfc3987_syntax`` fail fast in this process (only if it is not loaded yet)."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _lazy_archive_util() -> None:
    name = "setuptools.archive_util"
    if name in sys.modules:
        return
    real: dict = {}

    def load():
        if "module" not in real:
            del sys.modules[name]
            try:
                real["module"] = importlib.import_module(name)
            finally:
                sys.modules[name] = real.get("module", stub)
        return real["module"]

    def forward(attribute: str):
        def call(*args, **kwargs):
            return getattr(load(), attribute)(*args, **kwargs)
        call.__name__ = attribute
        return call

    stub = types.ModuleType(name, "Loaded on first use (see clusterlab.grading.startup).")
    for attribute in ("unpack_archive", "unpack_tarfile", "unpack_zipfile", "unpack_directory"):
        setattr(stub, attribute, forward(attribute))
    sys.modules[name] = stub


def lean_nbgrader() -> None:
    """Load nbgrader without its server extensions, and ``setuptools.archive_util`` on first use."""
    skip_slow_optional_imports()
    if "nbgrader" not in sys.modules:
        spec = importlib.util.find_spec("nbgrader")
        if spec is not None and spec.submodule_search_locations:
            package = types.ModuleType("nbgrader", "nbgrader, loaded without its server extensions.")
            package.__spec__, package.__file__ = spec, spec.origin
            package.__path__ = list(spec.submodule_search_locations)
            package.__package__ = "nbgrader"
            sys.modules["nbgrader"] = package
            from nbgrader._version import __version__

            package.__version__ = __version__
    _lazy_archive_util()
