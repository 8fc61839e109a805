"""`clusterlab lab`: what it runs in each mode, its per-process configuration, and a start that survives
a failed generation of the documents. (The servers themselves: tests/browser/test_lab_modes.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusterlab import lab
from clusterlab.lab_view import build_view

BIN = Path(sys.executable).parent
NBGRADER_LAB = Path(sys.prefix) / "share/jupyter/labextensions/@jupyter/nbgrader"
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                      "@jupyter/nbgrader:course-list")
TRAINEE_PLUGINS = ("@jupyter/nbgrader:menu", "@jupyter/nbgrader:assignment-list",
                   "@jupyter/nbgrader:validate-assignment")


def option(argv: list[str], name: str) -> str | None:
    values = [a.split("=", 1)[1] for a in argv if a.startswith(name + "=")]
    return values[-1] if values else None


def test_trainee_launch(repo, tmp_path):
    work = tmp_path / "work"
    launch = lab.trainee_launch(repo, work, ["--no-browser", "--port=9999"], generate=lambda: tmp_path / "none")
    assert launch.argv[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--ip=127.0.0.1" in launch.argv
    assert option(launch.argv, "--ServerApp.root_dir") == str(work.resolve() / ".course-view")
    assert option(launch.argv, "--LabApp.default_url") == "/lab/tree/course/start-here.ipynb"
    assert launch.argv[-2:] == ["--no-browser", "--port=9999"], "the caller's options come last"
    assert launch.cwd == work.resolve() / ".course-view"
    config_path = launch.env["JUPYTER_CONFIG_PATH"].split(os.pathsep)
    assert config_path[0] == str(lab.TRAINEE_CONFIG)
    assert os.environ.get("JUPYTER_CONFIG_PATH") != launch.env["JUPYTER_CONFIG_PATH"], "set for that process only"


def test_trainee_start_survives_a_failed_generation(repo, tmp_path, capsys):
    def broken():
        raise RuntimeError("nbgrader exploded\nwith a long log")

    launch = lab.trainee_launch(repo, tmp_path / "work", generate=broken)
    assert launch.argv and (tmp_path / "work/.course-view/course/start-here.ipynb").is_symlink()
    assert len(launch.warnings) == 1
    assert "could not be prepared (nbgrader exploded)" in launch.warnings[0]
    assert "starts without them" in launch.warnings[0]


def test_trainee_start_survives_an_unusable_cache(repo, tmp_path, monkeypatch):
    """A real failure, not a stand-in: the cache folder cannot be created."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    view = build_view(repo, tmp_path / "work")
    notes, warnings = lab.prepare_documents(view, tmp_path / "work")
    assert len(warnings) == 1 and "could not be prepared" in warnings[0]
    assert list(view.documents.iterdir()) == []


def test_instructor_launch_on_the_shipped_course_shows_the_repository(repo, tmp_path, monkeypatch):
    monkeypatch.delenv("CLUSTERLAB_COURSE_DIR", raising=False)
    monkeypatch.delenv("CLUSTERLAB_EXCHANGE", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lab, "_exchange_root", lambda course, env: None)  # never create grading/course/exchange here
    launch = lab.instructor_launch(repo, None, ["--no-browser"])
    course = (repo / "grading" / "course").resolve()
    assert option(launch.argv, "--ServerApp.root_dir") == str(repo.resolve())
    assert launch.cwd == course, "nbgrader reads the course's nbgrader_config.py from the working folder"
    assert launch.env["CLUSTERLAB_COURSE_DIR"] == str(course)
    assert launch.env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0] == str(lab.INSTRUCTOR_CONFIG)
    assert option(launch.argv, "--LabApp.default_url") is None


def test_instructor_launch_on_a_course_outside_the_repository(repo, tmp_path, monkeypatch):
    from clusterlab.grading.workflow import init_course

    monkeypatch.delenv("CLUSTERLAB_EXCHANGE", raising=False)
    course = init_course(tmp_path / "course")
    launch = lab.instructor_launch(repo, str(course))
    assert option(launch.argv, "--ServerApp.root_dir") == str(course)
    assert launch.cwd == course
    assert (course / "exchange").is_dir(), "the formgrader offers release only when the exchange exists"


def test_instructor_launch_refuses_a_folder_that_is_no_course(repo, tmp_path):
    from clusterlab.cli import CommandError

    with pytest.raises(CommandError, match="not a course directory"):
        lab.instructor_launch(repo, str(tmp_path))


def test_cli_passes_unknown_options_to_jupyter_only_for_lab():
    from clusterlab.cli import build_parser, main

    with pytest.raises(SystemExit):
        main(["workdir", "--no-browser"])
    args, extra = build_parser().parse_known_args(["lab", "--instructor", "--no-browser", "--port", "8890"])
    assert args.instructor and args.pass_through and extra == ["--no-browser", "--port", "8890"]
    args, extra = build_parser().parse_known_args(["lab", "--config=x.py"])
    assert args.course is None and extra == ["--config=x.py"], "no abbreviation of --course"


def test_course_option_needs_instructor_mode():
    result = subprocess.run([str(BIN / "clusterlab"), "lab", "--course", "/tmp"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2 and "--instructor" in result.stderr


# -- the configuration files ---------------------------------------------------------------------

def test_trainee_page_config_disables_the_instructor_plugins_that_exist():
    page = json.loads((lab.TRAINEE_CONFIG / "labconfig" / "page_config.json").read_text())
    disabled = {k for k, v in page["disabledExtensions"].items() if v}
    assert set(INSTRUCTOR_PLUGINS) <= disabled
    assert not disabled & set(TRAINEE_PLUGINS)
    # the ids are nbgrader's own (a renamed plugin would silently stay enabled)
    bundle = "".join(p.read_text(errors="replace") for p in (NBGRADER_LAB / "static").glob("*.js"))
    for plugin in INSTRUCTOR_PLUGINS + TRAINEE_PLUGINS:
        assert f'"{plugin}"' in bundle, plugin


def test_server_configs():
    trainee = json.loads((lab.TRAINEE_CONFIG / "jupyter_server_config.json").read_text())
    assert trainee["ServerApp"]["terminals_enabled"] is False
    extensions = trainee["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert extensions["nbgrader.server_extensions.course_list"] is False
    assert extensions["nbgrader.server_extensions.assignment_list"] is True
    assert extensions["nbgrader.server_extensions.validate_assignment"] is True
    globs = trainee["ContentsManager"]["hide_globs"]
    assert {"*.py", "*.yaml", "__pycache__"} <= set(globs) and "*.csv" not in globs
    for config in (trainee, json.loads((lab.INSTRUCTOR_CONFIG / "jupyter_server_config.json").read_text())):
        assert config["ContentsManager"]["pre_save_hook"] == "clusterlab.lab_view.strip_lesson_outputs"
        assert config["ServerApp"]["ip"] == "127.0.0.1"
