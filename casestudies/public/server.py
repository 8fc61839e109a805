"""A Voila server fit for the public: it serves the case dashboards and nothing else.

:class:`PublicVoila` is Voila with its routes filtered by an allow list (:data:`ALLOWED_ROUTES`):
Voila registers its handlers as usual, and the server keeps only the routes a dashboard page needs,
each served by a hardened subclass of Voila's own handler (:mod:`.handlers`):

* ``/`` is the landing dashboard and ``/<case>`` each case's dashboard; there is no file tree,
  no contents API, no ``/voila/render`` of arbitrary paths, no ``/voila/files`` and no login page;
* static files come only from Voila's own front-end folders, from the few JupyterLab extensions
  the dashboards need (widgets, anywidget) and plotly's chart script; every other path is a 404;
* the kernel websocket passes on only the messages the dashboards' controls send, and back only
  the messages the widgets need: no printed text, no error, no traceback (:mod:`.kernel_messages`);
* each page view reserves a kernel slot before its kernel starts (:mod:`.visitors`): at most
  ``max_kernels`` at once, ``max_per_client`` per client address, the "busy" page with
  ``Retry-After`` beyond; a kernel answers only the browser it was started for, on one socket, and
  is released when its page never connects, is left, or is culled;
* every request meets the Host allow-list first and no response names the server software
  (:mod:`.edges`); the open-file limit is raised as far as the system allows and the kernel cap
  lowered to what it can hold (:func:`fit_kernel_cap`);
* pages carry a Content-Security-Policy that lets the browser reach this server only, so the
  dashboards work offline and cannot pull anything from elsewhere.

The allow list and the message filter rest on the routes and classes of one Voila and one
jupyter_server version (:data:`SAFETY_PATCHES`). With any other version the server does not start
(:class:`~clusterlab.patches.PatchError`): it never serves the public with a safety measure that
may have stopped working. The dashboards themselves are staged and the server configured in
:mod:`.dashboards`.
"""

from __future__ import annotations

import os
import resource
import warnings

from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.utils import url_path_join
from jupyterlab_server.themes_handler import ThemesHandler
from tornado.ioloop import IOLoop, PeriodicCallback
from traitlets import Dict, Float, Integer, List, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from clusterlab import patches
from clusterlab.patches import PatchError, PatchWarning

from . import edges

from .handlers import (
    SECURITY_HEADERS,
    ChartScriptHandler,
    LandingHandler,
    NotFoundHandler,
    PageExtensionsHandler,
    PublicKernelWebsocketHandler,
    PublicShutdownHandler,
    PublicThemesHandler,
    ReadOnlyKernelHandler,
    SafeStaticFileHandler,
    SafeTemplateStaticFileHandler,
    public_page_config,
    shut_down,
)
from .conduct import Conduct
from .kernel_messages import PublicKernelConnection
from .script_check import Tickets
from .views import DashboardHandler, attach_kernels
from .visitors import Visitors, parse_networks

#: The JupyterLab extensions a dashboard page loads (and the only ones whose files are served).
#: Not jupyterlab-plotly: it renders static plotly outputs and loads 4.8 MB of script on every
#: page, while the charts are FigureWidgets, which anywidget draws with plotly's own bundle.
PAGE_EXTENSIONS = (
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "anywidget",
)

#: The safety measures of the public server and the exact upstream versions they were written for.
SAFETY_PATCHES = (
    ("public server: Voila's routes kept by an allow list", "voila", "0.5.13"),
    ("public server: kernel messages filtered before they reach a kernel", "jupyter_server", "2.21.1"),
)

_KERNEL = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"

#: Voila's own routes that the public server keeps, written as Voila 0.5.13 registers them (the path
#: after the server URL) -> (the handler class Voila registers there, the class that serves it here).
#: Every other route Voila registers is removed: the file tree, ``/voila/render``, the contents API,
#: ``/voila/files``, the login and logout pages, progressive rendering.
ALLOWED_ROUTES: dict[str, tuple[type, type]] = {
    rf"/api/kernels/{_KERNEL}": (KernelHandler, ReadOnlyKernelHandler),
    rf"/api/kernels/{_KERNEL}/channels": (VoilaKernelWebsocketHandler, PublicKernelWebsocketHandler),
    r"/voila/templates/(.*)": (TemplateStaticFileHandler, SafeTemplateStaticFileHandler),
    r"/voila/static/(.*)": (MultiStaticFileHandler, SafeStaticFileHandler),
    r"/voila/api/themes/(.*)": (ThemesHandler, PublicThemesHandler),
    r"/voila/api/shutdown/(.*)": (VoilaShutdownKernelHandler, PublicShutdownHandler),
    rf"/voila/query/{_KERNEL}": (RequestInfoSocketHandler, RequestInfoSocketHandler),
    r"/voila/labextensions/(.*)": (FileFindHandler, PageExtensionsHandler),
}

