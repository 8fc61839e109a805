"""Talk to the public dashboard server as a hostile (or scripted) client does: raw HTTP (http.client)
and raw kernel websockets (websocket-client, both of Jupyter's websocket protocols).

Shared by the live security tests in ``tests/dashboards``. A case page's opening page (the script
check) is passed as a script written for the server would: its ticket read and sent back
(``support.tickets``).
"""

from __future__ import annotations

import http.client
import json
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from support.kernel_wire import message, v1_frame
from support.tickets import opening_ticket, with_cookie

V1 = "v1.kernel.websocket.jupyter.org"
CONTROL_TARGET = "jupyter.widget.control"
WIDGET_TARGET = "jupyter.widget"
CONTROL_VERSION = "1.0.0"  # ipywidgets 8's control protocol
WIDGET_VERSION = "2.1.0"  # ipywidgets 8's widget protocol
DROPPED = "Public dashboards: dropped a"
LEAKS = ("Traceback", "TornadoServer", "0.5.13")
CASE = "/huddersfield"  # a case dashboard: each view runs a kernel (the landing page "/" may not)


# ------------------------------------------------------------------------------------------ HTTP
@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: str

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def cookies(self) -> dict[str, str]:
        """name -> the whole Set-Cookie line."""
        return {line.split("=", 1)[0].strip(): line for line in self.all("Set-Cookie")}


def request(server, path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None,
            host: str | None = "default", timeout: float = 120, ticket: bool = True) -> Response:
    """Send ``path`` as written, with ``host`` as the Host header (None: no Host header at all).

    A case page's opening page is passed as a scripted client would (``ticket``: its ticket sent
    back, see ``support.tickets``); ``ticket=False`` returns the opening page itself.
    """
    resp = send(server, path, method, headers, body, host, timeout)
    pair = opening_ticket(resp.body) if ticket and method == "GET" else None
    return send(server, path, method, with_cookie(headers, pair), body, host, timeout) if pair else resp


def send(server, path: str, method: str, headers: dict | None, body: bytes | None, host: str | None,
         timeout: float) -> Response:
    address, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(address, int(port), timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", f"{address}:{port}" if host == "default" else host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return Response(resp.status, resp.getheaders(), resp.read().decode("utf-8", "replace"))
    finally:
        conn.close()


@dataclass
class View:
    """One page view: its kernel and the cookies the browser got."""

    kernel_id: str
    cookies: dict[str, str]  # name -> value
    response: Response

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    @property
    def xsrf(self) -> str:
        return self.cookies["_xsrf"]


def kernel_of(body: str) -> str:
    config = re.search(r'<script[^>]* id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>',
                       body, re.DOTALL)
    assert config, "no page configuration in the dashboard page"
    return json.loads(config.group(1))["kernelId"]


def as_view(resp: Response) -> View:
    assert resp.status == 200, resp.body[:500]
    cookies = {name: line.split(";", 1)[0].split("=", 1)[1] for name, line in resp.cookies.items()}
    return View(kernel_of(resp.body), cookies, resp)


def visit(server, path: str = CASE, headers: dict | None = None) -> View:
    return as_view(request(server, path, headers=headers))


def kernel_get(server, kernel_id: str, cookie: str | None) -> int:
    return request(server, f"/api/kernels/{kernel_id}", headers={"Cookie": cookie} if cookie else {}).status


def shutdown(server, kernel_id: str, cookie: str, xsrf: str) -> int:
    return request(server, f"/voila/api/shutdown/{kernel_id}", method="POST", body=b"",
                   headers={"Cookie": cookie, "X-XSRFToken": xsrf}).status


def leave(server, view: View) -> None:
    """The page's own shutdown request when its visitor leaves (frees the slot for the next tests)."""
    shutdown(server, view.kernel_id, view.cookie, view.xsrf)


def log_count(server, text: str) -> int:
    return server.log_path.read_text(errors="replace").count(text)


def wait_for(predicate, timeout: float, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


def limits(pid: int) -> dict[str, tuple[str, str]]:
    """``/proc/<pid>/limits``: name -> (soft, hard)."""
    found = {}
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]:
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) >= 3:
            found[parts[0]] = (parts[1], parts[2])
    return found


