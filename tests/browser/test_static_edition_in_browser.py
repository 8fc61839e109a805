"""The static edition of the case dashboards in headless Chromium, with no kernel and no server code.

The site is exported once (`clusterlab dashboards --export`), then every page is opened two ways:
from a plain static file server on loopback (`python -m http.server`) and straight from disk
(file://). Each page must draw its charts, answer its year range and its pickers from the states
worked out ahead of time, show hover texts with their sources, raise no script error and no policy
violation, and ask for nothing outside the site: every request is recorded and must go to the
static server or to the site's folder (a control shows that the check catches an outside request).
Screenshots are kept in tests/artifacts/static-edition-*.png.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from clusterlab.casestudies import load_case
from clusterlab.casestudies.public.static_edition import export
from support.browser import CHROMIUM, FLAGS
from support.servers import Server, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASES = ("igualada", "prato", "huddersfield")
ORIGINS = ("http", "file")
TIMELINE = ".clusterlab-timeline .js-plotly-plot"
CHARTS_DRAWN = "() => [...document.querySelectorAll('.st-figure')].filter(e => e._fullLayout).length"
X_RANGE = "el => el._fullLayout.xaxis.range"
#: Recorded in every page before its own scripts: the policy violations the browser reports.
WATCH_POLICY = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("static-browser") / "site"
    export(folder)
    return folder


@pytest.fixture(scope="module")
def static_server(site, tmp_path_factory):
    """A plain static file server (no code of the course) on a free loopback port."""
    port = free_port()
    log = tmp_path_factory.mktemp("static-server") / "server.log"
    server = Server([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(site),
                     str(port)], f"http://127.0.0.1:{port}", log, cwd=site)
    try:
        server.wait_ready("/index.html", timeout=30)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(sandbox):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(params=ORIGINS)
def origin(request, site, static_server):
    """(address of the site's folder, the prefixes a request may go to) for one way of opening it."""
    if request.param == "http":
        return static_server.url + "/", (static_server.url + "/",)
    return site.as_uri() + "/", (site.as_uri() + "/",)


class Guarded:
    """A page in a fresh context whose every request is recorded; one outside ``allowed`` is stopped.

    A request the page's own policy refuses is reported by the browser ("csp") but never sent: it
    does not count as leaving. Any other request outside ``allowed`` does, and is aborted.
    """

    def __init__(self, browser, allowed: tuple[str, ...]):
        self.context = browser.new_context(viewport={"width": 1300, "height": 1000})
        self.page = self.context.new_page()
        self.allowed = allowed + ("data:", "blob:", "about:")
        self.requests, self.errors = [], []
        self._outside, self._refused = [], set()
        self.page.add_init_script(WATCH_POLICY)
        self.page.on("request", self._seen)
        self.page.on("requestfailed", lambda r: r.failure == "csp" and self._refused.add(r.url))
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))

    def _seen(self, request) -> None:
        self.requests.append(request.url)
        if not request.url.startswith(self.allowed):
            self._outside.append(request.url)

    def _route(self, route) -> None:
        if route.request.url.startswith(self.allowed):
            route.continue_()
        else:  # it would have gone out: record it (if not seen already) and stop it
            self._outside.append(route.request.url)
            route.abort()

    @property
    def outside(self) -> list[str]:
        """Requests outside the site that the browser set out to send."""
        return list(dict.fromkeys(u for u in self._outside if u not in self._refused))

    def violations(self) -> list[str]:
        return self.page.evaluate("() => window.__csp || []")

    def assert_clean(self) -> None:
        assert self.requests, "no request was recorded: the check below would prove nothing"
        assert not self.outside, f"requests left the site: {self.outside[:3]}"
        assert not self.errors, f"script errors: {self.errors[:3]}"
        assert not self.violations(), f"policy violations: {self.violations()[:3]}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def guarded(browser):
    made = []

    def open_guarded(allowed):
        g = Guarded(browser, allowed)
        made.append(g)
        return g

    yield open_guarded
    for g in made:
        g.close()


