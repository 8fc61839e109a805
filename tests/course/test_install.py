"""The installed course: one namespace, the command line, and the Jupyter extensions enabled."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*argv: str) -> str:
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    return ANSI.sub("", out.stdout + out.stderr)


def enabled_lines(listing: str) -> dict[str, str]:
    """Map each extension named in a `jupyter ... extension list` output to its status line."""
    found = {}
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1] in ("enabled", "disabled") or len(parts) >= 3 and parts[2] in ("enabled", "disabled"):
            found[parts[0]] = line
    return found


def test_namespace_maps_the_folders(repo):
    import clusterlab
    import clusterlab.casestudies
    import clusterlab.grading
    import clusterlab.widgets

    assert Path(clusterlab.__file__).parent == repo / "course"
    assert Path(clusterlab.widgets.__file__).parent == repo / "widgets"
    assert Path(clusterlab.casestudies.__file__).parent == repo / "casestudies"
    assert Path(clusterlab.grading.__file__).parent == repo / "grading"
    # `import ipywidgets as widgets` in a notebook must not pick up the course's own folder
    import ipywidgets

    assert "site-packages" in ipywidgets.__file__


def test_lab_extensions_enabled():
    listing = enabled_lines(run(str(BIN / "jupyter"), "labextension", "list"))
    for name in ("@jupyter/nbgrader", "@voila-dashboards/jupyterlab-preview",
                 "@jupyter-widgets/jupyterlab-manager", "jupyterlab-plotly", "anywidget"):
        assert name in listing, f"{name} missing from `jupyter labextension list`"
        assert " enabled" in listing[name] and "OK" in listing[name], listing[name]


def test_server_extensions_enabled():
    listing = enabled_lines(run(str(BIN / "jupyter"), "server", "extension", "list"))
    for name in ("voila.server_extension", "nbgrader.server_extensions.formgrader",
                 "nbgrader.server_extensions.assignment_list", "jupyterlab"):
        assert name in listing, f"{name} missing from `jupyter server extension list`"
        assert " enabled" in listing[name], listing[name]


def test_cli_help_lists_the_verbs():
    out = run(str(BIN / "clusterlab"), "--help")
    assert "usage: clusterlab" in out
    assert "workdir" in out


def test_cli_workdir_follows_the_environment(sandbox):
    out = run(str(BIN / "clusterlab"), "workdir").strip()
    assert out == str(sandbox / "clusterlab-work")


@pytest.mark.parametrize("script", ["course/scripts/start.sh", "course/scripts/ensure-venv.sh", "tests/run.sh", ".ci/run"])
def test_scripts_are_valid_bash(repo, script):
    result = subprocess.run(["bash", "-n", str(repo / script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_ci_runs_the_readme_test_command(repo):
    readme = (repo / "README.md").read_text()
    ci = (repo / ".ci" / "run").read_text()
    assert "bash tests/run.sh" in readme and "bash tests/run.sh" in ci
    assert "bash course/scripts/start.sh" in readme
