"""The public server's kernel websocket: only the messages the dashboards' controls send reach a kernel,
and only the messages the widgets need reach a page.

:class:`PublicKernelConnection` replaces jupyter_server's websocket connection (its documented
``kernel_websocket_connection_class`` setting). Both directions are filtered:

* **from the page** (:func:`message_allowed`): the kernel info, the widgets' control channel
  (opening it, asking for the widgets' states, closing it), and updates of the few properties the
  dashboards' controls and charts send (a slider's ``value``, a picker's ``index``, a button's
  click, the chart's own ``_js2py_*`` messages). No code, no new widget (a page cannot make its
  kernel build widgets of its own), no other property, no other channel. Each socket may ask for
  all the states a few times only and send a bounded number of messages per window
  (:class:`Budget`); binary frames that announce absurd sizes are dropped before Jupyter's reader,
  which would try to allocate them, sees them;
* **to the page** (:func:`outgoing_allowed`): kernel status, comm messages and the replies the page
  asked for. ``stream`` (printed text, warnings, logged tracebacks), ``error``, outputs and input
  requests never leave the server, so no traceback reaches a page and jupyter_server's own error
  filter (which fails on Voila's kernel manager) is never reached. A page that does not read what
  it is sent is disconnected once :data:`MAX_PENDING_BYTES` wait for it, so a socket that never
  reads cannot make the server hold the kernel's output.

A socket that keeps sending what a page never sends (more than :data:`REFUSED_LIMIT` refused or
unreadable messages, or :data:`OVER_BUDGET_LIMIT` over its budget), or that stops reading, is
closed, and its client's next view must wait (a strike, see :mod:`.conduct`); the handler closes a
socket that sends a frame over :data:`MAX_FRAME_BYTES` the same way.

The server refuses to start with another jupyter_server (see :mod:`.server`).
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado.iostream import StreamBufferFullError, StreamClosedError
from tornado.websocket import WebSocketClosedError

from .message_budget import OVER_BUDGET_LIMIT, REFUSED_LIMIT, Budget

#: Comm targets a page may open in its kernel: ipywidgets' control channel only. (``jupyter.widget``
#: would let a page create widgets of its own in the kernel, each holding memory.)
COMM_TARGETS = frozenset({"jupyter.widget.control"})

#: Shell messages a page may send to its kernel. Everything else is dropped.
SHELL_MESSAGES = frozenset({"kernel_info_request", "comm_info_request", "comm_msg", "comm_close", "comm_open"})

#: Widget properties a page may change: what the dashboards' controls send (``value``, ``index``),
#: the count of views, and the one report a chart sends to its figure, that an update is drawn (the
#: public pages draw charts with the course's own view, ``static/figure-view.js``, which sends nothing
#: else: no zoom, restyle or hover message, which plotly's own view would send).
STATE_KEYS = frozenset({"value", "index", "_view_count", "_js2py_layoutDelta", "_js2py_traceDeltas"})

#: The widget methods a page may call: change properties, ask for states, click a button.
METHODS = frozenset({"update", "request_state", "request_states", "custom"})

#: The one custom message a page may send: a button's click.
CLICK = {"event": "click"}

#: Most parts a websocket frame may announce (a kernel message has a handful, plus its buffers).
MAX_FRAME_PARTS = 64

#: Largest frame a page may send (the dashboards' largest message is well under 4 KB).
MAX_FRAME_BYTES = 64 * 1024

#: Bytes that may wait for a page that does not read before its socket is closed.
MAX_PENDING_BYTES = 16 * 1024 * 1024

#: Messages kept from the kernel to the page, by channel (everything else is dropped).
OUTGOING = {
    "iopub": frozenset({"status", "comm_open", "comm_msg", "comm_close"}),
    "shell": frozenset({"kernel_info_reply", "comm_info_reply"}),
    "control": frozenset({"kernel_info_reply"}),
}

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"

#: Dropped messages logged one by one per socket; beyond, they are counted (see ``_dropped``).
LOGGED_DROPS = 20

#: Message ids remembered per socket: a message sent again with the same id (a replay) is refused,
#: since the kernel would reject it with a traceback in the server's log.
REMEMBERED_IDS = 1024


def _forget(future) -> None:
    if not future.cancelled():
        future.exception()  # retrieved: a write to a page that went away is not an error


def message_allowed(channel: str | None, msg_type: str | None, content: Any = None) -> bool:
    """Whether a message from a dashboard page may reach its kernel (before the per-socket budget).

    Passes: the kernel info, comm information, opening ipywidgets' control comm, closing a comm,
    and comm messages that update only :data:`STATE_KEYS`, ask for states, or click a button.
    ``execute_request``, ``inspect_request``, ``complete_request``, ``history_request``, debugger
    and shutdown requests, input replies, a ``comm_open`` of a widget, updates of any other property
    or with binary buffers, and anything on another channel are refused.
    """
    if (channel or "shell") != "shell" or not isinstance(msg_type, str) or msg_type not in SHELL_MESSAGES:
        return False
    if msg_type == "comm_open":
        return isinstance(content, dict) and content.get("target_name") in COMM_TARGETS
    if msg_type != "comm_msg":
        return True
    data = content.get("data") if isinstance(content, dict) else None
    if not isinstance(data, dict) or data.get("method") not in METHODS:
        return False
    method = data["method"]
    if method == "update":
        state = data.get("state")
        return (isinstance(state, dict) and bool(state) and set(state) <= STATE_KEYS
                and not data.get("buffer_paths"))
    if method == "custom":
        return data.get("content") == CLICK
    return True


def _short(value: Any) -> str:
    """A value the page chose, as the log shows it: its ``repr``, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def outgoing_allowed(channel: str | None, msg_type: str | None) -> bool:
    """Whether a message from a kernel may reach its page (see :data:`OUTGOING`)."""
    return msg_type in OUTGOING.get(channel or "", ())


