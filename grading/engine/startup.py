"""What a grading process does before it uses nbgrader: alembic on ``PATH``, and a faster start-up.

:func:`scripts_on_path` puts this Python's script folder on ``PATH`` (nbgrader runs ``alembic`` from
there to create a gradebook).

:func:`lean_nbgrader` applies three speed patches, for processes that grade or generate assignments
but never serve nbgrader's pages (the autograde command, its workers, the trainee's first start).
Each was written for one exact version of the package it touches and is checked with
:func:`clusterlab.patches.applies`: on another version, or with ``CLUSTERLAB_NO_PATCHES=1``, it is
skipped and the stock import runs (≈ 2 s slower, same results).

- ``SKIP_RFC3987`` (jsonschema 4.26.0): :func:`clusterlab.patches.skip_slow_optional_imports`.
- ``LEAN_NBGRADER`` (nbgrader 0.9.6): ``import nbgrader`` first loads nbgrader's Jupyter server
  extensions (the server, its handlers). A package module for nbgrader, without them, is put in
  ``sys.modules``; its submodules load from nbgrader's own folder as usual.
- ``LAZY_ARCHIVE_UTIL`` (setuptools 65.5.0): ``nbgrader.utils`` imports ``setuptools.archive_util``
  (which loads ``pkg_resources``) for the zip collection of submissions. A stand-in module whose four
  functions load the real module on first call is put in ``sys.modules``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types

from clusterlab.patches import applies, skip_slow_optional_imports

__all__ = ["SKIP_RFC3987", "LEAN_NBGRADER", "LAZY_ARCHIVE_UTIL", "scripts_on_path", "lean_nbgrader"]

SKIP_RFC3987 = "skip rfc3987_syntax"
LEAN_NBGRADER = "nbgrader without its server extensions"
LAZY_ARCHIVE_UTIL = "setuptools.archive_util on first use"
_ARCHIVE_UTIL = "setuptools.archive_util"
_ARCHIVE_FUNCTIONS = ("unpack_archive", "unpack_tarfile", "unpack_zipfile", "unpack_directory")


def scripts_on_path() -> None:
    """Put this Python's script folder on ``PATH``: nbgrader runs ``alembic`` from there to create a gradebook."""
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")


def _nbgrader_without_extensions() -> bool:
    loaded = sys.modules.get("nbgrader")
    if loaded is not None:
        return getattr(loaded, "_clusterlab_patch", None) == LEAN_NBGRADER
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or not spec.submodule_search_locations or not applies(LEAN_NBGRADER, "nbgrader", "0.9.6"):
        return False
    package = types.ModuleType("nbgrader", "nbgrader, loaded without its server extensions.")
    package.__spec__, package.__file__ = spec, spec.origin
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = "nbgrader"
    package._clusterlab_patch = LEAN_NBGRADER
    sys.modules["nbgrader"] = package
    from nbgrader._version import __version__

    package.__version__ = __version__
    return True


def _archive_util_on_first_use() -> bool:
    loaded = sys.modules.get(_ARCHIVE_UTIL)
    if loaded is not None:
        return getattr(loaded, "_clusterlab_patch", None) == LAZY_ARCHIVE_UTIL
    if not applies(LAZY_ARCHIVE_UTIL, "setuptools", "65.5.0"):
        return False
    real: dict = {}

    def load():
        if "module" not in real:
            del sys.modules[_ARCHIVE_UTIL]
            try:
                real["module"] = importlib.import_module(_ARCHIVE_UTIL)
            finally:
                sys.modules[_ARCHIVE_UTIL] = real.get("module", stand_in)
        return real["module"]

    def forward(attribute: str):
        def call(*args, **kwargs):
            return getattr(load(), attribute)(*args, **kwargs)
        call.__name__ = attribute
        return call

    stand_in = types.ModuleType(_ARCHIVE_UTIL, "Loaded on first use (see clusterlab.grading.engine.startup).")
    for attribute in _ARCHIVE_FUNCTIONS:
        setattr(stand_in, attribute, forward(attribute))
    stand_in._clusterlab_patch = LAZY_ARCHIVE_UTIL
    sys.modules[_ARCHIVE_UTIL] = stand_in
    return True


def lean_nbgrader() -> dict[str, bool]:
    """Apply the start-up patches that fit this environment; returns each one's name and whether it ran.

    Never call it in a server process: the server needs nbgrader's extensions.
    """
    skip_slow_optional_imports()
    return {
        SKIP_RFC3987: "rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None,
        LEAN_NBGRADER: _nbgrader_without_extensions(),
        LAZY_ARCHIVE_UTIL: _archive_util_on_first_use(),
    }
