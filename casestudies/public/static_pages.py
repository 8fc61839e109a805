"""The pages of the static edition, made from the dashboard notebooks themselves.

A dashboard is a notebook (``casestudies/index.ipynb``, ``casestudies/<case>/dashboard.ipynb``) whose
code cells call :mod:`.story`. :func:`run_notebook` runs it here as Voila would, cell by cell, and
keeps what each cell shows: the text of a markdown cell (rendered by nbconvert, as Voila renders
it), the HTML of a story section (header, sources, landing page), or a read-only component view,
explored by :class:`~.static_widgets.ViewStates`. :func:`view_html` lays out a view's widgets as
HTML for the page's script to fill; :func:`page_html` is the page around them.

The notebooks' sections are built at once here (``CaseStory.defer`` is switched off): a static page
has no kernel to build them later.
"""

from __future__ import annotations

import ast
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as w

from .static_widgets import StaticEditionError, ViewStates

#: The Content-Security-Policy of every page: scripts only from the site's own files (no inline
#: script, no eval), nothing fetched from elsewhere. Styles may be inline: the dashboards' HTML
#: carries its own style rules and attributes, and plotly styles its charts in place.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'none'; base-uri 'none'; form-action 'none'")

NOSCRIPT = "The charts need JavaScript. The texts, figures and sources on this page are complete without it."
FOOTER = ("Static edition of the case dashboards: the charts work in your browser, with no server behind "
          "them.")


@dataclass
class Page:
    """What one notebook shows: HTML parts and the views between them, in order."""

    name: str
    parts: list = field(default_factory=list)  # str (HTML) or ViewStates

    @property
    def views(self) -> list[ViewStates]:
        return [p for p in self.parts if isinstance(p, ViewStates)]


def markdown_html(text: str) -> str:
    """A markdown cell as Voila shows it (nbconvert's renderer)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def _run_cell(source: str, namespace: dict, where: str):
    """Run a code cell; the value of its last line when that is an expression (what Jupyter shows)."""
    from .story import CaseStory

    tree = ast.parse(source, filename=where)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, where, "exec"), namespace)  # noqa: S102 - the course's own dashboard notebooks
    for value in namespace.values():  # no kernel to build sections later: build them now
        if isinstance(value, CaseStory):
            value.defer = False
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), where, "eval"), namespace)


def _shown(value, where: str):
    """What a cell's value shows: HTML text, a view to explore, or None."""
    if value is None:
        return None
    widget = getattr(value, "widget", None)
    if isinstance(value, w.Widget):
        value, widget = SimpleNamespace(widget=value), value
    if isinstance(widget, w.Widget):
        if "clusterlab-deferred" in getattr(widget, "_dom_classes", ()):
            raise StaticEditionError(f"{where} shows a section that is built later; the static edition "
                                     "needs it built at once")
        return ViewStates(value, where).explore()
    if hasattr(value, "_repr_html_"):
        return value._repr_html_() or ""
    raise StaticEditionError(f"{where} shows a {type(value).__name__}, which the static edition cannot show")


def run_notebook(path: Path, name: str) -> Page:
    """Run the dashboard notebook at ``path``; what its cells show, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace: dict = {"__name__": f"clusterlab_static_{name}"}
    page = Page(name)
    for n, cell in enumerate(cells, 1):
        source = "".join(cell.get("source", ""))
        where = f"{path.parent.name}/{path.name} cell {n}"
        if cell["cell_type"] == "markdown":
            page.parts.append(f'<div class="st-cell st-md">{markdown_html(source)}</div>')
        elif cell["cell_type"] == "code" and source.strip():
            shown = _shown(_run_cell(source, namespace, where), where)
            if isinstance(shown, str):
                page.parts.append(f'<div class="st-cell st-out">{shown}</div>')
            elif shown is not None:
                page.parts.append(shown)
    return page


# ------------------------------------------------------------------------------------ views
def view_html(states: ViewStates, index: int) -> str:
    """A view's widgets as HTML, in the opening state; the page's script fills in the controls."""
    first = states.states[0]
    children: dict[int | None, list] = {}
    for slot in states.slots:
        children.setdefault(slot.parent, []).append(slot)

    def one(slot) -> str:
        props = first[slot.index]
        classes = " ".join(["st-w", f"st-{slot.kind}", *getattr(slot.widget, "_dom_classes", ())])
        style = slot.style
        attrs = (f' class="{html.escape(classes)}" data-slot="{slot.index}"'
                 + (f' style="{html.escape(style)}"' if style else "") + (" hidden" if props.get("hidden") else ""))
        desc = html.escape(slot.description)
        if slot.kind == "box":
            inner = "".join(one(c) for c in children.get(slot.index, []))
            return f'<div{attrs} data-row="{int(slot.row)}">{inner}</div>'
        if slot.kind == "html":
            return f"<div{attrs}>{props.get('html', '')}</div>"
        if slot.kind in ("label", "textbox"):
            text = html.escape(props.get("text", ""))
            label = f'<span class="st-desc">{desc}</span>' if desc else ""
            return f'<div{attrs}>{label}<span class="st-body">{text}</span></div>'
        if slot.kind == "figure":
            return f'<div{attrs} role="figure"></div>'
        if slot.kind == "button":
            return f'<button type="button" disabled{attrs}>{desc}</button>'
        if slot.kind == "toggle":  # its description is the button's label
            return f'<div{attrs} data-label="{desc}"><span class="st-body"></span></div>'
        label = f'<span class="st-desc">{desc}</span>' if desc else ""
        return f'<div{attrs}>{label}<span class="st-body"></span></div>'

    return (f'<div class="st-cell st-view" data-view="{index}">'
            + "".join(one(s) for s in children.get(None, [])) + "</div>")


# ------------------------------------------------------------------------------------ pages
def relink(markup: str, routes: dict[str, str]) -> str:
    """Links between dashboards (Voila addresses such as ``.`` or ``prato``) made links between files."""
    return re.sub(r'href="([^"]*)"', lambda m: f'href="{routes.get(m[1], m[1])}"', markup)


def title_of(markup: str, fallback: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", markup, re.DOTALL)
    text = re.sub(r"<[^>]+>", "", found[1]).strip() if found else ""
    return html.unescape(text) or fallback


def page_html(title: str, body: str, styles: list[str], scripts: list[str], inline_style: str = "",
              footer: str = FOOTER) -> str:
    """A complete page: the strict policy, the style sheets and scripts (site files), the body.

    ``inline_style``: style rules written into the page itself (the live server's landing page,
    which loads no file of its own); ``footer``: the line at the foot of the page.
    """
    links = "".join(f'<link rel="stylesheet" href="{html.escape(s)}">' for s in styles)
    if inline_style:
        links += f"<style>{inline_style}</style>"
    tags = "".join(f'<script src="{html.escape(s)}"></script>' for s in scripts)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="referrer" content="no-referrer">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title>{links}</head>\n<body>"
            + (f'<noscript><div class="st-noscript">{html.escape(NOSCRIPT)}</div></noscript>' if scripts else "")
            + f'<main class="st-static">{body}</main>'
            f'<footer class="st-footer">{html.escape(footer)}</footer>{tags}</body></html>\n')
