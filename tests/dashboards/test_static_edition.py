"""The static edition of the case dashboards (`clusterlab dashboards --export DIR`), without a browser.

The site is exported once for the module. Its pages must carry the same story, figures and sources
as the Voila dashboards (made by the same code: the checks compare with `CaseStory` and with the
components' own views), be self-contained (no script inline, no address outside the site but the
sources' own links), let every control reach a state worked out ahead of time, and be written only
where an export may write. The pages in a real browser: tests/browser/test_static_edition_in_browser.py.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as w
import pytest
from clusterlab.casestudies import CASES_DIR, load_case
from clusterlab.casestudies.public import static_edition
from clusterlab.casestudies.public.static_edition import (
    MARKER,
    StaticEditionError,
    export,
)
from clusterlab.casestudies.public.static_pages import relink
from clusterlab.casestudies.public.static_widgets import ViewStates, figure_json, token

CASES = ("igualada", "prato", "huddersfield")
PAGES = ("index.html", *(f"{c}.html" for c in CASES))
CLI = Path(sys.executable).parent / "clusterlab"
#: The most a case page may weigh (HTML, scripts, data, style): the trimmed plotly.js is 1.1 MB of it.
MAX_CASE_PAGE = 2.2 * 2**20
MAX_LANDING_PAGE = 60 * 2**10


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("static") / "site"
    written = export(folder)
    return SimpleNamespace(folder=folder, written=written)


def read(site, name: str) -> str:
    return (site.folder / name).read_text(encoding="utf-8")


def page_data(site, page: str) -> dict:
    """The data script a case page loads, as Python data."""
    src = next(s for s in re.findall(r'<script src="([^"]+)"', read(site, page)) if ".data." in s)
    text = read(site, src)
    assert text.startswith("window.CLUSTERLAB_PAGE=") and text.endswith(";\n")
    return json.loads(text[len("window.CLUSTERLAB_PAGE="):-2])


def expand(data: dict, value):
    """A pool value with its long strings put back (as the page script does)."""
    if isinstance(value, str):
        return data["strings"][int(value[1:])] if value.startswith("\u0001") else value
    if isinstance(value, list):
        return [expand(data, v) for v in value]
    if isinstance(value, dict):
        return {k: expand(data, v) for k, v in value.items()}
    return value


def props(data: dict, view: dict, state: int, slot: int) -> dict:
    return expand(data, data["pool"][view["states"][state][slot]])


def figure_of(data: dict, fig: dict) -> dict:
    pooled = lambda n: expand(data, data["pool"][n])
    return {"data": [{k: pooled(n) for k, n in t.items()} for t in fig["d"]],
            "layout": {k: pooled(n) for k, n in fig["l"].items()}, "config": pooled(fig["c"])}


def control_token(p: dict, kind: str) -> str:
    """The token of a control's value in a state, as static-page.js computes it."""
    if kind == "toggle":
        return "true" if p["on"] else "false"
    if kind == "range":
        return "[" + ",".join(p["stops"][i][1] for i in (p["lo"], p["hi"])) + "]"
    if kind == "multi" and p["mode"] == "checks":
        return "[" + ",".join(p["choices"][i][1] for i in p["on"]) + "]"
    return p["choices"][p["i"]][1]


def offered_tokens(p: dict, kind: str) -> list[str]:
    """Every token a visitor can set a control to from a state, as static-page.js offers them."""
    if kind == "toggle":
        return ["true", "false"]
    if kind == "range":
        n = len(p["stops"])
        return ["[" + p["stops"][a][1] + "," + p["stops"][b][1] + "]" for a in range(n) for b in range(a, n)]
    if kind == "multi" and p["mode"] == "checks":
        n = len(p["choices"])
        return ["[" + ",".join(p["choices"][i][1] for i in range(n) if mask >> i & 1) + "]" for mask in range(2 ** n)]
    return [c[1] for c in p["choices"]]


