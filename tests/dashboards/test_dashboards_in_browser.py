"""What a visitor sees: the landing page and the three case dashboards, in headless Chromium.

The server is `clusterlab dashboards` on loopback (started once, see conftest.py). Each page must
render its story with a chart, answer a control by redrawing the chart, show no code and no
traceback, label what is reconstructed, and fetch nothing from outside the server (it works
offline). Screenshots are kept in tests/artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.browser import chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CASES = ("igualada", "prato", "huddersfield")
CHART = ".clusterlab-timeline .js-plotly-plot"
CHART_DATA = "el => JSON.stringify((el.data || []).map(t => [t.x, t.y]))"
#: The period each case's timeline opens on (its case file's timeline_focus), and its earliest event.
FOCUS = {"igualada": (1950, 2019, 1079), "prato": (2000, 2025, 1850), "huddersfield": (1960, 2018, 1330)}
#: How the course's main source document is cited to the public: title and year, not its file name.
CITED_AS = "CLUSTEM final publication (n.d.; reports on 2016–2017)"
FILE_NAME = "000_2a945ab753eb11eb.txt"


def code_lines(name: str) -> list[str]:
    path = REPO / "casestudies" / (f"{name}/dashboard.ipynb" if name != "index" else "index.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [line.strip() for c in cells if c["cell_type"] == "code"
            for line in "".join(c["source"]).splitlines() if len(line.strip()) > 10]


@pytest.fixture(scope="module")
def page(dashboards_server, sandbox):
    """One browser for the module; requests leaving the server are recorded."""
    with chromium_page(sandbox / "chromium-dashboards", width=1400, height=1000) as p:
        p.outside = []
        p.on("request", lambda r: None if r.url.startswith((dashboards_server.url, "data:", "blob:"))
             else p.outside.append(r.url))
        p.page_errors = []
        p.on("pageerror", lambda e: p.page_errors.append(str(e)))
        # what the Content-Security-Policy blocked (a script, a style, an eval the page needed)
        p.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', "
                          "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        yield p


def refusals(server) -> tuple[int, int]:
    """Messages the server dropped, and pages it cut off, so far (see ``kernel_messages``)."""
    log = server.log_path.read_text(errors="replace")
    return log.count("Public dashboards: dropped"), log.count("socket is closed")


def assert_clean(page, name: str) -> None:
    """No code, no traceback, no error box, nothing fetched from elsewhere."""
    text = page.inner_text("body")
    assert page.locator(".jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .cm-editor, .CodeMirror").count() == 0, \
        "a code cell is visible"
    leaked = [line for line in code_lines(name) if line in text]
    assert not leaked, f"code visible on the page: {leaked[:3]}"
    for word in ("Traceback", "There was an error when executing cell", "Error:"):
        assert word not in text, f"{word!r} shown on the {name} page"
    assert page.locator(".clusterlab-error:visible").count() == 0, "a component shows an error"
    assert not page.outside, f"the page fetched from outside the server: {page.outside[:3]}"
    assert not page.page_errors, f"script errors: {page.page_errors[:3]}"
    blocked = page.evaluate("window.__csp")
    assert not blocked, f"the page's policy blocked what it needs: {blocked[:3]}"


def test_landing_page_links_the_three_dashboards(page, dashboards_server, artifacts):
    page.goto(dashboards_server.url + "/", timeout=120_000)
    page.wait_for_selector(".cl-case", timeout=120_000)
    links = page.eval_on_selector_all(".cl-case", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(links) == sorted(CASES)
    assert page.locator(".cl-case .cl-num").count() >= 3, "the cards show no key figures"
    assert page.locator(".cl-case .cl-src").count() >= 3, "the key figures show no source"
    page.screenshot(path=str(artifacts / "dashboards-landing.png"))
    assert_clean(page, "index")
    with page.expect_navigation(wait_until="commit", timeout=60_000):
        page.click(".cl-case[href='prato']")
    assert page.url.endswith("/prato")
    page.wait_for_selector(".cl-hero h1", timeout=120_000)


@pytest.mark.parametrize("name", CASES)
def test_case_dashboard_tells_the_story_and_answers_its_controls(page, dashboards_server, artifacts, name):
    refused = refusals(dashboards_server)
    page.goto(f"{dashboards_server.url}/{name}", timeout=120_000)
    page.wait_for_selector(f"{CHART} .scatterlayer .point", timeout=180_000)
    # the story: title, key figures with their sources, the sections, the list of sources
    assert page.locator(".cl-hero h1").inner_text().strip()
    assert page.locator(".cl-card").count() >= 3
    assert page.locator(".cl-card .cl-ref").count() == page.locator(".cl-card").count(), \
        "a key figure does not show its source"
    assert page.locator(".cl-sources li").count() >= 1
    for heading in ("How the cluster got here", "five forces", "value chain", "diamond", "Before and after"):
        assert heading.lower() in page.inner_text("body").lower(), f"section {heading!r} missing"
    # the charts below the first are built once the page shows them: six charts in all
    page.wait_for_function("() => !document.querySelector('.clusterlab-deferred')"
                           " && document.querySelectorAll('.js-plotly-plot .main-svg').length >= 6",
                           timeout=120_000)
    # every case has items the course reconstructed for teaching: the page must say so
    assert "reconstructed for teaching" in page.inner_text("body").lower()

    # sources are cited by title and year; the file name is no citation (it stays in a data attribute)
    body = page.inner_text("body")
    assert FILE_NAME not in body, "a source document is cited by its file name"
    assert CITED_AS in page.inner_text(".cl-sources")
    hovers = page.eval_on_selector_all(".cl-ref", "els => els.map(e => e.title)")
    assert hovers and not any(FILE_NAME in h for h in hovers) and any(CITED_AS in h for h in hovers)
    assert page.locator(f".cl-sources li[data-document='{FILE_NAME}']").count() >= 1

    chart = page.locator(CHART).first
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"dashboard-{name}-timeline.png"))
    # the timeline opens on the period of the case's story; the slider still reaches the long history
    first, last, earliest = FOCUS[name]
    start, end = (int(str(x)[:4]) for x in chart.evaluate("el => el._fullLayout.xaxis.range"))
    assert first - 10 <= start < first and last < end <= last + 10, f"the timeline opens on {start}–{end}"
    slider = page.locator(".clusterlab-timeline .widget-slider .widget-readout").first.inner_text()
    assert slider.replace(" ", "").replace("-", "–") == f"{first}–{last}", f"the year slider opens on {slider!r}"
    labels = chart.evaluate("el => [...el.querySelectorAll('.scatterlayer .textpoint')].map(t => t.textContent)")
    points = chart.locator(".scatterlayer .point").count()
    assert points >= 8 and len([t for t in labels if t]) == points, "a point of the opened period has no label"
    assert not any("…" in t for t in labels if "Yorkshire" not in t), f"labels cut short: {labels}"
    before = chart.evaluate(CHART_DATA)
    handle = page.locator(".clusterlab-timeline .widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(40):  # move the start of the year range forward
        handle.press("PageUp" if _ < 5 else "ArrowRight")
        try:
            page.wait_for_function(f"([el, b]) => ({CHART_DATA})(el) !== b",
                                   arg=[chart.element_handle(), before], timeout=1_500)
            break
        except Exception:
            continue
    after = chart.evaluate(CHART_DATA)
    page.screenshot(path=str(artifacts / f"dashboard-{name}-after-slider.png"))
    assert before != after, "moving the year slider did not change the timeline"
    page.wait_for_timeout(500)  # let the redraw settle
    axis = chart.evaluate("el => el._fullLayout.xaxis.type")
    assert axis == "date", f"after the year filter the timeline's axis became '{axis}', not a date axis"
    assert_clean(page, name)
    # the page sent only what the server lets through: nothing dropped, nothing cut off
    assert refusals(dashboards_server) == refused, "the server refused messages an honest page sent"


def test_without_javascript_a_case_page_says_so_and_starts_no_kernel(page, dashboards_server):
    """A browser that runs no script gets the opening page's explanation, and no kernel is started for it;
    the same page with scripts on (CONTROL) opens the dashboard and its kernel."""
    url = f"{dashboards_server.url}/prato"

    def started() -> int:
        return dashboards_server.log_path.read_text(errors="replace").count("Kernel started")

    before = started()
    context = page.context.browser.new_context(java_script_enabled=False)
    try:
        no_script = context.new_page()
        no_script.goto(url, timeout=60_000)
        no_script.wait_for_timeout(2000)
        text = no_script.inner_text("body")
        assert "needs JavaScript" in text, text[:300]
        assert no_script.url == url
    finally:
        context.close()
    assert started() == before, "a page without scripts started a kernel"
    page.goto(url + "#sources", timeout=120_000)  # CONTROL (an address with a #part, as links have)
    page.wait_for_selector(f"{CHART} .scatterlayer .point", timeout=180_000)
    assert page.url == url + "#sources", "the opening page left its mark on the address"
    assert "needs JavaScript" not in page.inner_text("body")
    assert started() == before + 1
