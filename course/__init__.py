"""clusterlab: an interactive course on cluster development.

The distribution has one namespace. Its subpackages map to the repository's top-level folders:
``clusterlab.widgets`` (shared components), ``clusterlab.casestudies`` (case data and loaders),
``clusterlab.grading`` (the nbgrader course and the document checks). This root package is the
``course/`` folder: the command-line entry point and course-wide configuration.
"""

from pathlib import Path

__version__ = "0.1.0"


def repo_root() -> Path | None:
    """The repository folder when the course runs from a checkout (an editable install), else None."""
    here = Path(__file__).resolve().parent
    root = here.parent
    if (root / "pyproject.toml").is_file() and (root / "modules").is_dir():
        return root
    return None
