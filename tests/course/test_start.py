"""The README's start command: quick and silent when already installed, and it opens the landing page."""

from __future__ import annotations

import subprocess
import urllib.request

from support.servers import Server, free_port


def test_second_install_changes_nothing(repo):
    stamp = repo / ".venv" / ".clusterlab-stamp"
    before = stamp.stat().st_mtime_ns
    result = subprocess.run(["bash", str(repo / "course/scripts/ensure-venv.sh"), "test"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert stamp.stat().st_mtime_ns == before


def test_start_opens_jupyterlab_at_the_landing_page(repo, sandbox):
    port = free_port()
    server = Server(
        ["bash", str(repo / "course/scripts/start.sh"), "--no-browser", f"--port={port}",
         "--ServerApp.port_retries=0", "--IdentityProvider.token=start-test"],
        f"http://127.0.0.1:{port}", sandbox / "start.log", cwd=repo,
    )
    try:
        server.wait_ready("/api/status?token=start-test", timeout=120)
        with urllib.request.urlopen(f"{server.url}/?token=start-test", timeout=30) as response:
            final_url = response.geturl()
            body = response.read().decode()
        assert final_url.split("?")[0].endswith("/lab/tree/course/start-here.ipynb"), final_url
        assert "JupyterLab" in body
        # bound to loopback only
        assert "127.0.0.1" in server.log()
    finally:
        server.stop()
