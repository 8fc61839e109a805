"""The public server's bookkeeping, without a server: kernel slots (``visitors``), the Host allow-list
(``edges``), the per-socket message budget, the open-file arithmetic and the kernel's limits.

Everything here is plain Python driven with a fake clock, so each rule is checked at its edges
(just before and just after a timeout) in milliseconds. The live server is tested against the same
rules in ``test_hostile_visitors.py``.
"""

from __future__ import annotations

import ipaddress
import json
import resource
import subprocess
import sys
import textwrap

import pytest

from clusterlab.casestudies.public import edges, kernel_launcher, server
from clusterlab.casestudies.public.message_budget import Budget
from clusterlab.casestudies.public.visitors import Visitors, client_address, parse_networks

from support.clock import Clock


def visitors(**kwargs) -> tuple[Visitors, Clock]:
    clock = Clock()
    options = {"max_kernels": 4, "per_client": 0, "connect_timeout": 45, "leave_grace": 30, **kwargs}
    return Visitors(clock=clock, **options), clock


def served(v: Visitors, client: str, kernel_id: str, token: str | None = None):
    """A view whose page was made and sent: slot reserved, kernel attached, page sent."""
    slot = v.reserve(client, token)
    assert slot is not None
    v.attach(slot, kernel_id)
    v.page_sent(slot)
    return slot


# ---------------------------------------------------------------------------------- the kernel cap
def test_the_cap_holds_across_many_reservations():
    v, _ = visitors(max_kernels=4)
    slots = [v.reserve(f"10.0.0.{i}") for i in range(100)]
    granted = [s for s in slots if s is not None]
    assert len(granted) == 4 and v.active() == 4
    assert v.refusal("10.0.0.200") == "full"
    v.release(granted[0])
    assert v.reserve("10.0.0.200") is not None, "a released slot is not given to the next visitor"
    assert v.reserve("10.0.0.201") is None and v.active() == 4


def test_tokens_are_random_and_a_browser_keeps_its_own():
    v, _ = visitors(max_kernels=0)
    tokens = {v.reserve("10.0.0.1").token for _ in range(50)}
    assert len(tokens) == 50 and all(len(t) >= 24 for t in tokens)
    assert v.reserve("10.0.0.1", "my-browser").token == "my-browser"


def test_no_cap_when_zero():
    v, _ = visitors(max_kernels=0)
    assert all(v.reserve("10.0.0.1") for _ in range(200))
    assert v.active() == 200


def test_per_client_limit():
    v, _ = visitors(max_kernels=10, per_client=2)
    a = [v.reserve("10.0.0.1") for _ in range(3)]
    assert a[0] and a[1] and a[2] is None
    assert v.refusal("10.0.0.1") == "client"
    assert v.reserve("10.0.0.2") is not None, "another client is refused by the first one's limit"
    v.release(a[0])
    assert v.refusal("10.0.0.1") is None and v.reserve("10.0.0.1") is not None


def test_full_is_said_before_client():
    v, _ = visitors(max_kernels=2, per_client=2)
    v.reserve("10.0.0.1"), v.reserve("10.0.0.1")
    assert v.refusal("10.0.0.1") == "full" and v.refusal("10.0.0.9") == "full"


def test_release_is_idempotent():
    v, _ = visitors(max_kernels=2)
    a, b = served(v, "c", "k-a"), served(v, "c", "k-b")
    v.release(a)
    v.release(a)
    v.release(a)
    assert v.active() == 1 and v.slot_of("k-b") is b and v.slot_of("k-a") is None
    assert v.reserve("c") is not None and v.reserve("c") is None, "a double release freed two slots"


def test_attach_after_release_is_ignored():
    v, _ = visitors()
    slot = v.reserve("c")
    v.release(slot)
    v.attach(slot, "late-kernel")
    assert v.slot_of("late-kernel") is None and slot.kernel_id is None
    assert not v.owns("late-kernel", slot.token)
    assert v.sweep(["late-kernel"]) == [] and v.active() == 0