# ------------------------------------------------------------------------------------ the files
def test_the_site_has_its_pages_and_files(site):
    names = sorted(str(p.relative_to(site.folder)) for p in site.folder.rglob("*") if p.is_file())
    marker = json.loads(read(site, MARKER))
    assert marker["complete"] is True
    assert sorted(marker["files"]) == sorted(n for n in names if n != MARKER) == sorted(site.written.files)
    for page in PAGES:
        assert page in names
    assets = [n for n in names if n.startswith("assets/")]
    assert len(assets) == 3 and {Path(a).suffix for a in assets} == {".js", ".css"}
    assert any(re.fullmatch(r"assets/plotly-core\.[0-9a-f]{10}\.js", a) for a in assets)
    for case in CASES:
        assert any(re.fullmatch(rf"{case}\.data\.[0-9a-f]{{10}}\.js", n) for n in names)
    assert not [n for n in names if n.startswith(".clusterlab-static-edition-partial-")]


def test_page_weight_is_reported_and_bounded(site):
    written = site.written
    for page in PAGES:
        loaded = written.pages[page]
        assert written.weight(page) == sum((site.folder / f).stat().st_size for f in loaded)
        html_text = read(site, page)
        for ref in re.findall(r'(?:src|href)="([^"#]+\.(?:js|css))"', html_text):
            assert ref in loaded, f"{page} loads {ref}, which the page weight leaves out"
    assert written.weight("index.html") < MAX_LANDING_PAGE, "the landing page should not load the chart script"
    for case in CASES:
        assert written.weight(f"{case}.html") < MAX_CASE_PAGE, f"{case}: {written.weight(f'{case}.html')} bytes"
    report = written.report()
    assert "Page weight" in report and "igualada.html" in report and "KB" in report
    assert f"{len(written.files)} files" in report


def test_the_plotly_bundle_is_a_classic_script(site):
    plotly = next(n for n in site.written.files if n.startswith("assets/plotly-core."))
    text = read(site, plotly)
    assert text.startswith('(function(){"use strict";') and text.rstrip().endswith("})();")
    assert "window.Plotly=" in text
    assert not re.search(r"export\s*\{\s*[\w$]+\s+as\s+default", text), "a module export is left"


# ----------------------------------------------------------------------------- same story, same code
@pytest.mark.parametrize("case", CASES)
def test_each_case_page_tells_the_voila_story(site, case):
    from clusterlab.casestudies.public.static_edition import _routes
    from clusterlab.casestudies.public.story import CaseStory

    page = read(site, f"{case}.html")
    story = CaseStory(case, defer=False)
    # the header (title, key figures with their sources) and the list of sources: CaseStory's own HTML
    assert relink(story.header().data, _routes()) in page
    assert relink(story.sources().data, _routes()) in page
    c = load_case(case)
    for fig in c.key_figures:
        assert html.escape(fig.label) in page, f"key figure missing: {fig.label}"
    assert page.count('class="cl-card') >= len(c.key_figures)
    assert len(re.findall(r'<li id="cl-source-\d+"', page)) == len(story.refs.sources) >= len(c.bibliography())
    assert "reconstructed" in page
    # the notebook's own text, in order
    nb = json.loads((CASES_DIR / case / "dashboard.ipynb").read_text(encoding="utf-8"))
    headings = [line[3:].strip() for cell in nb["cells"] if cell["cell_type"] == "markdown"
                for line in "".join(cell["source"]).splitlines() if line.startswith("## ")]
    positions = [page.find(html.escape(h) + '<a class="anchor-link"') for h in headings]
    assert all(p > 0 for p in positions) and positions == sorted(positions), headings
    assert "<title>" in page and 'lang="en"' in page


@pytest.mark.parametrize("case", CASES)
def test_each_chart_is_the_components_own_figure_with_its_sources(site, case):
    from clusterlab.casestudies.public.story import CaseStory

    data = page_data(site, f"{case}.html")
    story = CaseStory(case, defer=False)
    views = [story.timeline(), story.segments(), story.five_forces(), story.value_chain(), story.diamond(),
             story.before_after()]
    assert len(data["views"]) == len(views) == 6
    for view, encoded in zip(views, data["views"]):
        figure_slot = encoded["kinds"].index("figure")
        shown = props(data, encoded, 0, figure_slot)
        assert figure_of(data, shown["fig"]) == figure_json(view.figure), type(view).__name__
        # the view's texts (title, notes, "Sources:" line, reconstructed box) in the opening state
        texts = [props(data, encoded, 0, i).get("html", "") for i, k in enumerate(encoded["kinds"]) if k == "html"]
        assert any("<h3>" in t for t in texts)
        hovers = json.dumps([t.get("hovertext") for t in figure_json(view.figure)["data"]])
        assert any("Sources:" in t for t in texts) or "Source: " in hovers, f"{type(view).__name__}: no sources"
    strings = "\n".join(data["strings"])
    assert "reconstructed for teaching" in strings.lower()
    for event in load_case(case).timeline:
        assert html.escape(event.title) in strings or event.title in strings


