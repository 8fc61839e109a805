"""Shared fixtures for the component tests: a private work folder for every test, sample data, helpers."""

import copy

import ipywidgets
import pytest
from widget_samples import QUIZ


@pytest.fixture(autouse=True)
def work_folder(tmp_path, monkeypatch):
    """Every test saves into its own temporary folder, never into the home folder or the repository."""
    folder = tmp_path / "work"
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(folder))
    return folder


@pytest.fixture
def quiz_dict():
    return copy.deepcopy(QUIZ)


def walk(widget):
    """Every widget inside ``widget`` (itself included)."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def shown_errors(view) -> list[str]:
    """The messages currently shown in the view's ``clusterlab-error`` boxes."""
    return [
        w.value
        for w in walk(view.widget)
        if isinstance(w, ipywidgets.HTML) and "clusterlab-error" in w._dom_classes and w.value.strip()
    ]


@pytest.fixture
def errors_of():
    return shown_errors


@pytest.fixture
def widgets_in():
    return lambda view, kind: [w for w in walk(view.widget) if isinstance(w, kind)]


@pytest.fixture(scope="session")
def cases():
    """The three real cases, loaded once."""
    from clusterlab.casestudies import load_case

    return {name: load_case(name) for name in ("igualada", "prato", "huddersfield")}


@pytest.fixture(scope="session")
def case_files(cases):
    """The three case files as plain YAML, to check the components against the files themselves."""
    import yaml

    from clusterlab.casestudies import case_path

    return {name: yaml.safe_load(case_path(name).read_text(encoding="utf-8")) for name in cases}