def test_owns_only_with_the_views_token():
    v, _ = visitors()
    slot = served(v, "c", "k1")
    assert v.owns("k1", slot.token)
    assert not v.owns("k1", None)
    assert not v.owns("k1", "")
    assert not v.owns("k1", slot.token + "x")
    assert not v.owns("k1", slot.token[:-1])
    assert not v.owns("k1", "wrong")
    assert not v.owns("other-kernel", slot.token)
    other = served(v, "c2", "k2")
    assert not v.owns("k1", other.token) and not v.owns("k2", slot.token)


def test_one_socket_per_kernel_by_default():
    v, _ = visitors()
    served(v, "c", "k1")
    assert v.socket_opened("k1")
    assert not v.socket_opened("k1"), "a second socket was allowed on the same kernel"
    v.socket_closed("k1")
    assert v.socket_opened("k1"), "after the first socket closed, the page could not reconnect"
    assert not v.socket_opened("unknown-kernel")


def test_sockets_per_kernel_is_configurable():
    v, _ = visitors(sockets_per_kernel=2)
    served(v, "c", "k1")
    assert v.socket_opened("k1") and v.socket_opened("k1") and not v.socket_opened("k1")
    v.socket_closed("k1")
    v.socket_closed("k1")
    v.socket_closed("k1")  # more closes than opens do not go below zero
    assert v.slot_of("k1").sockets == 0


# ------------------------------------------------------------------------------------- the sweep
def test_never_connected_page_released_after_connect_timeout_and_not_before():
    v, clock = visitors(connect_timeout=45)
    slot = served(v, "c", "k1")
    clock.advance(44.9)
    assert v.sweep(["k1"]) == [] and v.active() == 1
    clock.advance(0.1)
    assert v.sweep(["k1"]) == ["k1"]
    assert v.active() == 0 and slot.released and v.slot_of("k1") is None
    assert v.sweep(["k1"]) == [], "a kernel was given up twice"


def test_the_connect_timer_starts_when_the_page_is_sent():
    v, clock = visitors(connect_timeout=45)
    slot = v.reserve("c")
    v.attach(slot, "k1")
    clock.advance(1000)  # a slow page: its kernel is not taken from it while the page is made
    assert v.sweep(["k1"]) == []
    v.page_sent(slot)
    clock.advance(44)
    assert v.sweep(["k1"]) == []
    clock.advance(1)
    assert v.sweep(["k1"]) == ["k1"]


def test_a_slot_without_kernel_is_left_to_its_handler():
    v, clock = visitors()
    v.reserve("c")
    clock.advance(10_000)
    assert v.sweep([]) == [] and v.active() == 1


def test_connected_page_is_not_released_by_the_connect_timeout():
    v, clock = visitors(connect_timeout=45, leave_grace=30)
    served(v, "c", "k1")
    clock.advance(10)
    assert v.socket_opened("k1")
    clock.advance(10_000)
    assert v.sweep(["k1"]) == [] and v.active() == 1, "a connected page lost its kernel"


def test_left_page_released_after_leave_grace_and_not_while_a_socket_is_open():
    v, clock = visitors(connect_timeout=45, leave_grace=30)
    served(v, "c", "k1")
    assert v.socket_opened("k1")
    v.socket_closed("k1")
    clock.advance(29.9)
    assert v.sweep(["k1"]) == []
    assert v.socket_opened("k1")  # the page reconnected in time: the timer stops
    clock.advance(1000)
    assert v.sweep(["k1"]) == [], "a kernel with an open socket was given up"
    v.socket_closed("k1")
    clock.advance(29.9)
    assert v.sweep(["k1"]) == []
    clock.advance(0.1)
    assert v.sweep(["k1"]) == ["k1"] and v.active() == 0


def test_with_two_sockets_the_grace_starts_when_the_last_closes():
    v, clock = visitors(leave_grace=30, sockets_per_kernel=2)
    served(v, "c", "k1")
    v.socket_opened("k1"), v.socket_opened("k1")
    v.socket_closed("k1")
    clock.advance(100)
    assert v.sweep(["k1"]) == []
    v.socket_closed("k1")
    clock.advance(30)
    assert v.sweep(["k1"]) == ["k1"]


