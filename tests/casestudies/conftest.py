"""Shared helpers for the case-data tests."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from clusterlab.casestudies import case_path, list_cases, load_case


@pytest.fixture(scope="session")
def cases():
    """Every shipped case, loaded once: ``{name: Case}``."""
    return {name: load_case(name) for name in list_cases()}


@pytest.fixture(scope="session")
def igualada_data() -> dict:
    """The Igualada case file as plain data (YAML aliases expanded), to break in tests."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(case_path("igualada").read_text(encoding="utf-8"), Loader=loader)


@pytest.fixture
def write_case(tmp_path, igualada_data):
    """Write a changed copy of the Igualada data (or a raw text) to a file and return its path."""

    def write(change=None, *, text: str | None = None, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        if text is None:
            data = copy.deepcopy(igualada_data)
            if change is not None:
                change(data)
            text = yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True,
                             sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
        return path

    return write
