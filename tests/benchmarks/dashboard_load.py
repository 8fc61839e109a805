"""Honest visitors and hostile clients at once against the public dashboard server.

Not a test: a script that prints figures. Everything runs on loopback and is bounded in count and
time (``--timeout``, default 360 s, then at most 20 s more; about 6.5 minutes in all: on a machine
of 2 CPUs that also runs the 40 browsers, serving 40 visitors takes about 3 minutes with no hostile
client at all, and the window leaves room to see whether the hostile clients cost any visitor their
page, and how much later they are all served). It starts
``clusterlab dashboards`` (the real command line) with ``--max-kernels 48`` (room for the 40 honest
visitors' kernels at once on a machine that can draw them, plus a margin; the hostile clients could
hold up to 4 each, so the cap is what bounds them) and ``--trusted-proxy 127.0.0.1``: every client
below is given an address of its own through ``X-Forwarded-For``, as a reverse proxy in front of a
public server would, so that the limit per client address (default 4) applies to each client as it
would in production (without it every loopback client would share one address). Then, at once:

* ``--honest`` visitors (default 40): headless Debian Chromium (Playwright, one browser, one context
  per visitor, at most ``--concurrency`` pages at once, default 2 per CPU) opens a case dashboard
  and waits for the first chart's first point (``.js-plotly-plot .scatterlayer .point``), then
  leaves the page as a visitor does (the page's unload handler shuts its kernel down);
* ``--hostile`` clients (default 20), in five kinds, each from its own address:
  slot holders (GETs of a dashboard, again and again, never connecting; every other one passes
  the page's script check as a script written for this server would, and so holds kernels until
  the connect timeout, then waits as the server tells it; the others are plain GETs, which get the
  opening page and no kernel), never-reading sockets (connect with the owner's cookie, ask for
  every widget's state over and over, never read), oversized frames (70 KiB, again after each
  disconnection), malformed messages (widget comm_opens, control comm_opens with a wrong
  version, updates the widgets refuse, code), and request_states floods.

It prints: honest visitors served (of how many), time to first chart (median, worst), how many
got the busy page, the server's RSS and the kernels' total RSS at peak (sampled from /proc every
0.5 s), the server's open files at peak, and whether any traceback, 500 status, ``error`` or
``stream`` message reached any page or client. The machine's size is printed first.

The browser and the hostile clients run on the same machine as the server: on a small machine they
take a large share of its CPU time (the figures say how much), which a real server would not pay.

Run from the repository folder:

    .venv/bin/python tests/benchmarks/dashboard_load.py
    .venv/bin/python tests/benchmarks/dashboard_load.py --hostile 5          # one client of each kind
    .venv/bin/python tests/benchmarks/dashboard_load.py --honest 0 --hostile 2 --kinds never-reading --timeout 110
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(HERE))

from dashboard_benchmark import PROBE as BENCHMARK_PROBE  # noqa: E402
from dashboard_benchmark import isolate_home  # noqa: E402
from support.servers import kernel_processes, start_dashboards  # noqa: E402
from support.tickets import opening_ticket  # noqa: E402

CASES = ("igualada", "prato", "huddersfield")
CHART = ".js-plotly-plot .scatterlayer .point"
V1 = "v1.kernel.websocket.jupyter.org"
#: Recorded in the page: when the first chart's first point is drawn (see ``dashboard_benchmark``).
PROBE = BENCHMARK_PROBE % json.dumps(CHART)
#: A kernel message that must never reach a page (in either websocket protocol).
LEAK = re.compile(rb'"msg_type":\s*"(stream|error)"|Traceback')
HOSTILE_KINDS = ("slot-holder", "never-reading", "oversized", "malformed", "states-flood")


def machine() -> str:
    mem = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, value = line.split(":", 1)
        mem[key] = int(value.split()[0]) // 1024
    return (f"{os.cpu_count()} CPUs, {mem.get('MemTotal', 0)} MB memory ({mem.get('MemAvailable', 0)} MB "
            f"available), load {os.getloadavg()[0]:.2f}")


class Findings:
    """What reached a page or a client that should not have, and the counters, shared by all threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.leaks: list[str] = []
        self.status_500: list[str] = []
        self.counts: dict[str, int] = {}

    def leak(self, who: str, what: str) -> None:
        with self.lock:
            self.leaks.append(f"{who}: {what[:200]}")

    def error_status(self, who: str, what: str) -> None:
        with self.lock:
            self.status_500.append(f"{who}: {what}")

    def add(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + n


# ------------------------------------------------------------------------------------- sampling
class Sampler(threading.Thread):
    """Server RSS, kernels' total RSS, server open files and kernel count, every 0.5 s; peaks kept.

    Also the CPU time used by the server, its kernels, the browser and this script (whose threads
    play the hostile clients), so that the figures say where the machine's time went.
    """

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.stop = server, threading.Event()
        self.peak = {"server_rss": 0, "kernels_rss": 0, "server_fds": 0, "kernels": 0, "total_rss": 0}
        self.samples = 0
        self.cpu: dict[str, dict[int, float]] = {"server": {}, "kernels": {}, "browser": {}}

    def _cpu(self, group: str, proc) -> None:
        import psutil

        try:
            times = proc.cpu_times()
            self.cpu[group][proc.pid] = times.user + times.system
        except psutil.Error:
            pass

    def cpu_seconds(self) -> dict[str, float]:
        used = {group: sum(per_pid.values()) for group, per_pid in self.cpu.items()}
        times = os.times()
        used["this script"] = times.user + times.system
        return used

    def run(self) -> None:
        import psutil

        me = psutil.Process(self.server.proc.pid)
        here = psutil.Process()
        while not self.stop.wait(0.5):
            try:
                server_rss = me.memory_info().rss
                fds = me.num_fds()
                self._cpu("server", me)
                kernels = 0
                kernels_rss = 0
                for pid in kernel_processes(self.server).values():
                    try:
                        proc = psutil.Process(pid)
                        kernels_rss += proc.memory_info().rss
                        self._cpu("kernels", proc)
                        kernels += 1
                    except psutil.Error:
                        pass
                for child in here.children(recursive=True):
                    if child.pid != me.pid and "chrom" in child.name().lower():
                        self._cpu("browser", child)
            except psutil.Error:
                continue
            self.samples += 1
            for key, value in (("server_rss", server_rss), ("kernels_rss", kernels_rss), ("server_fds", fds),
                               ("kernels", kernels), ("total_rss", server_rss + kernels_rss)):
                self.peak[key] = max(self.peak[key], value)


# ------------------------------------------------------------------------------- honest visitors
async def honest_visitors(server, n: int, concurrency: int, timeout: float, findings: Findings,
                          deadline: float) -> list[dict]:
    from playwright.async_api import async_playwright
    from support.browser import CHROMIUM, FLAGS

    results: list[dict] = []
    gate = asyncio.Semaphore(concurrency)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)

        async def visitor(i: int) -> None:
            case = CASES[i % len(CASES)]
            result = {"visitor": i, "case": case, "status": None, "tti": None, "served": False, "busy": False}
            async with gate:
                if time.monotonic() > deadline:
                    result["status"] = "not started (time up)"
                    results.append(result)
                    return
                context = await browser.new_context(
                    viewport={"width": 1400, "height": 1000},
                    extra_http_headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})
                try:
                    page = await context.new_page()
                    who = f"honest visitor {i} ({case})"

                    def on_response(resp, who=who):
                        if resp.status >= 500 and resp.status != 503:
                            findings.error_status(who, f"{resp.status} {resp.url}")

                    def on_frame(payload, who=who):
                        data = payload if isinstance(payload, bytes) else payload.encode("utf-8", "replace")
                        match = LEAK.search(data)
                        if match:
                            findings.leak(who, data[max(0, match.start() - 80): match.end() + 80].decode("utf-8", "replace"))

                    def on_document(resp, who=who, result=result):
                        if resp.request.resource_type == "document" and resp.status in (429, 503):
                            result["busy"] = True

                    page.on("response", on_response)
                    page.on("response", on_document)
                    page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
                    await page.add_init_script(PROBE)
                    started = time.monotonic()
                    asked = time.time()
                    wait = max(1.0, min(timeout, deadline + 20 - started))  # the whole run stays bounded
                    # the opening page (script check), then the dashboard
                    resp = await page.goto(f"{server.url}/{case}", wait_until="commit", timeout=wait * 1000)
                    result["status"] = resp.status if resp else None
                    left = max(1.0, wait - (time.monotonic() - started))
                    await page.wait_for_function(
                        "() => window.__tti !== undefined || document.title === 'The dashboards are busy'",
                        timeout=left * 1000, polling=100)
                    if not result["busy"]:
                        result["tti"] = await page.evaluate("() => window.__tti") / 1000 - asked
                        result["served"] = True
                        text = await page.inner_text("body")
                        if "Traceback" in text:
                            findings.leak(who, "Traceback shown on the page")
                    try:  # leave as a visitor does: the page's unload handler shuts its kernel down
                        await page.goto("about:blank", timeout=30_000)
                        await asyncio.sleep(0.3)
                    except Exception:
                        pass
                except Exception as exc:  # a timeout: not served
                    result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
                finally:
                    await context.close()
            results.append(result)
            mark = f"{result['tti']:.1f} s" if result["served"] else ("busy" if result["busy"] else "NOT served")
            print(f"  honest {i + 1:2d}/{n} {case:13s} {mark}", flush=True)

        await asyncio.gather(*(visitor(i) for i in range(n)))
        await browser.close()
    return results


