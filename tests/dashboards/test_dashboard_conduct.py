"""Strikes and waits (``conduct``), the script check's tickets (``script_check``) and how the slots use
them (``visitors``), without a server, on a clock the test moves by hand. The live server is tested
against the same rules in ``test_misbehaving_clients.py``.
"""

from __future__ import annotations

import pytest

from clusterlab.casestudies.public.conduct import Conduct
from clusterlab.casestudies.public.script_check import COOKIE, LIFETIME, Tickets, opening_page, tickets_in
from clusterlab.casestudies.public.visitors import Visitors

from support.clock import Clock
from support.tickets import opening_ticket


# ------------------------------------------------------------------------------------------- conduct
def test_each_strike_doubles_the_wait_up_to_the_longest():
    clock = Clock()
    conduct = Conduct(first_wait=30, longest_wait=600, clock=clock)
    assert conduct.wait("a") == 0, "CONTROL: a client without strikes waits for nothing"
    waits = [conduct.strike("a") for _ in range(7)]
    assert waits == [30, 60, 120, 240, 480, 600, 600]
    assert conduct.wait("a") == 600
    assert conduct.wait("b") == 0, "another client is not held by a's strikes"


def test_the_wait_ends_when_its_time_is_over_and_not_before():
    clock = Clock()
    conduct = Conduct(first_wait=30, clock=clock)
    conduct.strike("a")
    clock.advance(29.5)
    assert conduct.wait("a") == pytest.approx(0.5)
    clock.advance(0.5)
    assert conduct.wait("a") == 0


def test_strikes_are_forgotten_after_a_quiet_spell():
    clock = Clock()
    conduct = Conduct(first_wait=30, memory=900, clock=clock)
    conduct.strike("a")
    conduct.strike("a")
    clock.advance(899)
    assert conduct.strike("a") == 120, "CONTROL: within the memory, strikes add up"
    clock.advance(900)
    assert conduct.strikes("a") == 0
    assert conduct.strike("a") == 30, "after a quiet spell the count starts again"


def test_old_records_are_dropped_and_the_table_is_bounded():
    clock = Clock()
    conduct = Conduct(first_wait=30, memory=900, max_clients=100, clock=clock)
    for i in range(250):
        conduct.strike(f"10.0.{i // 256}.{i % 256}")
    assert len(conduct) == 100, "the records are bounded, whatever the number of addresses"
    assert conduct.wait("10.0.0.249") > 0, "the most recent client is kept"
    clock.advance(901)
    conduct.forget_old()
    assert len(conduct) == 0


def test_thousands_of_strikes_keep_the_longest_wait():
    """The doubling stops growing: no overflow (a float overflow would stop the server's sweep for good)."""
    conduct = Conduct(first_wait=30.0, longest_wait=600, clock=Clock())
    waits = [conduct.strike("a") for _ in range(3000)]
    assert waits[-1] == 600 and conduct.wait("a") == 600


def test_a_strike_may_weigh_more():
    conduct = Conduct(first_wait=30, clock=Clock())
    assert conduct.strike("a", weight=2) == 60 and conduct.strikes("a") == 2
    assert conduct.strike("b") == 30, "CONTROL: one strike"


def test_no_waits_when_the_first_wait_is_zero():
    conduct = Conduct(first_wait=0)
    assert conduct.strike("a") == 0 and conduct.wait("a") == 0


# ------------------------------------------------------------------------------------ the tickets
def test_a_ticket_is_valid_for_its_client_and_page_only():
    clock = Clock(1_800_000_000)
    tickets = Tickets(clock=clock)
    ticket = tickets.issue("198.51.100.7", "/prato")
    assert tickets.valid(ticket, "198.51.100.7", "/prato"), "CONTROL: the ticket as issued is valid"
    assert not tickets.valid(ticket, "198.51.100.8", "/prato"), "another client"
    assert not tickets.valid(ticket, "198.51.100.7", "/igualada"), "another page"
    assert not Tickets(clock=clock).valid(ticket, "198.51.100.7", "/prato"), "another server (secret)"


def test_a_ticket_expires():
    clock = Clock(1_800_000_000)
    tickets = Tickets(clock=clock)
    ticket = tickets.issue("c", "/prato")
    clock.advance(LIFETIME - 1)
    assert tickets.valid(ticket, "c", "/prato")
    clock.advance(2)
    assert not tickets.valid(ticket, "c", "/prato")