def test_dead_kernels_are_released_without_a_shutdown():
    v, _ = visitors(max_kernels=2)
    served(v, "c", "gone"), served(v, "c", "alive")
    assert v.reserve("c") is None
    assert v.sweep(["alive"]) == [], "a kernel already gone was returned for shutdown"
    assert v.slot_of("gone") is None and v.slot_of("alive") is not None
    assert v.reserve("c") is not None, "the culled kernel's slot was not freed"


# -------------------------------------------------------------------------------- client address
TRUSTED = parse_networks(["127.0.0.1", "10.0.0.0/24"])


@pytest.mark.parametrize("remote,header,trusted,expected", [
    # no trusted proxy: the header is never believed
    ("203.0.113.5", "198.51.100.7", (), "203.0.113.5"),
    ("127.0.0.1", "198.51.100.7", (), "127.0.0.1"),
    # a client that is not a trusted proxy cannot name another address
    ("203.0.113.5", "198.51.100.7", TRUSTED, "203.0.113.5"),
    # the trusted proxy's word is believed
    ("127.0.0.1", "198.51.100.7", TRUSTED, "198.51.100.7"),
    ("10.0.0.9", "198.51.100.7", TRUSTED, "198.51.100.7"),
    # entries the client wrote before the proxy's own entry are not believed
    ("127.0.0.1", "6.6.6.6, 198.51.100.7", TRUSTED, "198.51.100.7"),
    ("127.0.0.1", "127.0.0.1, 198.51.100.7", TRUSTED, "198.51.100.7"),
    # a chain of trusted proxies is skipped, from the right
    ("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.3", TRUSTED, "198.51.100.7"),
    # IPv6
    ("127.0.0.1", "2001:db8::7", TRUSTED, "2001:db8::7"),
    ("127.0.0.1", "[2001:db8::7]", TRUSTED, "2001:db8::7"),
    # no header, an empty one, one that only names proxies: the proxy's own address
    ("127.0.0.1", None, TRUSTED, "127.0.0.1"),
    ("127.0.0.1", "", TRUSTED, "127.0.0.1"),
    ("127.0.0.1", "10.0.0.3, 127.0.0.1", TRUSTED, "127.0.0.1"),
    # malformed: never an address made up from it
    ("127.0.0.1", "not-an-address", TRUSTED, "127.0.0.1"),
    ("127.0.0.1", "198.51.100.7, garbage", TRUSTED, "127.0.0.1"),
    ("127.0.0.1", "198.51.100.7:4444", TRUSTED, "127.0.0.1"),
    ("127.0.0.1", "<script>", TRUSTED, "127.0.0.1"),
    ("127.0.0.1", "x" * 5000, TRUSTED, "127.0.0.1"),
    # an unreadable remote address is kept as it is
    ("", "198.51.100.7", TRUSTED, ""),
])
def test_client_address(remote, header, trusted, expected):
    assert client_address(remote, header, trusted) == expected


def test_spoofed_entries_cannot_escape_the_per_client_limit():
    """One client behind the proxy writes a new made-up address into each request: still one client."""
    v, _ = visitors(max_kernels=50, per_client=2)
    granted = 0
    for i in range(10):
        client = client_address("127.0.0.1", f"192.0.2.{i}, 198.51.100.7", TRUSTED)
        granted += v.reserve(client) is not None
    assert granted == 2


def test_parse_networks():
    nets = parse_networks([" 10.0.0.5 ", "10.1.0.0/16", "::1", "10.2.0.7/24"])
    assert ipaddress.ip_address("10.1.200.3") in nets[1]
    assert ipaddress.ip_address("10.2.0.200") in nets[3]  # host bits are tolerated
    for bad in ("proxy.example", "10.0.0.300", "", "10.0.0.0/40"):
        with pytest.raises(ValueError, match="not an IP address"):
            parse_networks([bad])


# ------------------------------------------------------------------------------ Host allow-list
ALLOWED = edges.allowed_hosts("127.0.0.1", ["dashboards.example.org"])


