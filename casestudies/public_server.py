"""A Voila server fit for the public: it serves the case dashboards and nothing else.

:class:`PublicVoila` is Voila with its routes rebuilt from an allow list:

* ``/`` is the landing dashboard and ``/<case>`` each case's dashboard; there is no file tree,
  no contents API, no ``/voila/render`` of arbitrary paths and no ``/voila/files``;
* static files come only from Voila's own front-end folders, from the few JupyterLab extensions
  the dashboards need (widgets, anywidget) and plotly's chart script; every other path is a 404;
* the kernel websocket passes on only the comm messages the widgets use
  (:func:`message_allowed`): an ``execute_request`` or any other request is dropped before it
  reaches a kernel, on top of Voila's own filter; binary frames that announce absurd sizes are
  dropped before Jupyter's reader, which would try to allocate them, sees them;
* a dashboard page is refused with a 503 when ``max_kernels`` visitors' kernels are running;
* pages carry a Content-Security-Policy that lets the browser reach this server only, so the
  dashboards work offline and cannot pull anything from elsewhere.

The dashboards themselves are staged and the server configured in :mod:`.dashboards`.
"""

from __future__ import annotations

import json
import os
import posixpath
from typing import Any

import tornado.web
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.utils import url_path_join
from jupyterlab_server.themes_handler import ThemesHandler
from traitlets import Dict, Integer, List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.utils import get_voila_labextensions_path

from . import chart_assets

KERNEL_ID = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"

#: The JupyterLab extensions a dashboard page loads (and the only ones whose files are served).
#: Not jupyterlab-plotly: it renders static plotly outputs and loads 4.8 MB of script on every
#: page, while the charts are FigureWidgets, which anywidget draws with plotly's own bundle.
PAGE_EXTENSIONS = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "anywidget",
)

#: Comm targets a page may open in its kernel: ipywidgets' control channel and its widgets.
COMM_TARGETS = frozenset({"jupyter.widget.control", "jupyter.widget"})

#: Shell messages a page may send to its kernel. Everything else is dropped.
SHELL_MESSAGES = frozenset({"kernel_info_request", "comm_info_request", "comm_msg", "comm_close"})

