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
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyterlab_server.themes_handler import ThemesHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler

from . import chart_assets

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

_ERRORS = {
    404: ("Page not found", "There is no page at this address."),
    403: ("Page not found", "There is no page at this address."),
    405: ("Not allowed", "This address does not accept that request."),
}

_KERNEL_ID = re.compile(r"\w+-\w+-\w+-\w+-\w+")


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


class PublicShutdownHandler(VoilaShutdownKernelHandler):
    """Voila's ``POST /voila/api/shutdown/<kernel id>`` (sent when a visitor leaves), for kernel ids only."""

    async def post(self, kernel_id):
        if not _KERNEL_ID.fullmatch(kernel_id or ""):
            raise tornado.web.HTTPError(404)
        await super().post(kernel_id)


class PublicThemesHandler(PlainErrors, ThemesHandler):
    """The JupyterLab theme files the page loads."""

    def parse_url_path(self, url_path: str) -> str:
        return super().parse_url_path(_clean_relative(url_path))


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


def visitor_kernels(kernel_manager, notebooks) -> int:
    """Kernels that serve visitors: every running kernel but the pre-heated ones waiting in a pool.

    ``notebooks`` are the served notebooks; Voila's kernel manager tells how many kernels wait
    for each (``get_pool_size``: 0 without pre-heating).
    """
    running = len(kernel_manager.list_kernel_ids())
    waiting = sum(kernel_manager.get_pool_size(name) for name in notebooks)
    return max(0, running - waiting)


class DashboardHandler(PlainErrors, TornadoVoilaHandler):
    """One dashboard, at a fixed address; refused with a 503 while the server is full."""

    def initialize(self, **kwargs):
        self.max_kernels = kwargs.pop("max_kernels")
        self.notebooks = tuple(kwargs.pop("notebooks"))
        super().initialize(**kwargs)

    async def get(self, path=None):  # noqa: ARG002 - the route has no path part
        if self.max_kernels and visitor_kernels(self.kernel_manager, self.notebooks) >= self.max_kernels:
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