@pytest.mark.parametrize("case", CASES)
def test_the_timeline_opens_where_the_component_opens(site, case):
    from clusterlab.widgets.timeline import Timeline, TimelineView

    view = TimelineView(Timeline.from_case(load_case(case)), read_only=True)
    data = page_data(site, f"{case}.html")
    timeline = data["views"][0]
    slot = timeline["kinds"].index("range")
    p = props(data, timeline, timeline["first"], slot)
    opened = (int(p["stops"][p["lo"]][0]), int(p["stops"][p["hi"]][0]))
    assert opened == tuple(view.years.value)
    years = {e.year for e in view.model.events}
    assert years <= {int(s[0]) for s in p["stops"]}, "the year range must stop at every event's year"
    fig = figure_of(data, props(data, timeline, timeline["first"], timeline["kinds"].index("figure"))["fig"])
    assert fig["layout"]["xaxis"]["range"] == list(view.figure.layout.xaxis.range)
    # another state: the component's own figure for those years
    key = token([[min(years), max(years)]])
    state = timeline["keys"][key]
    view.years.value = (min(years), max(years))
    other = figure_of(data, props(data, timeline, state, timeline["kinds"].index("figure"))["fig"])
    assert other == figure_json(view.figure)
    assert other["layout"]["xaxis"]["range"] != fig["layout"]["xaxis"]["range"]


@pytest.mark.parametrize("case", CASES)
def test_every_choice_of_every_control_leads_to_a_state(site, case):
    data = page_data(site, f"{case}.html")
    used = set()
    for v in data["views"]:
        for state in range(len(v["states"])):
            current = [control_token(props(data, v, state, s), v["kinds"][s]) for s in v["controls"]]
            assert v["keys"]["[" + ",".join(current) + "]"] == state
            for ci, slot in enumerate(v["controls"]):
                kind = v["kinds"][slot]
                used.add(kind)
                for tok in offered_tokens(props(data, v, state, slot), kind):
                    moved = v["moves"].get(f"{state}:{ci}:{tok}")
                    key = "[" + ",".join(tok if j == ci else t for j, t in enumerate(current)) + "]"
                    assert moved is not None or key in v["keys"], f"{case}: no state for {key}"
    assert {"range", "select", "toggles", "toggle", "multi"} <= used


# --------------------------------------------------------------------------- self-contained, strict
def site_text_files(site):
    return [n for n in site.written.files if not n.startswith("assets/plotly-core.")]


def source_urls() -> set[str]:
    urls = set()
    for case in CASES:
        for source in load_case(case).bibliography():
            urls.update(re.findall(r"https?://[^\s<>\"']+", str(source)))
            if getattr(source, "url", None):
                urls.add(str(source.url))
    return {u.rstrip(".,;)") for u in urls}


def test_no_address_outside_the_site_but_the_sources_links(site):
    allowed = source_urls()
    assert allowed, "the cases cite no web sources: the check below would prove nothing"
    for name in site_text_files(site):
        text = read(site, name)
        for url in re.findall(r"https?://[^\s<>\"'\\]+", text):
            # hover texts wrap long citations, links included, over several lines
            cut = url.rstrip(".,;)")
            assert cut in allowed or any(a.startswith(cut) for a in allowed if len(cut) > 20), \
                f"{name} names {url}, which is not a source's link"
    for page in PAGES:
        text = read(site, page)
        for attr, ref in re.findall(r'\b(src|href)="([^"]*)"', text):
            if ref.startswith(("http://", "https://")):
                assert attr == "href" and ref in allowed, f"{page}: {attr}={ref}"
            else:
                assert not ref.startswith(("//", "/", "file:", "javascript:")), f"{page}: {attr}={ref}"
                target = ref.split("#")[0]
                assert not target or (site.folder / target).is_file(), f"{page}: broken link {ref}"


