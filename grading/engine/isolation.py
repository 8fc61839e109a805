"""Process isolation for grading workers: a private network (and process) namespace when possible.

On Linux, as root (or where unprivileged namespaces are allowed), ``unshare`` starts a worker with its
own network namespace, holding only a loopback interface: nothing the worker or its kernels start can
reach another machine or a service of this one. The worker is also the first process of its own
process namespace, so ending it ends every process a submission started. Where ``unshare`` is missing or
refused, workers run without it and rely on the kernel guard of :mod:`clusterlab.grading.engine.sandbox`.
"""

from __future__ import annotations

import fcntl
import functools
import shutil
import socket
import struct
import subprocess

__all__ = ["namespace_prefix", "loopback_up", "describe"]

_UNSHARE = ["--net", "--pid", "--fork", "--kill-child"]
_SIOCGIFFLAGS, _SIOCSIFFLAGS, _IFF_UP = 0x8913, 0x8914, 0x1


@functools.lru_cache(maxsize=None)
def namespace_prefix() -> tuple[str, ...]:
    """The command prefix that starts a process in fresh namespaces, or ``()`` when unavailable."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    try:
        probe = subprocess.run([unshare, *_UNSHARE, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ()
    return (unshare, *_UNSHARE, "--") if probe.returncode == 0 else ()


def loopback_up() -> bool:
    """Bring up the loopback interface of the current network namespace (needs CAP_NET_ADMIN)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            request = struct.pack("16sH14x", b"lo", 0)
            flags = struct.unpack("16sH14x", fcntl.ioctl(sock, _SIOCGIFFLAGS, request))[1]
            fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | _IFF_UP))
        return True
    except OSError:
        return False


def describe() -> str:
    """One line saying which isolation grading uses on this machine."""
    if namespace_prefix():
        return "network and process namespaces (unshare) plus the kernel guard"
    return "the kernel guard only (unshare is not available here)"
