"""The kernel websocket of a public page, without a server: which messages reach the kernel, which
are answered by the server itself, and when a page is cut off (``kernel_messages``,
``message_budget``). The live server is tested against the same rules in ``test_hostile_visitors.py``
and ``test_misbehaving_clients.py``.
"""

from __future__ import annotations

import json
import logging

import pytest

from clusterlab.casestudies.public.kernel_messages import PublicKernelConnection, message_allowed


@pytest.mark.parametrize("channel,msg_type,content", [
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"value": [1990, 2019]}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"index": 2}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {
        "_js2py_layoutDelta": {}, "_js2py_traceDeltas": {}}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "request_states"}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "custom", "content": {"event": "click"}}}),
    ("shell", "comm_close", {"comm_id": "x"}),
    ("shell", "comm_info_request", {}),
    ("shell", "kernel_info_request", {}),
    ("shell", "comm_open", {"target_name": "jupyter.widget.control"}),
    (None, "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"value": 3}}}),  # no channel: shell
])
def test_widget_messages_pass(channel, msg_type, content):
    assert message_allowed(channel, msg_type, content)


@pytest.mark.parametrize("channel,msg_type,content", [
    ("shell", "execute_request", {"code": "1"}),
    ("control", "execute_request", {"code": "1"}),
    ("stdin", "execute_request", {"code": "1"}),
    ("iopub", "execute_request", {"code": "1"}),
    ("shell", "inspect_request", {}),
    ("shell", "complete_request", {}),
    ("shell", "history_request", {}),
    ("shell", "is_complete_request", {}),
    ("control", "debug_request", {}),
    ("control", "shutdown_request", {}),
    ("control", "interrupt_request", {}),
    ("control", "kernel_info_request", {}),
    ("stdin", "input_reply", {"value": "x"}),
    ("shell", "comm_open", {"target_name": "ipython.payload"}),
    ("shell", "comm_open", "not a dict"),
    # a page may not make its kernel build widgets of its own (each holds memory)
    ("shell", "comm_open", {"target_name": "jupyter.widget", "data": {"state": {"_model_name": "TextModel"}}}),
    # only the properties the controls send, without binary buffers
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"description": "x"}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"value": 1, "layout": "x"}}}),
    # chart messages the course's chart view never sends (plotly's own view would: zoom, hover...)
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {
        "_js2py_pointsCallback": {"event_type": "plotly_hover"}}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"_js2py_relayout": {}}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"_js2py_restyle": {}}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"_js2py_update": {}}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "update", "state": {"value": 1},
                                                    "buffer_paths": [["value"]]}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "custom", "content": {"event": "other"}}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": {"method": "display"}}),
    ("shell", "comm_msg", {"comm_id": "x", "data": "not a dict"}),
    ("shell", "comm_msg", {"comm_id": "x"}),
    ("shell", None, {}),
    ("shell", "", {}),
])
def test_everything_else_is_dropped(channel, msg_type, content):
    assert not message_allowed(channel, msg_type, content)


class _Session:
    def unpack(self, data):
        return json.loads(data)


def _v1(channel: str, header: dict, content: dict | None = None) -> bytes:
    parts = [channel.encode(), json.dumps(header).encode(), b"{}", b"{}", json.dumps(content or {}).encode()]
    offsets, pos = [], 8 * (len(parts) + 2)
    for part in parts:
        offsets.append(pos)
        pos += len(part)
    offsets.append(pos)
    return len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + b"".join(parts)


def _probe_connection(monkeypatch, forwarded: list, struck: list, protocol: str | None = None):
    """A connection made by hand: what it forwards to the kernel goes to ``forwarded``, each strike
    its handler is asked for to ``struck``."""
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "handle_incoming_message",
                        lambda self, msg: forwarded.append(msg))

    class Handler:
        ws_connection = None

        def misbehaved(self):
            struck.append(True)
            return 30.0

    class Probe(PublicKernelConnection):
        subprotocol = protocol
        session = _Session()
        log = logging.getLogger("probe")
        websocket_handler = Handler()

    return Probe.__new__(Probe)


