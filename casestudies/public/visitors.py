"""Who holds which kernel on the public server: a slot per dashboard view, reserved before the kernel starts.

Every view of a case dashboard needs a kernel of its own. :class:`Visitors` keeps one
:class:`Slot` per view and is the only place that decides whether a view may start one:

* **the cap holds under concurrent requests**: :meth:`Visitors.reserve` checks and takes a slot
  in one step, with no ``await`` in between (the server runs one event loop), before Voila starts
  the kernel; the slot is given back when the kernel ends, or at once when the page fails;
* **a limit per client address** (:attr:`Visitors.per_client`), with the address a trusted proxy
  forwards when one is configured (:func:`client_address`), so that one client cannot take every
  slot;
* **a kernel belongs to the browser that asked for it**: the view's slot holds a random token
  the page receives as a cookie (``HttpOnly``, ``SameSite=Strict``); the kernel's websocket,
  ``GET /api/kernels/<id>`` and the shutdown request answer only with that cookie, so knowing
  another visitor's kernel id gives neither their traffic nor their shutdown;
* **kernels nobody uses are released**: one whose page never connects within
  :attr:`Visitors.connect_timeout` seconds (a script holding kernels), one whose socket has been
  closed for :attr:`Visitors.leave_grace` seconds (a visitor who left without the page's shutdown
  request), and one whose kernel died or was culled;
* **a client whose views misbehave waits**: a view that never connected, or whose socket the
  server closed for misbehaving (:meth:`Visitors.misbehaved`), is a strike against its client, who
  must then wait before the next view (:class:`.conduct.Conduct`).

The registry is plain Python with an injectable clock, so the tests can drive it directly; the
server calls :meth:`Visitors.sweep` every few seconds and shuts down what it returns.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .conduct import Conduct

#: The cookie that ties a page to its kernel (one per browser; holds no personal data).
COOKIE = "clusterlab_view"

__all__ = ["COOKIE", "Slot", "Visitors", "client_address", "client_key", "parse_networks"]


@dataclass
class Slot:
    """One dashboard view: its client, its browser's token, its kernel once started."""

    client: str
    token: str
    reserved_at: float
    kernel_id: str | None = None
    page_sent_at: float | None = None  # when the page was fully sent (the connect timer starts)
    sockets: int = 0
    closed_at: float | None = None  # when its last socket closed
    ever_connected: bool = False
    budget: Any = None  # what its page may still send (``kernel_messages.Budget``), kept across its sockets
    released: bool = field(default=False, repr=False)


