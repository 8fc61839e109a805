"""What one view's page may send to its kernel: :class:`Budget`, kept across the view's sockets.

Each message a page sends costs its kernel some work; a few cost much (every widget's state at
once is megabytes with charts). A view's budget bounds them, per window and in all, and counts
what the page sent that a page never sends, so that the socket of a page that keeps doing so is
closed (see ``kernel_messages``). It belongs to the view (its slot, see ``visitors``), not to
one socket: connecting again renews nothing.

What an honest page sends, for the record: on loading, the kernel's info, one control comm and
one request for every widget's state (one request per widget instead, if the control comm does
not answer in time); then one message per change of a control (sliders and pickers send on
release), with at most one message in flight per widget (ipywidgets waits for the kernel's
"idle" before sending the next, keeping only the latest); and, after each chart update is drawn,
the chart's report that it is drawn (see ``kernel_messages.STATE_KEYS``).
"""

from __future__ import annotations

import time
from typing import Any

#: Widgets whose state one view may ask for one by one (a case dashboard has a few hundred models).
MAX_WIDGETS = 2048
#: Messages a page never sends (refused or unreadable) after which its socket is closed, with a strike.
REFUSED_LIMIT = 20
#: Messages over the view's budget after which its socket is closed, with a strike.
OVER_BUDGET_LIMIT = 200

__all__ = ["MAX_WIDGETS", "OVER_BUDGET_LIMIT", "REFUSED_LIMIT", "Budget"]


class Budget:
    """What one view's page may still send: messages per window, and the costly requests in all.

    * ``per_window`` messages to the kernel per ``window`` seconds; ``request_state`` (one widget's
      state) is bounded on its own instead: each widget's state may be asked ``per_widget`` times,
      for at most :data:`MAX_WIDGETS` widgets (a page asks for each once, if ever);
    * ``request_states`` makes the kernel send every widget's state, and each control comm opened
      stays in the kernel: ``states`` and ``opens`` of them in all (a page needs one or two).

    ``refused`` and ``over`` count what the view's page sent that was refused or over its budget.
    """

    def __init__(self, per_window: int = 120, window: float = 10.0, states: int = 4, opens: int = 4,
                 per_widget: int = 2, clock=time.monotonic):
        self.per_window, self.window, self.clock = per_window, window, clock
        self.left = {"request_states": states, "comm_open": opens}
        self.per_widget = per_widget
        self.refused = 0
        self.over = 0
        self._asked: dict[str, int] = {}
        self._start, self._count = clock(), 0

    def spend(self, msg_type: str, content: Any) -> bool:
        """Whether a message of ``msg_type`` with ``content`` may go to the kernel (and count it)."""
        now = self.clock()
        if now - self._start >= self.window:
            self._start, self._count = now, 0
        kind = msg_type
        if msg_type == "comm_msg" and isinstance(content, dict) and isinstance(content.get("data"), dict):
            kind = content["data"].get("method", msg_type)
        if kind == "request_state":
            comm_id = str(content.get("comm_id"))[:64]
            asked = self._asked.get(comm_id, 0)
            if asked >= self.per_widget or (not asked and len(self._asked) >= MAX_WIDGETS):
                return False
            self._asked[comm_id] = asked + 1
            return True
        self._count += 1
        if self._count > self.per_window:
            return False
        if kind in self.left:
            if self.left[kind] <= 0:
                return False
            self.left[kind] -= 1
        return True
