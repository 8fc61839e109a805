"""Start real Jupyter servers (JupyterLab, Voila) on a free loopback port and stop them cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process we hold: started in its own session, ended by its process group."""

    def __init__(self, argv: list[str], url: str, log: Path, cwd: Path, env: dict | None = None):
        self.url = url
        self.log_path = log
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )

    def wait_ready(self, path: str = "/", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as r:
                    if r.status < 500:
                        return
            except urllib.error.HTTPError as e:
                if e.code < 500:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"server not ready after {timeout}s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


def root_flags() -> list[str]:
    return ["--allow-root"] if os.geteuid() == 0 else []


def start_lab(root_dir: Path, log: Path, token: str = "clusterlab-test") -> Server:
    port = free_port()
    argv = [
        str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}", "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        *root_flags(),
    ]
    server = Server(argv, f"http://127.0.0.1:{port}", log, cwd=root_dir)
    server.token = token
    server.wait_ready(f"/api/status?token={token}")
    return server


def start_voila(target: Path, log: Path, extra: list[str] | None = None) -> Server:
    port = free_port()
    argv = [
        str(BIN / "voila"), str(target), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
        "--ServerApp.port_retries=0", "--VoilaConfiguration.extension_denylist=['@jupyter/nbgrader']",
        *(extra or []),
    ]
    server = Server(argv, f"http://127.0.0.1:{port}", log, cwd=target if target.is_dir() else target.parent)
    server.wait_ready("/")
    return server


_SERVE_EXTRA = (
    "import json, sys\n"
    "from pathlib import Path\n"
    "from clusterlab.casestudies.public.dashboards import ServerOptions, serve\n"
    "opts, extra = json.loads(sys.argv[1]), json.loads(sys.argv[2])\n"
    "sys.exit(serve(ServerOptions(**opts), extra={k: Path(v) for k, v in extra.items()}))\n"
)


def start_dashboards(log: Path, *, preheat: bool = False, max_kernels: int | None = None,
                     idle_timeout: int | None = None, extra: dict | None = None,
                     timeout: float = 180, args: tuple = (), **options) -> Server:
    """`clusterlab dashboards` on a free loopback port (the public dashboard server).

    Without ``extra`` this runs the real command line (``args``: more of its options). ``extra``
    ({address: notebook}, with ``options`` for ``ServerOptions``) serves more notebooks next to the dashboards, with the same configuration, through the Python API (the
    command line cannot do that); the benchmark serves its trivial notebook this way.
    """
    port = free_port()
    if extra:
        opts = {"host": "127.0.0.1", "port": port, "preheat": preheat}
        if max_kernels is not None:
            opts["max_kernels"] = max_kernels
        if idle_timeout is not None:
            opts["idle_timeout"] = idle_timeout
        opts.update(options)
        argv = [sys.executable, "-c", _SERVE_EXTRA, json.dumps(opts),
                json.dumps({k: str(v) for k, v in extra.items()})]
    else:
        argv = [str(BIN / "clusterlab"), "dashboards", "--host", "127.0.0.1", "--port", str(port)]
        if preheat:
            argv.append("--preheat")
        if max_kernels is not None:
            argv += ["--max-kernels", str(max_kernels)]
        if idle_timeout is not None:
            argv += ["--idle-timeout", str(idle_timeout)]
        argv += list(args)
    server = Server(argv, f"http://127.0.0.1:{port}", log, cwd=log.parent)
    server.wait_ready("/voila/static/voila.js", timeout=timeout)
    return server


def isolated_env(base: Path) -> dict:
    """HOME, Jupyter, IPython and XDG folders under ``base`` (created), for one server process."""
    env = {}
    for var, sub in {"HOME": "home", "JUPYTER_CONFIG_DIR": "jupyter-config", "JUPYTER_DATA_DIR": "jupyter-data",
                     "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "IPYTHONDIR": "ipython",
                     "XDG_CONFIG_HOME": "xdg-config", "XDG_DATA_HOME": "xdg-data"}.items():
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(base / sub)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


def start_course_lab(log: Path, work: Path, *, instructor: bool = False, course: Path | None = None,
                     env: dict | None = None, token: str = "clusterlab-test", timeout: float = 180) -> Server:
    """`clusterlab lab` (the course's own command) on a free loopback port.

    ``work`` becomes CLUSTERLAB_WORK_DIR; ``env`` adds to the environment (e.g. :func:`isolated_env`).
    The command's first lines (what it printed before Jupyter started) are in the log.
    """
    port = free_port()
    argv = [str(BIN / "clusterlab"), "lab"]
    if instructor:
        argv.append("--instructor")
    if course is not None:
        argv += ["--course", str(course)]
    argv += ["--no-browser", f"--port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", "--LabApp.expose_app_in_browser=True"]
    server = Server(argv, f"http://127.0.0.1:{port}", log, cwd=log.parent,
                    env={**(env or {}), "CLUSTERLAB_WORK_DIR": str(work)})
    server.token = token
    server.wait_ready(f"/api/status?token={token}", timeout=timeout)
    return server


def start_dashboards_in(base: Path, log: Path, *, args: tuple = (), timeout: float = 180) -> Server:
    """`clusterlab dashboards` (the command line, ``args``: more of its options) with its HOME, Jupyter
    and IPython folders and its temporary folder (where it stages the dashboards) all under ``base``,
    so that a test can look at every file the server and its kernels write."""
    env = isolated_env(base)
    (base / "tmp").mkdir(parents=True, exist_ok=True)
    env["TMPDIR"] = str(base / "tmp")
    port = free_port()
    argv = [str(BIN / "clusterlab"), "dashboards", "--host", "127.0.0.1", "--port", str(port), *args]
    server = Server(argv, f"http://127.0.0.1:{port}", log, cwd=log.parent, env=env)
    server.wait_ready("/voila/static/voila.js", timeout=timeout)
    return server


def kernel_processes(server: Server) -> dict[str, int]:
    """The kernels the server runs now: kernel id -> process id (read from the kernels' command lines)."""
    import re

    import psutil

    found = {}
    try:
        children = psutil.Process(server.proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return found
    for child in children:
        try:
            cmdline = " ".join(child.cmdline())
        except psutil.Error:
            continue
        match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmdline)
        if match and "ipykernel" in cmdline:
            found[match.group(1)] = child.pid
    return found