def test_links_between_pages_are_relative_files(site):
    landing = read(site, "index.html")
    assert sorted(re.findall(r'class="cl-case cl-here" href="([^"]+)"', landing)) == sorted(f"{c}.html" for c in CASES)
    for case in CASES:
        nav = re.search(r'<div class="cl-nav">(.*?)</div>', read(site, f"{case}.html"))[1]
        links = re.findall(r'href="([^"]+)"', nav)
        assert "index.html" in links and f"{case}.html" not in links
        assert set(links) <= {"index.html", *(f"{c}.html" for c in CASES)}


def test_pages_have_a_strict_policy_and_no_inline_script(site):
    for page in PAGES:
        text = read(site, page)
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        assert csp, f"{page} has no Content-Security-Policy"
        rules = {r.split()[0]: r.split()[1:] for r in csp[1].split(";") if r.strip()}
        assert rules["script-src"] == ["'self'"] and rules["default-src"] == ["'none'"]
        assert rules["connect-src"] == ["'none'"]
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, re.DOTALL)
        assert all('src="' in attrs and not body.strip() for attrs, body in scripts), f"{page}: inline script"
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", text), f"{page}: an inline event handler"
        assert "javascript:" not in text
    assert not re.findall(r"<script", read(site, "index.html")), "the landing page needs no script"


def test_plain_english_texts_of_the_static_edition():
    from clusterlab.casestudies.public import static_pages

    for text in (static_pages.NOSCRIPT, static_pages.FOOTER):
        assert text.isascii() and len(text) < 200 and text.endswith(".")


# ------------------------------------------------------------------------------------- the folder
def fake_build(folder: Path, fail: bool = False):
    """A small stand-in for the site (the folder rules do not depend on what the pages hold)."""
    from clusterlab.casestudies.public.static_edition import Written

    written = Written(folder)
    for name, content in (("index.html", b"<p>new</p>"), ("assets/app.js", b"//")):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        written.files[name] = len(content)
        if fail:
            raise RuntimeError("the build broke half way")
    written.pages["index.html"] = ["index.html", "assets/app.js"]
    return written


def test_refuses_a_folder_with_other_things_in_it(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(StaticEditionError, match="not empty and was not written by 'clusterlab dashboards --export'"):
        export(folder)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(StaticEditionError, match="is not a folder"):
        export(tmp_path / "a-file")


def test_an_empty_or_new_folder_is_fine_and_a_failed_build_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(static_edition, "build", lambda f: fake_build(f, fail=True))
    with pytest.raises(RuntimeError):
        export(tmp_path / "new" / "site")
    assert not (tmp_path / "new" / "site").exists(), "a failed first export left a folder behind"
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RuntimeError):
        export(empty)
    assert list(empty.iterdir()) == []
    monkeypatch.setattr(static_edition, "build", fake_build)
    written = export(empty)
    assert (empty / "index.html").read_bytes() == b"<p>new</p>"
    assert json.loads((empty / MARKER).read_text())["complete"] is True
    assert written.folder == empty.absolute()


def test_a_failed_build_leaves_the_earlier_site_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr(static_edition, "build", fake_build)
    export(tmp_path / "site")
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    monkeypatch.setattr(static_edition, "build", lambda f: fake_build(f, fail=True))
    with pytest.raises(RuntimeError):
        export(tmp_path / "site")
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before


def test_an_interrupted_install_is_not_claimed_complete_and_can_be_redone(tmp_path, monkeypatch):
    monkeypatch.setattr(static_edition, "build", fake_build)
    export(tmp_path / "site")
    real_replace, calls = static_edition.os.replace, []

    def breaking_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the marker ("incomplete") went in, then the first file fails
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(static_edition.os, "replace", breaking_replace)
    with pytest.raises(StaticEditionError, match="cannot write the static edition"):
        export(tmp_path / "site")
    marker = json.loads((tmp_path / "site" / MARKER).read_text())
    assert marker["complete"] is False, "a half-written site must not say it is complete"
    monkeypatch.setattr(static_edition.os, "replace", real_replace)
    export(tmp_path / "site")  # an earlier export, even an unfinished one, may be written over
    assert json.loads((tmp_path / "site" / MARKER).read_text())["complete"] is True


