"""A pool of grading workers, each a long-lived subprocess; a job that overruns costs only itself.

Each slot of the pool is a thread that owns one worker process (see :mod:`clusterlab.grading.worker`).
When a job takes longer than its limit, or the worker dies, the slot ends that worker and everything
it started, reports the job as failed with the reason, and starts a fresh worker for the next job.
"""

from __future__ import annotations

import json
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
import time
from typing import Callable, Iterable

__all__ = ["WorkerPool"]


def _descendants(pid: int) -> list[int]:
    """Process ids of every descendant of ``pid`` (read from /proc; empty where there is none)."""
    children: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class _Slot:
    def __init__(self, command: list[str], env: dict, startup_timeout: float):
        self.command, self.env, self.startup_timeout = command, env, startup_timeout
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, env=self.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        ready = self.read(self.startup_timeout)
        if not ready or not ready.get("ready"):
            self.stop()
            raise RuntimeError("a grading worker did not start")

    def read(self, timeout: float) -> dict | None:
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line.strip() else None

    def run(self, job: dict, timeout: float) -> dict | None:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            return None
        answer = self.read(timeout)
        if answer is None:
            self.stop()
        return answer

    def stop(self) -> None:
        if self.proc is None:
            return
        for pid in _descendants(self.proc.pid) + [self.proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.proc = None


class WorkerPool:
    """Run jobs on ``size`` workers; ``on_result(job, answer)`` is called in the caller's thread."""

    def __init__(self, size: int, *, env: dict, prefix: Iterable[str] = (), startup_timeout: float = 120):
        self.size = max(1, size)
        self.command = [*prefix, sys.executable, "-m", "clusterlab.grading.worker"]
        self.env, self.startup_timeout = env, startup_timeout

    def run(self, jobs: list[dict], timeout: Callable[[dict], float], on_result: Callable[[dict, dict], None]) -> None:
        todo: queue.Queue = queue.Queue()
        done: queue.Queue = queue.Queue()
        for job in jobs:
            todo.put(job)

        def serve() -> None:
            slot = _Slot(self.command, self.env, self.startup_timeout)
            try:
                while True:
                    try:
                        job = todo.get_nowait()
                    except queue.Empty:
                        return
                    started = time.monotonic()
                    limit = timeout(job)
                    try:
                        answer = slot.run(job, limit)
                    except Exception as exc:  # a worker that cannot start fails its job, not the batch
                        answer = {"success": False, "error": f"worker failed: {exc}"}
                    if answer is None:
                        spent = time.monotonic() - started
                        reason = (f"stopped after {limit:.0f} s, the time limit for one submission"
                                  if spent >= limit - 0.5 else "the grading process ended unexpectedly")
                        answer = {"success": False, "error": reason, "limit_exceeded": spent >= limit - 0.5}
                    answer.setdefault("seconds", round(time.monotonic() - started, 3))
                    done.put((job, answer))
            finally:
                slot.stop()

        threads = [threading.Thread(target=serve, daemon=True) for _ in range(min(self.size, len(jobs)))]
        for thread in threads:
            thread.start()
        for _ in range(len(jobs)):
            job, answer = done.get()
            on_result(job, answer)
        for thread in threads:
            thread.join()
