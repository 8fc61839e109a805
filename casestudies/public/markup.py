"""The HTML pieces of the case stories: page style, figure cards, tables, sources.

Used by :mod:`clusterlab.casestudies.public.story`.
"""

from __future__ import annotations

from IPython.display import HTML

from clusterlab.widgets._view import esc

REBUILT = "Reconstructed for teaching"

STYLE = """<style>
.cl-page{font-family:var(--jp-content-font-family,system-ui,sans-serif);color:#263238;line-height:1.45}
.cl-nav{font-size:.9em;margin:0 0 8px}
.cl-nav a,.cl-page a{color:#1565c0;text-decoration:none}
.cl-nav a:hover,.cl-page a:hover{text-decoration:underline}
.cl-hero{border-left:6px solid #1565c0;padding:4px 0 4px 16px;margin:4px 0 14px}
.cl-hero h1{margin:0 0 4px;font-size:1.9em;line-height:1.2}
.cl-where{color:#546e7a;font-size:1.02em}
.cl-summary{font-size:1.08em;max-width:62em;margin:8px 0 6px}
.cl-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px;margin:10px 0}
.cl-card{background:#f5f8fb;border:1px solid #dde5ec;border-radius:6px;padding:10px 12px}
.cl-card.cl-rebuilt{background:#fffaf0;border-style:dashed;border-color:#e0a800}
.cl-num{font-size:1.6em;font-weight:600;color:#0d47a1;line-height:1.1}
.cl-unit{font-size:.9em;color:#37474f}
.cl-label{margin-top:4px;font-size:.95em}
.cl-src{margin-top:4px;font-size:.8em;color:#607d8b}
.cl-ref{font-size:.85em;white-space:nowrap}
.cl-badge{display:inline-block;margin-top:4px;font-size:.75em;font-weight:600;color:#7a4f00;
 background:#ffe9a8;border-radius:3px;padding:1px 6px;cursor:help}
.cl-box{border:1px dashed #90a4ae;border-radius:6px;padding:8px 12px;margin:6px 0;background:#fafafa}
.cl-page table.cl-table{border-collapse:collapse;margin:6px 0;font-size:.92em}
.cl-page table.cl-table th,.cl-page table.cl-table td{border-bottom:1px solid #e0e6eb;padding:4px 8px;
 text-align:left;vertical-align:top}
.cl-page table.cl-table td.cl-n{text-align:right;white-space:nowrap}
.cl-page details{margin:8px 0}
.cl-page summary{cursor:pointer;color:#1565c0}
.cl-sources li{margin:2px 0;font-size:.88em;color:#455a64}
.cl-case{display:block;text-decoration:none!important;color:inherit!important;background:#f5f8fb;
 border:1px solid #dde5ec;border-radius:8px;padding:14px 16px}
.cl-case:hover{border-color:#1565c0;box-shadow:0 1px 6px rgba(21,101,192,.25)}
.cl-case h2{margin:0 0 4px;font-size:1.3em;color:#0d47a1}
.cl-go{margin-top:8px;font-weight:600;color:#1565c0}
.cl-grid3{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:14px}
</style>"""


def page(body: str) -> HTML:
    """An HTML output in the dashboards' style."""
    return HTML(f'<div class="cl-page">{STYLE}{body}</div>')


def message(text: str) -> HTML:
    """A short note in place of a section that cannot be shown."""
    return page(f'<div class="cl-box">{esc(text)}</div>')


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _basis(item, field: str | None = None) -> str:
    if field and hasattr(item, "basis_of"):
        return item.basis_of(field)
    return getattr(item, "basis", "published")


def rebuilt_badge(item, field: str | None = None, short: bool = False) -> str:
    """The on-screen label of a reconstructed item (its note on hover), or nothing."""
    if _basis(item, field) != "reconstructed":
        return ""
    why = getattr(item, "note", None) or "Worked out by the course from the sources."
    return f' <span class="cl-badge" title="{esc(why)}">{"reconstructed" if short else REBUILT}</span>'


class References:
    """Numbers the sources of a page; ``ref(item)`` is a link to the list, full citation on hover.

    A source shows as readers cite it, "title (year), section" (``str(source)``); the file name of a
    source document and the lines of the section stay out of the visible text, in the list item's
    ``data-document`` and ``data-section`` attributes, for the course's own checking.
    """

    def __init__(self, sources=()):
        self.sources: list = []
        self._index: dict[str, int] = {}
        for source in sources:
            self.number(source)

    def number(self, source) -> int:
        key = source.model_dump_json() if hasattr(source, "model_dump_json") else str(source)
        if key not in self._index:
            self.sources.append(source)
            self._index[key] = len(self.sources)
        return self._index[key]

    def ref(self, item) -> str:
        source = getattr(item, "source", None)
        if source is None:
            return '<span class="cl-ref">source not given</span>'
        n = self.number(source)
        return f'<a class="cl-ref" href="#cl-source-{n}" title="Source: {esc(source)}">[{n}]</a>'

    def html(self) -> str:
        items = []
        for n, source in enumerate(self.sources, 1):
            text = esc(source)
            url = getattr(source, "url", None)
            if url:
                text = text.replace(esc(url), f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>')
            items.append(f'<li id="cl-source-{n}"{_trace(source)}>{text}</li>')
        return f'<ol class="cl-sources">{"".join(items)}</ol>'


def _trace(source) -> str:
    """The attributes that keep a source document's file name and full section (not shown)."""
    document = getattr(source, "document", None)
    if not document:
        return ""
    return f' data-document="{esc(document)}" data-section="{esc(getattr(source, "section", None) or "")}"'


def figure_card(fig, refs: References | None = None) -> str:
    """One key figure: the number, what it measures, its year, its source and its basis."""
    words = "" if fig.qualifier == "exact" else f"{fig.qualifier} "
    year = f" ({fig.year})" if fig.year is not None else ""
    rebuilt = _basis(fig, "value") == "reconstructed"
    source = refs.ref(fig) if refs else esc(getattr(fig, "source", "not given"))
    return (f'<div class="cl-card{" cl-rebuilt" if rebuilt else ""}">'
            f'<div class="cl-num">{esc(words)}{_number(fig.value)}</div>'
            f'<div class="cl-unit">{esc(fig.unit)}</div>'
            f'<div class="cl-label">{esc(fig.label)}{esc(year)}</div>'
            f'<div class="cl-src">Source: {source}{rebuilt_badge(fig, "value")}</div></div>')


def table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """An HTML table; ``rows`` hold HTML already escaped, ``numeric`` the right-aligned columns."""
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=cl-n" if i in numeric else ""}>{cell}</td>' for i, cell in enumerate(row))
        + "</tr>" for row in rows)
    return f'<table class="cl-table"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'