@pytest.mark.parametrize("change", [
    lambda t: t.replace(t.split(".")[0], str(int(t.split(".")[0]) + 3600)),  # a later expiry, same signature
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature changed
    lambda t: t.split(".")[0],  # no signature
    lambda t: "." + t.split(".")[1],  # no expiry
    lambda t: "9" * 40 + "." + t.split(".")[1],
    lambda t: t + ".x",
    lambda t: "",
    lambda t: "x" * 500,
    lambda t: "\u00b2" + t,  # a digit to str.isdigit, not to int()
    lambda t: "\u0663" + t[1:],  # an Arabic-Indic digit
])
def test_a_forged_or_altered_ticket_is_refused(change):
    clock = Clock(1_800_000_000)
    tickets = Tickets(clock=clock)
    ticket = tickets.issue("c", "/prato")
    assert not tickets.valid(change(ticket), "c", "/prato")


def test_a_ticket_from_far_in_the_future_is_refused():
    clock = Clock(1_800_000_000)
    tickets = Tickets(secret=b"k" * 32, clock=clock)
    later = Tickets(secret=b"k" * 32, clock=Clock(1_800_000_000 + 3600)).issue("c", "/prato")
    assert not tickets.valid(later, "c", "/prato")


def test_every_ticket_cookie_of_a_request_is_read():
    assert tickets_in("a=1; clusterlab_ticket=1.x; b=2; clusterlab_ticket=2.y") == ["1.x", "2.y"]
    assert tickets_in(None) == [] and tickets_in("clusterlab_ticketx=1") == [] and tickets_in("junk") == []


def test_the_opening_page_carries_the_ticket_for_its_script_only():
    page = opening_page('1.ab"<', "/prato", "NONCE")
    assert 'nonce="NONCE"' in page and "<noscript>" in page
    assert '"<' not in page.split("data-ticket=")[1][:12], "the ticket is escaped in its attribute"
    assert opening_ticket(opening_page("123.abc", "/prato", "N")) == f"{COOKIE}=123.abc"
    assert "kernel" not in page.lower(), "the opening page names no kernel"


# ------------------------------------------------------------------------- the slots and strikes
def view(v: Visitors, client: str, kernel_id: str):
    slot = v.reserve(client)
    assert slot is not None
    v.attach(slot, kernel_id)
    v.page_sent(slot)
    return slot


def test_a_view_that_never_connects_is_a_strike_and_its_client_waits():
    clock = Clock()
    v = Visitors(max_kernels=10, per_client=0, connect_timeout=45, leave_grace=30,
                 conduct=Conduct(first_wait=30, clock=clock), clock=clock)
    view(v, "a", "k1")
    view(v, "b", "k2")
    v.socket_opened("k2")  # b's page connects
    clock.advance(45)
    assert v.sweep(["k1", "k2"]) == ["k1"]
    assert v.refusal("a") == "wait" and v.reserve("a") is None
    assert v.refusal("b") is None, "CONTROL: the client whose page connected may view again"
    clock.advance(30)
    assert v.refusal("a") is None, "after its wait the client may view again"


def test_a_visitor_who_leaves_is_not_struck():
    clock = Clock()
    v = Visitors(max_kernels=10, per_client=0, conduct=Conduct(first_wait=30, clock=clock), clock=clock)
    view(v, "a", "k1")
    v.socket_opened("k1")
    v.socket_closed("k1")
    clock.advance(30)
    assert v.sweep(["k1"]) == ["k1"]
    assert v.refusal("a") is None and v.conduct.strikes("a") == 0


def test_a_misbehaving_socket_is_a_strike_and_its_view_is_given_up():
    clock = Clock()
    v = Visitors(max_kernels=10, per_client=0, conduct=Conduct(first_wait=30, clock=clock), clock=clock)
    slot = view(v, "a", "k1")
    view(v, "a", "k2")
    v.socket_opened("k1")
    assert v.misbehaved("k1") == 60, "a socket cut off counts as two strikes"
    assert slot.released and v.slot_of("k1") is None, "the view is given up (its kernel is shut down)"
    assert not v.owns("k1", slot.token), "its page cannot connect again"
    assert v.misbehaved("k1") == 0, "a view given up is struck once"
    assert v.misbehaved("k2") == 240, "each view cut off is two more strikes"
    assert v.refusal("a") == "wait"
    assert v.misbehaved("unknown") == 0


def test_the_wait_is_said_before_full():
    clock = Clock()
    v = Visitors(max_kernels=1, per_client=0, conduct=Conduct(first_wait=30, clock=clock), clock=clock)
    view(v, "a", "k1")
    v.misbehaved("k1")  # its slot is free again
    view(v, "c", "k2")
    assert v.refusal("a") == "wait" and v.refusal("b") == "full"
