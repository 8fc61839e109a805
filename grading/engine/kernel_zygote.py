"""Fresh sandboxed kernels in a fraction of the usual start-up: fork them from a warmed-up process.

``python -m clusterlab.grading.engine.kernel_zygote`` (the *zygote*) imports ipykernel, IPython and
the course's check modules once, then reads requests on standard input, one JSON line each:
``{"argv": [...], "env": {...}, "cwd": "..."}``. For each request it forks a child and answers
``{"pid": PID}``. The child starts a new session (so signalling its process group reaches it and only
it), takes the request's environment and working folder, closes every other descriptor and runs
:func:`clusterlab.grading.engine.sandbox_kernel.main` with ``argv``: the limits and the guard are set
in the child exactly as in a kernel started the usual way.

No submission's code ever runs in the zygote. Every kernel is a new process; its memory starts as a
copy of the zygote's (modules imported, nothing executed), so nothing passes from one submission to
the next. The zygote is killed when its worker ends, and a kernel when its zygote ends. The zygote
refuses to fork if any import started a thread (forking a threaded process is unsafe); it then answers
``{"ready": true, "fork": false}`` and callers start kernels the usual way.

:class:`Zygote` is the other side: it starts a zygote and asks it for kernels (see
:mod:`clusterlab.grading.engine.forkkernel`, which hands them to jupyter_client).

Forked kernels are a speed patch: ``forkkernel`` overrides private methods of jupyter_client
(``FORKED_KERNELS``, written for jupyter_client 8.10.0). :func:`forked_kernels` says whether it
applies here (:func:`clusterlab.patches.applies`); when it does not, or with
``CLUSTERLAB_NO_PATCHES=1``, workers run nbgrader's stock ``Execute``, which starts every kernel as a
new program: the same sandboxed kernel, slower to start.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import traceback

from clusterlab.errors import ClusterlabError
from clusterlab.patches import applies

from .sandbox_kernel import main as kernel_main

__all__ = ["FORKED_KERNELS", "PRELOAD", "Zygote", "ZygoteError", "forked_kernels", "main"]

FORKED_KERNELS = "forked kernels"

#: What a kernel imports while it starts and runs a graded document (from ``python -X importtime``).
PRELOAD = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "ipykernel.comm", "IPython.core.interactiveshell", "IPython.core.completer", "IPython.core.debugger",
    "IPython.core.oinspect", "IPython.core.completerlib", "IPython.core.logger", "IPython.core.ultratb",
    "stack_data", "pygments.lexers.python", "pygments.formatters.terminal256", "pygments.formatters.html",
    "psutil", "tornado.platform.asyncio", "sqlite3", "pdb", "faulthandler",
    "clusterlab.grading.engine.sandbox", "clusterlab.grading.engine.sandbox_kernel",
    "clusterlab.grading.checks", "clusterlab.grading.database", "clusterlab.analysis",
)


class ZygoteError(ClusterlabError, RuntimeError):
    """The zygote cannot give a kernel; the caller starts one the usual way."""


def forked_kernels() -> bool:
    """Whether ``forkkernel``'s overrides of jupyter_client's internals fit here (and speed patches are on)."""
    return applies(FORKED_KERNELS, "jupyter_client", "8.10.0")


def _warm() -> None:
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # an optional module missing only makes the kernel import it itself
            pass


def _threads() -> int:
    try:
        return len(os.listdir(f"/proc/{os.getpid()}/task"))
    except OSError:
        return threading.active_count()


def _die_with_parent(parent: int) -> None:
    """Be killed when ``parent`` ends (Linux ``PR_SET_PDEATHSIG``); end now if it already has."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def _child(request: dict, zygote: int) -> None:
    """In the forked child: become a sandboxed kernel; never returns."""
    code = 1
    try:
        _die_with_parent(zygote)
        os.setsid()
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.closerange(3, 1 << 16)  # the protocol's descriptors included
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None  # found again from the request's TMPDIR
        # the kernel ends if the zygote goes away (the option's default was read when it was imported)
        kernel_main(list(request["argv"]) + [f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # report on the error stream, as a kernel would
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def _lines(fd: int):
    buffer = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                yield line


def _send(fd: int, message: dict) -> None:
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(fd, data):]


class Zygote:
    """A zygote process, started at once; :meth:`spawn` waits until it is ready."""

    def __init__(self, startup_timeout: float = 60):
        self.proc = subprocess.Popen([sys.executable, "-m", __spec__.name],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.startup_timeout, self.lock = startup_timeout, threading.Lock()
        self.ready: bool | None = None

    def _read(self, timeout: float) -> dict:
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                raise TimeoutError("the kernel zygote did not answer")
        line = self.proc.stdout.readline()
        if not line:
            raise ConnectionError("the kernel zygote has stopped")
        return json.loads(line)

    def usable(self) -> bool:
        """True when kernels can be forked (waits for the zygote's start-up the first time)."""
        if self.ready is None:
            try:
                self.ready = bool(self._read(self.startup_timeout).get("fork"))
            except (OSError, ValueError):
                self.ready = False
        return self.ready and self.proc.poll() is None

    def spawn(self, argv: list[str], env: dict, cwd: str) -> int:
        """Fork a sandboxed kernel with ``argv`` (the kernel's arguments), ``env`` and ``cwd``."""
        with self.lock:
            if not self.usable():
                raise ZygoteError("the kernel zygote is not available")
            try:
                self.proc.stdin.write((json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n").encode())
                self.proc.stdin.flush()
                answer = self._read(10)
            except (OSError, ValueError):  # out of step with it: never use it again (its kernels end with it)
                self.ready = False
                self.proc.kill()
                raise
        if "pid" not in answer:
            raise ZygoteError(answer.get("error", "the kernel zygote refused"))
        return int(answer["pid"])

    def close(self) -> None:
        self.ready = False
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main() -> None:
    # The protocol uses raw descriptors (no Python file objects a child could flush or close later);
    # standard input and output become /dev/null and the error stream, as in a kernel.
    requests, answers = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    _die_with_parent(os.getppid())
    _warm()
    zygote = os.getpid()
    can_fork = _threads() == 1
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system, never zombies
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _send(answers, {"ready": True, "fork": can_fork})
    for line in _lines(requests):
        try:
            request = json.loads(line)
            if not can_fork:
                raise ZygoteError("forking is disabled in this process")
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(request, zygote)
            _send(answers, {"pid": pid})
        except Exception as exc:  # a bad request fails that request only
            _send(answers, {"error": f"{type(exc).__name__}: {exc}"})


if __name__ == "__main__":
    main()