def chart(page, name: str) -> str:
    return f".clusterlab-{name} .js-plotly-plot"


def wait_changed(page, selector: str, expression: str, before) -> object:
    page.wait_for_function(f"([sel, b]) => JSON.stringify(({expression})(document.querySelector(sel))) !== b",
                           arg=[selector, json.dumps(before)], timeout=10_000)
    return page.eval_on_selector(selector, expression)


# ----------------------------------------------------------------------------------- the pages
def test_landing_page_links_the_three_case_pages(guarded, origin, artifacts):
    base, allowed = origin
    g = guarded(allowed)
    page = g.page
    page.goto(base + "index.html")
    page.wait_for_selector(".cl-case")
    links = page.eval_on_selector_all(".cl-case", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(links) == sorted(f"{c}.html" for c in CASES)
    assert page.locator(".cl-case .cl-num").count() >= 3, "the cards show no key figures"
    assert page.locator(".cl-case .cl-src").count() >= 3, "the key figures show no source"
    if origin[0].startswith("http"):
        page.screenshot(path=str(artifacts / "static-edition-landing.png"))
    with page.expect_navigation():
        page.click(".cl-case[href='prato.html']")
    assert page.url == base + "prato.html"
    page.wait_for_selector(f"{TIMELINE} .scatterlayer .point", timeout=30_000)
    page.click(".cl-nav a[href='index.html']")
    page.wait_for_selector(".cl-case")
    g.assert_clean()


@pytest.mark.parametrize("name", CASES)
def test_case_page_draws_its_charts_and_answers_its_controls(guarded, origin, artifacts, name):
    from clusterlab.widgets.timeline import Timeline, TimelineView

    base, allowed = origin
    g = guarded(allowed)
    page = g.page
    page.goto(base + f"{name}.html")
    page.wait_for_selector(f"{TIMELINE} .scatterlayer .point", timeout=30_000)
    page.wait_for_function(f"() => ({CHARTS_DRAWN})() === 6", timeout=30_000)
    # the story: title, key figures with their sources, the sections, the list of sources
    text = page.inner_text("body")
    assert page.locator(".cl-hero h1").inner_text().strip() == load_case(name).title
    assert page.locator(".cl-card").count() >= 3
    assert page.locator(".cl-card .cl-ref").count() == page.locator(".cl-card").count()
    assert page.locator(".cl-sources li").count() >= 1
    for heading in ("How the cluster got here", "five forces", "value chain", "diamond", "Before and after"):
        assert heading.lower() in text.lower(), f"section {heading!r} missing"
    assert "reconstructed for teaching" in text.lower()
    assert page.locator(f"{chart(page, 'value-chain')} .barlayer .point").count() > 0, "no bars drawn"
    assert page.locator(f"{chart(page, 'segmentation')} .hm image").count() == 1, "no heatmap drawn"

    # the timeline opens on the years the component opens on, and its year range moves the x axis
    view = TimelineView(Timeline.from_case(load_case(name)), read_only=True)
    first = page.eval_on_selector(TIMELINE, X_RANGE)
    assert first == list(view.figure.layout.xaxis.range)
    lo, hi = view.years.value
    assert page.inner_text(".clusterlab-timeline .st-range output") == f"{lo} – {hi}"
    header = page.inner_text(".clusterlab-timeline .st-html >> nth=0")
    start = page.locator(".clusterlab-timeline .st-lo")
    start.focus()
    start.press("Home" if lo > view.years.min else "End")
    after = wait_changed(page, TIMELINE, X_RANGE, first)
    assert after != first
    assert page.eval_on_selector(TIMELINE, "el => el._fullLayout.xaxis.type") == "date"
    assert page.inner_text(".clusterlab-timeline .st-range output") != f"{lo} – {hi}"
    assert page.inner_text(".clusterlab-timeline .st-html >> nth=0") != header, "the event count did not follow"
    if origin[0].startswith("http"):
        page.locator(TIMELINE).scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"static-edition-{name}-timeline.png"))

    # hover over a point: the event with its source
    box = page.locator(f"{TIMELINE} .scatterlayer .point").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(f"{TIMELINE} .hoverlayer .hovertext", timeout=5_000)
    assert "Source:" in page.text_content(f"{TIMELINE} .hoverlayer")

    # the segment picker outlines another segment; the five forces' picker draws another segment
    seg = chart(page, "segmentation")
    shapes = page.eval_on_selector(seg, "el => el.layout.shapes")
    page.select_option(".clusterlab-segmentation .st-select select >> nth=0", index=1)
    assert wait_changed(page, seg, "el => el.layout.shapes", shapes) != shapes
    forces = chart(page, "five-forces")
    names = page.eval_on_selector(forces, "el => el.data.map(t => t.name)")
    page.select_option(".clusterlab-five-forces .st-select select >> nth=0", index=2)
    assert wait_changed(page, forces, "el => el.data.map(t => t.name)", names) != names
    # the value chain's sorting reorders the stages
    bars = chart(page, "value-chain")
    stages = page.eval_on_selector(bars, "el => el.data[0].x")
    page.click(".clusterlab-value-chain .st-toggle button")
    assert wait_changed(page, bars, "el => el.data[0].x", stages) != stages
    assert page.get_attribute(".clusterlab-value-chain .st-toggle button", "aria-pressed") == "true"
    # the diamond's factor picker shows that factor's assessments
    details = page.inner_text(".clusterlab-diamond .st-html >> nth=3")
    page.select_option(".clusterlab-diamond .st-select select >> nth=0", index=2)
    page.wait_for_function("d => document.querySelectorAll('.clusterlab-diamond .st-html')[3].innerText !== d",
                           arg=details, timeout=5_000)
    g.assert_clean()


