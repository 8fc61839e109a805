"""The public dashboard server refuses everything but the dashboards, and runs no code from a page.

`clusterlab dashboards` runs as a subprocess on a free loopback port (started once, see
conftest.py). Requests are sent byte for byte with http.client, so that encoded dots, slashes and
backslashes reach the server as written (a browser or `requests` would tidy them up first).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest

from clusterlab.casestudies.public import chart_assets
from support.kernel_wire import message as _message
from support.kernel_wire import v1_frame as _v1_frame
from support.servers import start_dashboards
from support.public_server import request

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def raw_get(server, path: str, method: str = "GET", body: bytes | None = None, headers=None):
    """Send ``path`` exactly as given; return (status, headers, body text). A case page's opening
    page is passed as a scripted client would (its ticket sent back, see ``support.tickets``)."""
    resp = request(server, path, method, headers=headers, body=body)
    return resp.status, dict(resp.headers), resp.body


def secrets() -> list[str]:
    """Strings that appear in repository files and must never appear in a response."""
    found = ["[build-system]", "package-dir", "nbgrader_config", "Traceback (most recent call last)",
             str(REPO)]
    rubric = (REPO / "grading" / "rubric.yaml")
    if rubric.is_file():
        lines = [ln.strip() for ln in rubric.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 25]
        found += lines[:3]
    return found


REFUSED = [
    # the rest of the repository, the grading course, solutions, the gradebook
    "/grading/", "/grading", "/grading/rubric.yaml", "/grading/course/gradebook.db", "/gradebook.db",
    "/grading/course/source/industry-document/industry-document.ipynb",
    "/grading/course/source/cluster-document/cluster-document.ipynb",
    "/pyproject.toml", "/README.md", "/casestudies/igualada/case.yaml", "/modules/",
    "/igualada.ipynb", "/index.ipynb", "/igualada/dashboard.ipynb",
    # path traversal, in several encodings
    "/..%2f..%2fpyproject.toml", "/..%2F..%2Fpyproject.toml", "/%2e%2e/%2e%2e/pyproject.toml",
    "/%2e%2e%2f%2e%2e%2fpyproject.toml", "/%252e%252e%252f%252e%252e%252fpyproject.toml",
    "/..%252f..%252fpyproject.toml", "/..\\..\\pyproject.toml", "/..%5c..%5cpyproject.toml",
    "/static/../pyproject.toml", "/static/..%2f..%2fpyproject.toml", "/static/",
    "/voila/static/..%2f..%2f..%2f..%2f..%2f..%2fpyproject.toml",
    "/voila/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/pyvenv.cfg",
    "/voila/static/..\\..\\..\\pyvenv.cfg",
    "/voila/templates/lab/static/..%2f..%2f..%2f..%2f..%2f..%2f..%2fpyvenv.cfg",
    "/voila/templates/clusterlab/static/%2e%2e/%2e%2e/index.html.j2",
    "/voila/templates/x", "/voila/templates/../../etc/passwd",
    "/voila/labextensions/anywidget/..%2f..%2f..%2f..%2f..%2fpyvenv.cfg",
    "/voila/labextensions/@jupyter/nbgrader/package.json",
    "/voila/api/themes/..%2f..%2f..%2f..%2fpyvenv.cfg",
    "/voila/clusterlab/plotly-widget-..%2f..%2f__init__.js",
    "/voila/clusterlab/..%2f..%2fpyproject.toml", "/voila/clusterlab/%2e%2e/%2e%2e/pyproject.toml",
    f"/voila/clusterlab/{chart_assets.version()}/..%2fchart_assets.py",
    f"/voila/clusterlab/{chart_assets.version()}/plotly-core.entry.js",
    f"/voila/clusterlab/{chart_assets.version()}/build-plotly-core.sh",
    "/voila/clusterlab/000000000000/figure-view.js",
    "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    # the Jupyter and Voila routes that list or serve files, run code or show a tree
    "/tree", "/tree/grading", "/voila/tree", "/voila/tree/grading", "/voila/render/igualada.ipynb",
    "/voila/render/..%2fgrading", "/api/contents", "/api/contents/grading", "/voila/api/contents",
    "/voila/api/contents/grading", "/api/kernels", "/api/sessions", "/api/kernelspecs",
    "/api/terminals", "/api/config", "/api/status", "/files/pyproject.toml",
    "/files/grading/rubric.yaml", "/voila/files/pyproject.toml", "/voila/files/igualada.ipynb",
    "/voila/files/..%2f..%2fpyproject.toml", "/lab", "/notebooks/igualada.ipynb", "/login",
    "/logout", "/edit/pyproject.toml", "/nbconvert/html/igualada.ipynb",
]


@pytest.mark.parametrize("path", REFUSED)
def test_refused_and_nothing_leaks(dashboards_server, path):
    status, _, body = raw_get(dashboards_server, path)
    assert 400 <= status < 500, f"{path} answered {status}"
    leaked = [s for s in secrets() if s in body]
    assert not leaked, f"{path} leaked {leaked}"


@pytest.mark.parametrize("method,path", [
    ("POST", "/api/contents"), ("PUT", "/api/contents/x.py"), ("POST", "/api/kernels"),
    ("DELETE", f"/api/kernels/{uuid.uuid4()}"), ("POST", "/api/sessions"), ("POST", "/igualada"),
    ("PUT", "/igualada"), ("DELETE", "/"), ("POST", f"/voila/api/shutdown/{uuid.uuid4()}"),
])
def test_other_methods_refused(dashboards_server, method, path):
    status, _, body = raw_get(dashboards_server, path, method=method, body=b"{}")
    assert 400 <= status < 500, f"{method} {path} answered {status}"
    assert "Traceback" not in body


def test_unknown_kernel_is_not_found(dashboards_server):
    status, _, _ = raw_get(dashboards_server, f"/api/kernels/{uuid.uuid4()}")
    assert status == 404


def test_landing_page_served_with_a_strict_policy(dashboards_server):
    status, headers, body = raw_get(dashboards_server, "/")
    assert status == 200
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert "cdn.jsdelivr.net" not in body and "cdnjs" not in body, "the page asks a CDN for something"
    assert "import ipywidgets" not in body and "from clusterlab" not in body, "code shown on the page"
    for case in ("igualada", "prato", "huddersfield"):
        assert f'href="{case}"' in body, f"no link to {case}"
    # made once when the server started: no kernel, no script, no cookie
    assert "<script" not in body.lower() and "kernelId" not in body
    assert "Set-Cookie" not in headers


def test_the_landing_page_starts_no_kernel(dashboards_server):
    """Many views of the landing page start no kernel; a case page does (the control)."""
    before = dashboards_server.log().count("Kernel started")
    for _ in range(5):
        assert raw_get(dashboards_server, "/")[0] == 200
    assert dashboards_server.log().count("Kernel started") == before, "the landing page started a kernel"
    page_kernel(dashboards_server, "/prato")
    deadline = time.monotonic() + 30
    while dashboards_server.log().count("Kernel started") == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert dashboards_server.log().count("Kernel started") == before + 1, "the control page started no kernel"


def page_visit(server, path: str, headers=None) -> tuple[str, str]:
    """Open a dashboard page as a browser would; return its kernel id and the cookies it set
    (as a ``Cookie`` header: the page's kernel answers only the browser that holds them)."""
    resp = request(server, path, headers=headers)
    assert resp.status == 200, resp.body[:500]
    cookies = "; ".join(line.split(";", 1)[0] for line in resp.all("Set-Cookie"))
    return kernel_of(resp.body), cookies


def page_kernel(server, path: str) -> str:
    """The kernel id of a page view (its cookies thrown away)."""
    return page_visit(server, path)[0]


def kernel_of(body: str) -> str:
    config = re.search(r'<script[^>]* id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>',
                       body, re.S)
    assert config, "no page configuration in the dashboard page"
    for forbidden in ("CaseStory(", "story.timeline()", "Traceback"):
        assert forbidden not in body, f"{forbidden!r} on the page"
    return json.loads(config.group(1))["kernelId"]


def _wait_for_kernel_info(ws, deadline: float, strict: bool = True) -> dict | None:
    """Read messages until the kernel_info_reply; return it (or None at the deadline).

    ``strict``: fail at once if the kernel answers a request that should never have reached it.
    """
    seen = []
    while time.monotonic() < deadline:
        ws.settimeout(max(0.5, deadline - time.monotonic()))
        try:
            raw = ws.recv()
        except Exception:
            return None
        if isinstance(raw, bytes):  # v1 protocol: find the header part
            n = int.from_bytes(raw[:8], "little")
            offs = [int.from_bytes(raw[8 * (i + 1): 8 * (i + 2)], "little") for i in range(n)]
            header = json.loads(raw[offs[1]:offs[2]])
        else:
            header = json.loads(raw)["header"]
        seen.append(header["msg_type"])
        assert not strict or header["msg_type"] not in ("execute_reply", "execute_input", "execute_result", "stream",
                                          "inspect_reply", "complete_reply"), f"the kernel answered {seen}"
        if header["msg_type"] == "kernel_info_reply":
            return header
    return None


DROPPED = "Public dashboards: dropped a"
UNREADABLE = "Public dashboards: dropped an unreadable kernel message"


def log_count(server, text: str) -> int:
    """How often ``text`` occurs in the server's whole log so far."""
    return server.log_path.read_text(errors="replace").count(text)


def wait_for_log(server, text: str, count: int, timeout: float = 60) -> int:
    """Wait until ``text`` occurs ``count`` times in the server's log (polled, with a deadline);
    return how often it occurs then."""
    deadline = time.monotonic() + timeout
    while (seen := log_count(server, text)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return seen


def code_attempts(tmp_path: Path, name: str) -> tuple[Path, list[dict]]:
    """Messages that would each create the file ``ran-<name>`` if the kernel ran them."""
    target = tmp_path / f"ran-{name}"
    code = f"open({str(target)!r}, 'w').write('code ran')"
    return target, [
        _message("execute_request", {"code": code, "silent": False, "store_history": False,
                                     "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}),
        _message("execute_request", {"code": code, "silent": True}, channel="control"),
        _message("execute_request", {"code": code, "silent": True}, channel="stdin"),
        _message("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "ipython.payload",
                               "data": {"code": code}}),
        _message("inspect_request", {"code": code, "cursor_pos": 1, "detail_level": 0}),
        _message("history_request", {"output": True, "raw": True, "hist_access_type": "tail", "n": 5}),
    ]


def send_attempts(url: str, tmp_path: Path, name: str, v1: bool, strict: bool = True, cookie: str | None = None) -> Path:
    """Send the attempts, then a kernel_info_request, and wait for its reply (the kernel answers in order)."""
    import websocket

    target, messages = code_attempts(tmp_path, name)
    ws = websocket.create_connection(url, timeout=60, cookie=cookie,
                                     subprotocols=["v1.kernel.websocket.jupyter.org"] if v1 else None)
    try:
        for msg in messages + [_message("kernel_info_request", {})]:
            ws.send_binary(_v1_frame(msg)) if v1 else ws.send(json.dumps(msg))
        assert _wait_for_kernel_info(ws, time.monotonic() + 60, strict), "the kernel never answered kernel_info"
    finally:
        ws.close()
    return target


def test_execute_request_over_the_kernel_websocket_runs_no_code(dashboards_server, tmp_path):
    """Every way of asking a page's kernel to run code is dropped: the file is never created."""
    kernel_id, cookie = page_visit(dashboards_server, "/prato")
    url = dashboards_server.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    before = log_count(dashboards_server, DROPPED)
    targets = [send_attempts(url, tmp_path, "json", v1=False, cookie=cookie),
               send_attempts(url, tmp_path, "v1", v1=True, cookie=cookie)]
    # Each attempt is dropped at the server, in order, before the kernel_info_request that follows
    # it passes; the kernel answers in order, so anything forwarded would have run before its reply.
    attempts = 2 * len(code_attempts(tmp_path, "count")[1])
    assert wait_for_log(dashboards_server, DROPPED, before + attempts) >= before + attempts, \
        "the server did not report every attempt as dropped"
    ran = [t.name for t in targets if t.exists()]
    assert not ran, f"code sent over the websocket ran: {ran}"
    assert "dropped a 'execute_request' message" in dashboards_server.log()


def test_frames_announcing_absurd_sizes_do_not_stall_the_server(dashboards_server):
    """Jupyter's frame readers trust the sizes a frame announces; the server checks them first."""
    import websocket

    kernel_id, cookie = page_visit(dashboards_server, "/huddersfield")
    url = dashboards_server.url.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels"
    for protocol, frame in (("v1.kernel.websocket.jupyter.org", (2**40).to_bytes(8, "little") + b"\0" * 64),
                            ("v1.kernel.websocket.jupyter.org", (10**8).to_bytes(8, "little") + b"\0" * 64),
                            (None, (2**31 - 1).to_bytes(4, "big") + b"\0" * 64)):
        ws = websocket.create_connection(url, timeout=30, cookie=cookie, subprotocols=[protocol] if protocol else None)
        try:
            before = log_count(dashboards_server, UNREADABLE)
            ws.send_binary(frame)
            assert wait_for_log(dashboards_server, UNREADABLE, before + 1) > before, \
                "the server did not drop the malformed frame (stalled, or forwarded it)"
            status, _, _ = raw_get(dashboards_server, "/voila/static/voila.js")
            assert status == 200, "the server stopped serving after a malformed frame"
            msg = _message("kernel_info_request", {})
            ws.send_binary(_v1_frame(msg)) if protocol else ws.send(json.dumps(msg))
            assert _wait_for_kernel_info(ws, time.monotonic() + 60), "the kernel connection broke"
        finally:
            ws.close()


@pytest.mark.slow
def test_the_same_messages_do_run_code_on_an_ordinary_jupyter_server(tmp_path):
    """Control: on a plain Jupyter server the same messages create the file, so the check above can fail."""
    import urllib.request

    from support.servers import BIN, Server, free_port, root_flags

    port, token = free_port(), "control-token"
    server = Server([str(BIN / "jupyter"), "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                     "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                     f"--ServerApp.root_dir={tmp_path}", *root_flags()],
                    f"http://127.0.0.1:{port}", tmp_path / "control.log", cwd=tmp_path)
    try:
        server.wait_ready(f"/api/status?token={token}")
        req = urllib.request.Request(f"{server.url}/api/kernels?token={token}", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
        kernel_id = json.loads(urllib.request.urlopen(req, timeout=60).read())["id"]
        url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}"
        target = send_attempts(url, tmp_path, "control", v1=False, strict=False)
        deadline = time.monotonic() + 30
        while not target.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert target.exists(), "the control server did not run the code: the check would prove nothing"
    finally:
        server.stop()


def test_dashboards_refused_when_the_server_is_full(tmp_path):
    """With --max-kernels 1, a second visitor is asked to come back (503) instead of starting a kernel."""
    server = start_dashboards(tmp_path / "full.log", max_kernels=1)
    try:
        first, _, _ = raw_get(server, "/prato")
        second, headers, body = raw_get(server, "/huddersfield")
        assert first == 200
        assert second == 503 and headers.get("Retry-After")
        assert "try again" in body and "Traceback" not in body
        assert server.log().count("Kernel started") == 1
    finally:
        server.stop()


@pytest.mark.parametrize("name", chart_assets.FILES)
def test_the_chart_script_is_served_for_good(dashboards_server, name):
    """The two files of the chart script, under their content version, cacheable for good."""
    status, headers, body = raw_get(dashboards_server, f"/voila/clusterlab/{chart_assets.version()}/{name}")
    assert status == 200
    assert "immutable" in headers.get("Cache-Control", "")
    assert headers.get("Content-Type", "").startswith("text/javascript")
    assert body == (chart_assets.STATIC / name).read_bytes().decode("utf-8", "replace")
