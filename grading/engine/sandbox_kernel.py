"""A Python kernel with the grading limits: ``python -m clusterlab.grading.engine.sandbox_kernel -f FILE``.

The autograder's workers register this as the ``python3`` kernel, so every submission runs in it.
Settings come from environment variables set by the worker:

- ``CLUSTERLAB_SANDBOX_MEMORY_MB``: address-space limit of the kernel (MB);
- ``CLUSTERLAB_SANDBOX_CPU_SECONDS``: CPU time after which the kernel is stopped;
- ``CLUSTERLAB_SANDBOX_FILE_MB``: the largest file the kernel may write (MB);
- ``CLUSTERLAB_SANDBOX_DENY_READ``: folders (separated by ``os.pathsep``) the kernel may not read.

The kernel starts, then the guard of :mod:`clusterlab.grading.engine.sandbox` is installed with the kernel's
working folder (the submission's folder) and a private temporary folder as the only writable places.
The workers usually run :func:`main` in a process forked from :mod:`clusterlab.grading.engine.kernel_zygote`
rather than as a new program: the limits and the guard are the same. The guard and the limits are
security measures, not speed patches: ``CLUSTERLAB_NO_PATCHES`` does not change them.
"""

from __future__ import annotations

import os
import sys
import tempfile

from .sandbox import apply_limits, lock_down


def _int_env(name: str) -> int | None:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else None


def main(argv: list[str] | None = None) -> None:
    apply_limits(memory_mb=_int_env("CLUSTERLAB_SANDBOX_MEMORY_MB"),
                 cpu_seconds=_int_env("CLUSTERLAB_SANDBOX_CPU_SECONDS"),
                 file_mb=_int_env("CLUSTERLAB_SANDBOX_FILE_MB"))
    folder = os.getcwd()
    scratch = tempfile.mkdtemp(prefix="kernel-tmp-")
    os.environ["TMPDIR"] = scratch
    tempfile.tempdir = scratch

    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:] if argv is None else argv)
    deny = [p for p in os.environ.get("CLUSTERLAB_SANDBOX_DENY_READ", "").split(os.pathsep) if p]
    lock_down([folder, scratch], deny)
    app.start()


if __name__ == "__main__":
    main()
