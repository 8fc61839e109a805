"""Fixtures for the grading tests: private Jupyter folders, and a course released once per session."""

from __future__ import annotations

import os

import pytest


def _private_jupyter(base) -> dict:
    paths = {name: str(base / name.lower()) for name in
             ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
              "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR")}
    for path in paths.values():
        os.makedirs(path, exist_ok=True)
    return paths


@pytest.fixture(autouse=True)
def jupyter_dirs(tmp_path_factory, monkeypatch):
    """Point Jupyter, IPython and the XDG folders at a temporary folder for every test."""
    for name, path in _private_jupyter(tmp_path_factory.mktemp("jupyter")).items():
        monkeypatch.setenv(name, path)
    monkeypatch.delenv("CLUSTERLAB_COURSE_DIR", raising=False)
    monkeypatch.delenv("CLUSTERLAB_EXCHANGE", raising=False)


@pytest.fixture(scope="session")
def released_course(tmp_path_factory):
    """A course directory with the three assignments generated and released (built once)."""
    from clusterlab.grading.nbconfig import ASSIGNMENTS
    from clusterlab.grading.workflow import init_course, release
    from clusterlab.patches import skip_slow_optional_imports

    skip_slow_optional_imports()
    saved = dict(os.environ)
    os.environ.update(_private_jupyter(tmp_path_factory.mktemp("jupyter-session")))
    try:
        root = init_course(tmp_path_factory.mktemp("course") / "course")
        for assignment in ASSIGNMENTS:
            release(root, assignment)
        yield root
    finally:
        os.environ.clear()
        os.environ.update(saved)
