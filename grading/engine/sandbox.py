"""Limits for the kernel that runs a submission: memory, time, file size, and a guard on actions.

:func:`apply_limits` sets operating-system resource limits on the current process (inherited by its
children). :func:`lock_down` installs a Python audit hook (it cannot be removed once installed) that
refuses, with a :class:`SandboxViolation`, to:

- write, delete or rename a file outside the allowed folders, or read one under a denied folder;
- open a network connection or send a datagram (loopback included);
- start a process, send a signal to another process, or call foreign code through ctypes;
- walk the interpreter's objects (``gc.get_objects``), which could reach the guard itself.

The guard is a second line of defence: where available, the autograder also runs each grading worker
in its own network namespace (see :mod:`clusterlab.grading.engine.isolation`).
"""

from __future__ import annotations

import os
import resource
import sys

from clusterlab.errors import ClusterlabError

__all__ = ["SandboxViolation", "apply_limits", "lock_down", "MARK"]

#: Every refusal message starts with this, so graders can recognise it in outputs.
MARK = "Not allowed while grading:"

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_PATH_EVENTS = {"os.remove": 1, "os.rmdir": 1, "os.mkdir": 1, "os.rename": 2, "os.link": 2,
                "os.symlink": 2, "os.truncate": 1, "os.chmod": 1, "os.chown": 1, "os.utime": 1,
                "shutil.rmtree": 1, "shutil.move": 2, "shutil.copyfile": 2, "os.setxattr": 1,
                "os.removexattr": 1}
_PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "pty.spawn", "os.startfile")
_NETWORK_EVENTS = ("socket.connect", "socket.sendto", "socket.sendmsg")
_FOREIGN_EVENTS = ("ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function",
                   "gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys._current_frames")


class SandboxViolation(ClusterlabError, PermissionError):
    """An action a submission may not take while it is graded."""


def apply_limits(*, memory_mb: int | None = None, cpu_seconds: int | None = None,
                 file_mb: int | None = None) -> None:
    """Limit the address space, CPU time and size of written files of this process and its children."""
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if cpu_seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    if file_mb:
        limit = file_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def _real(path) -> str | None:
    if isinstance(path, int):
        return None  # a file descriptor: the file was already opened through a checked path
    try:
        return os.path.realpath(os.fsdecode(os.fspath(path)))
    except (TypeError, ValueError):
        return None


def _inside(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root + os.sep) for root in roots)


def lock_down(allow_write: list[str], deny_read: list[str] = ()) -> None:
    """Install the guard. ``allow_write``: folders where files may change; ``deny_read``: folders not to read."""
    writable = tuple(os.path.realpath(p) for p in allow_write) + ("/dev/null",)
    hidden = tuple(os.path.realpath(p) for p in deny_read if p)
    own_pid = os.getpid()

    def refuse(what: str):
        raise SandboxViolation(f"{MARK} {what}")

    def check_write(path, what: str) -> None:
        real = _real(path)
        if real is not None and not _inside(real, writable):
            refuse(f"{what} outside the submission's folder ({real}).")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, mode, flags = (tuple(args) + (None, None, None))[:3]
            real = _real(path)
            if real is None:
                return
            writing = (isinstance(mode, str) and any(m in mode for m in "wax+")) or \
                (isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writing:
                check_write(path, "writing a file")
            elif _inside(real, hidden) and not _inside(real, writable):
                refuse(f"reading {real}.")
        elif event in _PATH_EVENTS:
            for path in args[:_PATH_EVENTS[event]]:
                check_write(path, "changing a file")
        elif event == "sqlite3.connect":
            database = args[0] if args else None
            if database not in (":memory:", b":memory:", "", None):
                check_write(database, "opening a database")
        elif event in _NETWORK_EVENTS:
            refuse("opening a network connection.")
        elif event in _PROCESS_EVENTS:
            refuse("starting another program.")
        elif event in ("os.kill", "os.killpg"):
            if not args or args[0] not in (own_pid, 0):
                refuse("sending a signal to another process.")
        elif event == "ctypes.dlopen":
            if args and args[0] is not None:
                refuse("loading a native library.")
        elif event in _FOREIGN_EVENTS:
            refuse("calling native code or inspecting the interpreter.")

    sys.addaudithook(hook)
