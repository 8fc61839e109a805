"""Clients whose views misbehave wait before their next view, longer each time.

A view of a case dashboard costs the server a kernel run (about three seconds of a processor). An
honest page connects to its kernel within seconds and sends only what its controls send. A view
that never connects (a script holding kernels), or whose socket the server had to close (frames
over the size limit, a stream of messages the server refuses, a page that stopped reading) is a
*strike* against its client (a socket cut off counts as two: no honest page is cut off, while a
page may fail to connect when its visitor closes it early). After a strike the client's next view
must wait: 30 s after the first, then twice as long after each further strike, at most 10 minutes;
strikes are forgotten 15 minutes after the last one. A client who waits gets the "busy" page with ``Retry-After``. So a
client that misbehaves costs the server a few kernel runs, then almost nothing; honest visitors
sharing its address (one office behind one router) are told how long to wait.

Plain Python with an injectable clock, like :class:`.visitors.Visitors`, which consults it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Conduct", "Record"]


@dataclass
class Record:
    strikes: int
    last: float  # when the last strike was
    until: float  # no new view before this time


class Conduct:
    """The strikes of each client (see the module's docstring)."""

    def __init__(self, first_wait: float = 30, longest_wait: float = 600, memory: float = 900,
                 max_clients: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self.first_wait = first_wait  # 0: strikes are not counted
        self.longest_wait = longest_wait
        self.memory = memory
        self.max_clients = max_clients
        self.clock = clock
        self._records: dict[str, Record] = {}

    def strike(self, client: str, weight: int = 1) -> float:
        """Count ``weight`` strikes against ``client``; return how long its next view must wait (seconds)."""
        if not self.first_wait:
            return 0.0
        now = self.clock()
        record = self._records.get(client)
        if record is None or now - record.last >= self.memory:
            record = Record(strikes=0, last=now, until=now)
        record.strikes += max(1, weight)
        record.last = now
        record.strikes = min(record.strikes, 64)  # the wait stops growing long before; the count too
        wait = min(self.longest_wait, self.first_wait * 2 ** min(record.strikes - 1, 30))
        record.until = max(record.until, now + wait)
        self._records.pop(client, None)
        self._records[client] = record  # the most recent last: the oldest go first when full
        if len(self._records) > self.max_clients:
            del self._records[next(iter(self._records))]
        return wait

    def wait(self, client: str) -> float:
        """Seconds before ``client`` may have a new view (0: now)."""
        record = self._records.get(client)
        return max(0.0, record.until - self.clock()) if record else 0.0

    def strikes(self, client: str) -> int:
        record = self._records.get(client)
        return record.strikes if record and self.clock() - record.last < self.memory else 0

    def forget_old(self) -> None:
        """Drop the records of clients with nothing to wait and no strike in :attr:`memory` seconds."""
        now = self.clock()
        for client in [c for c, r in self._records.items() if now >= r.until and now - r.last >= self.memory]:
            del self._records[client]

    def __len__(self) -> int:
        return len(self._records)