#: The browser may talk to this server only: no CDN, no third-party script, no framing elsewhere.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
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
}

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#263238}}
a{{color:#1565c0}}</style></head>
<body><h1>{title}</h1><p>{text}</p><p><a href="{home}">Back to the case dashboards</a></p></body></html>
"""


def plain_page(title: str, text: str, home: str = "/") -> str:
    """A small self-contained HTML page (the texts are the module's own, not user input)."""
    return _PAGE.format(title=title, text=text, home=home)


# ------------------------------------------------------------------------ kernel messages
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


#: Most parts a websocket frame may announce (a kernel message has a handful, plus its buffers).
MAX_FRAME_PARTS = 64


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
        if self.subprotocol == "v1.kernel.websocket.jupyter.org":
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


# ---------------------------------------------------------------------------------- handlers
_ERRORS = {
    404: ("Page not found", "There is no page at this address."),
    403: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "This address does not accept that request."),
}


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
    """The files of the few JupyterLab extensions a dashboard page loads, nothing else."""

    def initialize(self, extensions=(), **kwargs):
        self.extensions = tuple(extensions)
        super().initialize(**kwargs)

    def parse_url_path(self, url_path: str) -> str:
        _clean_relative(url_path)
        if not any(url_path.startswith(name + "/") for name in self.extensions):
            raise tornado.web.HTTPError(404)
        return super().parse_url_path(url_path)


class ReadOnlyKernelHandler(KernelHandler):
    """``GET /api/kernels/<id>`` (the page checks its kernel); no other kernel operation."""

    async def delete(self, kernel_id):  # noqa: ARG002 - the page shuts down through Voila's own route
        raise tornado.web.HTTPError(405)


class PublicThemesHandler(PlainErrors, ThemesHandler):
    """The JupyterLab theme files the page loads."""

    def parse_url_path(self, url_path: str) -> str:
        return super().parse_url_path(_clean_relative(url_path))


class ChartScriptHandler(PlainErrors, tornado.web.StaticFileHandler):
    """The dashboards' chart script (``chart_assets``): two fixed files under a content version.

    Each FigureWidget would otherwise carry plotly's 4.9 MB script in its widget state. The
    dashboard kernels point their FigureWidgets here instead (see ``charts.use_served_plotly_bundle``);
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


def visitor_kernels(kernel_manager) -> int:
    """Kernels that serve visitors: every running kernel but the pre-heated ones waiting in a pool."""
    running = len(kernel_manager.list_kernel_ids())
    waiting = sum(len(pool) for pool in getattr(kernel_manager, "_pools", {}).values())
    return max(0, running - waiting)


class DashboardHandler(PlainErrors, TornadoVoilaHandler):
    """One dashboard, at a fixed address; refused with a 503 while the server is full."""

    def initialize(self, **kwargs):
        self.max_kernels = kwargs.pop("max_kernels")
        super().initialize(**kwargs)

    async def get(self, path=None):  # noqa: ARG002 - the route has no path part
        if self.max_kernels and visitor_kernels(self.kernel_manager) >= self.max_kernels:
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=UTF-8")
            self.finish(plain_page(
                "The dashboards are busy",
                "Many people are looking at the dashboards right now. Please try again in a minute.",
                self.base_url,
            ))
            return
        # Voila's page shuts its kernel down when the visitor leaves, with a POST that must carry
        # the _xsrf cookie; Voila never sets that cookie, so set it here (else kernels linger).
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        await super().get()


# ------------------------------------------------------------------------------- the app
class PublicVoila(Voila):
    """Voila serving a fixed set of dashboards, with every other route removed.

    ``dashboards`` maps an address (``""`` for the landing page, ``"igualada"``...) to a notebook
    file inside ``root_dir``.
    """

    name = "clusterlab-dashboards"

    dashboards = Dict(
        key_trait=Unicode(), value_trait=Unicode(), config=True,
        help="address (without the leading /) -> notebook file in root_dir",
    )
    max_kernels = Integer(
        20, config=True, help="most visitors' kernels at once; further page views get a 503 (0: no limit)"
    )
    page_extensions = List(Unicode(), list(PAGE_EXTENSIONS), config=True,
                           help="JupyterLab extensions loaded by the pages")

    def initialize(self, argv=None):
        super().initialize(argv)
        self._enforce()

    def _enforce(self) -> None:
        """Settings that keep the server safe, whatever a configuration file says."""
        vc = self.voila_configuration
        vc.show_tracebacks = False
        vc.strip_sources = True
        vc.allow_template_override = "NO"
        vc.allow_theme_override = "NO"
        vc.progressive_rendering = False
        vc.file_allowlist = []
        vc.file_denylist = [".*"]
        vc.http_header_envs = []
        vc.extension_allowlist = list(self.page_extensions)
        vc.extension_denylist = sorted(set(vc.extension_denylist or []) | {"@jupyter/nbgrader"})
        self.autoreload = False
        self.open_browser = False
        self.token = None
        self.auto_token = False
        self.kernel_websocket_connection_class = PublicKernelConnection
        self.tornado_settings = {
            **self.tornado_settings,
            "headers": {**SECURITY_HEADERS},
            "default_handler_class": NotFoundHandler,
            "serve_traceback": False,
            "debug": False,
        }
        if not self.dashboards:
            raise ValueError("no dashboards to serve")
        for address, notebook in self.dashboards.items():
            full = os.path.realpath(os.path.join(self.root_dir, notebook))
            if not full.startswith(os.path.realpath(self.root_dir) + os.sep) or not os.path.isfile(full):
                raise ValueError(f"dashboard {address!r}: {notebook!r} is not a notebook in {self.root_dir}")

    def init_settings(self):
        settings = super().init_settings()
        self.kernel_manager.allow_tracebacks = False
        settings["headers"] = {**SECURITY_HEADERS}
        return settings

    def init_handlers(self) -> list:
        base = self.server_url
        vc = self.voila_configuration
        labextensions = get_voila_labextensions_path(vc.extra_labextensions_path)
        handlers: list[tuple] = [
            (url_path_join(base, rf"/api/kernels/{KERNEL_ID}"), ReadOnlyKernelHandler),
            (url_path_join(base, rf"/api/kernels/{KERNEL_ID}/channels"), VoilaKernelWebsocketHandler),
            (url_path_join(base, r"/voila/templates/(.*)"), SafeTemplateStaticFileHandler,
             {"templates": self._template_names()}),
            (url_path_join(base, r"/voila/static/(.*)"), SafeStaticFileHandler,
             {"paths": self.static_paths, "default_filename": None}),
            (url_path_join(base, r"/voila/api/themes/(.*)"), PublicThemesHandler,
             {"themes_url": "/voila/api/themes", "path": self.themes_dir,
              "labextensions_path": labextensions, "no_cache_paths": ["/"]}),
            (url_path_join(base, rf"/voila/api/shutdown/{KERNEL_ID}"), VoilaShutdownKernelHandler),
            (url_path_join(base, r"/voila/labextensions/(.*)"), PageExtensionsHandler,
             {"path": labextensions, "no_cache_paths": ["/"], "extensions": list(self.page_extensions)}),
        ]
        handlers.append((url_path_join(base, r"/voila/clusterlab/(.*)"), ChartScriptHandler))
        if vc.preheat_kernel:
            handlers.append((url_path_join(base, rf"/voila/query/{KERNEL_ID}"), RequestInfoSocketHandler))
        for address, notebook in self.dashboards.items():
            pattern = url_path_join(base, "/" + address) if address else base
            handlers.append((pattern, DashboardHandler, {
                "notebook_path": notebook,
                "template_paths": self.template_paths,
                "config": self.config,
                "voila_configuration": vc,
                "max_kernels": self.max_kernels,
            }))
        handlers.append((url_path_join(base, r"/.*"), NotFoundHandler))
        return handlers

    def _template_names(self) -> list[str]:
        names, template = [], self.voila_configuration.template
        for path in self.template_paths:
            parts = os.path.normpath(path).split(os.sep)
            if len(parts) >= 3 and parts[-2] == "templates" and parts[-3] in ("voila", "nbconvert"):
                names.append(parts[-1])
        return sorted(set(names) | {template})