# ------------------------------------------------------------------------------- kernel messages
def decode(raw, v1: bool) -> dict:
    """A message from the server, in either protocol (binary buffers left out)."""
    if isinstance(raw, str):
        return json.loads(raw)
    if v1:
        n = int.from_bytes(raw[:8], "little")
        offs = [int.from_bytes(raw[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
        parts = [raw[offs[i]: offs[i + 1]] for i in range(n - 1)]
        msg = {k: json.loads(parts[i + 1]) for i, k in enumerate(("header", "parent_header", "metadata", "content"))}
        msg["channel"] = parts[0].decode()
        return msg
    n = int.from_bytes(raw[:4], "big")  # the legacy binary format: JSON message, then its buffers
    offs = [int.from_bytes(raw[4 * (i + 1): 4 * (i + 2)], "big") for i in range(n)]
    end = offs[1] if n > 1 else len(raw)
    return json.loads(raw[offs[0]:end])


class Closed(Exception):
    """The server closed the socket."""


class KernelSocket:
    """A page's kernel websocket, recording every message the server sent on it (``seen``, ``raw``)."""

    def __init__(self, url: str, cookie: str | None = None, v1: bool = False, host: str | None = None,
                 origin: str | None = None, sockopt: tuple = ()):
        import websocket

        self.v1 = v1
        options = {k: v for k, v in (("host", host), ("origin", origin), ("sockopt", sockopt)) if v}
        self.ws = websocket.create_connection(url, timeout=30, subprotocols=[V1] if v1 else None, cookie=cookie,
                                              **options)
        self.seen: list[dict] = []
        self.raw: list[str] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        try:
            self.ws.close(timeout=2)
        except Exception:  # already closed by the server
            pass

    def send(self, msg: dict) -> dict:
        self.ws.send_binary(v1_frame(msg)) if self.v1 else self.ws.send(json.dumps(msg))
        return msg

    def send_raw(self, data) -> None:
        self.ws.send_binary(data) if isinstance(data, bytes) else self.ws.send(data)

    def recv(self, timeout: float) -> dict | None:
        import websocket

        self.ws.settimeout(max(0.05, timeout))
        try:
            opcode, raw = self.ws.recv_data(control_frame=False)
        except websocket.WebSocketTimeoutException:
            return None
        except (websocket.WebSocketConnectionClosedException, ConnectionError, OSError) as exc:
            raise Closed(str(exc)) from None
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            raise Closed(f"close frame {raw[:2].hex() if raw else ''}")
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        self.raw.append(text)
        msg = decode(raw if opcode == websocket.ABNF.OPCODE_BINARY else text, self.v1)
        self.seen.append(msg)
        return msg

    def until(self, predicate, timeout: float = 60, what: str = "a message") -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = self.recv(deadline - time.monotonic())
            if msg is not None and predicate(msg):
                return msg
        raise AssertionError(f"no {what} within {timeout}s; got {[m['header']['msg_type'] for m in self.seen][-30:]}")

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.recv(deadline - time.monotonic())

    # -- conversations ---------------------------------------------------------------------------
    def idle_after(self, msg: dict, timeout: float = 60) -> dict:
        """Wait for the kernel's ``status: idle`` for ``msg`` (the kernel has handled it)."""
        msg_id = msg["header"]["msg_id"]
        return self.until(lambda m: m["header"]["msg_type"] == "status"
                          and m["parent_header"].get("msg_id") == msg_id
                          and m["content"].get("execution_state") == "idle", timeout, f"idle after {msg_id}")

    def reply_to(self, msg: dict, msg_type: str, timeout: float = 60) -> dict:
        msg_id = msg["header"]["msg_id"]
        return self.until(lambda m: m["header"]["msg_type"] == msg_type and m["parent_header"].get("msg_id") == msg_id,
                          timeout, f"{msg_type} to {msg_id}")

    def kernel_info(self) -> dict:
        return self.reply_to(self.send(message("kernel_info_request", {})), "kernel_info_reply")

    def comm_info(self) -> dict:
        reply = self.reply_to(self.send(message("comm_info_request", {})), "comm_info_reply")
        return reply["content"]["comms"]

    def open_control(self, version: str = CONTROL_VERSION) -> tuple[str, dict]:
        comm_id = uuid.uuid4().hex
        msg = self.send(message("comm_open", {"comm_id": comm_id, "target_name": CONTROL_TARGET, "data": {}},
                                metadata={"version": version}))
        return comm_id, msg

    def widget_states(self, control: str) -> dict:
        """Every widget's state, asked on the control comm ``control``."""
        self.send(message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}))
        reply = self.until(lambda m: m["header"]["msg_type"] == "comm_msg"
                           and m["content"].get("comm_id") == control
                           and m["content"]["data"].get("method") == "update_states", 60, "update_states")
        return reply["content"]["data"]["states"]

    def update(self, comm_id: str, state: dict) -> dict:
        return self.send(message("comm_msg", {"comm_id": comm_id,
                                              "data": {"method": "update", "state": state, "buffer_paths": []}}))

    def types(self) -> list[str]:
        return [m["header"]["msg_type"] for m in self.seen]

    def assert_nothing_leaked(self) -> None:
        leaked = [t for t in self.types() if t in ("stream", "error", "display_data", "execute_result")]
        assert not leaked, f"the page received {leaked}"
        for text in self.raw:
            for word in LEAKS:
                assert word not in text, f"{word!r} reached the page: {text[:300]}"


def channels_url(server, kernel_id: str) -> str:
    return server.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"


def open_socket(server, view: View, retries: float = 10, **kwargs) -> KernelSocket:
    """The page's socket, with its owner's cookies; retried while the server has not yet counted a
    previous socket of the page as closed."""
    import websocket

    deadline = time.monotonic() + retries
    while True:
        try:
            return KernelSocket(channels_url(server, view.kernel_id), cookie=view.cookie, **kwargs)
        except websocket.WebSocketBadStatusException as exc:
            if exc.status_code != 403 or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def ws_status(server, view: View, cookie: str | None, host: str | None = None, origin: str | None = None) -> int:
    """The status of a websocket handshake to ``view``'s kernel (101 when it opened)."""
    import websocket

    try:
        ks = KernelSocket(channels_url(server, view.kernel_id), cookie=cookie, host=host, origin=origin)
    except websocket.WebSocketBadStatusException as exc:
        return exc.status_code
    ks.close()
    return 101


def slider_of(states: dict) -> str:
    sliders = [k for k, v in states.items() if v["model_name"] in ("IntRangeSliderModel", "IntSliderModel")]
    assert sliders, f"no slider among {sorted({v['model_name'] for v in states.values()})}"
    return sliders[0]