# ------------------------------------------------------------------------------------ controls
def test_the_request_check_catches_an_outside_request(guarded, tmp_path):
    """Control: a page that asks for an outside address (no policy to stop it) is caught."""
    page_file = tmp_path / "leaky.html"
    page_file.write_text('<!DOCTYPE html><p>leaky</p><img src="http://192.0.2.1/pixel.png">', encoding="utf-8")
    g = guarded((tmp_path.as_uri() + "/",))
    g.page.goto(page_file.as_uri())
    g.page.wait_for_timeout(500)
    assert "http://192.0.2.1/pixel.png" in g.outside
    with pytest.raises(AssertionError, match="requests left the site"):
        g.assert_clean()


def test_the_pages_policy_blocks_what_a_page_is_made_to_ask_from_outside(guarded, static_server):
    """Control: script or image addresses outside the site, injected into a page, are refused by its policy."""
    g = guarded((static_server.url + "/",))
    g.page.goto(static_server.url + "/huddersfield.html")
    g.page.wait_for_selector(f"{TIMELINE} .scatterlayer .point", timeout=30_000)
    with g.page.expect_event("requestfailed", timeout=5_000):  # refused, before it could be sent
        g.page.evaluate("""() => {
            const img = document.createElement('img'); img.src = 'http://192.0.2.1/pixel.png';
            document.body.append(img);
            const s = document.createElement('script'); s.textContent = 'window.__inline = 1';
            document.body.append(s);
        }""")
    g.page.wait_for_function("() => (window.__csp || []).length >= 2", timeout=5_000)
    assert g.page.evaluate("() => window.__inline") is None, "an inline script ran"
    directives = " ".join(g.violations())
    assert "img-src" in directives and "script-src" in directives
    assert "http://192.0.2.1/pixel.png" in g.requests, "the injected image was not even tried"
    assert not g.outside, "the policy let a request leave"
