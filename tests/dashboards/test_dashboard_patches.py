"""The dashboards' patches on upstream internals: each checks the version it was written for.

Safety measures of the public server (the route allow list, the kernel message filter) stop the
server on any other version; the other patches fall back to the stock code with a warning, and the
speed patches are switched off by ``CLUSTERLAB_NO_PATCHES=1``. Each check has a control: the same
code on the version it was written for does apply the patch.
"""

from __future__ import annotations

import tempfile
import types
from pathlib import Path

import pytest
from jupyter_core.paths import jupyter_path

from clusterlab import cli, patches
from clusterlab.casestudies.public import charts, dashboards, deferral, environment, server, story
from clusterlab.patches import PatchError, PatchWarning

SERVED = "const base"  # how the served chart script begins (charts.SERVED_PLOTLY_ESM)


@pytest.fixture
def versions(monkeypatch):
    """``versions(package=version, ...)``: pretend these versions are installed (others unchanged)."""
    real = patches.installed_version
    monkeypatch.setattr(patches, "_warned", set())  # every test sees its own warnings

    def pretend(**fake):
        monkeypatch.setattr(patches, "installed_version", lambda package: fake.get(package, real(package)))
    return pretend


@pytest.fixture
def patches_on(monkeypatch):
    monkeypatch.delenv(patches.SWITCH, raising=False)


# ------------------------------------------------------------------- safety: refuse to start
def test_safety_patches_fit_the_installed_versions():
    server.check_safety_patches()  # control for the refusals below: no error on the pinned versions