def frame_offsets(ws_msg: bytes, width: int, count: int, first: int) -> list[int]:
    """Offsets announced by a binary frame, checked to lie inside the frame and in order.

    Jupyter's own readers trust the counts written in the frame: a frame that announces billions
    of parts makes them allocate memory without end. This check runs first, so such a frame is
    dropped instead.
    """
    if count < 1 or count > MAX_FRAME_PARTS or first + width * count > len(ws_msg):
        raise ValueError("malformed frame")
    offsets = [int.from_bytes(ws_msg[first + width * i: first + width * (i + 1)],
                              "little" if width == 8 else "big") for i in range(count)]
    if any(b < a for a, b in zip(offsets, offsets[1:])) or offsets[0] < first + width * count \
            or offsets[-1] > len(ws_msg):
        raise ValueError("malformed frame")
    return offsets


def _frame_count(ws_msg: bytes, width: int) -> int:
    if not isinstance(ws_msg, bytes) or len(ws_msg) < width:
        raise ValueError("malformed frame")
    return int.from_bytes(ws_msg[:width], "little" if width == 8 else "big", signed=width == 4)


class PublicKernelConnection(ZMQChannelsWebsocketConnection):
    """The kernel websocket of a public page: both directions filtered (see the module's docstring)."""

    def _peek(self, ws_msg) -> tuple[str | None, dict, Any]:
        """Channel, header and content of an incoming message, read as the parent class does."""
        if isinstance(ws_msg, (bytes, str)) and len(ws_msg) > MAX_FRAME_BYTES:
            raise ValueError("frame too large")
        if self.subprotocol == V1_PROTOCOL:
            count = _frame_count(ws_msg, 8)
            offsets = frame_offsets(ws_msg, 8, count, 8)
            if len(offsets) < 6:  # channel, header, parent, metadata, content, end
                raise ValueError("malformed frame")
            channel, msg_list = deserialize_msg_from_ws_v1(ws_msg)
            header = self.session.unpack(msg_list[0])
            content = self.session.unpack(msg_list[3]) if len(msg_list) > 3 else None
            if not isinstance(header, dict):
                raise ValueError("not a kernel message")
            return channel, header, content
        if isinstance(ws_msg, bytes):
            frame_offsets(ws_msg, 4, _frame_count(ws_msg, 4), 4)
            msg = deserialize_binary_message(ws_msg)
        else:
            msg = json.loads(ws_msg)
        if not isinstance(msg, dict) or not isinstance(msg.get("header"), dict):
            raise ValueError("not a kernel message")
        return msg.get("channel"), msg["header"], msg.get("content")

    @property
    def budget(self) -> Budget:
        """The view's budget (kept across its sockets, see ``handlers``), or one of this socket's own."""
        if getattr(self, "_budget", None) is None:
            try:
                of_view = getattr(self.websocket_handler, "view_budget", None)
            except Exception:  # no handler (a connection made by hand)
                of_view = None
            self._budget = of_view() if of_view is not None else Budget()
        return self._budget

    def handle_incoming_message(self, incoming_msg) -> None:
        if getattr(self, "_aborted", False):  # closed for misbehaving: what it still sent goes nowhere
            return
        try:
            channel, header, content = self._peek(incoming_msg)
        except Exception:  # unreadable or too large: never forward what we could not check
            self._dropped("Public dashboards: dropped an unreadable kernel message")
            self._refused(REFUSED_LIMIT, "it sent messages a dashboard page never sends")
            return
        msg_type = header.get("msg_type")
        if not message_allowed(channel, msg_type, content):
            self._dropped("Public dashboards: dropped a %s message on channel %s", _short(msg_type), _short(channel))
            self._refused(REFUSED_LIMIT, "it sent messages a dashboard page never sends")
            return
        if not self._first_time(header.get("msg_id")):  # the kernel would log each as a traceback
            self._dropped("Public dashboards: dropped a %s message sent before (same id)", _short(msg_type))
            self._refused(REFUSED_LIMIT, "it sent messages a dashboard page never sends")
            return
        if not self.budget.spend(msg_type, content):
            self._dropped("Public dashboards: dropped a %s message over the view's budget", _short(msg_type))
            self._answer_idle(header)  # the page's widget goes on; what it sent is lost
            self._refused(OVER_BUDGET_LIMIT, "it sent far more messages than a dashboard page sends", "over")
            return
        super().handle_incoming_message(incoming_msg)

    def _answer_idle(self, parent: dict) -> None:
        """Tell the page its message is done (an "idle" status for it) without the kernel: ipywidgets
        keeps one message per widget in flight, and would otherwise wait for it for good."""
        try:
            msg = self.session.msg("status", {"execution_state": "idle"}, parent=parent)
            self.handle_outgoing_message("iopub", self.session.serialize(msg))
        except Exception:  # the socket or its channels are closing: nothing to tell
            pass

    def _first_time(self, msg_id) -> bool:
        """Whether ``msg_id`` is a new message id on this socket (the last :data:`REMEMBERED_IDS` are kept)."""
        if not isinstance(msg_id, str) or not 0 < len(msg_id) <= 128:
            return False
        ids = getattr(self, "_seen_ids", None)
        if ids is None:
            ids = self._seen_ids = {}  # in the order seen: the oldest is dropped first
        if msg_id in ids:
            return False
        ids[msg_id] = None
        if len(ids) > REMEMBERED_IDS:
            del ids[next(iter(ids))]
        return True

    def _refused(self, limit: int, why: str, counter: str = "refused") -> None:
        """Count a refused (or, ``counter="over"``, over-budget) message against the view; past ``limit``,
        the socket is closed for misbehaving."""
        budget = self.budget
        count = getattr(budget, counter) + 1
        setattr(budget, counter, count)
        if count > limit:
            self.misbehaved(why)

    def misbehaved(self, why: str) -> None:
        """Close the socket for misbehaving, once: a strike against the page's client (see :mod:`.conduct`)."""
        if getattr(self, "_aborted", False):
            return
        strike = getattr(self.websocket_handler, "misbehaved", None)
        wait = strike() if strike is not None else 0.0
        self.log.warning("Public dashboards: a page's socket is closed: %s; its kernel is shut down and its "
                         "address waits %.0f s for its next view", why, wait)
        self._abort()

    def _dropped(self, text: str, *args) -> None:
        """Log a dropped message: each of the first :data:`LOGGED_DROPS` of a socket, then one line, so
        that a client sending junk without end cannot fill the server's log (or its disk)."""
        self._drops = getattr(self, "_drops", 0) + 1
        if self._drops <= LOGGED_DROPS:
            self.log.warning(text, *args)
        elif self._drops == LOGGED_DROPS + 1:
            self.log.warning("Public dashboards: this socket keeps sending messages that are dropped; "
                             "further ones are counted, not logged")

    def disconnect(self):
        drops = getattr(self, "_drops", 0)
        if drops > LOGGED_DROPS:
            self.log.warning("Public dashboards: %d messages dropped on this socket in all", drops)
        return super().disconnect()

    @property
    def write_message(self):
        """The handler's ``write_message``, whose result no one waits for: a write that fails because the
        page went away is simply over (Tornado would otherwise log each as an unretrieved error)."""
        write = self.websocket_handler.write_message

        def write_and_forget(message, binary: bool = False):
            future = write(message, binary=binary)
            if future is not None and hasattr(future, "add_done_callback"):
                future.add_done_callback(_forget)
            return future

        return write_and_forget

    def handle_outgoing_message(self, stream, outgoing_msg: list) -> None:
        if getattr(self, "_aborted", False):
            return
        channel = stream if isinstance(stream, str) else getattr(stream, "channel", None)
        try:
            _, parts = self.session.feed_identities(outgoing_msg)
            msg_type = self.session.unpack(parts[1]).get("msg_type")
        except Exception:  # a message we cannot read is not sent
            return
        if not outgoing_allowed(channel, msg_type):
            return
        try:
            super().handle_outgoing_message(stream, outgoing_msg)
        except StreamBufferFullError:
            self.misbehaved("the page stopped reading")
        except (StreamClosedError, WebSocketClosedError):  # the page went away (a reload, a closed tab)
            self._abort()

    def connect(self):
        future = super().connect()
        ws = getattr(self.websocket_handler, "ws_connection", None)
        stream = getattr(ws, "stream", None)
        if stream is not None:
            stream.max_write_buffer_size = MAX_PENDING_BYTES
        return future

    def _abort(self) -> None:
        self._aborted = True
        ws = getattr(self.websocket_handler, "ws_connection", None)
        stream = getattr(ws, "stream", None)
        if stream is not None:
            stream.close()

    def write_stderr(self, error_message, parent_header) -> None:
        """jupyter_server's notices to the page (rate limits, a dead kernel) go to the server's log only."""
        self.log.warning("Public dashboards: %s", error_message)
