"""Time-to-interactive of the public case dashboards, against a trivial Voila notebook.

Not a test: a script that prints figures. It serves the dashboards exactly as ``clusterlab
dashboards`` does (the same staging and configuration), with one extra page: a trivial notebook
that shows one label (``trivial.ipynb`` next to this file). Headless Debian Chromium (Playwright)
opens each page in a fresh browser context and records, in the page itself, the time from the
request for the page to the first chart drawn (plotly's first drawn point; for the trivial
notebook, its label), the opening page of the server's script check included. Each page is measured ``--runs`` times, interleaved, and the median reported:

* cold: every view starts a kernel and runs the notebook;
* pre-heated (``--preheat``): a kernel per notebook is kept ready with the notebook already run;
  the script waits for the pool to be refilled before each view.

It also reports the memory of the kernel behind each view (resident set size, after the page is
drawn) and prints the ratios the course aims for: cold dashboard <= 1.5 x trivial notebook cold;
pre-heated dashboard faster than the trivial notebook cold.

The static edition (``clusterlab dashboards --export``) is measured too, unless ``--no-static``: each
case page served by a plain static file server on loopback, opened the same way (fresh context, time
to the first chart's first point), with its page weight (HTML, scripts, data and style, in KB). Its
goal: at most half of the trivial Voila notebook's time, cold.

Run from the repository folder:

    .venv/bin/python tests/benchmarks/dashboard_benchmark.py --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.servers import start_dashboards  # noqa: E402

TRIVIAL = HERE / "trivial.ipynb"
DASHBOARDS = ("igualada", "prato", "huddersfield")

#: Recorded in the page: the time (ms since the epoch, the machine's clock) when the first chart is
#: drawn; compared with the time the page was asked for, so that a case page's opening page (its
#: script check, one round trip) is counted too.
PROBE = """
(() => {
  const selector = %s;
  const seen = () => {
    if (window.__tti === undefined && document.querySelector(selector)) {
      window.__tti = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver(seen).observe(document, {childList: true, subtree: true});
})();
"""
CHART = ".js-plotly-plot .scatterlayer .point"
LABEL = ".widget-label"


def isolate_home(root: Path) -> None:
    """Jupyter, IPython and Chromium write into a temporary home, never the real one."""
    for var, sub in {"JUPYTER_CONFIG_DIR": "jupyter-config", "JUPYTER_DATA_DIR": "jupyter-data",
                     "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "IPYTHONDIR": "ipython",
                     "XDG_CONFIG_HOME": "xdg-config", "XDG_CACHE_HOME": "xdg-cache",
                     "XDG_DATA_HOME": "xdg-data", "CLUSTERLAB_WORK_DIR": "clusterlab-work"}.items():
        (root / sub).mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(root / sub)
    os.environ["JUPYTER_PLATFORM_DIRS"] = "1"


def kernel_rss_mb(server_pid: int, kernel_id: str) -> float | None:
    """Resident memory of the kernel process serving ``kernel_id`` (a child of the server)."""
    import psutil

    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            if any(kernel_id in part for part in child.cmdline()):
                return child.memory_info().rss / 2**20
        except psutil.Error:
            continue
    return None


def kernels_of(server_pid: int) -> list:
    import psutil

    found = []
    for child in psutil.Process(server_pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def wait_settled(server, kernels: int, timeout: float = 240) -> None:
    """Wait until exactly ``kernels`` kernels run and none of them is busy (a pool is ready, or
    the previous visitor's kernel is gone), so that one view does not slow the next."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        procs = kernels_of(server.proc.pid)
        if len(procs) == kernels:
            try:
                before = sum(sum(p.cpu_times()[:2]) for p in procs)
                time.sleep(1.0)
                after = sum(sum(p.cpu_times()[:2]) for p in procs)
            except psutil.Error:
                continue
            if after - before < 0.05 * max(1, kernels):
                return
        else:
            time.sleep(0.5)
    print(f"  (warning: the server did not settle at {kernels} idle kernel(s) in {timeout:.0f} s)", flush=True)


def leave(page) -> None:
    """Leave the page as a visitor does: its unload handler asks the server to shut its kernel down."""
    try:
        page.goto("about:blank", timeout=30_000)
        time.sleep(0.3)  # let the browser send the request
    except Exception:
        pass


def first_chart(context, url: str, selector: str, timeout_ms: int = 180_000):
    """Open ``url`` in a new page of ``context``; the page and the seconds from asking for it to ``selector``."""
    page = context.new_page()
    page.add_init_script(PROBE % json.dumps(selector))
    asked = time.time()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function("() => window.__tti !== undefined", timeout=timeout_ms, polling=100)
    return page, page.evaluate("() => window.__tti") / 1000 - asked


def view(browser, url: str, selector: str, timeout_ms: int = 180_000) -> tuple[float, str]:
    """Open ``url`` in a fresh context; seconds from asking for the page to ``selector``, and the kernel id."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page, tti = first_chart(context, url, selector, timeout_ms)
        config = page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent)")
        leave(page)
        return tti, config.get("kernelId", "")
    finally:
        context.close()


def measure(mode: str, runs: int, targets: list[str], work: Path) -> dict:
    preheat = mode == "preheated"
    server = start_dashboards(work / f"server-{mode}.log", preheat=preheat,
                              extra={"trivial": TRIVIAL}, max_kernels=0, max_per_client=0)
    results: dict[str, dict[str, list]] = {t: {"tti": [], "rss": []} for t in targets}
    try:
        from playwright.sync_api import sync_playwright

        from support.browser import CHROMIUM, FLAGS

        idle = len(targets) + 1 if preheat else 0  # pre-heated: one kernel per notebook, landing too
        wait_settled(server, idle)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            for target in targets:  # warm-up: file caches, the browser's first start
                view(browser, f"{server.url}/{target}", LABEL if target == "trivial" else CHART)
                wait_settled(server, idle)
            for r in range(runs):
                for target in targets:
                    selector = LABEL if target == "trivial" else CHART
                    tti, _ = view(browser, f"{server.url}/{target}", selector)
                    results[target]["tti"].append(tti)
                    print(f"  {mode:10s} run {r + 1}/{runs} {target:13s} {tti:6.2f} s", flush=True)
                    wait_settled(server, idle)
            # memory: one view each, kept open while the kernel's memory is read
            for target in targets:
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(PROBE % json.dumps(LABEL if target == "trivial" else CHART))
                page.goto(f"{server.url}/{target}", wait_until="commit", timeout=180_000)
                page.wait_for_function("() => window.__tti !== undefined", timeout=180_000)
                # the kernel's memory once every chart of the page is built
                page.wait_for_function("() => !document.querySelector('.clusterlab-deferred')", timeout=180_000)
                time.sleep(2)
                kid = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data')"
                                    ".textContent).kernelId")
                results[target]["rss"].append(kernel_rss_mb(server.proc.pid, kid))
                leave(page)
                context.close()
                wait_settled(server, idle)
            browser.close()
    finally:
        server.stop()
    return results


def static_view(browser, url: str, timeout_ms: int = 60_000) -> float:
    """Open a static page in a fresh context; seconds from asking for the page to its first chart's point."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        return first_chart(context, url, CHART, timeout_ms)[1]
    finally:
        context.close()


def measure_static(runs: int, dashboards: list[str], work: Path) -> dict:
    """The static edition, exported and served by ``python -m http.server`` on loopback: per case page,
    the times to first chart (``runs`` views after a warm-up) and the page weight in KB."""
    from playwright.sync_api import sync_playwright

    from clusterlab.casestudies.public.static_edition import export
    from support.browser import CHROMIUM, FLAGS
    from support.servers import Server, free_port

    written = export(work / "static-site")
    port = free_port()
    server = Server([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                     str(written.folder), str(port)], f"http://127.0.0.1:{port}", work / "static-server.log",
                    cwd=written.folder)
    results = {d: {"tti": [], "kb": written.weight(f"{d}.html") / 1024} for d in dashboards}
    try:
        server.wait_ready("/index.html", timeout=30)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
            for d in dashboards:  # warm-up: file caches, the browser's first start
                static_view(browser, f"{server.url}/{d}.html")
            for r in range(runs):
                for d in dashboards:
                    tti = static_view(browser, f"{server.url}/{d}.html")
                    results[d]["tti"].append(tti)
                    print(f"  {'static':10s} run {r + 1}/{runs} {d:13s} {tti:6.2f} s", flush=True)
            browser.close()
    finally:
        server.stop()
    return results


def report_static(static: dict, trivial_cold: float | None) -> bool:
    """Print the static pages' medians, page weights and ratios to the trivial Voila notebook, cold."""
    print("\nstatic edition (clusterlab dashboards --export) on a loopback static file server: median time to "
          "first chart (s), page weight (HTML + scripts + data + style)")
    print(f"{'page':14s}{'median':>10s}{'min-max':>13s}{'weight KB':>12s}{'ratio to trivial Voila':>25s}")
    ok = trivial_cold is not None
    for d, r in static.items():
        median, spread = statistics.median(r["tti"]), f"{min(r['tti']):.2f}-{max(r['tti']):.2f}"
        ratio = median / trivial_cold if trivial_cold else float("nan")
        ok &= ratio <= 0.5
        print(f"{d:14s}{median:10.2f}{spread:>13s}{r['kb']:12.0f}{ratio:25.2f}")
    print("static goal (at most half of the trivial Voila notebook, cold): " + (
        "met" if ok else "NOT met" if trivial_cold is not None else "not judged (no cold views)"))
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="views per page and mode (default 5)")
    parser.add_argument("--dashboards", default=",".join(DASHBOARDS),
                        help="comma-separated dashboards to measure (default: all three)")
    parser.add_argument("--no-preheat", action="store_true", help="measure cold views only")
    parser.add_argument("--preheat-only", action="store_true",
                        help="measure pre-heated views only (no ratios: they need the cold views)")
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument("--no-static", action="store_true", help="leave out the static edition")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="clusterlab-benchmark-"))
    isolate_home(work / "home")
    targets = ["trivial"] + [d for d in args.dashboards.split(",") if d]
    modes = ["preheated"] if args.preheat_only else ["cold"] + ([] if args.no_preheat else ["preheated"])
    cpus = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Dashboard time-to-interactive: {args.runs} runs per page, {cpus} CPUs, load {load:.2f}")
    raw = {mode: measure(mode, args.runs, targets, work) for mode in modes}
    static = None if args.no_static else measure_static(args.runs, targets[1:], work)
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "cpus": cpus, "load": load, "raw": raw,
                                         "static": static}, indent=1))

    def med(values):
        values = [v for v in values if v is not None]
        return statistics.median(values) if values else float("nan")

    print("\nmedian time from asking for the page to its first chart drawn (s), and kernel memory (RSS, MB)")
    print(f"{'page':14s}" + "".join(f"{m + ' median':>18s}{'min-max':>13s}" for m in modes) + f"{'kernel RSS':>12s}")
    for t in targets:
        line = f"{t:14s}"
        for m in modes:
            v = raw[m][t]["tti"]
            line += f"{med(v):18.2f}{f'{min(v):.2f}-{max(v):.2f}':>13s}"
        line += f"{med(raw[modes[0]][t]['rss']):12.0f}"
        print(line)
    if static:
        report_static(static, med(raw["cold"]["trivial"]["tti"]) if "cold" in raw else None)
    if "cold" not in raw:
        return 0
    base = med(raw["cold"]["trivial"]["tti"])
    print("\nratios to the trivial notebook, cold (goal: cold <= 1.5; pre-heated < 1.0)")
    ok = True
    for t in targets[1:]:
        cold = med(raw["cold"][t]["tti"]) / base
        line = f"  {t:13s} cold {cold:5.2f}"
        ok &= cold <= 1.5
        if "preheated" in raw:
            hot = med(raw["preheated"][t]["tti"]) / base
            line += f"   pre-heated {hot:5.2f}"
            ok &= hot < 1.0
        print(line)
    print("goals met" if ok else "goals NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