@pytest.mark.parametrize("protocol", [None, "v1.kernel.websocket.jupyter.org"])
def test_the_connection_forwards_only_allowed_messages(monkeypatch, protocol):
    """The websocket connection reads each message as Jupyter does and never forwards a refused one."""
    forwarded = []
    conn = _probe_connection(monkeypatch, forwarded, [], protocol)
    for msg_type, channel in (("execute_request", "shell"), ("execute_request", "control"),
                              ("comm_msg", "shell"), ("kernel_info_request", "control")):
        header = {"msg_type": msg_type, "msg_id": f"{msg_type}-{channel}"}
        content = {"comm_id": "x", "data": {"method": "update", "state": {"value": 1}}} if msg_type == "comm_msg" else {}
        if protocol:
            conn.handle_incoming_message(_v1(channel, header, content))
        else:
            conn.handle_incoming_message(json.dumps({"channel": channel, "header": header, "parent_header": {},
                                                     "metadata": {}, "content": content}))
    for junk in JUNK_FRAMES if protocol else ("{not json", "[]", '{"header": 3}'):
        conn.handle_incoming_message(junk)
    assert len(forwarded) == 1, "only the comm message may reach the kernel"


def _info(msg_id: str) -> str:
    return json.dumps({"channel": "shell", "header": {"msg_type": "kernel_info_request", "msg_id": msg_id},
                       "parent_header": {}, "metadata": {}, "content": {}})


def test_a_message_sent_again_with_its_id_is_refused(monkeypatch):
    """A replayed message (same id) never reaches the kernel, which would log a traceback for each."""
    forwarded, struck = [], []
    conn = _probe_connection(monkeypatch, forwarded, struck)
    conn.handle_incoming_message(_info("a"))
    conn.handle_incoming_message(_info("a"))
    conn.handle_incoming_message(_info(""))  # no id at all
    conn.handle_incoming_message(_info("b"))  # CONTROL: a new id goes through
    assert len(forwarded) == 2
    assert not struck


def test_a_socket_that_keeps_sending_refused_messages_is_struck_once(monkeypatch):
    from clusterlab.casestudies.public.message_budget import REFUSED_LIMIT

    forwarded, struck = [], []
    conn = _probe_connection(monkeypatch, forwarded, struck)
    refused = json.dumps({"channel": "shell", "header": {"msg_type": "execute_request", "msg_id": "x"},
                          "parent_header": {}, "metadata": {}, "content": {"code": "1"}})
    for _ in range(REFUSED_LIMIT):
        conn.handle_incoming_message(refused)
    assert not struck, "CONTROL: a few refused messages are only dropped"
    for _ in range(5):
        conn.handle_incoming_message(refused)
    assert struck == [True], "the socket is struck once, when it passes the limit"
    assert conn._aborted
    conn.handle_incoming_message(_info("late"))
    assert forwarded == [], "nothing reaches the kernel from a socket closed for misbehaving"


#: Frames that announce absurd sizes: Jupyter's own reader would allocate memory without end.
JUNK_FRAMES = (
    b"\x00garbage", b"\xff" * 8 + b"x" * 100, (2**40).to_bytes(8, "little") + b"\x00" * 64,
    (6).to_bytes(8, "little") + (10**9).to_bytes(8, "little") * 6, b"", "text in a binary protocol",
)


def test_legacy_binary_frames_with_absurd_sizes_are_dropped(monkeypatch):
    forwarded = []
    conn = _probe_connection(monkeypatch, forwarded, [])
    for junk in ((2**31 - 1).to_bytes(4, "big") + b"\x00" * 16, b"\x00\x00\x00\x01\xff\xff\xff\xff", b"\x01"):
        conn.handle_incoming_message(junk)
    assert forwarded == []


