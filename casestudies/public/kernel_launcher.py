"""How the public server starts a dashboard kernel: bounded, with no history, then plain ipykernel.

The staged kernel specification (see ``dashboards.stage``) runs::

    python -m clusterlab.casestudies.public.kernel_launcher --memory-mb N -f {connection_file}

which, before IPython starts:

* limits the kernel's memory (``RLIMIT_AS``, the address space, to ``N`` MB): a kernel that grows
  beyond it gets ``MemoryError`` in the request that asked for more (and the page a short message,
  never a traceback), while the server and the other visitors' kernels go on;
* limits its open files to 256 and forbids core dumps;
* turns off the IPython history database (``HistoryManager.enabled=False``): no kernel writes the
  notebook's code into a file shared with the others;
* turns off ipywidgets' echo of every update back to the page (``JUPYTER_WIDGETS_ECHO=0``): a
  page has one socket, so the echo only doubled what the kernel sends;
* keeps the numeric libraries to one thread each, so a kernel's memory stays what it uses.

then replaces itself with ``python -m ipykernel_launcher`` (the limits stay with the process).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

#: Environment the kernel starts with (added to what the server passes on).
KERNEL_ENV = {
    "JUPYTER_WIDGETS_ECHO": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}

MAX_OPEN_FILES = 256


def _lower(which: int, value: int) -> None:
    """Set the soft and hard limit ``which`` to ``value``, never above what the process may have."""
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def bound(memory_mb: int) -> None:
    """Apply the limits to this process (and so to the kernel it becomes)."""
    if memory_mb > 0:
        _lower(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    _lower(resource.RLIMIT_NOFILE, MAX_OPEN_FILES)
    _lower(resource.RLIMIT_CORE, 0)


def kernel_argv(connection_file: str) -> list[str]:
    return [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file,
            "--HistoryManager.enabled=False", "--HistoryManager.hist_file=:memory:"]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Start a bounded dashboard kernel.")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("-f", dest="connection_file", required=True)
    args = parser.parse_args(argv)
    bound(args.memory_mb)
    os.environ.update(KERNEL_ENV)
    os.execv(sys.executable, kernel_argv(args.connection_file))


if __name__ == "__main__":
    main()