@pytest.mark.parametrize("header", [
    "127.0.0.1:8866", "127.0.0.1", "localhost", "localhost:8866", "LOCALHOST:8866", "localhost.",
    "localhost.:8866", "[::1]:80", "[::1]", "::1", "dashboards.example.org", "Dashboards.Example.ORG:443",
    "dashboards.example.org.",
])
def test_host_allowed(header):
    assert edges.host_allowed(header, ALLOWED)


@pytest.mark.parametrize("header", [
    "evil.example", "evil.example:8866", "localhost.evil.example", "localhost.evil.example:8866",
    "127.0.0.1.evil.example", "dashboards.example.org.evil.example", "evil.dashboards.example.org",
    "", None, " ", ":8866", "[::1", "[]", "[::2]:80", "127.0.0.2", "0.0.0.0", "localhost@evil.example",
    "evil.example, localhost", "10.0.0.1:8866",
])
def test_host_refused(header):
    assert not edges.host_allowed(header, ALLOWED)


def test_allowed_hosts_on_every_interface():
    hosts = edges.allowed_hosts("0.0.0.0", ["Dashboards.Example.org.", " stats.example.net ", ""])
    assert hosts == {"localhost", "127.0.0.1", "::1", "dashboards.example.org", "stats.example.net"}
    assert "0.0.0.0" not in edges.allowed_hosts("0.0.0.0") and "::" not in edges.allowed_hosts("::")
    assert edges.allowed_hosts("0.0.0.0") == set(edges.LOOPBACK_HOSTS)


def test_allowed_hosts_adds_the_listen_address():
    assert "192.168.1.5" in edges.allowed_hosts("192.168.1.5")
    assert "2001:db8::5" in edges.allowed_hosts("[2001:db8::5]")
    assert edges.host_allowed("192.168.1.5:8866", edges.allowed_hosts("192.168.1.5"))
    assert edges.host_allowed("[2001:db8::5]:8866", edges.allowed_hosts("[2001:db8::5]"))
    assert not edges.host_allowed("192.168.1.5:8866", edges.allowed_hosts("127.0.0.1"))


def test_http_server_limits_are_small():
    limits = edges.http_server_limits()
    assert limits["max_body_size"] <= 64 * 1024
    assert limits["max_buffer_size"] <= 1024 * 1024
    assert 0 < limits["idle_connection_timeout"] <= 300


# ---------------------------------------------------------------------------- the socket's budget
def comm_msg(method: str) -> dict:
    return {"comm_id": "c", "data": {"method": method}}


def test_budget_per_window():
    clock = Clock()
    b = Budget(per_window=300, window=10.0, clock=clock)
    assert all(b.spend("comm_msg", comm_msg("update")) for _ in range(300))
    assert not b.spend("comm_msg", comm_msg("update"))
    assert not b.spend("kernel_info_request", {})
    clock.advance(9.9)
    assert not b.spend("comm_msg", comm_msg("update")), "the window ended early"
    clock.advance(0.1)
    assert all(b.spend("comm_msg", comm_msg("update")) for _ in range(300)), "the window never ended"
    assert not b.spend("comm_msg", comm_msg("update"))


def test_budget_for_costly_requests_is_for_the_whole_view():
    clock = Clock()
    b = Budget(clock=clock)
    assert [b.spend("comm_msg", comm_msg("request_states")) for _ in range(6)] == [True] * 4 + [False] * 2
    assert [b.spend("comm_open", {"target_name": "jupyter.widget.control"}) for _ in range(6)] == \
        [True] * 4 + [False] * 2
    clock.advance(3600)  # new windows do not give them back
    assert not b.spend("comm_msg", comm_msg("request_states"))
    assert not b.spend("comm_open", {"target_name": "jupyter.widget.control"})
    # the cheap requests still pass
    assert b.spend("comm_msg", comm_msg("update"))
    assert b.spend("kernel_info_request", {})


