"""A pool of grading workers, each a long-lived subprocess; a job that overruns costs only itself.

Each slot of the pool is a thread that owns one worker process (see :mod:`clusterlab.grading.engine.worker`).
Workers start as soon as the pool starts, so they load nbgrader while the caller is still checking
submissions; jobs are handed over as they come (:meth:`WorkerPool.submit`), and answers come back in
the caller's thread (:meth:`WorkerPool.results`). When a job takes longer than its limit, or the worker
dies, the slot ends that worker and everything it started, reports the job as failed with the reason,
and starts a fresh worker for the next job.
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
from typing import Callable, Iterable, Iterator

from clusterlab.errors import ClusterlabError

from . import worker

__all__ = ["WorkerPool", "WorkerStartError"]

_STOP = object()


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


class WorkerStartError(ClusterlabError, RuntimeError):
    """A grading worker did not start; the job it was given fails with this reason."""


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
            raise WorkerStartError("a grading worker did not start")

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
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for pid in _descendants(proc.pid) + [proc.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except (OSError, ValueError):
                pass


class WorkerPool:
    """``size`` workers; ``timeout(job)`` is the limit of one job, in seconds.

    :meth:`start` it, :meth:`submit` jobs, read :meth:`results`, and :meth:`close` it (``abort=True``
    also ends every worker, with what it started, at once).
    """

    def __init__(self, size: int, *, env: dict, timeout: Callable[[dict], float], prefix: Iterable[str] = (),
                 startup_timeout: float = 120):
        self.size = max(1, size)
        self.command = [*prefix, sys.executable, "-m", worker.__name__]
        self.env, self.timeout, self.startup_timeout = env, timeout, startup_timeout
        self._todo: queue.Queue = queue.Queue()
        self._done: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._slots: list[_Slot] = []
        self._pending = 0
        self._closed = False

    def _serve(self) -> None:
        slot = _Slot(self.command, self.env, self.startup_timeout)
        self._slots.append(slot)
        try:
            try:
                slot.start()  # warm up before the first job arrives
            except Exception:
                pass  # tried again, and reported, with the first job
            while True:
                job = self._todo.get()
                if job is _STOP:
                    return
                started = time.monotonic()
                limit = self.timeout(job)
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
                self._done.put((job, answer))
        finally:
            slot.stop()

    def start(self) -> "WorkerPool":
        for _ in range(self.size):
            thread = threading.Thread(target=self._serve, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def submit(self, job: dict) -> None:
        self._pending += 1
        self._todo.put(job)

    def results(self) -> Iterator[tuple[dict, dict]]:
        """``(job, answer)`` for every job submitted so far, as they finish."""
        while self._pending:
            item = self._done.get()
            self._pending -= 1
            yield item

    def close(self, *, abort: bool = False) -> None:
        """Take no more jobs; with ``abort``, also end the workers at once (jobs running fail)."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._todo.put(_STOP)
        if abort:
            for slot in list(self._slots):
                slot.stop()
        for thread in self._threads:
            thread.join(timeout=30 if abort else None)
