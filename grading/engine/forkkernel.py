"""The worker's side of :mod:`clusterlab.grading.engine.kernel_zygote`: kernels forked instead of launched.

:class:`ForkProvisioner` is a ``jupyter_client`` provisioner that asks the zygote for a kernel when
the command is the grading sandbox kernel, and launches it the usual way otherwise (or when the zygote
is unavailable). :class:`SandboxExecute` is nbgrader's ``Execute`` preprocessor with a kernel manager
that uses it. Everything else (connection files, ports, interrupts on time-out, shutdown) is
jupyter_client's own: the provisioner only replaces ``Popen`` by a fork, and signals go to the
kernel's process group, as they do for a launched kernel.

This is a speed patch on jupyter_client's internals (a provisioner's ``process`` that is not a
``Popen``, ``AsyncKernelManager._async_pre_start_kernel``, the client's ``_async_is_alive`` and
``_handle_kernel_info_reply``), written for jupyter_client 8.10.0: workers use it only when
:func:`clusterlab.grading.engine.kernel_zygote.forked_kernels` says it fits (see there).
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import subprocess
import sys
import time
import uuid
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbgrader.preprocessors import Execute

from . import sandbox_kernel
from .kernel_zygote import Zygote

__all__ = ["ForkedKernel", "ForkProvisioner", "ForkKernelManager", "QuickStartClient", "SandboxExecute", "install"]

KERNEL_MODULE = sandbox_kernel.__name__
_CURRENT: Zygote | None = None


@functools.lru_cache(maxsize=None)
def _own_proc() -> bool:
    """True when /proc shows this process's PID namespace (not so inside ``unshare --pid`` alone)."""
    try:
        return int(os.readlink("/proc/self")) == os.getpid()
    except (OSError, ValueError):
        return False


def _start_time(pid: int) -> str | None:
    """The start time of a running process (``""`` when /proc cannot tell), or None if it is gone."""
    try:
        os.kill(pid, 0)  # works with this namespace's process ids, unlike a foreign /proc
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    if not _own_proc():
        return ""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return None if fields[0] == b"Z" else fields[19].decode()
    except (OSError, IndexError):
        return None


class ForkedKernel:
    """Enough of ``subprocess.Popen`` for jupyter_client, for a kernel that is not our child."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None
        self._start = _start_time(pid)

    def poll(self) -> int | None:
        if self.returncode is None and (self._start is None or _start_time(self.pid) != self._start):
            self.returncode = -signal.SIGKILL  # the zygote reaps it; its exit status is not known here
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout)
            time.sleep(0.005)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _kernel_argv(cmd: list[str]) -> list[str] | None:
    """The sandbox kernel's own arguments when ``cmd`` starts it with this Python, else None."""
    if not cmd or os.path.realpath(cmd[0]) != os.path.realpath(sys.executable):
        return None
    for i in range(len(cmd) - 1):
        if cmd[i] == "-m" and cmd[i + 1] == KERNEL_MODULE:
            return list(cmd[i + 2:])
    return None


class ForkProvisioner(LocalProvisioner):
    """Start the grading sandbox kernel by a fork of the zygote, anything else with ``Popen``."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        argv, zygote = _kernel_argv(cmd), _CURRENT
        if argv is None or zygote is None:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        try:
            pid = zygote.spawn(argv, env, cwd)
        except (OSError, RuntimeError, ValueError):
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid  # the child leads its own session and process group
        self.cwd = cwd
        return self.connection_info

    async def wait(self):
        if isinstance(self.process, ForkedKernel):
            while self.process.poll() is None:
                await asyncio.sleep(0.005)
            code, self.process = self.process.returncode, None
            return code
        return await super().wait()


class QuickStartClient(AsyncKernelClient):
    """jupyter_client's client, except that waiting for a new kernel ends after 20 ms without a message
    on IOPub instead of 200 ms (those are the start-up's status messages; cells' outputs are matched
    to their request anyway)."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub is connected once the reply's status message arrives
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                break


class ForkKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` whose kernels come from :class:`ForkProvisioner`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_factory = QuickStartClient

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = ForkProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


class SandboxExecute(Execute):
    """nbgrader's ``Execute`` with :class:`ForkKernelManager` (its configuration applies unchanged)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", ForkKernelManager)
        super().__init__(*args, **kwargs)


def install(zygote: Zygote | None) -> None:
    """Use ``zygote`` for the kernels this process starts from now on (``None``: launch as usual)."""
    global _CURRENT
    _CURRENT = zygote
