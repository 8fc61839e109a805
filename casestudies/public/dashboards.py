"""The public case dashboards: which notebooks they are, how they are staged, how they are served.

``clusterlab dashboards`` calls :func:`serve`. It copies the dashboard notebooks, and nothing else,
into a fresh folder outside the repository (:func:`stage`), then runs
:class:`~clusterlab.casestudies.public.server.PublicVoila` on that folder with the configuration
built by :func:`voila_config`:

* only the landing page (``/``) and one page per case (``/igualada``, ``/prato``,
  ``/huddersfield``) are served: no file tree, no contents API, no file downloads, and no other
  file of the repository, which the server never looks at;
* no code is shown and no traceback reaches a visitor; the kernel websocket carries widget
  messages only, so a page cannot run code;
* idle kernels are culled, the number of visitors' kernels is bounded, and kernels can be
  pre-heated so that the first page view is fast;
* the page asks nothing from a CDN: it works offline.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clusterlab.casestudies import CASES_DIR, load_case
from clusterlab.patches import applies, skip_slow_optional_imports

from . import chart_assets
from .charts import served_bundle_patch_applies
from .environment import PUBLIC_ENV  # set in the server's environment, hence its kernels'

#: Address -> (notebook under casestudies/, page title). The empty address is the landing page.
DASHBOARDS: dict[str, tuple[str, str]] = {
    "": ("index.ipynb", "Three industrial clusters"),
    "igualada": ("igualada/dashboard.ipynb", "Igualada leather cluster"),
    "prato": ("prato/dashboard.ipynb", "Prato textile and fashion district"),
    "huddersfield": ("huddersfield/dashboard.ipynb", "Huddersfield textile cluster"),
}

TEMPLATE = "clusterlab"

#: The kernel every dashboard runs on: ipykernel, started bounded by ``kernel_launcher``.
KERNEL_NAME = "clusterlab-dashboard"


#: Voila's "lab" template asks a CDN for two Font Awesome stylesheets (the page's own bundle already
#: carries Font Awesome 5, so icons show without them). The staged template removes these exact
#: links from the block that Voila 0.5.13 writes them in; the tests check that they are still there.
CDN_LINKS = (
    '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/all.min.css" type="text/css" />',
    '<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@^5/css/v4-shims.min.css" type="text/css" />',
)
CDN_LINKS_PATCH = ("page without CDN font links", "voila", "0.5.13")

#: nbconvert's "lab" template loads mermaid from a CDN when a diagram is present, in this block.
MERMAID_BLOCK = "html_head_js_mermaidjs"
MERMAID_PATCH = ("page without the mermaid loader", "nbconvert", "7.17.2")

#: The page template: Voila's "lab" template, with links between the dashboards kept in the same
#: tab, a centred layout, and the chart script fetched early on pages with charts.
_INDEX_TEMPLATE = """\
{%- extends 'voila/templates/lab/index.html.j2' -%}
{%- block notebook_css -%}
@NOTEBOOK_CSS@
<script>
  // Links between the dashboards open in the same tab (the page's renderer opens every link in a
  // new one, which would leave a kernel behind per tab).
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.cl-here");
    if (link) link.removeAttribute("target");
  }, true);
</script>
<style>
  #rendered_cells { max-width: 1180px; margin: 0 auto; }
  .jp-Cell { padding-left: 12px; padding-right: 12px; }
</style>
{%- if nb.metadata.get("clusterlab", {}).get("charts") %}
<script>
  // Fetch and run the chart script while the server still runs the notebook (a classic script
  // runs at once; a module script would wait for the whole page): the charts import the same URL
  // later and find it ready.
  import("{{ resources.base_url }}voila/clusterlab/@CHART_VERSION@/figure-view.js").catch(() => {});
