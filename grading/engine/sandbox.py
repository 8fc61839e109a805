"""The operating-system sandbox that reads a submission: bubblewrap, an unprivileged user, limits.

Whatever touches a submission's content (reading the notebook, the answer file and the cluster
database, and checking them) runs in a separate program, :mod:`clusterlab.grading.engine.reader`,
started by :func:`run` inside a sandbox made of:

- **bubblewrap** (``bwrap``, Debian's package ``bubblewrap``): new mount, network, process, IPC and
  host-name namespaces. The file system it sees is empty but for what is bound into it read-only:
  the system's programs and libraries (``/usr``, ``/lib``...), this Python and its packages, and the
  one submission's staged copy (at ``/submission``); ``/tmp`` is a small empty memory folder. The
  course folder, the gradebook, other submissions and ``/etc`` are not there. There is no network
  at all (not even loopback). Nothing outlives it: it dies with its parent, and its process
  namespace ends every process it started.
- **an unprivileged user**: as root, bubblewrap keeps only the rights to change user and to drop
  capabilities, and the reader becomes ``nobody`` (65534) with no capabilities (the bounding set
  emptied too) and ``no_new_privs`` before it reads a byte; as
  another user, an unprivileged user namespace maps the reader to ``nobody``.
- **limits** (``setrlimit``, inherited): address space, CPU seconds, processes (:data:`NPROC` for the
  user ``nobody``), no file written larger than 1 MB, 64 open files; its output is read up to :data:`MAX_OUTPUT` bytes, and it is
  killed after a wall-clock limit.
- **an empty environment** (``PATH`` only): no course path, no credentials.

Where bubblewrap is missing (macOS, a minimal container), :func:`available` is false and the reader
runs as a plain child process with the same limits; ``describe()`` says which.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from clusterlab.errors import ClusterlabError

__all__ = ["SandboxError", "available", "describe", "run", "MAX_OUTPUT", "NOBODY"]

NOBODY = 65534
MAX_OUTPUT = 4 * 1024 * 1024
MEMORY_MB = 768
CPU_SECONDS = 30
WALL_SECONDS = 60
NPROC = 256
_SYSTEM = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin")


class SandboxError(ClusterlabError, RuntimeError):
    """The sandboxed reader could not run or gave no usable answer; the message says why."""


@functools.lru_cache(maxsize=None)
def _bwrap() -> str | None:
    return shutil.which("bwrap")


def _package_folders() -> dict[str, str]:
    """The folders of this package's parts (several in an editable install), by part name."""
    import clusterlab
    import clusterlab.casestudies
    import clusterlab.grading
    import clusterlab.widgets

    return {m.__name__: os.path.realpath(m.__path__[0])
            for m in (clusterlab, clusterlab.grading, clusterlab.widgets, clusterlab.casestudies)}


def _python_roots() -> list[str]:
    """The folders this Python needs: its installation, its packages and this package's folders."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    for name in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(sysconfig.get_paths()[name])
    paths.update(_package_folders().values())
    real = {os.path.realpath(p) for p in paths if p}
    roots = sorted(p for p in real if os.path.isdir(p) and not p.startswith(_SYSTEM))
    return [p for i, p in enumerate(roots) if not any(p.startswith(q + os.sep) for q in roots[:i])]


def _command(staging: Path) -> list[str]:
    base = [_bwrap(), "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--size", str(8 * 1024 * 1024), "--tmpfs", "/run"]
    root = os.geteuid() == 0
    if root:  # keep only the right to change user; the reader drops it before reading anything
        base += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    else:
        base += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
    for folder in _SYSTEM:
        if os.path.isdir(folder) and not os.path.islink(folder):
            base += ["--ro-bind", folder, folder]
        elif os.path.islink(folder):
            base += ["--symlink", os.readlink(folder), folder]
    roots = _python_roots()
    parents = sorted({str(p) for folder in [*roots, "/submission"] for p in Path(folder).parents if str(p) != "/"})
    for parent in parents:  # bubblewrap would make them readable by root only
        base += ["--perms", "0755", "--dir", parent]
    for folder in roots:
        base += ["--ro-bind", folder, folder]
    shipped = os.path.join(_package_folders()["clusterlab.grading"], "course")
    if os.path.isdir(shipped):  # the shipped assignments, solutions included: hidden
        base += ["--tmpfs", shipped]
    base += ["--ro-bind", str(staging), "/submission", "--chdir", "/submission", "--"]
    if root:
        setpriv = shutil.which("setpriv") or "/usr/bin/setpriv"
        base += [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all", "--no-new-privs"]
    return base


@functools.lru_cache(maxsize=None)
def available() -> bool:
    """True where bubblewrap starts a sandbox here (checked once, by starting one)."""
    if not _bwrap() or (os.geteuid() == 0 and not shutil.which("setpriv")):
        return False
    probe = Path(os.environ.get("TMPDIR", "/tmp"))
    try:
        done = subprocess.run([*_command(probe), sys.executable, "-I", "-c", "import os; print(os.getuid())"],
                              capture_output=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == str(NOBODY).encode()


def describe() -> str:
    """One line saying how submissions are read on this machine."""
    if available():
        return ("bubblewrap sandbox: user nobody, no network, read-only view of the submission only, "
                "memory, CPU, process and file-size limits")
    return ("no bubblewrap here: submissions are read in a separate process with memory, CPU, process "
            "and file-size limits only (install Debian's 'bubblewrap' for the full sandbox)")


def _limits(memory_mb: int, cpu_seconds: int):
    def apply() -> None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # counted per user (nobody, once setpriv has changed to it; root is not bound by it)
        resource.setrlimit(resource.RLIMIT_NPROC, (NPROC, NPROC))
    return apply


def run(staging: Path, request: dict, *, memory_mb: int = MEMORY_MB, cpu_seconds: int = CPU_SECONDS,
        wall_seconds: int = WALL_SECONDS, sandbox: bool | None = None) -> dict:
    """Run the reader on the staged submission ``staging`` with ``request``; returns its answer.

    Raises :class:`SandboxError` when the reader fails, overruns or answers something unusable.
    """
    staging = Path(staging).resolve()
    use = available() if sandbox is None else sandbox
    reader = [sys.executable, "-I", "-m", "clusterlab.grading.engine.reader"]
    command = [*_command(staging), *reader] if use else reader
    if not use and os.geteuid() == 0:
        raise SandboxError("as root, submissions are read only inside the sandbox: install Debian's "
                           "'bubblewrap' (apt-get install bubblewrap), or grade as an ordinary user")
    env = {"PATH": "/usr/bin:/bin"}
    try:
        done = subprocess.run(command, input=json.dumps(request).encode(), capture_output=True,
                              timeout=wall_seconds, env=env, cwd=staging if not use else None,
                              preexec_fn=_limits(memory_mb, cpu_seconds), start_new_session=True)
    except subprocess.TimeoutExpired:
        raise SandboxError(f"reading the submission took longer than {wall_seconds} s") from None
    except OSError as exc:
        raise SandboxError(f"the sandbox could not start ({exc.strerror})") from None
    if len(done.stdout) > MAX_OUTPUT:
        raise SandboxError("reading the submission produced too much output")
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"])[-1][:200]
        if done.returncode < 0:
            last = f"stopped by signal {-done.returncode} (memory or CPU limit)"
        raise SandboxError(f"reading the submission failed: {last}")
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        raise SandboxError("the reader's answer could not be read") from None
    if not isinstance(answer, dict):
        raise SandboxError("the reader's answer could not be read")
    return answer
