"""What the regional mapper draws, as plain data: the ranking table's HTML and the chart's update.

Pure functions of a ranking (see :func:`clusterlab.mapping.ranking`): :func:`table_rows` writes the
table's rows, :func:`chart_update` the data and layout of the portfolio chart, :func:`new_figure` the
chart itself the first time, :func:`legend` its key. The view (:mod:`.regional_mapper_view`) only sends
them to the page.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ._view import HIGHLIGHT, esc

__all__ = ["COLUMNS", "table_rows", "chart_update", "new_figure", "legend"]

TABLE_CLASS = "clusterlab-mapper-table"
CHART_WIDTH = 560
STAR_COLOURS = ("#b0bec5", "#ffb74d", "#f57c00", "#bf360c")  # 0, 1, 2, 3 stars
MAX_BUBBLE = 46  # pixels across the largest bubble
LQ_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]  # log axes: round values only
SHARE_TICKS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]
MISSING = "—"
GAP_STYLE = "text-align:center;color:#78909c"
TABLE_STYLE = (f"<style>.{TABLE_CLASS} td, .{TABLE_CLASS} th {{padding:3px 8px;border-bottom:1px solid #eceff1;"
               "vertical-align:top}</style>")


def _fmt(value, kind: str) -> str:
    if value is None or value is pd.NA or value != value:  # value != value: NaN (quicker than pd.isna)
        return MISSING
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "share":
        return f"{value:.1%}" if value >= 0.001 else f"{value:.2%}"
    return f"{value:.2f}"


def _yes(value) -> bool:
    return not pd.isna(value) and bool(value)


def _stars(row: dict) -> str:
    if pd.isna(row["stars"]):
        return MISSING
    which = [name for name in ("size", "specialisation", "focus") if _yes(row[f"{name}_star"])]
    title = "stars for " + ", ".join(which) if which else "no star"
    return f'<span title="{title}">{"★" * int(row["stars"])}{"☆" * (3 - int(row["stars"]))}</span>'


def _cell(value, kind: str, reason: str) -> str:
    shown = _fmt(value, kind)
    if shown == MISSING:
        return f'<td style="text-align:right;color:#8d6e63" title="{esc(reason or "no figure")}">{MISSING}</td>'
    return f'<td style="text-align:right">{shown}</td>'


COLUMNS = ("region", "region_name", "employment", "lq", "size", "focus", "stars", "size_star",
            "specialisation_star", "focus_star", "missing")


def table_rows(columns: dict, positions: list[int], notes: list) -> str:
    """The table's rows at ``positions`` of the ranking; ``columns`` holds the ranking's columns as arrays."""
    out = []
    for at in positions:
        row = {c: v[at] for c, v in columns.items()}
        mark, reason = notes[at], row["missing"]
        style = (f' style="background:#e3f2fd;font-weight:bold" data-highlight="{esc(row["region"])}"'
                 if mark is not None else "")
        label = f'<br><small style="color:{HIGHLIGHT}">{esc(mark)}</small>' if mark else ""
        out.append(f'<tr{style}><td>{at + 1}</td><td>{esc(row["region_name"])} ({esc(row["region"])}){label}</td>'
                   f'{_cell(row["employment"], "count", reason)}{_cell(row["lq"], "lq", reason)}'
                   f'{_cell(row["size"], "share", reason)}{_cell(row["focus"], "share", reason)}'
                   f'<td style="text-align:center;color:#e65100">{_stars(row)}</td>'
                   f'<td><small>{esc(reason)}</small></td></tr>')
    return "".join(out)


def _shapes(lq_threshold: float) -> list[dict]:
    """Vertical lines at LQ 1 (dotted) and at the LQ that earns the specialisation star (dashed)."""
    return [dict(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1, line=line)
            for x, line in ((1, dict(color="#90a4ae", dash="dot")),
                            (lq_threshold, dict(color=STAR_COLOURS[3], dash="dash")))]


def chart_update(table, s: dict, notes: list, industry: str) -> tuple[dict, dict, int]:
    """What the chart shows: the data of its two data traces (as a Plotly restyle), its layout values (as a
    relayout) and how many regions are left out.

    Trace 0 holds every region drawn, coloured by its stars (the largest first, so that small bubbles stay
    on top); trace 1 rings the highlighted ones. A region without an LQ or a value on the vertical axis
    (or with 0, which a log scale cannot show) is left out.
    """
    lq, y = table["lq"].to_numpy(dtype=float), table[s["y_axis"]].to_numpy(dtype=float)
    emp = table["employment"].to_numpy(dtype=float)
    stars = table["stars"].to_numpy(dtype=float, na_value=np.nan)
    drawn = (lq > 0) & (y > 0)  # False for NaN too
    every = np.flatnonzero(drawn)
    every = every[np.argsort(-emp[every], kind="stable")]
    marked = np.flatnonzero(drawn & np.array([n is not None for n in notes], dtype=bool))
    hover = np.array([f"<b>{name}</b> ({code})<br>LQ {_fmt(a, 'lq')} · focus {_fmt(f, 'share')} · size "
                      f"{_fmt(z, 'share')}<br>{_fmt(e, 'count')} persons employed<br>"
                      f"{'★' * int(n) + ' stars' if n == n else 'stars unknown'}"
                      for name, code, a, f, z, e, n in zip(table["region_name"], table["region"], lq,
                                                           table["focus"], table["size"], emp, stars)], dtype=object)
    short = np.array([n.split(" (")[0].split(" / ")[0][:18] for n in table["region_name"]], dtype=object)
    colours = np.array(STAR_COLOURS, dtype=object)[np.nan_to_num(stars, nan=0).astype(int)]
    sizeref = 2.0 * (emp[every[0]] if len(every) else 1.0) / MAX_BUBBLE ** 2
    restyle = {"x": [lq[every], lq[marked]], "y": [y[every], y[marked]],
               "hovertext": [hover[every], hover[marked]], "text": [None, short[marked]],
               "marker.size": [emp[every], emp[marked]], "marker.sizeref": [sizeref, sizeref],
               "marker.color": [colours[every], "rgba(0,0,0,0)"], "textposition": [None, _label_places(lq[marked])]}
    where = "their own country" if s["reference"] == "country" else "Europe"
    relayout = {"title.text": f"{esc(industry)}<br><sub>Regions at NUTS level {s['level']}, against {where}</sub>",
                "yaxis.title.text": ("Focus: share of the region's employment (log scale)" if s["y_axis"] == "focus"
                                     else "Size: share of the reference area's employment (log scale)"),
                "shapes": _shapes(s["lq_threshold"])}
    return restyle, relayout, len(table) - len(every)


def _label_places(x: np.ndarray) -> list[str]:
    """Above and below in turn, from left to right, so that the labels of neighbouring regions do not overlap."""
    places = [""] * len(x)
    for k, at in enumerate(np.argsort(x, kind="stable")):
        places[at] = "top center" if k % 2 == 0 else "bottom center"
    return places


def new_figure(restyle: dict, relayout: dict) -> go.FigureWidget:
    """The chart, built complete with its first data (in Voila, changes made before it is shown are lost).

    Two traces (see :func:`_chart`) and no plotly legend: the key is HTML under the chart, because plotly
    redraws its legend on every change, which costs as much as the bubbles themselves.
    """
    # No outlines on the bubbles: plotly redraws them about 15 % faster without.
    regions = go.Scatter(mode="markers", name="regions", hoverinfo="text",
                         marker=dict(opacity=0.75, sizemode="area", sizemin=4, line=dict(width=0)))
    marked = go.Scatter(mode="markers+text", name="highlighted regions", hoverinfo="text",
                        textfont=dict(color=HIGHLIGHT, size=12),
                        marker=dict(sizemode="area", sizemin=6, line=dict(width=3, color=HIGHLIGHT)))
    for k, trace in enumerate((regions, marked)):
        trace.update({key.replace(".", "_"): values[k] for key, values in restyle.items() if values[k] is not None})
    layout = go.Layout(width=CHART_WIDTH, height=480, margin=dict(l=70, r=20, t=70, b=50), title_font_size=14,
                       showlegend=False,
                       xaxis=dict(type="log", title="Specialisation: location quotient (log scale)", tickvals=LQ_TICKS),
                       yaxis=dict(type="log", tickformat=".2~%", tickvals=SHARE_TICKS))
    layout.update({key.replace(".", "_"): value for key, value in relayout.items()})
    return go.FigureWidget(data=[regions, marked], layout=layout)


def legend() -> str:
    """The chart's legend, in HTML."""
    dot = '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;background:{};{}"></span>'
    items = [dot.format(colour, "") + f" {n} star{'s' if n != 1 else ''}" for n, colour in enumerate(STAR_COLOURS)]
    items.append(dot.format("transparent", f"border:2px solid {HIGHLIGHT};box-sizing:border-box")
                 + " highlighted (case) regions")
    return "&nbsp;&nbsp; ".join(items)
