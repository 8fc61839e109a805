"""Kernels forked from the zygote: fresh, sandboxed, interruptible; and the lean nbgrader start-up."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap

import pytest

from clusterlab.grading import forkkernel
from clusterlab.grading.autograde import _kernelspec
from clusterlab.grading.kernel_zygote import Zygote


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


def test_interrupt_and_memory_limit_reach_a_forked_kernel(zygote, tmp_path):
    async def session():
        km = forkkernel.ForkKernelManager(kernel_name="python3")
        await km.start_kernel(cwd=str(tmp_path))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=30)
            msg_id = kc.execute("while True:\n    pass")
            await asyncio.sleep(1)
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


def test_lean_nbgrader_start_up():
    script = textwrap.dedent("""
        import os, sys, tempfile, zipfile
        from clusterlab.grading.startup import lean_nbgrader
        lean_nbgrader()
        import nbgrader, nbgrader.api, nbgrader.converters
        from nbgrader.utils import unpack_archive
        assert "jupyter_server" not in sys.modules and "pkg_resources" not in sys.modules
        assert nbgrader.__version__
        folder = tempfile.mkdtemp()
        with zipfile.ZipFile(os.path.join(folder, "a.zip"), "w") as archive:
            archive.writestr("answer.txt", "42")
        unpack_archive(os.path.join(folder, "a.zip"), os.path.join(folder, "out"))
        print(open(os.path.join(folder, "out", "answer.txt")).read())
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "42"


def test_cached_schema_validation_gives_the_same_errors(monkeypatch):
    import jsonschema
    from nbgrader.nbgraderformat import common
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    from clusterlab.grading.tuning import cache_schema_validation

    monkeypatch.setattr(common, "jsonschema", common.jsonschema)
    validator = MetadataValidatorV3()
    bad = {"schema_version": 3, "grade": "yes", "solution": False, "locked": True, "grade_id": "x"}
    good = {"schema_version": 3, "grade": True, "solution": False, "locked": True, "grade_id": "x", "points": 1}
    with pytest.raises(jsonschema.ValidationError) as plain:
        jsonschema.validate(bad, validator.schema)
    cache_schema_validation()
    assert common.jsonschema is not jsonschema
    for _ in range(2):
        with pytest.raises(jsonschema.ValidationError) as cached:
            common.jsonschema.validate(bad, validator.schema)
        assert cached.value.message == plain.value.message
        common.jsonschema.validate(good, validator.schema)


def test_a_forked_kernel_ends_with_its_zygote(zygote, tmp_path):
    process, _ = zygote

    async def session():
        km = forkkernel.ForkKernelManager(kernel_name="python3")
        await km.start_kernel(cwd=str(tmp_path))
        kernel = km.provisioner.process
        alive = kernel.poll() is None
        process.proc.kill()
        process.proc.wait()
        for _ in range(200):
            if kernel.poll() is not None:
                break
            await asyncio.sleep(0.05)
        await km.shutdown_kernel(now=True)
        return alive, kernel.poll()

    alive, code = asyncio.run(session())
    assert alive and code is not None