#: Routes Voila registers only in some configurations (``/voila/query`` with pre-heated kernels).
OPTIONAL_ROUTES = frozenset({rf"/voila/query/{_KERNEL}"})


#: Open files the server needs whatever the number of kernels (listening socket, logs, static files...).
FD_RESERVE = 128
#: Open files each visitor's kernel costs the server: its ZeroMQ sockets while the page is made and
#: while the page is connected, and the page's own connections (measured with
#: ``tests/benchmarks/dashboard_load.py``; about 9 per websocket and a few more per kernel).
FD_PER_KERNEL = 32


def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit; return the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if want > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
            soft = want
        except (ValueError, OSError):
            pass
    return soft


def fit_kernel_cap(max_kernels: int, open_files: int) -> int:
    """The largest kernel cap (at most ``max_kernels``; 0 is "no limit") that ``open_files`` can serve."""
    room = max(1, (open_files - FD_RESERVE) // FD_PER_KERNEL)
    return room if max_kernels == 0 else min(max_kernels, room)


def check_safety_patches() -> None:
    """Raise :class:`PatchError` unless every safety measure fits the installed packages."""
    wrong = []
    with warnings.catch_warnings():  # the error below says it better than the patch warning
        warnings.simplefilter("ignore", PatchWarning)
        for name, package, version in SAFETY_PATCHES:
            if not patches.applies(name, package, version, speed=False):
                have = patches.installed_version(package)
                wrong.append(f"{name} (written for {package} {version}; installed: "
                             f"{f'{package} {have}' if have else 'none'})")
    if wrong:
        raise PatchError(
            "the public dashboard server was not started: safety measures it cannot serve without "
            "were written for other versions of the packages they adjust:\n  - " + "\n  - ".join(wrong)
            + "\nInstall the versions pinned in pyproject.toml, or update these measures for the "
            "installed versions and run tests/dashboards."
        )


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
        20, config=True, help="most visitors' kernels at once; further page views get a 503 (0: as many as "
        "the open-file limit allows)"
    )
    max_per_client = Integer(4, config=True, help="most kernels one client address holds at once (0: no limit)")
    connect_timeout = Float(45, config=True, help="seconds a page has to connect to its kernel before it is released")
    strike_wait = Float(30, config=True, help="seconds a client waits for its next view after its first strike "
                        "(doubling with each further strike, at most 10 minutes); 0: no waits")
    leave_grace = Float(30, config=True, help="seconds a kernel is kept after its page's socket closed")
    public_hosts = List(Unicode(), [], config=True, help="host names served besides loopback (Host allow-list)")
    trusted_proxies = List(Unicode(), [], config=True,
                           help="addresses or networks of reverse proxies whose X-Forwarded-For is believed")
    landing_page = Unicode("", config=True,
                           help="an HTML file served at / instead of running the landing notebook (no kernel)")
    page_extensions = List(Unicode(), list(PAGE_EXTENSIONS), config=True,
                           help="JupyterLab extensions loaded by the pages")

    def initialize(self, argv=None):
        check_safety_patches()
        super().initialize(argv)
        self._enforce()
        open_files = raise_open_file_limit()
        cap = fit_kernel_cap(self.max_kernels, open_files)
        if cap != self.max_kernels:
            self.log.warning("At most %d visitors' kernels at once: the open-file limit (%d) allows no more.",
                             cap, open_files)
        self.visitors = Visitors(max_kernels=cap, per_client=self.max_per_client,
                                 connect_timeout=self.connect_timeout, leave_grace=self.leave_grace,
                                 conduct=Conduct(first_wait=self.strike_wait))
        self.tickets = Tickets()
        self.trusted = parse_networks(self.trusted_proxies)

    def _enforce(self) -> None:
        """Settings that keep the server safe, whatever a configuration file says."""
        vc = self.voila_configuration
        vc.show_tracebacks = False
        vc.strip_sources = True
        vc.page_config_hook = public_page_config
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
        # jupyter_server's error filter reads this; Voila's kernel manager lacks it (the filter is never
        # reached, since error messages are dropped before it, but it must not fail if it were).
        self.kernel_manager.traceback_replacement_message = "The dashboard could not do that."
        settings["headers"] = {**SECURITY_HEADERS}
        settings["xsrf_cookie_kwargs"] = {"samesite": "Strict", "path": self.base_url}
        settings["clusterlab_visitors"] = self.visitors
        settings["clusterlab_tickets"] = self.tickets
        settings["clusterlab_trusted_proxies"] = self.trusted
        settings["websocket_max_message_size"] = 64 * 1024
        attach_kernels(self.kernel_manager, self.visitors)
        return settings

    def listen(self):
        """Voila's ``listen``, with the edges (:mod:`.edges`) and the visitors' housekeeping in place."""
        edges.guard(self.app, edges.allowed_hosts(self.ip, self.public_hosts))
        listen = self.app.listen
        self.app.listen = lambda port, address="", **kw: listen(port, address, **{**edges.http_server_limits(), **kw})
        IOLoop.current().add_callback(self._start_sweeping)
        super().listen()

    def _start_sweeping(self) -> None:
        self._sweeper = PeriodicCallback(self._sweep, 5000)
        self._sweeper.start()

    async def _sweep(self) -> None:
        """Shut down the kernels :meth:`Visitors.sweep` gives up (never connected, left, or gone)."""
        for kernel_id in self.visitors.sweep(self.kernel_manager.list_kernel_ids()):
            await shut_down(self.kernel_manager, kernel_id, self.log)

    def init_handlers(self) -> list:
        """Voila's own handlers that :data:`ALLOWED_ROUTES` admits, then the dashboards, then a 404."""
        base = self.server_url
        handlers = self.allowed(super().init_handlers())
        handlers.append((url_path_join(base, r"/voila/clusterlab/(.*)"), ChartScriptHandler))
        for address, notebook in self.dashboards.items():
            pattern = url_path_join(base, "/" + address) if address else base
            if not address and self.landing_page:
                with open(self.landing_page, "rb") as page:
                    handlers.append((pattern, LandingHandler, {"page": page.read()}))
                continue
            handlers.append((pattern, DashboardHandler, {
                "notebook_path": notebook,
                "template_paths": self.template_paths,
                "config": self.config,
                "voila_configuration": self.voila_configuration,
            }))
        handlers.append((url_path_join(base, r"/.*"), NotFoundHandler))
        return handlers

    def allowed(self, upstream: list) -> list[tuple]:
        """The routes of ``upstream`` (Voila's handler list) that the allow list keeps, each served
        by its hardened class. Raises :class:`PatchError` when a route the pages need is missing or
        served by another class than the one the allow list was written for."""
        wanted = {url_path_join(self.server_url, path): path for path in ALLOWED_ROUTES}
        kept, seen = [], set()
        for spec in upstream:
            path = wanted.get(spec[0]) if isinstance(spec, tuple) else None
            if path is None:
                continue
            upstream_class, served_by = ALLOWED_ROUTES[path]
            if spec[1] is not upstream_class:
                raise PatchError(f"the public dashboard server was not started: Voila serves {path} with "
                                 f"{spec[1].__name__}, not {upstream_class.__name__}; its allow list must be "
                                 "checked for this Voila version.")
            options = spec[2] if len(spec) > 2 else {}
            kept.append((spec[0], served_by, self._options(served_by, options)))
            seen.add(path)
        needed = set(ALLOWED_ROUTES) - OPTIONAL_ROUTES
        if self.voila_configuration.preheat_kernel:
            needed |= OPTIONAL_ROUTES
        if needed - seen:
            raise PatchError("the public dashboard server was not started: Voila no longer registers "
                             f"{', '.join(sorted(needed - seen))}, which the dashboard pages need; its "
                             "allow list must be checked for this Voila version.")
        return kept

    def _options(self, served_by: type, options: dict) -> dict:
        """Voila's options for a kept route, with what the hardened class needs or refuses."""
        if served_by is SafeStaticFileHandler:
            return {**options, "default_filename": None}
        if served_by is SafeTemplateStaticFileHandler:
            return {**options, "templates": self._template_names()}
        if served_by is PageExtensionsHandler:
            return {**options, "extensions": list(self.page_extensions)}
        return dict(options)

    def _template_names(self) -> list[str]:
        names, template = [], self.voila_configuration.template
        for path in self.template_paths:
            parts = os.path.normpath(path).split(os.sep)
            if len(parts) >= 3 and parts[-2] == "templates" and parts[-3] in ("voila", "nbconvert"):
                names.append(parts[-1])
        return sorted(set(names) | {template})