class Visitors:
    """The slots of the visitors' kernels (see the module's docstring)."""

    def __init__(self, max_kernels: int = 20, per_client: int = 4, connect_timeout: float = 45,
                 leave_grace: float = 30, sockets_per_kernel: int = 1, conduct: Conduct | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.max_kernels = max_kernels  # 0: no limit
        self.per_client = per_client  # 0: no limit
        self.connect_timeout = connect_timeout
        self.leave_grace = leave_grace
        self.sockets_per_kernel = sockets_per_kernel
        self.clock = clock
        self.conduct = conduct if conduct is not None else Conduct(clock=clock)
        self._slots: list[Slot] = []
        self._by_kernel: dict[str, Slot] = {}

    # -- reserving ---------------------------------------------------------------------------------
    def active(self) -> int:
        return len(self._slots)

    def of_client(self, client: str) -> int:
        return sum(1 for s in self._slots if s.client == client)

    def refusal(self, client: str) -> str | None:
        """Why a new view from ``client`` cannot have a kernel now ("wait", "full", "client"), or None."""
        if self.conduct.wait(client) > 0:
            return "wait"
        if self.max_kernels and len(self._slots) >= self.max_kernels:
            return "full"
        if self.per_client and self.of_client(client) >= self.per_client:
            return "client"
        return None

    def reserve(self, client: str, token: str | None = None) -> Slot | None:
        """A slot for a new view from ``client``, or None when the server or this client is at its limit.

        Synchronous on purpose: nothing can run between the check and the reservation.
        """
        if self.refusal(client):
            return None
        slot = Slot(client=client, token=token or new_token(), reserved_at=self.clock())
        self._slots.append(slot)
        return slot

    def attach(self, slot: Slot, kernel_id: str) -> None:
        """The kernel Voila started (or took from its pool) for this view."""
        if slot.released:
            return
        slot.kernel_id = kernel_id
        self._by_kernel[kernel_id] = slot

    def page_sent(self, slot: Slot) -> None:
        """The page is fully sent: from now on it has ``connect_timeout`` seconds to connect."""
        slot.page_sent_at = self.clock()

    def release(self, slot: Slot) -> None:
        """Give the slot back (idempotent)."""
        if slot.released:
            return
        slot.released = True
        self._slots.remove(slot)
        if slot.kernel_id and self._by_kernel.get(slot.kernel_id) is slot:
            del self._by_kernel[slot.kernel_id]

    # -- the kernel's owner ----------------------------------------------------------------------
    def slot_of(self, kernel_id: str) -> Slot | None:
        return self._by_kernel.get(kernel_id)

    def owns(self, kernel_id: str, token: str | None) -> bool:
        """Whether ``token`` (the request's cookie) is the token of the view that holds ``kernel_id``."""
        slot = self._by_kernel.get(kernel_id)
        return bool(slot and token and hmac.compare_digest(slot.token.encode(), token.encode()))

    def socket_opened(self, kernel_id: str) -> bool:
        """Count a new socket on the kernel; False (and nothing counted) when it already has its share."""
        slot = self._by_kernel.get(kernel_id)
        if slot is None or slot.sockets >= self.sockets_per_kernel:
            return False
        slot.sockets += 1
        slot.ever_connected = True
        slot.closed_at = None
        return True

    def socket_closed(self, kernel_id: str) -> None:
        slot = self._by_kernel.get(kernel_id)
        if slot is None:
            return
        slot.sockets = max(0, slot.sockets - 1)
        if slot.sockets == 0:
            slot.closed_at = self.clock()

    def misbehaved(self, kernel_id: str) -> float:
        """The server closed the socket of ``kernel_id``'s page for misbehaving: a strike against its
        client, and the view's slot released (the caller shuts its kernel down, so that the page
        cannot connect again and go on); returns how long the client's next view must wait."""
        slot = self._by_kernel.get(kernel_id)
        if slot is None:
            return 0.0
        wait = self.conduct.strike(slot.client, weight=2)  # never an honest page's doing
        self.release(slot)
        return wait

    # -- housekeeping ------------------------------------------------------------------------------
    def sweep(self, running: Iterable[str]) -> list[str]:
        """Release the slots whose kernel is gone; return the kernels to shut down (and release them).

        ``running``: the ids of the kernels the server runs now. A kernel is shut down when its page
        was sent ``connect_timeout`` seconds ago and never connected (a strike against its client),
        or when its last socket closed ``leave_grace`` seconds ago.
        """
        now, alive, stop = self.clock(), set(running), []
        for slot in list(self._slots):
            if slot.kernel_id is None:
                continue  # the page is still being made; the handler releases it if that fails
            if slot.kernel_id not in alive:
                self.release(slot)
            elif not slot.ever_connected and slot.page_sent_at is not None \
                    and now - slot.page_sent_at >= self.connect_timeout:
                self.conduct.strike(slot.client)
                stop.append(slot.kernel_id)
                self.release(slot)
            elif slot.sockets == 0 and slot.closed_at is not None and now - slot.closed_at >= self.leave_grace:
                stop.append(slot.kernel_id)
                self.release(slot)
        self.conduct.forget_old()
        return stop


def new_token() -> str:
    return secrets.token_urlsafe(24)


def parse_networks(values: Iterable[str]) -> tuple:
    """The trusted proxies' addresses or networks (``10.0.0.5``, ``10.0.0.0/24``); ValueError names a bad one."""
    nets = []
    for value in values:
        try:
            nets.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network (for example 10.0.0.5 or "
                             "10.0.0.0/24)") from None
    return tuple(nets)


def _ip(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_key(address: str) -> str:
    """What the per-client limit counts: the address, or for IPv6 its /64 network (one subscriber
    commonly holds a whole /64, so counting single IPv6 addresses would set no limit)."""
    ip = _ip(address)
    if ip is not None and ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


def client_address(remote_ip: str, forwarded_for: str | None, trusted: tuple) -> str:
    """The visitor's address: ``remote_ip``, or, when that is a trusted proxy, the last address in
    ``X-Forwarded-For`` that is not itself a trusted proxy (the header's earlier entries are the
    client's to write, so they are not believed)."""
    ip = _ip(remote_ip)
    if ip is None or not trusted or not any(ip in net for net in trusted):
        return remote_ip
    for part in reversed((forwarded_for or "").split(",")):
        hop = _ip(part)
        if hop is None:
            return remote_ip  # a malformed header: keep the proxy's own address
        if not any(hop in net for net in trusted):
            return str(hop)
    return remote_ip
