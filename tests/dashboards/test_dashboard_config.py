"""The public server's configuration and filters, checked without starting it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterlab import cli
from clusterlab.casestudies.public import charts, dashboards, deferral, environment, story
from clusterlab.casestudies.public.handlers import _clean_relative
from clusterlab.casestudies.public.server import PAGE_EXTENSIONS

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["../x", "a/../../x", "a/./b", "/etc/passwd", "a\\..\\b", "", "a//b", "..",
                                  "a/..", "x\x00y"])
def test_unclean_static_paths_are_refused(path):
    import tornado.web

    with pytest.raises(tornado.web.HTTPError):
        _clean_relative(path)


@pytest.mark.parametrize("path", ["voila.js", "lab/static/index.css", "@jupyter-widgets/jupyterlab-manager/static/x.js"])
def test_clean_static_paths_pass(path):
    assert _clean_relative(path) == path


def test_staging_copies_only_the_dashboards_without_outputs(tmp_path):
    staged = dashboards.stage(tmp_path / "stage")
    files = sorted(p.name for p in staged.site.iterdir())
    assert files == ["huddersfield.ipynb", "igualada.ipynb", "index.ipynb", "prato.ipynb"]
    assert staged.dashboards == {"": "index.ipynb", "igualada": "igualada.ipynb", "prato": "prato.ipynb",
                                 "huddersfield": "huddersfield.ipynb"}
    for path in staged.site.iterdir():
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert all(c.get("outputs", []) == [] for c in nb["cells"])
        assert "voila" not in nb["metadata"]
        assert nb["metadata"]["title"]
    template = (staged.data / "voila" / "templates" / dashboards.TEMPLATE / "index.html.j2").read_text()
    assert "cdn.jsdelivr.net" in template  # only inside the replace() that removes those links
    assert "@PLOTLY_VERSION@" not in template


def test_the_default_staging_folder_is_outside_the_repository():
    staged = dashboards.stage()
    try:
        assert REPO not in staged.root.resolve().parents
    finally:
        import shutil

        shutil.rmtree(staged.root)


def test_configuration_fit_for_the_public(tmp_path):
    staged = dashboards.stage(tmp_path / "stage")
    c = dashboards.voila_config(dashboards.ServerOptions(port=12345, preheat=True, pool_size=2), staged)
    vc = c.VoilaConfiguration
    assert vc.show_tracebacks is False and vc.strip_sources is True
    assert vc.file_allowlist == [] and vc.file_denylist == [".*"]
    assert "@jupyter/nbgrader" in vc.extension_denylist
    assert vc.allow_template_override == "NO" and vc.allow_theme_override == "NO"
    assert vc.preheat_kernel is True and vc.default_pool_size == 2
    assert c.Voila.port_retries == 0 and c.Voila.ip == "127.0.0.1" and c.Voila.config_file_paths == []
    assert c.Voila.root_dir == str(staged.site)
    assert c.MappingKernelManager.cull_idle_timeout == 600 and c.MappingKernelManager.cull_connected
    assert c.MappingKernelManager.allow_tracebacks is False
    assert "@jupyter/nbgrader" not in PAGE_EXTENSIONS and "jupyterlab-plotly" not in PAGE_EXTENSIONS


def test_command_line_defaults():
    parser = cli.build_parser()
    args = parser.parse_args(["dashboards"])
    assert (args.host, args.port, args.preheat, args.max_kernels) == ("127.0.0.1", 8866, False, 20)
    args = parser.parse_args(["dashboards", "--host", "0.0.0.0", "--port", "9000", "--preheat", "--pool-size", "2"])
    assert (args.host, args.port, args.preheat, args.pool_size) == ("0.0.0.0", 9000, True, 2)
    with pytest.raises(SystemExit):
        parser.parse_args(["dashboards", "--port", "70000"])


def test_busy_port_is_a_plain_error(capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        code = cli.main(["dashboards", "--port", str(port)])
    assert code == 2
    assert "in use" in capsys.readouterr().err


def test_cases_command_checks_every_case(capsys):
    assert cli.main(["cases"]) == 0
    out = capsys.readouterr().out
    for name in ("igualada", "prato", "huddersfield"):
        assert f"{name}: ok" in out


@pytest.mark.parametrize("section", ["timeline", "segments", "five_forces", "value_chain", "diamond",
                                     "before_after"])
def test_every_chart_comes_from_a_shared_component(section):
    view, model = story.COMPONENTS[section]
    assert view.__module__.startswith("clusterlab.widgets.") and model.__module__ == view.__module__
    assert hasattr(model, "from_case")


def test_story_runs_without_the_server(monkeypatch):
    """In JupyterLab (no server variable) the charts keep plotly's own script."""
    monkeypatch.delenv(environment.PUBLIC_ENV, raising=False)
    assert charts.served_bundle_applies() is False
    page = story.CaseStory("igualada")
    assert "cl-card" in page.header().data
    assert "cl-sources" in page.sources().data


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
@pytest.mark.parametrize("section", ["timeline", "segments", "five_forces", "value_chain", "diamond",
                                     "before_after"])
def test_every_section_draws_its_component_for_every_case(name, section):
    """No section falls back to a table: each component accepts each case's data."""
    shown = getattr(story.CaseStory(name, defer=False), section)()
    assert getattr(shown, "widget", None) is not None, f"{name}: {section} shows {type(shown).__name__}"


def test_sections_below_the_first_chart_are_built_when_shown():
    page = story.CaseStory("prato")
    box = page.value_chain()
    assert "clusterlab-deferred" in box._dom_classes and len(box.children) == 1
    box._view_count = 1  # what the page reports when it displays the box
    assert "clusterlab-built" in box._dom_classes
    assert "clusterlab-value-chain" in box.children[0]._dom_classes or box.children[0].children


def test_a_broken_case_stops_the_server_with_a_plain_message(monkeypatch, capsys):
    from clusterlab.casestudies import CaseFileError

    def broken():
        raise CaseFileError("casestudies/prato/case.yaml", "key_figures[2].year", "must be a whole number")

    monkeypatch.setattr(dashboards, "check_cases", broken)
    from support.servers import free_port

    assert cli.main(["dashboards", "--port", str(free_port())]) == 2
    err = capsys.readouterr().err
    assert "case file is broken" in err and "key_figures[2].year" in err and "Traceback" not in err


def test_the_sections_wait_for_the_first_chart():
    """In a kernel (an event loop runs), queued sections are built once the first chart reports
    it is drawn, or after the fallback delay."""
    import asyncio

    async def scenario():
        page = story.CaseStory("igualada")
        page.gate.fallback = 30
        first = page.timeline()
        box = page.diamond()
        box._view_count = 1
        waiting = "clusterlab-deferred" in box._dom_classes
        figure = next(f for f in deferral.walk(first.widget) if hasattr(f, "_js2py_layoutDelta"))
        figure._js2py_layoutDelta = {"layout_delta": {}, "layout_edit_id": 0}  # as the browser reports
        return waiting, "clusterlab-built" in box._dom_classes

    waiting, built = asyncio.run(scenario())
    assert waiting, "the section was built before the first chart was drawn"
    assert built, "the section was not built once the first chart was drawn"


def test_the_sections_are_built_anyway_after_the_fallback_delay():
    import asyncio

    async def scenario():
        gate = deferral.Gate(fallback=0.05)
        built = asyncio.get_running_loop().create_future()
        gate.run(lambda: built.set_result("built"))
        before = built.done()
        return before, await asyncio.wait_for(built, timeout=30)  # the gate opens on its own

    before, after = asyncio.run(scenario())
    assert before is False and after == "built"
