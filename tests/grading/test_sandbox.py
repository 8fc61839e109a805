"""The kernel guard, tried in a separate interpreter (an audit hook cannot be removed)."""

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import os, sys, socket, subprocess
    from clusterlab.grading.engine.sandbox import lock_down, SandboxViolation, apply_limits
    folder, secret = sys.argv[1], sys.argv[2]
    apply_limits(memory_mb=1024)
    os.chdir(folder)
    lock_down([folder], [secret])
    def attempt(name, action):
        try:
            action()
            print(name, "allowed")
        except SandboxViolation:
            print(name, "blocked")
        except MemoryError:
            print(name, "memory")
        except OSError as exc:
            print(name, "oserror")
    attempt("write-inside", lambda: open("inside.txt", "w").write("ok"))
    attempt("write-outside", lambda: open(os.path.join(secret, "..", "outside.txt"), "w"))
    attempt("write-parent", lambda: open("../escape.txt", "w"))
    attempt("os-open-outside", lambda: os.open(os.path.join(secret, "x"), os.O_CREAT | os.O_WRONLY))
    attempt("remove-outside", lambda: os.remove(os.path.join(secret, "keep.txt")))
    attempt("read-secret", lambda: open(os.path.join(secret, "keep.txt")).read())
    attempt("read-library", lambda: open(os.__file__).read(10))
    attempt("connect-loopback", lambda: socket.create_connection(("127.0.0.1", 9), timeout=1))
    attempt("connect-remote", lambda: socket.create_connection(("192.0.2.1", 80), timeout=1))
    attempt("subprocess", lambda: subprocess.run(["true"]))
    attempt("system", lambda: os.system("true"))
    attempt("big-allocation", lambda: bytearray(10 * 1024 ** 3))
    attempt("ctypes", lambda: __import__("ctypes").CDLL(None).system)
    attempt("sqlite-outside", lambda: __import__("sqlite3").connect(os.path.join(secret, "x.db")))
""")


@pytest.fixture
def outcome(tmp_path):
    folder, secret = tmp_path / "submission", tmp_path / "course"
    folder.mkdir()
    secret.mkdir()
    (secret / "keep.txt").write_text("secret")
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(folder), str(secret)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert (secret / "keep.txt").exists() and not (tmp_path / "outside.txt").exists()
    assert not (tmp_path / "escape.txt").exists()
    return dict(line.split() for line in run.stdout.splitlines())


def test_writes_inside_allowed(outcome):
    assert outcome["write-inside"] == "allowed"
    assert outcome["read-library"] == "allowed"


@pytest.mark.parametrize("action", ["write-outside", "write-parent", "os-open-outside", "remove-outside",
                                    "read-secret", "connect-loopback", "connect-remote", "subprocess",
                                    "system", "ctypes", "sqlite-outside"])
def test_blocked(outcome, action):
    assert outcome[action] == "blocked"


def test_memory_limit(outcome):
    assert outcome["big-allocation"] == "memory"
