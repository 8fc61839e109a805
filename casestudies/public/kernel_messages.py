"""The public server's kernel websocket: only the messages the widgets use reach a page's kernel.

:class:`PublicKernelConnection` replaces jupyter_server's websocket connection (its documented
``kernel_websocket_connection_class`` setting). It reads each incoming message as jupyter_server
2.21.1 does and forwards it only if :func:`message_allowed` says so: an ``execute_request`` or any
other request is dropped before it reaches a kernel, on top of Voila's own filter. Binary frames
that announce absurd sizes are dropped before Jupyter's reader, which would try to allocate them,
sees them. The server refuses to start with another jupyter_server (see :mod:`.server`).
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

#: Comm targets a page may open in its kernel: ipywidgets' control channel and its widgets.
COMM_TARGETS = frozenset({"jupyter.widget.control", "jupyter.widget"})

#: Shell messages a page may send to its kernel. Everything else is dropped.
SHELL_MESSAGES = frozenset({"kernel_info_request", "comm_info_request", "comm_msg", "comm_close"})

#: Most parts a websocket frame may announce (a kernel message has a handful, plus its buffers).
MAX_FRAME_PARTS = 64

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def message_allowed(channel: str | None, msg_type: str | None, content: Any = None) -> bool:
    """Whether a message from a dashboard page may reach its kernel.

    Only what ipywidgets needs passes: the kernel info, comm information, messages to existing
    comms, closing a comm, and opening a comm to ipywidgets' own targets. ``execute_request``,
    ``inspect_request``, ``complete_request``, ``history_request``, debugger and shutdown
    requests, input replies and anything on another channel are refused.
    """
    if (channel or "shell") != "shell" or not isinstance(msg_type, str):
        return False
    if msg_type in SHELL_MESSAGES:
        return True
    if msg_type == "comm_open":
        return isinstance(content, dict) and content.get("target_name") in COMM_TARGETS
    return False


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
    """The kernel websocket of a public page: drops every message :func:`message_allowed` refuses.

    Binary frames are checked for sane sizes before Jupyter reads them (see :func:`frame_offsets`).
    """

    def _peek(self, ws_msg) -> tuple[str | None, str | None, Any]:
        """Channel, message type and content of an incoming message, read as the parent class does."""
        if self.subprotocol == V1_PROTOCOL:
            count = _frame_count(ws_msg, 8)
            offsets = frame_offsets(ws_msg, 8, count, 8)
            if len(offsets) < 6:  # channel, header, parent, metadata, content, end
                raise ValueError("malformed frame")
            channel, msg_list = deserialize_msg_from_ws_v1(ws_msg)
            header = self.session.unpack(msg_list[0])
            content = self.session.unpack(msg_list[3]) if len(msg_list) > 3 else None
            return channel, header.get("msg_type"), content
        if isinstance(ws_msg, bytes):
            frame_offsets(ws_msg, 4, _frame_count(ws_msg, 4), 4)
            msg = deserialize_binary_message(ws_msg)
        else:
            msg = json.loads(ws_msg)
        if not isinstance(msg, dict) or not isinstance(msg.get("header"), dict):
            raise ValueError("not a kernel message")
        return msg.get("channel"), msg["header"].get("msg_type"), msg.get("content")

    def handle_incoming_message(self, incoming_msg) -> None:
        try:
            channel, msg_type, content = self._peek(incoming_msg)
        except Exception:  # unreadable: never forward what we could not check
            self.log.warning("Public dashboards: dropped an unreadable kernel message")
            return
        if not message_allowed(channel, msg_type, content):
            self.log.warning("Public dashboards: dropped a %r message on channel %r", msg_type, channel)
            return
        super().handle_incoming_message(incoming_msg)