def test_each_widgets_state_may_be_asked_twice_per_view():
    b = Budget(clock=Clock())
    ask = lambda comm_id: b.spend("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})  # noqa: E731
    assert [ask("chart") for _ in range(4)] == [True, True, False, False]
    assert ask("slider") and ask("slider"), "CONTROL: another widget's state may be asked"
    assert not ask("slider")


def test_asking_for_widgets_one_by_one_does_not_use_the_window():
    """The widgets' manager asks for every widget's state one by one when its control comm is slow (a
    few hundred models at once): those are bounded per widget, not by the window."""
    b = Budget(per_window=10, clock=Clock())
    ask = lambda comm_id: b.spend("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})  # noqa: E731
    assert all(ask(f"w{i}") for i in range(300))
    assert all(b.spend("comm_msg", comm_msg("update")) for _ in range(10)), "the window was used up"
    assert not b.spend("comm_msg", comm_msg("update")), "CONTROL: the window still holds"


def test_the_widgets_asked_one_by_one_are_bounded():
    from clusterlab.casestudies.public.message_budget import MAX_WIDGETS

    b = Budget(per_window=10 ** 6, clock=Clock())
    ask = lambda comm_id: b.spend("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})  # noqa: E731
    assert all(ask(f"w{i}") for i in range(MAX_WIDGETS))
    assert not ask("one-more"), "a page asked for more widgets than a dashboard has"
    assert ask("w0"), "a widget already asked once may be asked a second time"


def test_budget_reads_odd_content_without_failing():
    b = Budget(clock=Clock())
    for content in (None, "text", [], {"data": "x"}, {"data": {}}, {"data": {"method": None}}):
        assert b.spend("comm_msg", content) is True


def test_each_budget_is_its_own():
    clock = Clock()
    a, b = Budget(clock=clock), Budget(clock=clock)
    for _ in range(4):
        a.spend("comm_msg", comm_msg("request_states"))
    assert not a.spend("comm_msg", comm_msg("request_states"))
    assert b.spend("comm_msg", comm_msg("request_states"))


# ------------------------------------------------------------------------------------ open files
def test_fit_kernel_cap():
    reserve, per = server.FD_RESERVE, server.FD_PER_KERNEL
    assert server.fit_kernel_cap(20, 20000) == 20
    assert server.fit_kernel_cap(20, reserve + 5 * per) == 5
    assert server.fit_kernel_cap(20, reserve + 5 * per + per - 1) == 5
    assert server.fit_kernel_cap(20, 1024) == min(20, (1024 - reserve) // per)
    assert server.fit_kernel_cap(0, 1024) == (1024 - reserve) // per, "no limit is not bounded by the files"
    assert server.fit_kernel_cap(0, 20000) == (20000 - reserve) // per
    assert server.fit_kernel_cap(3, 10) == 1, "a tiny file limit must still serve one visitor"
    assert server.fit_kernel_cap(0, 10) == 1
    assert server.fit_kernel_cap(1, 1_000_000) == 1


def run_python(code: str, timeout: float = 60) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line, returned decoded."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_raise_open_file_limit_raises_the_soft_limit_to_the_hard_limit():
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 200:
        pytest.skip(f"the hard open-file limit ({hard}) leaves no room to lower the soft limit")
    got = run_python("""
        import json, resource
        from clusterlab.casestudies.public.server import raise_open_file_limit
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, hard))
        lowered = resource.getrlimit(resource.RLIMIT_NOFILE)
        returned = raise_open_file_limit()
        again = raise_open_file_limit()
        print(json.dumps({"lowered": lowered, "returned": returned, "now": resource.getrlimit(resource.RLIMIT_NOFILE),
                          "again": again, "hard": hard, "inf": resource.RLIM_INFINITY}))
    """)
    assert got["lowered"][0] == 100
    want = got["hard"] if got["hard"] != got["inf"] else 65536
    assert got["returned"] == want and got["now"][0] == want
    assert got["now"][1] == got["hard"], "the hard limit was changed"
    assert got["again"] == want, "a second call changed the limit"


# ------------------------------------------------------------------------------ kernel launcher
def test_bound_limits_the_kernel_process():
    got = run_python("""
        import json, resource
        from clusterlab.casestudies.public.kernel_launcher import bound
        bound(768)
        print(json.dumps({name: resource.getrlimit(getattr(resource, name))
                          for name in ("RLIMIT_AS", "RLIMIT_NOFILE", "RLIMIT_CORE")}))
    """)
    assert got["RLIMIT_AS"] == [768 * 1024 * 1024] * 2
    assert got["RLIMIT_NOFILE"] == [kernel_launcher.MAX_OPEN_FILES] * 2 == [256, 256]
    assert got["RLIMIT_CORE"] == [0, 0]


def test_bound_makes_a_big_allocation_fail_with_memory_error():
    got = run_python("""
        import json
        from clusterlab.casestudies.public.kernel_launcher import bound
        bound(256)
        try:
            block = bytearray(512 * 1024 * 1024)
            result = "allocated"
        except MemoryError:
            result = "MemoryError"
        small = bytearray(16 * 1024 * 1024)  # the process goes on
        print(json.dumps({"result": result, "small": len(small)}))
    """)
    assert got == {"result": "MemoryError", "small": 16 * 1024 * 1024}


def test_bound_without_memory_limit_and_never_above_the_hard_limit():
    got = run_python("""
        import json, resource
        before = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 128))  # a system that allows fewer files
        from clusterlab.casestudies.public.kernel_launcher import bound
        bound(0)
        print(json.dumps({"before": before, "as": resource.getrlimit(resource.RLIMIT_AS),
                          "nofile": resource.getrlimit(resource.RLIMIT_NOFILE)}))
    """)
    assert got["as"] == got["before"], "--kernel-memory 0 still limited the memory"
    assert got["nofile"] == [128, 128]


def test_kernel_argv():
    argv = kernel_launcher.kernel_argv("/run/kernel-1.json")
    assert argv[:5] == [sys.executable, "-m", "ipykernel_launcher", "-f", "/run/kernel-1.json"]
    assert "--HistoryManager.enabled=False" in argv
    assert "--HistoryManager.hist_file=:memory:" in argv
    assert not any(a.startswith("--") and "connection" in a for a in argv[5:])
    assert kernel_launcher.KERNEL_ENV["JUPYTER_WIDGETS_ECHO"] == "0"


def test_launcher_main_execs_the_bounded_kernel(tmp_path):
    """``main`` applies the limits and the environment, then replaces itself (checked with a stand-in)."""
    probe = tmp_path / "probe.json"
    got = run_python(f"""
        import json, os, sys
        from clusterlab.casestudies.public import kernel_launcher
        seen = {{}}
        def execv(path, argv):
            import resource
            seen.update(path=path, argv=argv, echo=os.environ.get("JUPYTER_WIDGETS_ECHO"),
                        nofile=resource.getrlimit(resource.RLIMIT_NOFILE),
                        mem=resource.getrlimit(resource.RLIMIT_AS))
        os.execv = execv
        kernel_launcher.main(["--memory-mb", "512", "-f", {str(probe)!r}])
        print(json.dumps(seen))
    """)
    assert got["path"] == sys.executable
    assert got["argv"] == kernel_launcher.kernel_argv(str(probe))
    assert got["echo"] == "0"
    assert got["nofile"] == [256, 256] and got["mem"] == [512 * 1024 * 1024] * 2


def test_a_public_host_given_with_its_port_is_served():
    allowed = edges.allowed_hosts("0.0.0.0", ["dashboards.example.org:8443"])
    assert edges.host_allowed("dashboards.example.org:8443", allowed)
    assert edges.host_allowed("dashboards.example.org", allowed)
    assert not edges.host_allowed("example.org:8443", allowed)  # control: other names still refused


def test_the_per_client_limit_counts_an_ipv6_subscriber_once():
    from clusterlab.casestudies.public.visitors import client_key

    a, b = client_key("2001:db8:1:2::1"), client_key("2001:db8:1:2:ffff::9")
    assert a == b == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != a  # control: another /64 is another client
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("::ffff:192.0.2.7") == "::ffff:192.0.2.7"
