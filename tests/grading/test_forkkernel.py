"""Kernels forked from the zygote: fresh, sandboxed, interruptible, and ended with their zygote."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import select
import warnings

import pytest

from clusterlab import patches
from clusterlab.grading.engine import forkkernel, worker
from clusterlab.grading.engine.autograde import _kernelspec
from clusterlab.grading.engine.kernel_zygote import FORKED_KERNELS, PRELOAD, Zygote, forked_kernels


@pytest.fixture
def zygote(tmp_path, monkeypatch):
    secret = tmp_path / "course"
    secret.mkdir()
    (secret / "keep.txt").write_text("secret")
    _kernelspec(tmp_path / "data")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "data"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("CLUSTERLAB_SANDBOX_MEMORY_MB", "1024")
    monkeypatch.setenv("CLUSTERLAB_SANDBOX_DENY_READ", str(secret))
    process = Zygote()
    assert process.usable(), "the zygote could not fork (a thread was started while it warmed up)"
    forkkernel.install(process)
    yield process, secret
    forkkernel.install(None)
    process.close()


async def _run(km, code: str, timeout: float = 20) -> dict:
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=30)
        reply = await kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
        if reply["content"]["status"] == "ok":
            probe = await kc.execute_interactive("", user_expressions={"out": "_result"}, timeout=timeout,
                                                 output_hook=lambda msg: None)
            return {"status": "ok", "value": probe["content"]["user_expressions"]["out"]["data"]["text/plain"]}
        return {"status": "error", "ename": reply["content"]["ename"], "evalue": reply["content"]["evalue"]}
    finally:
        kc.stop_channels()


async def _session(cwd, steps):
    km = forkkernel.ForkKernelManager(kernel_name="python3")
    await km.start_kernel(cwd=str(cwd))
    try:
        return [await _run(km, code) for code in steps], km.provisioner.process
    finally:
        await km.shutdown_kernel(now=True)


def test_each_kernel_is_a_fresh_sandboxed_fork(zygote, tmp_path):
    process, secret = zygote
    work = tmp_path / "work"
    work.mkdir()
    first, kernel = asyncio.run(_session(work, [
        "import os\nleft_behind = 42\n_result = os.getppid()",
        f"open({str(secret / 'new.txt')!r}, 'w')",
        f"open({str(secret / 'keep.txt')!r}).read()",
        "open('inside.txt', 'w').write('ok')\n_result = open('inside.txt').read()",
    ]))
    assert isinstance(kernel, forkkernel.ForkedKernel)
    assert first[0] == {"status": "ok", "value": str(process.proc.pid)}  # forked by the zygote
    assert first[1]["ename"] == "SandboxViolation" and first[2]["ename"] == "SandboxViolation"
    assert first[3] == {"status": "ok", "value": "'ok'"}
    assert not (secret / "new.txt").exists()
    second, other = asyncio.run(_session(work, ["_result = 'left_behind' in globals()"]))
    assert second[0] == {"status": "ok", "value": "False"}
    assert other.pid != kernel.pid and kernel.poll() is not None


async def _running(kc, msg_id: str) -> None:
    """Wait until the kernel has started to run the request ``msg_id`` (its ``execute_input``)."""
    while True:
        msg = await kc.get_iopub_msg(timeout=20)
        if msg["msg_type"] == "execute_input" and msg["parent_header"].get("msg_id") == msg_id:
            return


def test_interrupt_and_memory_limit_reach_a_forked_kernel(zygote, tmp_path):
    async def session():
        km = forkkernel.ForkKernelManager(kernel_name="python3")
        await km.start_kernel(cwd=str(tmp_path))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=30)
            # stop_on_error=False: the request after the interrupted one is run, not aborted
            msg_id = kc.execute("while True:\n    pass", stop_on_error=False)
            await _running(kc, msg_id)
            await km.interrupt_kernel()
            reply = await kc._async_get_shell_msg(timeout=20)
            assert reply["parent_header"]["msg_id"] == msg_id
            memory = await kc.execute_interactive("blob = bytearray(4 * 1024 ** 3)", timeout=20,
                                                  output_hook=lambda msg: None)
            return reply["content"]["ename"], memory["content"]["ename"]
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    assert asyncio.run(session()) == ("KeyboardInterrupt", "MemoryError")


@pytest.mark.parametrize("zygote_state", ["none", "dead"])
def test_without_a_zygote_kernels_start_the_usual_way(tmp_path, monkeypatch, zygote_state):
    _kernelspec(tmp_path / "data")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "data"))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    dead = None
    if zygote_state == "dead":
        dead = Zygote()
        dead.proc.kill()
        dead.proc.wait()
    forkkernel.install(dead)
    try:
        results, kernel = asyncio.run(_session(tmp_path, ["import os\n_result = os.getppid()"]))
    finally:
        forkkernel.install(None)
    assert not isinstance(kernel, forkkernel.ForkedKernel)
    assert results[0] == {"status": "ok", "value": str(os.getpid())}


def test_a_forked_kernel_ends_with_its_zygote(zygote, tmp_path):
    process, _ = zygote

    async def session():
        km = forkkernel.ForkKernelManager(kernel_name="python3")
        await km.start_kernel(cwd=str(tmp_path))
        kernel = km.provisioner.process
        alive = kernel.poll() is None
        ended = os.pidfd_open(kernel.pid)  # readable once that process has ended
        try:
            process.proc.kill()
            process.proc.wait()
            readable = select.select([ended], [], [], 20)[0]
        finally:
            os.close(ended)
        await km.shutdown_kernel(now=True)
        return alive, bool(readable), kernel.poll()

    alive, ended, code = asyncio.run(session())
    assert alive and ended and code is not None


def test_every_module_to_preload_exists():
    """The zygote and the worker name the modules they pre-import; a stale name would only cost time
    (the zygote skips it) or break every worker, so each must be found."""
    missing = [name for name in (*PRELOAD, *worker.WARM) if importlib.util.find_spec(name) is None]
    assert missing == []
    assert importlib.util.find_spec("clusterlab.grading.no_such_module") is None  # control


def test_forked_kernels_follow_the_switch_and_the_version(monkeypatch):
    assert forked_kernels()  # jupyter_client 8.10.0, patches on
    monkeypatch.setenv(patches.SWITCH, "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the switch is silent
        assert not forked_kernels()
    monkeypatch.delenv(patches.SWITCH)
    monkeypatch.setattr(patches, "installed_version", lambda package: "99.0")
    monkeypatch.setattr(patches, "_warned", set())
    with pytest.warns(patches.PatchWarning, match=FORKED_KERNELS):
        assert not forked_kernels()