def test_a_page_that_stops_reading_is_closed_once_and_struck(monkeypatch):
    """When the socket's write buffer is full (MAX_PENDING_BYTES wait for the page), the socket is closed
    and struck, once; what the kernel sends afterwards goes nowhere."""
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
    from tornado.iostream import StreamBufferFullError

    written = []

    def write(self, stream, msg):
        if len(written) >= 2:
            raise StreamBufferFullError("Reached maximum write buffer size")
        written.append(msg)

    monkeypatch.setattr(ZMQChannelsWebsocketConnection, "handle_outgoing_message", write)
    forwarded, struck = [], []
    conn = _probe_connection(monkeypatch, forwarded, struck)

    class Session(_Session):
        def feed_identities(self, msg):
            return [], msg

    conn.session = Session()
    status = ["<IDS|MSG>", json.dumps({"msg_type": "status"}), "{}", "{}", "{}", "{}"]
    for _ in range(2):
        conn.handle_outgoing_message("iopub", status)
    assert len(written) == 2 and not struck, "CONTROL: a page that reads is written to"
    for _ in range(5):
        conn.handle_outgoing_message("iopub", status)
    assert struck == [True] and conn._aborted
    assert len(written) == 2


def _update(msg_id: str, state: dict) -> str:
    return json.dumps({"channel": "shell", "header": {"msg_type": "comm_msg", "msg_id": msg_id},
                       "parent_header": {}, "metadata": {},
                       "content": {"comm_id": "chart", "data": {"method": "update", "state": state}}})


def _answered(conn) -> list:
    answered = []
    conn._answer_idle = lambda header: answered.append(header["msg_id"])
    return answered


def test_an_update_over_the_budget_is_answered_so_the_widget_goes_on(monkeypatch):
    from clusterlab.casestudies.public.message_budget import OVER_BUDGET_LIMIT

    forwarded, struck = [], []
    conn = _probe_connection(monkeypatch, forwarded, struck)
    answered = _answered(conn)
    per_window = conn.budget.per_window
    for i in range(per_window + 5):
        conn.handle_incoming_message(_update(f"u{i}", {"value": i}))
    assert len(forwarded) == per_window, "CONTROL: the budget reaches the kernel"
    assert answered == [f"u{i}" for i in range(per_window, per_window + 5)]
    assert not struck
    for i in range(OVER_BUDGET_LIMIT):
        conn.handle_incoming_message(_update(f"v{i}", {"value": i}))
    assert struck == [True], "far past its budget, the socket is closed"


def test_the_refused_count_belongs_to_the_view_not_the_socket(monkeypatch):
    """A page that sends a few refused messages, connects again and repeats is cut off all the same."""
    from clusterlab.casestudies.public.message_budget import Budget

    budget = Budget()
    refused = json.dumps({"channel": "shell", "header": {"msg_type": "execute_request", "msg_id": "x"},
                          "parent_header": {}, "metadata": {}, "content": {"code": "1"}})
    struck = []
    for _ in range(3):  # three sockets of one view, 10 refused messages each
        conn = _probe_connection(monkeypatch, [], struck)
        conn._budget = budget
        for _ in range(10):
            conn.handle_incoming_message(refused)
    assert struck == [True]


def test_a_page_that_went_away_is_not_struck(monkeypatch):
    """A write that fails because the page closed (a reload, a closed tab) ends the socket quietly."""
    from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
    from tornado.iostream import StreamClosedError
    from tornado.websocket import WebSocketClosedError

    for error in (StreamClosedError, WebSocketClosedError):
        def write(self, stream, msg, error=error):
            raise error()

        monkeypatch.setattr(ZMQChannelsWebsocketConnection, "handle_outgoing_message", write)
        struck = []
        conn = _probe_connection(monkeypatch, [], struck)

        class Session(_Session):
            def feed_identities(self, msg):
                return [], msg

        conn.session = Session()
        conn.handle_outgoing_message("iopub", ["<IDS|MSG>", json.dumps({"msg_type": "status"}), "{}", "{}", "{}", "{}"])
        assert conn._aborted and not struck
