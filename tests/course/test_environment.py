"""environment.yml (conda, Binder) and pyproject.toml declare the same pinned packages."""

from __future__ import annotations

import re
import tomllib

import yaml


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_conda_environment_matches_pyproject(repo):
    project = tomllib.loads((repo / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    wanted = {normalise(p.split("==")[0]): p.split("==")[1] for p in pins}

    env = yaml.safe_load((repo / "environment.yml").read_text())
    have = {}
    for dep in env["dependencies"]:
        entries = dep["pip"] if isinstance(dep, dict) else [dep]
        for entry in entries:
            match = re.match(r"^([A-Za-z0-9_.-]+)\s*==?\s*([^\s]+)$", entry)
            if match:
                have[normalise(match.group(1))] = match.group(2)
    missing = {name: version for name, version in wanted.items() if have.get(name) != version}
    assert not missing, f"environment.yml lacks or differs on: {missing}"
