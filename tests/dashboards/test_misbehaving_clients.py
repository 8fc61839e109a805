"""The script check and the waits after misbehaving, against the running public server.

One server, ``clusterlab dashboards --connect-timeout 2 --strike-wait 30 --trusted-proxy 127.0.0.1
--max-per-client 0``: each test speaks for clients of its own (``X-Forwarded-For``, believed from
the trusted proxy on loopback), so that one test's strikes do not hold another's. Each check has a
CONTROL: a client that behaves is served, a valid ticket does start a kernel.
"""

from __future__ import annotations

import json
import time

import pytest

from clusterlab.casestudies.public.message_budget import REFUSED_LIMIT
from clusterlab.casestudies.public.script_check import COOKIE

from support.kernel_wire import message
from support.public_server import (
    CASE,
    Closed,
    as_view,
    leave,
    log_count,
    open_socket,
    request,
    wait_for,
    ws_status,
)
from support.servers import start_dashboards
from support.tickets import opening_ticket

pytestmark = pytest.mark.slow

STARTED = "Kernel started"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("misbehaving") / "server.log"
    server = start_dashboards(log, args=("--connect-timeout", "2", "--strike-wait", "30", "--max-per-client", "0",
                                         "--trusted-proxy", "127.0.0.1"))
    try:
        yield server
    finally:
        server.stop()


def client(n: int) -> dict:
    """Headers that make a request come from client ``n`` (through the trusted proxy)."""
    return {"X-Forwarded-For": f"192.0.2.{n}"}


def view_as(server, n: int, path: str = CASE):
    return as_view(request(server, path, headers=client(n)))


def started(server) -> int:
    return log_count(server, STARTED)


# ----------------------------------------------------------------------------------- the script check
def test_a_plain_get_gets_the_opening_page_and_starts_no_kernel(server):
    before = started(server)
    page = request(server, "/prato", headers=client(1), ticket=False)
    assert page.status == 200
    assert opening_ticket(page.body), "no ticket on the opening page"
    assert "<noscript>" in page.body and "jupyter-config-data" not in page.body
    assert page.header("Cache-Control") == "no-store"
    assert "nonce-" in page.header("Content-Security-Policy")
    assert "clusterlab_view" not in page.cookies, "the opening page holds no slot"
    for _ in range(5):
        request(server, "/prato", headers=client(1), ticket=False)
    time.sleep(1.0)
    assert started(server) == before, "a plain GET started a kernel"
    # CONTROL: the same client with the page's ticket gets the dashboard and its kernel
    view = view_as(server, 1, "/prato")
    try:
        assert wait_for(lambda: started(server) == before + 1, 10)
    finally:
        leave(server, view)


def test_a_ticket_serves_its_client_and_page_only(server):
    first = request(server, "/prato", headers=client(2), ticket=False)
    pair = opening_ticket(first.body)
    name, ticket = pair.split("=", 1)
    assert name == COOKIE
    before = started(server)
    refused = [
        {**client(3), "Cookie": pair},  # another client
        {**client(2), "Cookie": f"{COOKIE}={ticket[:-2]}xx"},  # altered
        {**client(2), "Cookie": f"{COOKIE}={int(ticket.split('.')[0]) + 600}.{ticket.split('.')[1]}"},
    ]
    for headers in refused:
        again = request(server, "/prato", headers=headers, ticket=False)
        assert opening_ticket(again.body), f"a bad ticket was accepted: {headers}"
    other_page = request(server, "/igualada", headers={**client(2), "Cookie": pair}, ticket=False)
    assert opening_ticket(other_page.body), "a ticket for /prato opened /igualada"
    assert started(server) == before
    # CONTROL: the ticket as given, by its client, for its page
    served = request(server, "/prato", headers={**client(2), "Cookie": pair}, ticket=False)
    view = as_view(served)
    leave(server, view)


# ----------------------------------------------------------------------------------------- strikes
def busy_wait(resp) -> int:
    assert resp.status == 429, (resp.status, resp.body[:300])
    assert "try again in" in resp.body and "Traceback" not in resp.body
    return int(resp.header("Retry-After"))


