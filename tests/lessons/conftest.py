"""Fixtures for the lesson tests: a private work folder for every test."""

import pytest


@pytest.fixture(autouse=True)
def work_folder(tmp_path, monkeypatch):
    """Every test saves into its own temporary folder, never into the home folder or the repository."""
    folder = tmp_path / "work"
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(folder))
    return folder
