"""Feedback pages that are safe to open: no scripts, no event handlers, no script addresses.

A feedback page shows what a trainee wrote. Markdown may carry raw HTML, so a page could carry a
``<script>`` or an ``onerror=`` attribute that runs in the browser of whoever opens it (the trainee,
or the instructor in the formgrader). :func:`clean_html` rewrites a whole page: it drops elements
that run or embed code (``script``, ``iframe``, ``object``, ``embed``, ``base``, ``form`` ...) with
their content, every ``on...`` attribute, ``javascript:``/``vbscript:``/``data:`` addresses (except
``data:image/`` pictures) and ``expression(`` in styles. The rest of the page is kept as it was. The
pages lose the scripts of nbconvert's template too (MathJax): formulas show as written.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["clean_html", "clean_file", "DROPPED"]

#: Elements removed together with everything inside them.
DROPPED = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "noscript",
           "template", "animate", "set", "animatemotion", "animatetransform", "animatecolor", "handler",
           "listener"}
#: Dropped elements whose content is kept (they have none that matters, or are written unclosed); SVG
#: animations can set an ``href`` to a script address, so they go too.
_VOID_DROPPED = {"base", "embed", "animate", "set", "animatemotion", "animatetransform", "animatecolor",
                 "handler", "listener"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
              "lowsrc", "dynsrc", "ping", "codebase", "cite", "longdesc", "manifest", "usemap"}
_BAD_URL = re.compile(r"^\s*(javascript|vbscript|data|livescript|mocha)\s*:", re.I)
_SPACES = re.compile(r"[\x00-\x20\u00a0\u1680\u2000-\u200b\u2028\u2029\u205f\u3000\ufeff]+")


def _safe_url(value: str) -> bool:
    compact = _SPACES.sub("", value)
    if compact.lower().startswith("data:image/") and "svg" not in compact.lower()[:20]:
        return True
    return not _BAD_URL.match(compact)


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.skipping: list[str] = []

    def _attrs(self, tag: str, attrs) -> str:
        kept = []
        for name, value in attrs:
            name = (name or "").lower()
            if not name or name.startswith("on") or name in ("formaction", "srcdoc"):
                continue
            if value is not None and name in _URL_ATTRS and not _safe_url(value):
                continue
            if value is not None and name == "style" and re.search(r"expression\s*\(|javascript:|url\s*\(", value, re.I):
                continue
            if tag == "meta" and name == "http-equiv":
                continue
            kept.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
        return (" " + " ".join(kept)) if kept else ""

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag in DROPPED:
                self.skipping.append(tag)
            return
        if tag in DROPPED:
            if tag not in _VOID_DROPPED:
                self.skipping.append(tag)
            return
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")

    def handle_startendtag(self, tag, attrs):
        if self.skipping or tag in DROPPED:
            return
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}/>")

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in DROPPED:
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data.replace("<", "&lt;"))

    def handle_entityref(self, name):
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data):
        pass  # comments may hide conditional markup; they are not needed

    def handle_decl(self, decl):
        if not self.skipping:
            self.out.append(f"<!{decl}>")

    def handle_pi(self, data):
        pass

    def unknown_decl(self, data):
        pass


def clean_html(page: str) -> str:
    """The page without anything that could run code in a browser."""
    cleaner = _Cleaner()
    cleaner.feed(page)
    cleaner.close()
    return "".join(cleaner.out)


def clean_file(path: str | Path) -> None:
    """Rewrite an HTML file in place, cleaned."""
    path = Path(path)
    path.write_text(clean_html(path.read_text(encoding="utf-8", errors="replace")), encoding="utf-8")