# ------------------------------------------------------------------------------- hostile clients
def http_get(server, path: str, client: str, cookie: str | None = None) -> tuple[int, dict, str, list[str]]:
    import http.client

    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    try:
        headers = {"X-Forwarded-For": client}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        return resp.status, dict(resp.getheaders()), body, resp.headers.get_all("Set-Cookie") or []
    finally:
        conn.close()


def message(msg_type: str, content: dict, metadata: dict | None = None) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "visitor", "session": uuid.uuid4().hex,
                       "msg_type": msg_type, "version": "5.3", "date": "2026-01-01T00:00:00Z"},
            "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell", "buffers": []}


class Hostile(threading.Thread):
    """One hostile client, running its attack again and again until ``stop`` is set.

    Slot holders view a dashboard again and again (each view a kernel, up to the limit per client);
    the others view one dashboard and attack its kernel's socket for the whole run, connecting again
    after each disconnection (a new view only if their kernel was shut down).
    """

    def __init__(self, kind: str, index: int, server, findings: Findings, stop: threading.Event,
                 kinds: tuple = HOSTILE_KINDS):
        super().__init__(daemon=True)
        self.kind, self.index, self.server, self.findings, self.stop = kind, index, server, findings, stop
        self.kinds = kinds
        self.client = f"203.0.113.{index + 1}"
        self.who = f"hostile {kind} {index}"
        self.view: tuple[str, str] | None = None

    def run(self) -> None:
        attack = getattr(self, "attack_" + self.kind.replace("-", "_"))
        while not self.stop.is_set():
            try:
                if self.kind != "slot-holder" and self.view is None:
                    self.view = self.page()
                    if self.view is None:
                        continue
                attack()
            except Exception as exc:  # the server closed a socket, refused a page...: go on
                import websocket

                self.findings.add(f"{self.kind}: {type(exc).__name__}")
                if isinstance(exc, websocket.WebSocketBadStatusException) and exc.status_code in (403, 404):
                    self.view = None  # the kernel is gone (or its one socket still counted): view again
                self.stop.wait(1.0)

    # -- helpers ---------------------------------------------------------------------------------
    @property
    def scripted(self) -> bool:
        """Whether this client passes the pages' script check (all but every other slot holder)."""
        return self.kind != "slot-holder" or (self.index // len(self.kinds)) % 2 == 1

    def page(self) -> tuple[str, str] | None:
        """A page view: (kernel id, cookie header), or None when refused or only the opening page (counted)."""
        case = CASES[self.index % len(CASES)]
        status, _, body, cookies = http_get(self.server, f"/{case}", self.client)
        ticket = opening_ticket(body)
        if ticket and not self.scripted:
            self.findings.add(f"{self.kind} (plain GET): opening page, no kernel")
            return None
        if ticket:  # read the ticket and send it back, as the opening page's script would
            status, _, body, cookies = http_get(self.server, f"/{case}", self.client,
                                                cookie=ticket)
        self.check_http(status, body)
        self.findings.add(f"{self.kind}: page {status}")
        if status != 200:
            self.stop.wait(3.0)
            return None
        config = re.search(r'id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>', body, re.DOTALL)
        kernel_id = json.loads(config.group(1))["kernelId"]
        return kernel_id, "; ".join(c.split(";", 1)[0] for c in cookies)

    def check_http(self, status: int, body: str) -> None:
        if status >= 500 and status != 503:
            self.findings.error_status(self.who, str(status))
        if "Traceback" in body:
            self.findings.leak(self.who, "Traceback in an HTTP response")

    def socket(self, v1: bool = False, reading: bool = True):
        import websocket

        kernel_id, cookie = self.view
        options = {} if reading else {"sockopt": ((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),)}
        return websocket.create_connection(
            self.server.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels",
            cookie=cookie, timeout=30, subprotocols=[V1] if v1 else None, **options)

    def read_all(self, ws, seconds: float, until: bytes | None = None) -> list[bytes]:
        """Read for ``seconds`` (or until a frame contains ``until``); every frame checked for a leak."""
        import websocket

        frames = []
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                data = ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            except Exception:
                self.findings.add(f"{self.kind}: socket closed by the server")
                break
            data = data if isinstance(data, bytes) else data.encode("utf-8", "replace")
            frames.append(data)
            match = LEAK.search(data)
            if match:
                self.findings.leak(self.who, data[max(0, match.start() - 80): match.end() + 80].decode("utf-8", "replace"))
            if until and until in data:
                break
        return frames

    @staticmethod
    def states_of(frames: list[bytes]) -> dict:
        for data in frames:
            if b"update_states" in data:
                try:
                    return json.loads(data)["content"]["data"]["states"]
                except (ValueError, KeyError):
                    return {}
        return {}

    @staticmethod
    def control_open(ws, version: str = "1.0.0") -> str:
        comm_id = uuid.uuid4().hex
        ws.send(json.dumps(message("comm_open", {"comm_id": comm_id, "target_name": "jupyter.widget.control",
                                                 "data": {}}, metadata={"version": version})))
        return comm_id

    # -- the attacks -----------------------------------------------------------------------------
    def attack_slot_holder(self) -> None:
        """Views a dashboard and never connects (a crawler, or someone holding slots)."""
        self.page()
        self.stop.wait(2.0)

    def attack_never_reading(self) -> None:
        """Connects, learns the widgets, then asks for their states again and again without reading."""
        ws = self.socket(reading=False)
        try:
            control = self.control_open(ws)
            ws.send(json.dumps(message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})))
            states = self.states_of(self.read_all(ws, 10, until=b"update_states"))
            # as a page does: say the page shows the sections built on demand, so that the kernel builds
            # them (charts and all), then ask for every state again
            for comm_id, state in states.items():
                if "clusterlab-deferred" in (state.get("state", {}).get("_dom_classes") or []):
                    ws.send(json.dumps(message("comm_msg", {"comm_id": comm_id, "data": {
                        "method": "update", "state": {"_view_count": 1}, "buffer_paths": []}})))
            self.read_all(ws, 10)
            ws.send(json.dumps(message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})))
            states = self.states_of(self.read_all(ws, 10, until=b"update_states")) or states
            # the largest widgets first: each request_state makes the kernel send that widget's whole state
            ids = sorted(states, key=lambda k: -len(json.dumps(states[k]))) or [control]
            self.findings.add("never-reading: stopped reading")
            for _ in range(2):
                ws.send(json.dumps(message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})))
            # the first client of this kind asks for the largest widget's state 290 times per 10 s (its
            # answers soon pass the server's 16 MiB limit for a page that does not read); the next one 29
            # times (its socket is closed by the server's ping timeout instead); and so on
            fast = (self.index // len(self.kinds)) % 2 == 0
            while not self.stop.is_set():  # until the server closes the socket (sending then fails)
                for comm_id in itertools.islice(itertools.cycle(ids[:1]), 290 if fast else 29):
                    ws.send(json.dumps(message("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})))
                self.stop.wait(10.0)
        finally:
            ws.close(timeout=1)

    def attack_oversized(self) -> None:
        """Sends a 70 KiB frame (JSON or v1 protocol), again after each disconnection."""
        ws = self.socket(v1=bool(self.index % 2))
        try:
            ws.send(json.dumps(message("kernel_info_request", {"padding": "x" * 70_000})))
            self.read_all(ws, 5)
        finally:
            ws.close(timeout=1)
        self.stop.wait(1.0)

    def attack_malformed(self) -> None:
        """Widget comm_opens, wrong control versions, refused updates, code, garbage: reads everything back."""
        ws = self.socket()
        try:
            control = self.control_open(ws)
            ws.send(json.dumps(message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})))
            states = self.states_of(self.read_all(ws, 10, until=b"update_states"))
            for round_ in range(20):
                if self.stop.is_set():
                    break
                ws.send(json.dumps(message("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget",
                                                         "data": {}}, metadata={"version": "2.1.0"})))
                if round_ < 3:
                    self.control_open(ws, version="99.0.0")
                for comm_id in list(states)[:20]:
                    ws.send(json.dumps(message("comm_msg", {"comm_id": comm_id, "data": {
                        "method": "update", "state": {"value": {"not": ["a", "value"]}, "index": "x"},
                        "buffer_paths": []}})))
                ws.send(json.dumps(message("execute_request", {"code": "1/0", "silent": False})))
                ws.send(b"\x00\x00\x00\x00\xff\xff\xff\xff" * 8, opcode=0x2)
                self.read_all(ws, 2)
        finally:
            ws.close(timeout=1)

    def attack_states_flood(self) -> None:
        """Asks for every widget's state and the kernel's info as fast as it can, reading the answers."""
        ws = self.socket()
        try:
            control = self.control_open(ws)
            for _ in range(20):
                if self.stop.is_set():
                    break
                for _ in range(50):
                    ws.send(json.dumps(message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})))
                for _ in range(500):
                    ws.send(json.dumps(message("kernel_info_request", {})))
                frames = self.read_all(ws, 3)
                self.findings.add("states-flood: update_states received", sum(b"update_states" in f for f in frames))
                self.findings.add("states-flood: kernel_info_reply received",
                                  sum(b"kernel_info_reply" in f for f in frames))
        finally:
            ws.close(timeout=1)