def test_reexport_replaces_its_own_files_and_keeps_others(tmp_path, monkeypatch):
    monkeypatch.setattr(static_edition, "build", fake_build)
    folder = tmp_path / "site"
    export(folder)
    (folder / "CNAME").write_text("cases.example.org")  # added by the site's owner
    (folder / "old.data.js").write_text("stale")  # as if an earlier export had written it
    marker = json.loads((folder / MARKER).read_text())
    marker["files"].append("old.data.js")
    marker["files"].append("../outside.txt")  # never followed out of the folder
    (folder / MARKER).write_text(json.dumps(marker))
    (tmp_path / "outside.txt").write_text("not the export's")
    export(folder)
    assert not (folder / "old.data.js").exists(), "a file of the earlier export was left behind"
    assert (folder / "CNAME").read_text() == "cases.example.org"
    assert (tmp_path / "outside.txt").exists()


# ---------------------------------------------------------------------------------- command line
def run_cli(*args, timeout=600):
    return subprocess.run([str(CLI), "dashboards", *args], check=False, capture_output=True,
                          text=True, timeout=timeout)


def test_cli_refuses_a_foreign_folder_with_a_clear_message(tmp_path):
    (tmp_path / "thesis.docx").write_text("x")
    result = run_cli("--export", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("clusterlab: ") and "not empty" in result.stderr
    assert "Choose a new or empty folder" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.docx"]


def test_cli_help_offers_the_export():
    result = run_cli("--help")
    assert result.returncode == 0 and "--export DIR" in result.stdout


@pytest.mark.slow
def test_cli_exports_over_an_earlier_export(site):
    before = set(site.written.files)
    result = run_cli("--export", str(site.folder))
    assert result.returncode == 0, result.stderr
    assert "Wrote the static edition" in result.stdout and "Page weight" in result.stdout
    for page in PAGES:
        assert page in result.stdout
    assert json.loads(read(site, MARKER))["complete"] is True
    files = {str(p.relative_to(site.folder)) for p in site.folder.rglob("*") if p.is_file()} - {MARKER}
    assert files == before, "the same pages and data should be written again, nothing more"


# ----------------------------------------------------------------------- exploring a view's states
def small_view(children, problem=""):
    return SimpleNamespace(widget=w.VBox(children), error=SimpleNamespace(message=problem))


def test_a_control_that_sets_another_is_recorded_as_a_move():
    subject = w.Dropdown(options=["all", "a", "b"], value="all")
    chosen = w.SelectMultiple(options=[1, 2, 3, 4], value=(1, 2, 3, 4))
    shown = w.HTML()
    groups = {"all": (1, 2, 3, 4), "a": (1, 2), "b": (3, 4)}

    def pick(_change):
        chosen.options = groups[subject.value]
        chosen.value = groups[subject.value]

    subject.observe(pick, names="value")
    chosen.observe(lambda _c: setattr(shown, "value", f"showing {sorted(chosen.value)}"), names="value")
    shown.value = "showing [1, 2, 3, 4]"
    states = ViewStates(small_view([subject, chosen, shown]), "test").explore()
    assert states.keys[token(["all", [1, 2, 3, 4]])] == 0
    # picking a subject selects all of its items, from any state
    after = states.keys[token(["a", [1, 2]])]
    for s, (subj, items) in enumerate(states._values):
        if subj != "a":
            move = states.moves.get(f"{s}:0:{token('a')}", states.keys.get(token(["a", list(items)])))
            assert move == after, (subj, items)
    assert states.moves, "no move recorded"
    assert len(states.states) == 16 + 4 + 4  # every combination of the few items of each subject
    assert states.states[states.keys[token(["b", [4]])]][3]["html"] == "showing [4]"


def test_a_view_whose_output_depends_on_the_path_is_refused():
    pick = w.Dropdown(options=["x", "y"], value="x")
    log = w.HTML("")
    pick.observe(lambda c: setattr(log, "value", log.value + c["new"]), names="value")  # remembers the past
    with pytest.raises(StaticEditionError, match="cannot be worked out ahead of time"):
        ViewStates(small_view([pick, log]), "test").explore()


def test_a_view_showing_a_problem_is_refused_and_unknown_widgets_are_named():
    with pytest.raises(StaticEditionError, match="shows a problem: broken"):
        ViewStates(small_view([w.Dropdown(options=["x"])], problem="broken"), "test").explore()
    with pytest.raises(StaticEditionError, match="cannot show a ColorPicker"):
        ViewStates(small_view([w.ColorPicker()]), "test")