def test_a_view_that_never_connects_makes_its_client_wait(server):
    view_as(server, 10)  # never connects
    behaving = view_as(server, 11)
    with open_socket(server, behaving) as ks:
        assert ks.kernel_info()
        # the connect timeout (2 s) passes, and the server's sweep (every 5 s) gives the kernel up
        time.sleep(9)  # (asking for a view meanwhile would be another view that never connects)
        retry = busy_wait(request(server, CASE, headers=client(10)))
        assert 1 <= retry <= 30
        # CONTROL: the client whose page connected is served
        other = view_as(server, 11)
        leave(server, other)
    leave(server, behaving)


def test_a_socket_that_keeps_sending_refused_messages_makes_its_client_wait(server):
    bad, good = view_as(server, 20), view_as(server, 21)
    try:
        with open_socket(server, bad) as ks:
            refused = json.dumps(message("execute_request", {"code": "1"}))
            for _ in range(REFUSED_LIMIT + 5):
                try:
                    ks.send_raw(refused)
                except Exception:  # closed by the server already
                    break
            with pytest.raises(Closed):
                ks.until(lambda m: False, 20, "the socket to close")
        with open_socket(server, good) as ks:  # CONTROL: a socket that behaves
            assert ks.kernel_info()
        busy_wait(request(server, CASE, headers=client(20)))
        view = view_as(server, 21)  # CONTROL
        leave(server, view)
        # the view is given up: its page cannot connect again
        assert ws_status(server, bad, bad.cookie) == 403
    finally:
        leave(server, bad)
        leave(server, good)


def test_an_oversized_frame_makes_its_client_wait(server):
    bad = view_as(server, 30)
    try:
        with open_socket(server, bad) as ks:
            ks.send(message("kernel_info_request", {"padding": "x" * 70_000}))
            with pytest.raises(Closed):
                ks.until(lambda m: False, 20, "the socket to close")
        assert wait_for(lambda: log_count(server, "it sent a frame over") >= 1, 10)
        busy_wait(request(server, CASE, headers=client(30)))
        # CONTROL: a frame just under the limit is no strike
        fine = view_as(server, 31)
        with open_socket(server, fine) as ks:
            ks.reply_to(ks.send(message("kernel_info_request", {"padding": "x" * 60_000})), "kernel_info_reply")
        leave(server, fine)
        view = view_as(server, 31)
        leave(server, view)
    finally:
        leave(server, bad)


def full_states_answered(ks, control: str, asks: int) -> int:
    """Ask ``asks`` times for every widget's state; how many answers came (read until quiet)."""
    for _ in range(asks):
        ks.send(message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}))
    deadline, last = time.monotonic() + 60, time.monotonic()
    while time.monotonic() - last < 3 and time.monotonic() < deadline:
        if ks.recv(0.25) is not None:
            last = time.monotonic()
    return sum(1 for m in ks.seen if m["header"]["msg_type"] == "comm_msg"
               and m["content"].get("comm_id") == control
               and m["content"]["data"].get("method") == "update_states")


def test_connecting_again_does_not_renew_the_views_budget(server):
    """The costly requests (every widget's state, 4 times) are counted per view, not per socket: a page
    that connects again gets no more."""
    view = view_as(server, 50)
    try:
        with open_socket(server, view) as ks:
            control, _ = ks.open_control()
            assert full_states_answered(ks, control, 6) == 4
        with open_socket(server, view) as ks:
            control, _ = ks.open_control()
            assert full_states_answered(ks, control, 2) == 0, "a new socket renewed the view's budget"
            assert ks.kernel_info(), "the socket itself goes on"
        other = view_as(server, 51)  # CONTROL: another view has a budget of its own
        try:
            with open_socket(server, other) as ks:
                control, _ = ks.open_control()
                assert full_states_answered(ks, control, 1) == 1
        finally:
            leave(server, other)
    finally:
        leave(server, view)


def test_a_visitor_who_leaves_while_the_page_is_made_is_not_struck(server):
    """Closing the tab (or going back) while the dashboard is being made releases its kernel, with no
    wait for the address; the page that arrived but never connected (CONTROL, above) is struck."""
    import http.client

    first = request(server, CASE, headers=client(70), ticket=False)
    pair = opening_ticket(first.body)
    before = log_count(server, "Kernel shutdown")
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", CASE, headers={**client(70), "Cookie": pair})
    time.sleep(0.5)  # the kernel is starting
    conn.sock.close()  # the visitor leaves before the page is sent
    assert wait_for(lambda: log_count(server, "Kernel shutdown") > before, 60), "the kernel was not shut down"
    time.sleep(8)  # past the connect timeout and a sweep
    view = view_as(server, 70)  # no wait for this address
    leave(server, view)
