"""Kernel messages as a page sends them over the kernel websocket, for the dashboard server's tests."""

from __future__ import annotations

import json
import uuid


def message(msg_type: str, content: dict, channel: str = "shell", metadata: dict | None = None) -> dict:
    """A kernel message (JSON protocol) of ``msg_type`` with ``content`` on ``channel``."""
    return {
        "header": {"msg_id": uuid.uuid4().hex, "username": "visitor", "session": uuid.uuid4().hex,
                   "msg_type": msg_type, "version": "5.3", "date": "2026-01-01T00:00:00Z"},
        "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": channel, "buffers": [],
    }


def v1_frame(msg: dict) -> bytes:
    """A message in the v1 kernel websocket protocol (offsets, channel, header, parent, metadata, content)."""
    parts = [msg["channel"].encode()] + [json.dumps(msg[k]).encode()
                                         for k in ("header", "parent_header", "metadata", "content")]
    offsets, pos = [], 8 * (len(parts) + 2)
    for part in parts:
        offsets.append(pos)
        pos += len(part)
    offsets.append(pos)
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + b"".join(parts)
