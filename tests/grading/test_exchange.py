"""Release to the exchange, a trainee's submission through nbgrader, and ``clusterlab grade collect``."""

from __future__ import annotations

import getpass
import shutil

import pytest

pytestmark = pytest.mark.slow


def test_release_submit_collect(tmp_path, monkeypatch):
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeSubmit
    from traitlets.config import Config

    from clusterlab.cli import main
    from clusterlab.grading.nbconfig import configure

    root = tmp_path / "course"
    assert main(["grade", "init", str(root)]) == 0
    assert main(["grade", "release", "--course", str(root), "module-1-check"]) == 0
    outbound = root / "exchange" / "clusterlab" / "outbound" / "module-1-check" / "module-1-check.ipynb"
    assert outbound.is_file() and "BEGIN SOLUTION" not in outbound.read_text()

    home = tmp_path / "trainee"
    shutil.copytree(outbound.parent, home / "module-1-check")
    config = configure(Config(), root)
    coursedir = CourseDirectory(config=config)
    coursedir.root, coursedir.assignment_id = str(home), "module-1-check"
    monkeypatch.chdir(home)  # nbgrader submits from the trainee's current folder
    from nbgrader.auth import Authenticator

    ExchangeSubmit(coursedir=coursedir, authenticator=Authenticator(config=config), config=config).start()

    assert main(["grade", "collect", "--course", str(root), "module-1-check"]) == 0
    assert (root / "submitted" / getpass.getuser() / "module-1-check" / "module-1-check.ipynb").is_file()


def test_unknown_assignment_is_a_plain_error(tmp_path, capsys):
    from clusterlab.cli import main

    root = tmp_path / "course"
    main(["grade", "init", str(root)])
    assert main(["grade", "release", "--course", str(root), "no-such-assignment"]) == 2
    assert "no assignment 'no-such-assignment'" in capsys.readouterr().err
    assert main(["grade", "autograde", "--course", str(root), "module-1-check"]) == 2
    assert main(["grade", "export", "--course", str(tmp_path / "nowhere")]) == 2