@pytest.mark.parametrize("package,other", [("voila", "0.6.0"), ("jupyter_server", "2.22.0")])
def test_the_public_server_refuses_to_start_on_another_version(versions, monkeypatch, capsys, package, other):
    from support.servers import free_port

    for name in (environment.PUBLIC_ENV, "JUPYTER_PATH"):  # restored even if the command sets them
        monkeypatch.delenv(name, raising=False)
    versions(**{package: other})
    with pytest.raises(PatchError, match=f"{package} {other}"):
        server.check_safety_patches()
    assert cli.main(["dashboards", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "was not started" in err and f"installed: {package} {other}" in err and "Traceback" not in err


def test_safety_patches_stay_on_with_the_switch(monkeypatch, versions):
    monkeypatch.setenv(patches.SWITCH, "1")
    server.check_safety_patches()  # the switch turns off speed patches only
    versions(voila="0.6.0")
    with pytest.raises(PatchError):
        server.check_safety_patches()


# ------------------------------------------------------------------ the route allow list
@pytest.fixture
def app(tmp_path, monkeypatch):
    """A PublicVoila on the staged dashboards, initialised but not listening."""
    staged = dashboards.stage(tmp_path / "stage")
    monkeypatch.setenv("JUPYTER_PATH", str(staged.data))
    voila = server.PublicVoila(config=dashboards.voila_config(dashboards.ServerOptions(port=1), staged))
    voila.initialize([])
    voila.connection_dir = tempfile.mkdtemp(dir=tmp_path)
    voila.init_settings()
    return voila


def test_the_server_keeps_voilas_own_handlers_that_the_allow_list_admits(app):
    upstream = {spec[0]: spec[1] for spec in super(server.PublicVoila, app).init_handlers()}
    kept = {spec[0]: spec[1] for spec in app.init_handlers()}
    for path, (voila_class, served_by) in server.ALLOWED_ROUTES.items():
        if path in server.OPTIONAL_ROUTES:
            continue
        assert upstream[path] is voila_class and kept[path] is served_by and issubclass(served_by, voila_class)
    # Voila's other routes are gone: file tree, render, contents, files; the public identity
    # provider registers no login or logout page at all
    removed = set(upstream) - set(kept)
    assert {"/voila/files/(.*)", "/voila/render/(.*)"} <= removed
    assert not any("login" in p or "logout" in p for p in upstream), "a login or logout route is registered"
    assert not any(p.startswith(("/voila/tree", "/voila/api/contents")) for p in kept)
    assert kept["/"] is not upstream["/"]  # the landing dashboard, not Voila's tree
    assert list(kept)[-1] == "/.*", "the last route must be the catch-all 404"


def test_control_the_allow_list_refuses_a_changed_voila(app):
    """Control: a route the pages need, served by another class or missing, stops the server."""
    upstream = super(server.PublicVoila, app).init_handlers()
    assert app.allowed(upstream)  # the real list passes
    changed = [(spec[0], type("Other", (spec[1],), {}), *spec[2:]) if spec[0] == "/voila/static/(.*)" else spec
               for spec in upstream]
    with pytest.raises(PatchError, match="serves /voila/static"):
        app.allowed(changed)
    with pytest.raises(PatchError, match="no longer registers"):
        app.allowed([spec for spec in upstream if spec[0] != "/voila/static/(.*)"])
    assert len(app.allowed(upstream + [("/voila/new-feature/(.*)", object)])) == len(app.allowed(upstream))


def test_the_preheat_route_is_kept_when_kernels_are_preheated(app):
    app.voila_configuration.preheat_kernel = True
    kept = {spec[0]: spec[1] for spec in app.init_handlers()}
    assert any(path.startswith("/voila/query/") for path in kept)


# ------------------------------------------------------------------- the CDN links
def _upstream_template(kind: str) -> str:
    """The ``lab`` page template of Voila or nbconvert, as installed."""
    for folder in jupyter_path(kind, "templates", "lab"):
        path = Path(folder) / "index.html.j2"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise AssertionError(f"no {kind} lab template installed")


def missing_upstream(links=dashboards.CDN_LINKS, block=dashboards.MERMAID_BLOCK) -> list[str]:
    """What the page template removes but the installed templates no longer hold."""
    voila, nbconvert = _upstream_template("voila"), _upstream_template("nbconvert")
    gone = [link for link in links if link not in voila]
    if f"block {block} " not in nbconvert:
        gone.append(f"block {block}")
    return gone


def test_the_links_the_page_template_removes_are_still_in_voilas_template():
    """Loud on an upgrade: a removal that no longer matches would silently remove nothing."""
    assert missing_upstream() == []


def test_control_a_changed_link_is_reported():
    assert missing_upstream(links=(dashboards.CDN_LINKS[0].replace("@^5", "@^6"),), block="no_such_block") != []


def test_page_template_removes_the_cdn_links(patches_on):
    template = dashboards.page_template()
    assert all(f"replace({link!r}, '')" in template for link in dashboards.CDN_LINKS)
    assert "block html_head_js_mermaidjs" in template
    assert not any(mark in template for mark in ("@NOTEBOOK_CSS@", "@MERMAID@", "@CHART_VERSION@"))


def test_page_template_falls_back_to_voilas_own_on_another_version(versions):
    versions(voila="0.6.0", nbconvert="8.0.0")
    with pytest.warns(PatchWarning) as warned:
        template = dashboards.page_template()
    said = " ".join(str(w.message) for w in warned)
    assert "voila 0.6.0 is installed" in said and "nbconvert 8.0.0 is installed" in said
    assert "cdn.jsdelivr.net" not in template and "{{ super() }}" in template
    assert "html_head_js_mermaidjs" not in template


# -------------------------------------------------- the served chart script (FigureWidget._esm)
def _figures(shown):
    return [f for f in deferral.walk(shown.widget) if hasattr(f, "_js2py_layoutDelta")]


def test_only_the_dashboards_own_charts_load_plotly_from_the_server(monkeypatch, patches_on):
    import plotly.graph_objects as go

    monkeypatch.setenv(environment.PUBLIC_ENV, "1")
    figures = _figures(story.CaseStory("igualada").timeline())
    assert figures and all(f._esm.startswith(SERVED) for f in figures)
    assert not go.FigureWidget()._esm.startswith(SERVED), "a chart outside the dashboards was changed"
    with charts.served_plotly_bundle() as served:  # control: inside the scope a new chart is changed
        assert served and go.FigureWidget()._esm.startswith(SERVED)


def test_the_chart_patch_falls_back_on_another_plotly(monkeypatch, versions, patches_on):
    monkeypatch.setenv(environment.PUBLIC_ENV, "1")
    versions(plotly="7.2.0")
    with pytest.warns(PatchWarning, match="plotly 7.1.0"):
        figures = _figures(story.CaseStory("prato").timeline())
    assert figures and not any(f._esm.startswith(SERVED) for f in figures)


def test_the_chart_patch_is_off_with_the_switch(monkeypatch):
    monkeypatch.setenv(environment.PUBLIC_ENV, "1")
    monkeypatch.setenv(patches.SWITCH, "1")
    figures = _figures(story.CaseStory("prato").timeline())
    assert figures and not any(f._esm.startswith(SERVED) for f in figures)
    assert charts.served_bundle_patch_applies() is False


# ------------------------------------------------------- nbformat in the dashboard kernels
@pytest.fixture
def kernel_modules(monkeypatch):
    """A stand-in for ``sys.modules`` in :mod:`.environment` (the test process keeps its own)."""
    fake = types.SimpleNamespace(modules={})
    monkeypatch.setattr(environment, "sys", fake)
    monkeypatch.setenv(environment.PUBLIC_ENV, "1")
    return fake.modules


def test_dashboard_kernels_skip_nbformat(kernel_modules, patches_on):
    assert environment.skip_notebook_only_imports() is True and kernel_modules["nbformat"] is None


def test_nbformat_stays_on_another_plotly_or_with_the_switch(kernel_modules, versions, monkeypatch, patches_on):
    versions(plotly="7.2.0")
    with pytest.warns(PatchWarning):
        assert environment.skip_notebook_only_imports() is False
    versions(plotly="7.1.0")
    monkeypatch.setenv(patches.SWITCH, "1")
    assert environment.skip_notebook_only_imports() is False and "nbformat" not in kernel_modules


def test_nbformat_stays_outside_the_public_server(kernel_modules, monkeypatch, patches_on):
    monkeypatch.delenv(environment.PUBLIC_ENV)
    assert environment.skip_notebook_only_imports() is False and "nbformat" not in kernel_modules