# ------------------------------------------------------------------------------------------ main
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--honest", type=int, default=40, help="honest visitors (default 40)")
    parser.add_argument("--hostile", type=int, default=20, help="hostile clients, in five kinds (default 20)")
    parser.add_argument("--concurrency", type=int, default=max(2, 2 * (os.cpu_count() or 1)),
                        help="honest pages open at once (default: 2 per CPU, %(default)s here; each page costs "
                        "its browser and its kernel a few CPU-seconds, so more at once only makes every "
                        "visitor wait longer; the others queue, as visitors arriving later would)")
    parser.add_argument("--max-kernels", type=int, default=48, help="the server's --max-kernels (default 48)")
    parser.add_argument("--visit-timeout", type=float, default=120,
                        help="seconds an honest visitor waits for the first chart (default 120)")
    parser.add_argument("--timeout", type=float, default=360,
                        help="seconds after which no new visitor starts and the hostile clients stop; a visitor "
                        "still waiting then gives up 20 s later (default 360)")
    parser.add_argument("--kinds", default=",".join(HOSTILE_KINDS),
                        help="comma-separated hostile kinds to run, in turn (default: all five)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    if not kinds or set(kinds) - set(HOSTILE_KINDS):
        parser.error(f"--kinds: choose among {', '.join(HOSTILE_KINDS)}")
    if not (0 <= args.honest <= 200 and 0 <= args.hostile <= 100 and 1 <= args.concurrency <= 64):
        parser.error("--honest at most 200, --hostile at most 100, --concurrency 1-64")

    work = Path(tempfile.mkdtemp(prefix="clusterlab-load-"))
    isolate_home(work / "home")
    print(f"Machine: {machine()}")
    print(f"Server: clusterlab dashboards --max-kernels {args.max_kernels} --trusted-proxy 127.0.0.1 "
          "(other options default: --max-per-client 4, --connect-timeout 45, --strike-wait 30, --kernel-memory 1024)")
    print(f"Load: {args.honest} honest visitors (at most {args.concurrency} pages at once) and {args.hostile} "
          f"hostile clients ({', '.join(kinds)}), for at most {args.timeout:.0f} s\n", flush=True)

    server = start_dashboards(work / "server.log", max_kernels=args.max_kernels,
                              args=("--trusted-proxy", "127.0.0.1"))
    findings = Findings()
    sampler = Sampler(server)
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + args.timeout
    try:
        sampler.start()
        hostile = [Hostile(kinds[i % len(kinds)], i, server, findings, stop, kinds)
                   for i in range(args.hostile)]
        for h in hostile:
            h.start()
        timer = threading.Timer(args.timeout, stop.set)
        timer.start()
        results = asyncio.run(honest_visitors(server, args.honest, args.concurrency, args.visit_timeout,
                                              findings, deadline))
        if not args.honest:  # hostile clients only: for the whole time
            stop.wait(args.timeout)
        honest_done = time.monotonic() - started
        stop.set()
        timer.cancel()
        for h in hostile:
            h.join(40)
        sampler.stop.set()
        sampler.join(5)
        log = server.log_path.read_text(errors="replace")
        log_500 = len(re.findall(r"\b500 (GET|POST|HEAD|PUT|DELETE)\b", log))
    finally:
        server.stop()
    elapsed = time.monotonic() - started

    served = [r for r in results if r["served"]]
    busy = [r for r in results if r["busy"]]
    ttis = sorted(r["tti"] for r in served)
    mb = 2 ** 20
    print("\nResults")
    print(f"  honest visitors served:          {len(served)}/{args.honest}")
    if ttis:
        print(f"  time to first chart:             median {statistics.median(ttis):.1f} s, worst {ttis[-1]:.1f} s")
    print(f"  busy page (503/429):             {len(busy)}")
    others = [r for r in results if not r["served"] and not r["busy"]]
    if others:
        print(f"  not served otherwise:            {len(others)} "
              f"({'; '.join(sorted({r.get('error') or str(r['status']) for r in others}))[:300]})")
    print(f"  server RSS at peak:              {sampler.peak['server_rss'] / mb:.0f} MB")
    print(f"  kernels' total RSS at peak:      {sampler.peak['kernels_rss'] / mb:.0f} MB "
          f"(at most {sampler.peak['kernels']} kernels at once)")
    print(f"  server + kernels RSS at peak:    {sampler.peak['total_rss'] / mb:.0f} MB")
    print(f"  server open files at peak:       {sampler.peak['server_fds']}")
    print(f"  server log:                      {server.log_path}")
    print(f"  honest visitors done after:      {honest_done:.0f} s (whole run {elapsed:.0f} s, "
          f"{sampler.samples} samples)")
    cpu = sampler.cpu_seconds()
    print("  CPU time used (s):               " + ", ".join(f"{k} {v:.0f}" for k, v in cpu.items())
          + f"  (the machine had {os.cpu_count() * honest_done:.0f} CPU-seconds while the visitors ran)")
    print("  hostile clients:")
    for key in sorted(findings.counts):
        print(f"    {key}: {findings.counts[key]}")
    print("  in the server log:")
    for text in ("Kernel started", "Kernel shutdown", "socket is closed: the page stopped reading",
                 "socket is closed: it sent messages a dashboard page never sends",
                 "socket is closed: it sent far more messages", "socket is closed: it sent a frame over",
                 "dropped a", "dropped an unreadable", "over the view's budget", "Traceback"):
        print(f"    {text!r}: {log.count(text)}")
    print(f"    HTTP 500 lines: {log_500}")
    leaked = findings.leaks
    print(f"\n  traceback / error / stream reached a page or client: {'YES' if leaked else 'no'}")
    for line in leaked[:10]:
        print(f"    {line}")
    print(f"  500 status reached a page or client: {'YES' if findings.status_500 else 'no'}")
    for line in findings.status_500[:10]:
        print(f"    {line}")
    if args.json:
        args.json.write_text(json.dumps({"args": vars(args) | {"json": str(args.json)}, "results": results,
                                         "peak": sampler.peak, "cpu": cpu, "counts": findings.counts, "leaks": leaked,
                                         "status_500": findings.status_500}, indent=1, default=str))
    return 1 if leaked or findings.status_500 else 0


if __name__ == "__main__":
    sys.exit(main())
