"""Guards for the course's patches on other packages' internals, and the one switch that turns them off.

A few speed-ups and safety measures change how an upstream package behaves (a private method
overridden, a module replaced before import). Each is written for one exact version of that package.
:func:`applies` checks the installed version before a patch is applied: on any other version, or
when the patches are switched off, the patch is skipped, the stock code runs, and a warning says so.

Switch: set ``CLUSTERLAB_NO_PATCHES=1`` in the environment to run every speed patch's stock path
(the grading round trip runs once that way in the tests). Safety measures that the course cannot
work without (for example the public server's allow list) are not speed patches and stay on.
"""

from __future__ import annotations

import os
import sys
import warnings
from functools import lru_cache
from importlib import metadata

from clusterlab.errors import ClusterlabError

__all__ = ["SWITCH", "PatchWarning", "patches_enabled", "installed_version", "applies",
           "skip_slow_optional_imports"]

SWITCH = "CLUSTERLAB_NO_PATCHES"


class PatchWarning(UserWarning):
    """A patch was skipped: the stock path of the upstream package runs instead."""


class PatchError(ClusterlabError, RuntimeError):
    """A patch that the course cannot work without does not fit the installed package."""


def patches_enabled() -> bool:
    """False when ``CLUSTERLAB_NO_PATCHES`` is set to 1, true, yes or on."""
    return os.environ.get(SWITCH, "").strip().lower() not in ("1", "true", "yes", "on")


@lru_cache(maxsize=None)
def installed_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


_warned: set[tuple[str, str]] = set()


def applies(name: str, package: str, written_for: str | tuple[str, ...], *, speed: bool = True) -> bool:
    """Whether the patch ``name`` on ``package`` should be applied here.

    ``written_for`` is the version (or versions) of ``package`` the patch was written and tested
    against. A speed patch (``speed=True``) is skipped when the switch is on; any patch is skipped,
    with one :class:`PatchWarning` per patch and process, when the installed version differs.
    """
    if speed and not patches_enabled():
        return False
    have = installed_version(package)
    wanted = (written_for,) if isinstance(written_for, str) else tuple(written_for)
    if have in wanted:
        return True
    if (name, str(have)) not in _warned:
        _warned.add((name, str(have)))
        warnings.warn(f"clusterlab: the patch '{name}' was written for {package} {' or '.join(wanted)}, "
                      f"but {package} {have or '(not installed)'} is installed; the stock {package} code runs "
                      "instead (slower, or without this adjustment). Update the patch for this version.",
                      PatchWarning, stacklevel=2)
    return False


def skip_slow_optional_imports() -> None:
    """Mark ``rfc3987_syntax`` unavailable in this process, unless ``jsonschema`` is already loaded.

    plotly's FigureWidget (through nbformat), nbgrader and the Jupyter server (through jupyter_events)
    import jsonschema, which imports ``rfc3987_syntax`` when it is installed, only to check the rarely
    used "iri" string format. That package compiles a grammar on import, which takes seconds (3 to 9 s
    of a 2-core machine's time per process, measured). jsonschema treats it as optional, so marking it
    unavailable first removes that delay. Skipped when the patches are switched off, and for any
    jsonschema other than the one it was checked with.
    """
    if "jsonschema" in sys.modules or not applies("skip rfc3987_syntax", "jsonschema", "4.26.0"):
        return
    sys.modules.setdefault("rfc3987_syntax", None)
