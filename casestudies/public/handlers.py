"""The public server's HTTP handlers: Voila's own, hardened, and the few the course adds.

Each ``Safe…``/``Public…``/``ReadOnly…`` class is the Voila or Jupyter handler that serves that route
upstream, refusing more: any path that is not plainly inside its folder, any file that is not one
the pages need, any method the pages do not use. :mod:`.server` puts them in place of the upstream
classes on the routes its allow list keeps. Error pages are plain, with no traceback.
"""

from __future__ import annotations

import posixpath
import re

import tornado.web
from jupyter_core.utils import ensure_async
from tornado.ioloop import IOLoop
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyterlab_server.themes_handler import ThemesHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler

from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from . import chart_assets
from .kernel_messages import MAX_FRAME_BYTES
from .message_budget import Budget
from .visitors import COOKIE, Visitors, client_address

#: The browser may talk to this server only: no CDN, no third-party script, no framing elsewhere. No
#: inline script runs except a dashboard page's own, which carry the page's nonce (see
#: :class:`DashboardHandler`); plotly and the widgets need inline styles and ``blob:`` modules, not ``eval``.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' blob:",
    "style-src 'self' 'unsafe-inline' blob:",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'none'",
    "frame-ancestors 'self'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
    # a page that opened a dashboard in a window of its own gets no handle on it (it could otherwise
    # send it elsewhere before it connects, and make its visitor's address wait)
    "Cross-Origin-Opener-Policy": "same-origin",
}

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#263238}}
a{{color:#1565c0}}</style></head>
<body><h1>{title}</h1><p>{text}</p><p><a href="{home}">Back to the case dashboards</a></p></body></html>
"""

_ERRORS = {
    404: ("Page not found", "There is no page at this address."),
    403: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "This address does not accept that request."),
}

_KERNEL_ID = re.compile(r"\w+-\w+-\w+-\w+-\w+")

def public_page_config(page_config: dict, **_kwargs) -> dict:
    """Voila's page configuration without the version of the software (``appVersion``)."""
    return {**page_config, "appVersion": ""}


def plain_page(title: str, text: str, home: str = "/") -> str:
    """A small self-contained HTML page (the texts are the module's own, not user input)."""
    return _PAGE.format(title=title, text=text, home=home)


class PlainErrors:
    """Error pages written here, in plain words: no traceback, no server template."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)

    def write_error(self, status_code: int, **kwargs) -> None:
        title, text = _ERRORS.get(status_code, ("Something went wrong", "The page could not be shown."))
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(plain_page(title, text, self.settings.get("base_url", "/")))


class NotFoundHandler(PlainErrors, tornado.web.RequestHandler):
    """Every path that is not a dashboard or one of its assets."""

    def prepare(self) -> None:
        raise tornado.web.HTTPError(404)


def _clean_relative(path: str) -> str:
    """``path`` if it is a plain relative path inside its root; otherwise a 404."""
    if not path or "\\" in path or "\x00" in path or path.startswith("/"):
        raise tornado.web.HTTPError(404)
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts[:-1]) or parts[-1] in (".", ".."):
        raise tornado.web.HTTPError(404)
    if posixpath.normpath(path) != path.rstrip("/"):
        raise tornado.web.HTTPError(404)
    return path


class SafeStaticFileHandler(PlainErrors, MultiStaticFileHandler):
    """Voila's front-end files, refusing any path that is not plainly inside the folder."""

    def parse_url_path(self, url_path: str) -> str:
        return super().parse_url_path(_clean_relative(url_path))


class SafeTemplateStaticFileHandler(PlainErrors, TemplateStaticFileHandler):
    """``/voila/templates/<template>/static/<file>`` for the served template only; else a 404."""

    def initialize(self, templates=()):
        self.templates = tuple(templates)
        super().initialize()

    def parse_url_path(self, url_path: str) -> str:
        _clean_relative(url_path)
        parts = url_path.split("/", 2)
        if len(parts) != 3 or parts[1] != "static" or parts[0] not in self.templates:
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(url_path)


class PageExtensionsHandler(PlainErrors, FileFindHandler):
    """The script files of the few JupyterLab extensions a dashboard page loads (their ``static/``
    folder), nothing else: no ``package.json`` or ``install.json``, which name versions the page
    does not need."""

    def initialize(self, extensions=(), **kwargs):
        self.extensions = tuple(extensions)
        super().initialize(**kwargs)

    def parse_url_path(self, url_path: str) -> str:
        _clean_relative(url_path)
        if not any(url_path.startswith(name + "/static/") for name in self.extensions):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(url_path)


class PublicIdentityProvider(IdentityProvider):
    """Every visitor is the same anonymous user, and no identity cookie is set.

    Jupyter's default gives each anonymous browser a signed ``username-…`` cookie (without
    ``SameSite``) that the dashboards never use; a page's kernel is tied to its browser by the
    :data:`~.visitors.COOKIE` instead. No login page either.
    """

    VISITOR = User(username="visitor", name="Visitor", display_name="Visitor", initials="V")

    def get_user(self, handler):  # noqa: ARG002 - the same for every request
        return self.VISITOR

    def get_handlers(self) -> list:
        return []


async def shut_down(kernel_manager, kernel_id: str, log, now: bool = False) -> None:
    """Shut a visitor's kernel down (``now``: stop it at once), quietly if it is already gone."""
    try:
        await ensure_async(kernel_manager.shutdown_kernel(kernel_id, now=now))
    except Exception:  # already gone
        log.debug("kernel %s was already gone", kernel_id)


def visitors_of(handler) -> Visitors:
    return handler.settings["clusterlab_visitors"]


def client_of(handler) -> str:
    """The visitor's address (a trusted proxy's ``X-Forwarded-For`` believed, see ``visitors.client_address``)."""
    return client_address(handler.request.remote_ip or "", handler.request.headers.get("X-Forwarded-For"),
                          handler.settings.get("clusterlab_trusted_proxies", ()))


def is_https(handler) -> bool:
    """Whether the visitor reached the server over HTTPS (directly, or as a trusted proxy says)."""
    if handler.request.protocol == "https":
        return True
    trusted = handler.settings.get("clusterlab_trusted_proxies", ())
    if trusted and client_of(handler) != (handler.request.remote_ip or ""):
        return handler.request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    return False


def owner_token(handler) -> str | None:
    return handler.get_cookie(COOKIE)


def owns_kernel(handler, kernel_id: str) -> bool:
    return visitors_of(handler).owns(kernel_id, owner_token(handler))


class ReadOnlyKernelHandler(KernelHandler):
    """``GET /api/kernels/<id>`` for the page that holds the kernel (else a 404); no other kernel operation."""

    async def get(self, kernel_id):
        if not owns_kernel(self, kernel_id):
            raise tornado.web.HTTPError(404)
        await super().get(kernel_id)

    async def delete(self, kernel_id):  # noqa: ARG002 - the page shuts down through Voila's own route
        raise tornado.web.HTTPError(405)


class PublicShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's ``POST /voila/api/shutdown/<kernel id>`` (sent when a visitor leaves), for the page's own kernel only."""

    async def post(self, kernel_id):
        if not _KERNEL_ID.fullmatch(kernel_id or "") or not owns_kernel(self, kernel_id):
            raise tornado.web.HTTPError(404)
        visitors = visitors_of(self)
        slot = visitors.slot_of(kernel_id)
        await super().post(kernel_id)
        if slot is not None:
            visitors.release(slot)


class PublicKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """The kernel websocket, for the page that holds the kernel only, one socket per kernel, small frames.

    Anyone else (another visitor who learnt the kernel id, a second tab, a script) gets a 403
    before the upgrade: no traffic of the kernel, no message to it.
    """

    _counted = False

    @property
    def max_message_size(self) -> int:  # tornado closes the socket on a larger frame
        return MAX_FRAME_BYTES

    async def get(self, kernel_id):
        visitors = visitors_of(self)
        if not visitors.owns(kernel_id, owner_token(self)) or not visitors.socket_opened(kernel_id):
            self.set_status(403)
            self.finish()
            return
        self._counted = True
        try:
            await super().get(kernel_id)
        finally:
            if self.ws_connection is None:  # the upgrade did not happen: the socket never was
                self._uncount()

    def get_websocket_protocol(self):
        """Tornado's protocol, noting when it closes the socket for a frame over :attr:`max_message_size`."""
        protocol = super().get_websocket_protocol()
        close = getattr(protocol, "close", None)
        if close is not None:
            def close_noting(code=None, reason=None):
                if code == 1009:  # "message too big"
                    self._too_big = True
                return close(code, reason)

            protocol.close = close_noting
        return protocol

    def misbehaved(self) -> float:
        """The server closes this socket for misbehaving: a strike against the page's client, and its
        kernel shut down (see :meth:`.visitors.Visitors.misbehaved`); returns how long the client's
        next view must wait."""
        if getattr(self, "_struck", False) or not self._counted:
            return 0.0
        self._struck = True
        wait = visitors_of(self).misbehaved(self.kernel_id)
        IOLoop.current().add_callback(self._shut_down, self.kernel_id)
        return wait

    async def _shut_down(self, kernel_id: str) -> None:
        # at once, not politely: the kernel may still hold the page's queued requests
        await shut_down(self.kernel_manager, kernel_id, self.log, now=True)

    def view_budget(self) -> Budget:
        """What this view's page may still send: one :class:`.kernel_messages.Budget` per view, so
        that connecting again does not start a new one."""
        slot = visitors_of(self).slot_of(self.kernel_id)
        if slot is None:
            return Budget()
        if slot.budget is None:
            slot.budget = Budget()
        return slot.budget

    def on_close(self):
        if getattr(self, "_too_big", False):
            wait = self.misbehaved()
            self.log.warning("Public dashboards: a page's socket is closed: it sent a frame over %d bytes; "
                             "its kernel is shut down and its address waits %.0f s for its next view",
                             MAX_FRAME_BYTES, wait)
        self._uncount()
        if getattr(self, "connection", None) is not None:
            super().on_close()

    def _uncount(self) -> None:
        if self._counted:
            self._counted = False
            visitors_of(self).socket_closed(self.kernel_id)


class PublicThemesHandler(PlainErrors, ThemesHandler):
    """The JupyterLab theme files the page loads."""

    def parse_url_path(self, url_path: str) -> str:
        return super().parse_url_path(_clean_relative(url_path))


class LandingHandler(PlainErrors, tornado.web.RequestHandler):
    """The landing page: a page made once when the server starts (``static_edition.live_landing``), no kernel."""

    def initialize(self, page: bytes):
        self.page = page

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(self.page)

    def head(self) -> None:
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Content-Length", str(len(self.page)))
        self.finish()


class ChartScriptHandler(PlainErrors, tornado.web.StaticFileHandler):
    """The dashboards' chart script (``chart_assets``): two fixed files under a content version.

    Each FigureWidget would otherwise carry plotly's 4.9 MB script in its widget state. The
    dashboard kernels point their FigureWidgets here instead (see ``charts.served_plotly_bundle``);
    the URL names the content version, so the files may be cached for good. Any other name or
    version is refused.
    """

    def initialize(self):
        super().initialize(path=str(chart_assets.STATIC))

    def parse_url_path(self, url_path: str) -> str:
        version, _, name = url_path.partition("/")
        if version != chart_assets.version() or name not in chart_assets.FILES:
            raise tornado.web.HTTPError(404)
        return name

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        self.set_header("Content-Type", "text/javascript; charset=UTF-8")