</script>
{%- endif %}
{%- endblock notebook_css -%}
@MERMAID@"""


def page_template() -> str:
    """The staged page template, with each CDN removal that fits the installed Voila and nbconvert.

    On other versions the removal is left out with a warning (the page then names the CDN; its
    Content-Security-Policy still keeps the browser from fetching anything there).
    """
    css = "{{ super() }}"
    if applies(*CDN_LINKS_PATCH, speed=False):
        css = "{{ super()\n" + "".join(f"   | replace({link!r}, '')\n" for link in CDN_LINKS) + "}}"
    mermaid = ""
    if applies(*MERMAID_PATCH, speed=False):
        mermaid = f"{{%- block {MERMAID_BLOCK} -%}}\n{{%- endblock {MERMAID_BLOCK} -%}}\n"
    return (_INDEX_TEMPLATE.replace("@NOTEBOOK_CSS@", css).replace("@MERMAID@", mermaid)
            .replace("@CHART_VERSION@", chart_assets.version()))


@dataclass
class ServerOptions:
    """How ``clusterlab dashboards`` serves the dashboards."""

    host: str = "127.0.0.1"
    port: int = 8866
    preheat: bool = False
    pool_size: int = 1  # pre-heated kernels kept ready per dashboard
    refill_delay: float = 10  # seconds before a used pre-heated kernel is replaced (not during its page load)
    idle_timeout: int = 600  # seconds without activity before a visitor's kernel is shut down
    max_kernels: int = 20  # visitors' kernels at once; 0 for no limit
    base_url: str = "/"
    max_per_client: int = 4  # kernels one client address may hold at once; 0 for no limit
    connect_timeout: int = 45  # seconds a page has to connect to its kernel before the kernel is released
    strike_wait: int = 30  # seconds a misbehaving client waits for its next view (doubling); 0 for none
    kernel_memory_mb: int = 1024  # address space of each kernel; 0 for no limit
    public_hosts: tuple = ()  # host names the server answers for, besides loopback
    trusted_proxies: tuple = ()  # addresses whose X-Forwarded-For / X-Forwarded-Proto are believed


@dataclass
class Staged:
    """A staging folder: ``site`` holds the notebooks, ``data`` the page template."""

    root: Path
    site: Path
    data: Path
    dashboards: dict[str, str]  # address -> notebook file name inside ``site``
    landing: Path | None = None  # the landing page made ahead (see ``make_landing``), served without a kernel


def check_cases() -> None:
    """Load every case once, so that a broken case file stops the server before anyone visits.

    Raises :class:`~clusterlab.casestudies.CaseFileError` (file, field and reason).
    """
    for address in DASHBOARDS:
        if address:
            load_case(address)


def _clean_notebook(src: Path, title: str, charts: bool = False) -> str:
    """The notebook without outputs and execution counts, titled for the browser tab.

    ``charts`` marks a page with plotly charts: its template starts loading plotly at once.
    """
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    metadata = nb.setdefault("metadata", {})
    metadata["title"] = title
    metadata.pop("voila", None)  # no per-notebook template or theme
    metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (dashboard)", "language": "python"}
    metadata["clusterlab"] = {"charts": bool(charts)}
    return json.dumps(nb, indent=1, ensure_ascii=False)


def kernel_spec(memory_mb: int) -> dict:
    """The staged kernel specification: ipykernel started through ``kernel_launcher`` (limits, no history)."""
    return {
        "argv": [sys.executable, "-m", "clusterlab.casestudies.public.kernel_launcher",
                 "--memory-mb", str(int(memory_mb)), "-f", "{connection_file}"],
        "display_name": "Python 3 (dashboard)",
        "language": "python",
        "metadata": {"debugger": False},
    }


def stage(dest: Path | None = None, extra: dict[str, Path] | None = None, kernel_memory_mb: int = 1024) -> Staged:
    """Copy the dashboards (and nothing else) into a fresh folder outside the repository, with the
    page template and the bounded kernel they run on.

    ``extra`` adds notebooks at other addresses (the benchmark serves a trivial notebook next to
    the dashboards this way); the command line never does.
    """
    root = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="clusterlab-dashboards-"))
    site = root / "site"
    data = root / "share" / "jupyter"
    site.mkdir(parents=True, exist_ok=True)
    served: dict[str, str] = {}
    missing = []
    preload = served_bundle_patch_applies()  # the kernels load the chart script from the server
    wanted = {address: (CASES_DIR / rel, title) for address, (rel, title) in DASHBOARDS.items()}
    for address, path in (extra or {}).items():
        if not address.isidentifier() or address in wanted:
            raise ValueError(f"cannot serve an extra notebook at {address!r}")
        wanted[address] = (Path(path), address)
    for address, (src, title) in wanted.items():
        if not src.is_file():
            missing.append(str(src))
            continue
        name = f"{address or 'index'}.ipynb"
        charts = address in DASHBOARDS and address != "" and preload
        (site / name).write_text(_clean_notebook(src, title, charts), encoding="utf-8")
        served[address] = name
    if missing:
        raise FileNotFoundError("dashboard notebook(s) missing: " + ", ".join(missing))
    template = data / "voila" / "templates" / TEMPLATE
    template.mkdir(parents=True, exist_ok=True)
    (template / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    (template / "index.html.j2").write_text(page_template(), encoding="utf-8")
    kernel = data / "kernels" / KERNEL_NAME
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps(kernel_spec(kernel_memory_mb), indent=1), encoding="utf-8")
    (root / "runtime").mkdir(exist_ok=True)
    (root / "ipython").mkdir(exist_ok=True)
    return Staged(root=root, site=site, data=data, dashboards=served)


def make_landing(staged: Staged) -> Path:
    """Make the landing page once, in a process of its own (it imports the dashboards' code, which the
    server never loads), and note it in ``staged``. Raises RuntimeError with the reason if it fails."""
    path = staged.root / "landing.html"
    code = ("import sys\nfrom clusterlab.casestudies.public.static_edition import write_live_landing\n"
            "write_live_landing(sys.argv[1])\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300,
                          env={**{k: v for k, v in os.environ.items() if k != PUBLIC_ENV},
                               "IPYTHONDIR": str(staged.root / "ipython")})
    if done.returncode != 0 or not path.is_file():
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"the landing page could not be made: {last}")
    staged.landing = path
    return path


def voila_config(options: ServerOptions, staged: Staged):
    """The traitlets configuration of the public server."""
    from traitlets.config import Config

    from .handlers import PublicIdentityProvider, public_page_config
    from .kernel_messages import PublicKernelConnection

    c = Config()
    c.Voila.ip = options.host
    c.Voila.port = options.port
    c.Voila.port_retries = 0
    c.Voila.open_browser = False
    c.Voila.base_url = options.base_url
    c.Voila.root_dir = str(staged.site)
    c.Voila.config_file_paths = []  # no voila.json / voila.py from the current folder
    c.Voila.connection_dir_root = str(staged.root / "runtime")
    c.Voila.kernel_websocket_connection_class = PublicKernelConnection
    c.Voila.identity_provider_class = PublicIdentityProvider
    c.PublicVoila.dashboards = dict(staged.dashboards)
    c.PublicVoila.max_kernels = options.max_kernels
    if staged.landing is not None:
        c.PublicVoila.landing_page = str(staged.landing)
    c.PublicVoila.max_per_client = options.max_per_client
    c.PublicVoila.connect_timeout = float(options.connect_timeout)
    c.PublicVoila.strike_wait = float(options.strike_wait)
    c.PublicVoila.public_hosts = list(options.public_hosts)
    c.PublicVoila.trusted_proxies = list(options.trusted_proxies)

    c.VoilaConfiguration.template = TEMPLATE
    c.VoilaConfiguration.theme = "light"
    c.VoilaConfiguration.show_tracebacks = False
    c.VoilaConfiguration.strip_sources = True
    c.VoilaConfiguration.page_config_hook = public_page_config
    c.VoilaConfiguration.allow_template_override = "NO"
    c.VoilaConfiguration.allow_theme_override = "NO"
    c.VoilaConfiguration.file_allowlist = []
    c.VoilaConfiguration.file_denylist = [".*"]
    c.VoilaConfiguration.extension_denylist = ["@jupyter/nbgrader"]
    c.VoilaConfiguration.preheat_kernel = bool(options.preheat)
    c.VoilaConfiguration.default_pool_size = max(1, options.pool_size) if options.preheat else 0
    # Replace a used pre-heated kernel a little later, not while its visitor's page is loading.
    c.VoilaKernelManager.fill_delay = float(options.refill_delay)

    c.MappingKernelManager.cull_idle_timeout = options.idle_timeout
    c.MappingKernelManager.cull_interval = max(10, min(60, options.idle_timeout // 2 or 10))
    c.MappingKernelManager.cull_connected = True  # an open but idle tab does not hold a kernel
    c.MappingKernelManager.cull_busy = False
    c.MappingKernelManager.allow_tracebacks = False
    c.VoilaExecutor.timeout = 120  # a stuck cell does not hold a kernel for ever
    return c


def port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is fine
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def serve(options: ServerOptions, extra: dict[str, Path] | None = None) -> int:
    """Stage the dashboards and serve them until interrupted. Returns the exit code."""
    skip_slow_optional_imports()  # the server starts seconds faster
    from .server import PublicVoila, check_safety_patches

    check_safety_patches()  # before anything is staged: PatchError on other Voila/jupyter_server versions
    check_cases()
    staged = stage(extra=extra, kernel_memory_mb=options.kernel_memory_mb)
    # The kernels inherit the server's environment: this tells the dashboards to draw their charts
    # with the plotly bundle the server serves, and to skip notebook-only imports (see .environment).
    os.environ[PUBLIC_ENV] = "1"
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(staged.data), os.environ.get("JUPYTER_PATH", "")) if p
    )
    os.environ["IPYTHONDIR"] = str(staged.root / "ipython")  # no profile, startup file or history shared
    try:
        make_landing(staged)
        app = PublicVoila(config=voila_config(options, staged))
        app.initialize([])
        print(f"Serving the case dashboards at http://{_shown_host(options.host)}:{options.port}"
              f"{options.base_url} (Ctrl-C to stop)", flush=True)
        app.start()
    finally:
        shutil.rmtree(staged.root, ignore_errors=True)
    return 0


def _shown_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host
