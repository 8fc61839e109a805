"""A view of a case dashboard: the script check, a kernel slot, then Voila's page with its nonce.

:class:`DashboardHandler` serves each case dashboard at its fixed address. A request without a
valid ticket gets the small opening page (:mod:`.script_check`) and starts nothing. With one, the
view reserves a kernel slot (:class:`.visitors.Visitors`), or gets the "busy" page: 503 when the
server is full, 429 when its address has its share of views or must wait after misbehaving
(:mod:`.conduct`), each with ``Retry-After``. Then Voila makes the page, and :func:`attach_kernels`
ties the kernel it starts to the slot.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import re
import secrets

from jupyter_core.utils import ensure_async
from tornado.ioloop import IOLoop
from voila.tornado.handler import TornadoVoilaHandler

from . import script_check
from .handlers import (
    CONTENT_SECURITY_POLICY,
    PlainErrors,
    client_of,
    is_https,
    owner_token,
    plain_page,
    shut_down,
    visitors_of,
)
from .visitors import COOKIE, Visitors, client_key

__all__ = ["CURRENT_VIEW", "DashboardHandler", "attach_kernels", "page_policy"]

#: An opening ``<script`` tag without a nonce, in the HTML Voila writes.
_SCRIPT_TAG = re.compile(r"<script(?=[\s>])(?![^>]*\snonce=)", re.IGNORECASE)

#: The view being served by the current request (set by :class:`DashboardHandler` while Voila makes the
#: page), with the task serving it: see :func:`attach_kernels`.
CURRENT_VIEW: contextvars.ContextVar = contextvars.ContextVar("clusterlab_current_view", default=None)

_BUSY = {
    "full": (503, "Many people are looking at the dashboards right now. Please try again in a minute."),
    "client": (429, "Your address already has several dashboards open. Close a tab you no longer use, "
                    "then try again in a minute."),
    "wait": (429, "Dashboards opened from your address did not connect, or sent the server more than a "
                  "page sends, so the next one must wait. Please try again in {wait}."),
}


def page_policy(nonce: str) -> str:
    """The Content-Security-Policy of a dashboard page: :data:`.handlers.CONTENT_SECURITY_POLICY`, with
    the page's own inline scripts allowed by their nonce."""
    return CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' 'nonce-{nonce}'", 1)


def attach_kernels(kernel_manager, visitors: Visitors) -> None:
    """Tie each kernel Voila starts (or takes from its pool) for a page to that page's slot.

    Voila's handler calls ``start_kernel`` (or ``get_rendered_notebook`` with pre-heated kernels)
    on the server's kernel manager; these wrappers read :data:`CURRENT_VIEW`. Only the task that
    serves the page attaches: a task the page's task started (such as the pool's refill) does not.
    """
    start = kernel_manager.start_kernel

    async def start_kernel(*args, **kwargs):
        kernel_id = await ensure_async(start(*args, **kwargs))
        _attach(visitors, kernel_id)
        return kernel_id

    kernel_manager.start_kernel = start_kernel
    rendered = getattr(kernel_manager, "get_rendered_notebook", None)
    if rendered is not None:
        async def get_rendered_notebook(*args, **kwargs):
            result = await rendered(*args, **kwargs)
            _attach(visitors, result[2])
            return result

        kernel_manager.get_rendered_notebook = get_rendered_notebook


def _attach(visitors: Visitors, kernel_id: str) -> None:
    view = CURRENT_VIEW.get()
    if view is not None and view[1] is asyncio.current_task() and view[0].kernel_id is None:
        visitors.attach(view[0], kernel_id)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, math.ceil(seconds))} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


class DashboardHandler(PlainErrors, TornadoVoilaHandler):
    """One dashboard, at a fixed address (see the module's docstring)."""

    async def get(self, path=None):  # noqa: ARG002 - the route has no path part
        visitors = visitors_of(self)
        client = client_key(client_of(self))
        tickets: script_check.Tickets = self.settings["clusterlab_tickets"]
        page = self.request.path
        self._nonce = secrets.token_urlsafe(18)
        self.set_header("Content-Security-Policy", page_policy(self._nonce))
        if not any(tickets.valid(t, client, page) for t in script_check.tickets_in(self.request.headers.get("Cookie"))):
            self.set_header("Cache-Control", "no-store")
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(script_check.opening_page(tickets.issue(client, page), page, self._nonce))
            return
        token = owner_token(self)
        if not token or len(token) > 64:
            token = None
        slot = visitors.reserve(client, token)
        if slot is None:
            self.busy(visitors.refusal(client) or "full", visitors.conduct.wait(client))
            return
        self.set_cookie(COOKIE, slot.token, path=self.base_url, httponly=True, samesite="Strict",
                        secure=is_https(self))
        # Voila's page shuts its kernel down when the visitor leaves, with a POST that must carry
        # the _xsrf cookie; Voila never sets that cookie, so set it here (else kernels linger).
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        view = CURRENT_VIEW.set((slot, asyncio.current_task()))
        try:
            await super().get()
        finally:
            CURRENT_VIEW.reset(view)
            if slot.kernel_id is None:
                visitors.release(slot)
            elif getattr(self, "_left", False):  # the visitor left while the page was being made: no strike
                visitors.release(slot)
                IOLoop.current().add_callback(shut_down, self.kernel_manager, slot.kernel_id, self.log, True)
            else:
                visitors.page_sent(slot)

    def set_cookie(self, name, value, *args, **kwargs) -> None:
        """Every cookie of the page ``Secure`` when the visitor came over HTTPS (Tornado sets the
        ``_xsrf`` cookie with the server's fixed options, which cannot know that)."""
        if is_https(self):
            kwargs["secure"] = True
        super().set_cookie(name, value, *args, **kwargs)

    def on_connection_close(self) -> None:
        self._left = True
        super().on_connection_close()

    def write(self, chunk) -> None:
        """Voila's HTML, with the page's nonce on each inline script (the page's own: outputs are
        JSON inside ``application/vnd.voila.cell-output+json`` blocks, and run nothing)."""
        nonce = getattr(self, "_nonce", None)
        if nonce and isinstance(chunk, str):
            chunk = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"', chunk)
        super().write(chunk)

    def busy(self, why: str, wait: float = 0) -> None:
        status, text = _BUSY.get(why, _BUSY["full"])
        retry = max(60, math.ceil(wait)) if why != "wait" else max(1, math.ceil(wait))
        self.set_status(status)
        self.set_header("Retry-After", str(retry))
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(plain_page("The dashboards are busy", text.format(wait=_duration(retry)), self.base_url))
