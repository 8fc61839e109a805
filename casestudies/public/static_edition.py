"""The static edition of the public case dashboards: ``clusterlab dashboards --export DIR``.

The live dashboards (:mod:`.dashboards`) run a kernel per visitor. The static edition is the same
pages as plain files that any static web host can serve, or a browser can open from disk: the
landing page ``index.html`` and one page per case (``igualada.html`` ...), each with its data script
(``<case>.data.<hash>.js``), and in ``assets/`` the dashboards' trimmed plotly.js, the page script
and the style sheet. No server code, no kernel, no request leaving the visitor's machine.

Everything on the pages comes from where the Voila dashboards get it: the dashboard notebooks are run
here (:mod:`.static_pages`), so the story, the texts, the key figures and the sources are
:class:`~.story.CaseStory`'s; each chart is the read-only component view itself, run ahead of time
through every state its controls reach (:mod:`.static_widgets`, :mod:`.static_slots`), and stored
once per value (:mod:`.static_data`). The page script (``static/static-page.js``) only shows those
states.

The folder: :func:`export` refuses a folder that exists, is not empty and holds no earlier export
(no :data:`MARKER` file). It builds the whole site in a hidden folder inside the target first, so
that a failure leaves the earlier site as it was, then moves the files into place with the marker
saying "incomplete" until the last one is there. Files of an earlier export that the new one no
longer has are removed; files the export did not write are left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .chart_assets import STATIC
from .static_widgets import StaticEditionError

__all__ = ["MARKER", "StaticEditionError", "Written", "build", "export", "live_landing", "plotly_script"]

#: In the site's folder, written last: which files the export wrote, and whether it finished.
MARKER = ".clusterlab-static-edition.json"
#: The hidden folder inside the target where a site is built before it is moved into place.
PARTIAL = ".clusterlab-static-edition-partial-"
ASSETS = "assets"
PAGE_SCRIPT = "static-page.js"
PAGE_STYLE = "static-page.css"


@dataclass
class Written:
    """What an export wrote: file (relative to the folder) -> bytes, and each page with its files."""

    folder: Path
    files: dict[str, int] = field(default_factory=dict)
    pages: dict[str, list[str]] = field(default_factory=dict)  # page -> the page and every file it loads

    def weight(self, page: str) -> int:
        """Bytes a browser loads for ``page``: its HTML, scripts, data and style."""
        return sum(self.files[f] for f in self.pages[page])

    @property
    def total(self) -> int:
        return sum(self.files.values())

    def report(self) -> str:
        width = max(len(f) for f in self.files)
        lines = [(f"Wrote the static edition of the case dashboards to {self.folder}/ "
                  f"({len(self.files)} files, {_kb(self.total)} in all):")]
        lines += [f"  {name:<{width}}  {_kb(size):>10}" for name, size in sorted(self.files.items())]
        lines.append("Page weight (the page with its scripts, data and style, as a browser loads it):")
        lines += [f"  {page:<{width}}  {_kb(self.weight(page)):>10}" for page in self.pages]
        lines.append(f"Total page weight of the {len(self.pages)} pages: "
                     f"{_kb(sum(self.weight(p) for p in self.pages))} (the shared files load once per visit).")
        lines.append(f"Open {self.folder / 'index.html'} in a browser, or upload the folder to any static web host.")
        return "\n".join(lines)


def _kb(size: int) -> str:
    return f"{size / 1024:,.1f} KB"


def _hashed(name: str, content: bytes) -> str:
    """``name`` with a digest of ``content`` before its extension: a browser may keep it for good."""
    stem, dot, ext = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:10]}{dot}{ext}"


def plotly_script() -> str:
    """The dashboards' plotly.js (``static/plotly-core.min.js``, a module) as a classic script.

    A page opened from disk (file://) cannot load a module script, so the bundle's one
    ``export{X as default}`` becomes ``window.Plotly=X`` inside a function of its own.
    """
    source = (STATIC / "plotly-core.min.js").read_text(encoding="utf-8")
    found = list(re.finditer(r"export\s*\{\s*([\w$]+)\s+as\s+default\s*\}\s*;?", source))
    rest = source[found[-1].end():].strip() if found else "?"
    if len(found) != 1 or not (rest == "" or rest.startswith("/*") and rest.endswith("*/")):
        raise StaticEditionError("static/plotly-core.min.js is not the module the static edition expects "
                                 "(esbuild's output ending in 'export{... as default}' and its licences): "
                                 "rebuild it with build-plotly-core.sh")
    m = found[0]
    return ('(function(){"use strict";\n' + source[:m.start()] + f"window.Plotly={m[1]};" + source[m.end():]
            + "\n})();\n")


def _routes() -> dict[str, str]:
    """The dashboards' Voila addresses -> the static pages (relative links)."""
    from .dashboards import DASHBOARDS

    routes = {".": "index.html", "./": "index.html", "": "index.html"}
    routes.update({address: f"{address}.html" for address in DASHBOARDS if address})
    return routes


def build(folder: Path) -> Written:
    """Write the whole site into ``folder`` (which exists and is empty). Raises on any problem."""
    from clusterlab.casestudies import CASES_DIR

    from .dashboards import DASHBOARDS, check_cases
    from .static_data import data_script
    from .static_pages import page_html, relink, run_notebook, view_html

    check_cases()  # a broken case stops the export, as it stops the server
    written = Written(folder)

    def put(name: str, content: bytes) -> str:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.files[name] = len(content)
        return name

    def asset(name: str, content: bytes) -> str:
        return put(f"{ASSETS}/{_hashed(name, content)}", content)

    style = asset(PAGE_STYLE, (STATIC / PAGE_STYLE).read_bytes())
    plotly = page_js = None
    routes = _routes()
    for address, (notebook, title) in DASHBOARDS.items():
        name = address or "index"
        page = run_notebook(CASES_DIR / notebook, name)
        body, n = [], 0
        for part in page.parts:
            if isinstance(part, str):
                body.append(relink(part, routes))
            else:
                body.append(view_html(part, n))
                n += 1
        scripts = []
        if page.views:
            if plotly is None:
                plotly = asset("plotly-core.js", plotly_script().encode("utf-8"))
                page_js = asset(PAGE_SCRIPT, (STATIC / PAGE_SCRIPT).read_bytes())
            data = data_script(page.views).encode("utf-8")
            scripts = [plotly, put(_hashed(f"{name}.data.js", data), data), page_js]
        markup = page_html(title, "".join(body), [style], scripts).encode("utf-8")
        written.pages[put(f"{name}.html", markup)] = [f"{name}.html", style, *scripts]
    return written


LIVE_FOOTER = "Each case page runs on the course's dashboard server; this page needs none."


def live_landing() -> str:
    """The landing page as the live server (``clusterlab dashboards``) serves it: the static edition's
    landing page, linking the live dashboards' addresses, with its style inside and no script.

    The landing notebook shows no chart, so it needs no kernel: the server makes this page once when
    it starts (:func:`write_live_landing`, in a process of its own) and serves it as a file.
    """
    from clusterlab.casestudies import CASES_DIR

    from .dashboards import DASHBOARDS
    from .static_pages import page_html, run_notebook

    notebook, title = DASHBOARDS[""]
    page = run_notebook(CASES_DIR / notebook, "index")
    if page.views:
        raise StaticEditionError(f"{notebook} shows a chart; the landing page must be served without a kernel, "
                                 "so it may show text and figures only")
    style = (STATIC / PAGE_STYLE).read_text(encoding="utf-8")
    return page_html(title, "".join(page.parts), [], [], inline_style=style, footer=LIVE_FOOTER)


def write_live_landing(path) -> None:
    """Write :func:`live_landing` to ``path`` (called by the server, in a process of its own)."""
    Path(path).write_text(live_landing(), encoding="utf-8")


# ------------------------------------------------------------------------------------ the folder
def _read_marker(folder: Path) -> dict | None:
    """The marker of an earlier export in ``folder``, {} if it cannot be read, None if there is none."""
    path = folder / MARKER
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_marker(folder: Path, files, complete: bool) -> None:
    from clusterlab import __version__

    data = {"written_by": f"clusterlab {__version__}: clusterlab dashboards --export", "complete": complete,
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": sorted(files)}
    tmp = folder / f"{MARKER}.tmp"
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, folder / MARKER)


def check_folder(folder: Path) -> None:
    """Refuse a folder the export must not write into (a file, or a folder with other things in it)."""
    if folder.exists() and not folder.is_dir():
        raise StaticEditionError(f"{folder} exists and is not a folder; choose a new or empty folder")
    if folder.is_dir() and _read_marker(folder) is None:
        others = [p.name for p in folder.iterdir() if not p.name.startswith(PARTIAL)]
        if others:
            raise StaticEditionError(
                f"{folder} is not empty and was not written by 'clusterlab dashboards --export' (it has no "
                f"{MARKER} file), so nothing was written. Choose a new or empty folder, or an earlier export.")


def _safe_relative(name) -> str | None:
    """A file name from a marker, if it names a file inside the folder (else None: left alone)."""
    if not isinstance(name, str) or not name or name.startswith(("/", "\\")) or ".." in Path(name).parts:
        return None
    return name


def export(folder, log=None) -> Written:
    """Write the static edition into ``folder`` (created if needed). Returns what was written.

    Raises :class:`StaticEditionError` for a folder it must not write into or cannot write, and
    :class:`~clusterlab.casestudies.CaseFileError` for a broken case; the folder is then as it was.
    """
    folder = Path(folder).expanduser().absolute()
    check_folder(folder)
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(PARTIAL + "*"):  # left by an export that was stopped
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=PARTIAL, dir=folder))
    except OSError as exc:
        raise StaticEditionError(f"cannot write into {folder}: {exc.strerror or exc}") from None
    try:
        written = build(staging)
        _install(staging, folder, written)
    except OSError as exc:
        raise StaticEditionError(f"cannot write the static edition into {folder}: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a failed first export leaves nothing behind
    written.folder = folder
    return written


def _install(staging: Path, folder: Path, written: Written) -> None:
    """Move the built site from ``staging`` into ``folder``; the marker says "complete" only at the end."""
    earlier = _read_marker(folder) or {}
    old = {n for n in map(_safe_relative, earlier.get("files", [])) if n}
    new = set(written.files)
    _write_marker(folder, old | new, complete=False)  # from here, the folder says it is being written
    for name in sorted(new):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, target)
    for name in sorted(old - new):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
    assets = folder / ASSETS
    if assets.is_dir() and not any(assets.iterdir()):
        assets.rmdir()
    _write_marker(folder, new, complete=True)
