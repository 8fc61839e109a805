"""The README's start command: quick and silent when already installed, and it opens the landing page
of the trainee's JupyterLab (`clusterlab lab`), whose root holds the course and nothing else."""

from __future__ import annotations

import json
import subprocess
import urllib.request

from support.servers import Server, free_port, isolated_env


def test_second_install_changes_nothing(repo):
    stamp = repo / ".venv" / ".clusterlab-stamp"
    before = stamp.stat().st_mtime_ns
    result = subprocess.run(["bash", str(repo / "course/scripts/ensure-venv.sh"), "test"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert stamp.stat().st_mtime_ns == before


def test_start_opens_jupyterlab_at_the_landing_page(repo, sandbox, tmp_path):
    port = free_port()
    work = tmp_path / "work"
    server = Server(
        ["bash", str(repo / "course/scripts/start.sh"), "--no-browser", f"--port={port}",
         "--ServerApp.port_retries=0", "--IdentityProvider.token=start-test"],
        f"http://127.0.0.1:{port}", sandbox / "start.log", cwd=repo,
        env={**isolated_env(tmp_path / "env"), "CLUSTERLAB_WORK_DIR": str(work)},
    )
    try:
        server.wait_ready("/api/status?token=start-test", timeout=180)
        with urllib.request.urlopen(f"{server.url}/?token=start-test", timeout=30) as response:
            final_url = response.geturl()
            body = response.read().decode()
        assert final_url.split("?")[0].endswith("/lab/tree/course/start-here.ipynb"), final_url
        assert "JupyterLab" in body
        # the root is the trainee's course view, in the work folder
        with urllib.request.urlopen(f"{server.url}/api/contents?token=start-test", timeout=30) as response:
            root = json.load(response)
        assert root["path"] == "" and {c["name"] for c in root["content"]} == {"course", "modules", "my-documents"}
        assert (work / ".course-view" / "course" / "start-here.ipynb").is_symlink()
        # bound to loopback only
        assert "127.0.0.1" in server.log()
        assert "Serving notebooks from local directory: " + str(work.resolve() / ".course-view") in server.log()
    finally:
        server.stop()
