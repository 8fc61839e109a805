"""The regional mapper's view: controls, a cluster-portfolio chart and a ranking table.

Every change of a control recomputes the ranking (a few milliseconds), updates the chart in place
(one Plotly update message for both traces and the layout, never a new figure) and rewrites the
table's HTML.

Above the controls, "Upload your own figures (CSV or spreadsheet)" ranks the trainee's own file
instead (read by :func:`clusterlab.regional_data.load_employment`; a file that cannot be read is
explained line by line in the error box and the figures shown stay), and "Back to the Eurostat
figures" returns to the course's table.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from clusterlab.files import write_atomically

from ._view import HIGHLIGHT, ComponentView, esc, note, two_columns
from .errors import ComponentError
from .regional_mapper import DEFAULTS, DENOMINATORS, REFERENCES, Y_AXES, RegionalMapperModel
from .storage import work_dir

ROOT_CLASS = "clusterlab-regional-mapper"
TABLE_CLASS = "clusterlab-mapper-table"
CHART_WIDTH = 560
STAR_COLOURS = ("#b0bec5", "#ffb74d", "#f57c00", "#bf360c")  # 0, 1, 2, 3 stars
MAX_BUBBLE = 46  # pixels across the largest bubble
LQ_TICKS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]  # log axes: round values only
SHARE_TICKS = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]
ROW_CHOICES = (10, 15, 25, 50, 100, 1000)
LEVEL_NAMES = {1: "1: large regions", 2: "2: regions", 3: "3: small regions"}
UPLOAD_LABEL = "Upload your own figures (CSV or spreadsheet)"
BACK_LABEL = "Back to the Eurostat figures"
MISSING = "—"
GAP_STYLE = "text-align:center;color:#78909c"
TABLE_STYLE = (f"<style>.{TABLE_CLASS} td, .{TABLE_CLASS} th {{padding:3px 8px;border-bottom:1px solid #eceff1;"
               "vertical-align:top}</style>")
HELP = (
    "<details><summary><b>What the measures mean</b></summary><ul style='margin:4px 0'>"
    "<li><b>NACE</b>: the EU's classification of economic activities (C15 is leather, C13 textiles).</li>"
    "<li><b>NUTS</b>: the EU's statistical regions; level 1 are large regions, level 2 regions such as "
    "Toscana or Cataluña, level 3 smaller areas (in your own figures).</li>"
    "<li><b>Location quotient (LQ)</b>: the industry's share of the region's employment divided by its share "
    "in the reference area. Above 1, the industry weighs more in the region than in the reference area.</li>"
    "<li><b>Size</b>: the region's share of the reference area's employment in the industry.</li>"
    "<li><b>Focus</b>: the industry's share of the region's employment in the chosen denominator.</li>"
    "<li><b>Denominator</b>: the employment the shares are taken of; the table has no total of all "
    "activities, so manufacturing or the business economy stands in for it.</li>"
    "<li><b>Stars</b> (after the European Cluster Observatory): one for size (the region is among the top "
    "share of regions by employment in the industry), one for specialisation (its LQ reaches the threshold), "
    "one for focus (among the top share of regions by focus).</li></ul></details>")


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


_COLUMNS = ("region", "region_name", "employment", "lq", "size", "focus", "stars", "size_star",
            "specialisation_star", "focus_star", "missing")


def _rows(columns: dict, positions: list[int], notes: list) -> str:
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


def _chart(table, s: dict, notes: list, industry: str) -> tuple[dict, dict, int]:
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


def _figure(restyle: dict, relayout: dict) -> go.FigureWidget:
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


def _key() -> str:
    """The chart's legend, in HTML."""
    dot = '<span style="display:inline-block;width:11px;height:11px;border-radius:50%;background:{};{}"></span>'
    items = [dot.format(colour, "") + f" {n} star{'s' if n != 1 else ''}" for n, colour in enumerate(STAR_COLOURS)]
    items.append(dot.format("transparent", f"border:2px solid {HIGHLIGHT};box-sizing:border-box")
                 + " highlighted (case) regions")
    return "&nbsp;&nbsp; ".join(items)


class RegionalMapper(ComponentView):
    """The regional mapper: pick an industry, a reference area, a denominator, a NUTS level and the
    star thresholds; see the regions ranked by LQ and drawn as a cluster portfolio.

    ``frame``: the employment table (default: the course's 2015 snapshot; the trainee's own figures
    from ``load_employment(path)`` work too). ``highlight``: region codes to pick out (default the
    three case regions). ``save_key`` (or ``save_as``): keeps the chosen settings between sittings.
    ``controls`` holds the widgets by control name; ``last_ranking`` the ranking shown.
    """

    model_class = RegionalMapperModel

    def __init__(self, model=None, *, frame=None, highlight=None, save_key: str | None = None,
                 save_as: str | None = None, read_only: bool = False):
        self._frame, self._highlight = frame, highlight
        self.controls: dict[str, w.Widget] = {}
        self.last_ranking = None
        super().__init__(model, save_as=save_key or save_as, read_only=read_only)
        marked = " The highlighted regions are marked in blue." if self.model and self.model.highlight else ""
        header = w.HTML("<h3>Regional mapper: where is the industry concentrated?</h3>" + note(
            "Choose an industry and how to compare; the regions are ranked by their location quotient (LQ)." + marked))
        if self.model is None:
            self.widget = w.VBox([header, self.error.widget])
            self.widget.add_class(ROOT_CLASS)
            return
        self._build_controls()
        self.table = w.HTML()
        self.table.add_class(TABLE_CLASS)
        self.chart_note, self.notes = w.HTML(), w.HTML()
        plain = self._plain()
        restyle, relayout, left_out = _chart(plain, self.model.settings, self.model.highlighted(plain),
                                             self.model.industry_label())
        self.figure, self._layout_shown = _figure(restyle, relayout), relayout
        self._chart_note(left_out)
        self.source_line = w.HTML(note(f"<small>{esc(self.model.source)}</small>"))
        self.download = w.Button(description="Download the table (CSV)", icon="download",
                                 layout=w.Layout(width="auto"))
        self.download_note, self.last_export = w.HTML(), None
        self.download.on_click(lambda _b: self._run(self._export))
        self.upload = w.FileUpload(accept=".csv,.txt,.xlsx", multiple=False, description=UPLOAD_LABEL,
                                   icon="upload", layout=w.Layout(width="auto"))
        self.upload.tooltip = ("A CSV or spreadsheet file with the columns region, industry and persons employed "
                               "(see Module 2, Notebook 3). Its figures replace the ones ranked here.")
        self.upload.observe(self._picked, names="value")
        self.back = w.Button(description=BACK_LABEL, icon="undo", layout=w.Layout(width="auto"))
        self.back.on_click(lambda _b: self._run(self._switch, self.model.use_eurostat))
        self.figures_note = w.HTML()
        self._figures_shown()
        left = w.VBox([w.HBox([self.upload, self.back], layout=w.Layout(flex_flow="row wrap")), self.figures_note]
                      + list(self.controls.values()) + [w.HTML(HELP)])
        right = w.VBox([self.figure, self.source_line, self.chart_note])
        self.widget = w.VBox([header, self.error.widget,
                              two_columns(left, right, height="640px", right_width=f"{CHART_WIDTH + 10}px"),
                              self.table, self.notes, w.HBox([self.download, self.download_note])])
        self.widget.add_class(ROOT_CLASS)
        self._disable([*self.controls.values(), self.upload, self.back])
        self._show(redraw=False)

    # -- model ---------------------------------------------------------------------------------------
    def _default_model(self):
        return RegionalMapperModel(self._frame, highlight=self._highlight)

    def _coerce(self, model):
        if isinstance(model, Mapping):  # settings, read with this view's figures and highlighted regions
            try:
                return RegionalMapperModel.from_dict(model, self._frame, self._highlight)
            except ComponentError as exc:
                self.error.show(str(exc))
                return super()._coerce(None)
        return super()._coerce(model)

    def _fallback_model(self):
        if self._frame is not None:
            try:
                model = RegionalMapperModel(None, highlight=self._highlight)
                self.error.show(f"{self.error.message} The course's own figures are shown instead.")
                return model
            except ComponentError:
                pass
        return None

    def _merge_saved(self, given, saved: dict):
        if given is None:
            return None
        skipped = given.apply_saved(saved)
        if skipped:
            self.error.show(f"Some of your saved settings do not fit these figures and were left out: "
                            f"{', '.join(skipped)}.")
        return given

    # -- controls ------------------------------------------------------------------------------------
    def _options(self) -> dict[str, list]:
        """The choices of the controls that depend on the figures: industry, denominator and level."""
        s = self.model.settings
        industries = self.model.industry_options()
        if s["industry"] not in {value for _, value in industries}:  # a combination of the trainee's own
            industries.insert(0, (self.model.industry_label(), s["industry"]))
        denominators = [k for k in self.model.denominator_options()]
        if s["denominator"] not in denominators:
            denominators.insert(0, s["denominator"])
        return {"industry": industries, "denominator": [(DENOMINATORS[k], k) for k in denominators],
                "level": [(LEVEL_NAMES[n], n) for n in sorted({*self.model.levels, s["level"]})]}

    def _build_controls(self) -> None:
        s, wide, style = self.model.settings, w.Layout(width="360px"), {"description_width": "110px"}
        c, options = self.controls, self._options()
        c["industry"] = w.Dropdown(description="Industry", options=options["industry"], value=s["industry"],
                                   layout=wide, style=style)
        c["reference"] = w.ToggleButtons(description="Reference area", options=[(v, k) for k, v in REFERENCES.items()],
                                         value=s["reference"], style=style, tooltips=[
                                             "Each region against its own country", "Against all countries together"])
        c["denominator"] = w.Dropdown(description="Denominator", options=options["denominator"],
                                      value=s["denominator"], layout=wide, style=style)
        c["custom_codes"] = w.Text(description="Codes", value=s["custom_codes"], placeholder="for example C, F",
                                   continuous_update=False, layout=w.Layout(width="360px", display=None if
                                   s["denominator"] == "custom" else "none"), style=style)
        c["level"] = w.ToggleButtons(description="NUTS level", options=options["level"], value=s["level"],
                                     style=style)
        sliders = dict(continuous_update=False, layout=wide, style=style)
        c["lq_threshold"] = w.FloatSlider(description="LQ for a star", min=1, max=4, step=0.1,
                                          value=s["lq_threshold"], readout_format=".1f", **sliders)
        c["size_top_share"] = w.FloatSlider(description="Size: top", min=0.01, max=0.5, step=0.01,
                                            value=s["size_top_share"], readout_format=".0%", **sliders)
        c["focus_top_share"] = w.FloatSlider(description="Focus: top", min=0.01, max=0.5, step=0.01,
                                             value=s["focus_top_share"], readout_format=".0%", **sliders)
        c["y_axis"] = w.ToggleButtons(description="Vertical axis", options=[(v, k) for k, v in Y_AXES.items()],
                                      value=s["y_axis"], style=style)
        c["rows"] = w.Dropdown(description="Rows shown", options=[(str(n) if n < 1000 else "all", n)
                                                                  for n in ROW_CHOICES],
                               value=s["rows"] if s["rows"] in ROW_CHOICES else DEFAULTS["rows"], style=style)
        for key, control in c.items():
            control.observe(lambda ch, k=key: self._run(self._change, k, ch["new"]), names="value")

    def _change(self, key: str, value) -> None:
        if key == "denominator":
            self.controls["custom_codes"].layout.display = None if value == "custom" else "none"
        # All the controls at once: after a refused value, the next change brings the model back in line.
        self.model.update(**{k: c.value for k, c in self.controls.items() if c.value is not None})
        self._show()
        self.save()

    # -- the figures ---------------------------------------------------------------------------------
    def _picked(self, change) -> None:
        files = change["new"]
        if not files:
            return
        chosen = files[0]
        name = str(chosen.get("name") or "your file")
        self.load_bytes(bytes(chosen["content"]), name)
        with self._quietly():
            self.upload.value = ()  # the same file can be chosen again after a correction

    def load_bytes(self, data: bytes, name: str = "your file") -> bool:
        """Rank the figures of an uploaded file (its bytes and name), as the upload control does. A file that
        cannot be read is explained in the error box and the figures shown stay; True if it worked."""
        return self._run(self._switch, self.model.load_figures, data, name)

    def _switch(self, load, *args) -> None:
        """Change the figures with ``load`` (a model method), then fit the controls and redraw."""
        load(*args)
        with self._quietly():
            s, options = self.model.settings, self._options()
            for key in ("industry", "denominator", "level"):
                self.controls[key].options = options[key]
            for key in ("industry", "denominator", "custom_codes", "level"):
                if self.controls[key].value != s[key]:
                    self.controls[key].value = s[key]
            self.controls["custom_codes"].layout.display = None if s["denominator"] == "custom" else "none"
        self.source_line.value = note(f"<small>{esc(self.model.source)}</small>")
        self._figures_shown()
        self._show()
        self.save()

    def _figures_shown(self) -> None:
        own = self.model.own_figures
        self.back.layout.display = None if own else "none"
        self.figures_note.value = note(f"<small>Ranking your own figures: {esc(self.model.source)}.</small>"
                                       if own else "<small>Ranking the Eurostat figures of the course.</small>")

    # -- drawing -------------------------------------------------------------------------------------
    def _plain(self):
        plain = self.model.ranking.copy(deep=False)
        plain.attrs = {}  # pandas copies attrs deeply at every step; the drawing does not need them
        return plain

    def _show(self, redraw: bool = True) -> None:
        m = self.model
        table, s = m.ranking, m.settings
        self.last_ranking = table
        plain = self._plain()
        notes = m.highlighted(plain)
        if redraw:
            self._draw(plain, s, notes)
        first, later = m.shown_positions()
        columns = {c: plain[c].to_numpy(dtype=object) for c in _COLUMNS}
        head = ("<tr><th>#</th><th>Region</th><th>Persons employed</th><th>LQ</th><th>Size</th><th>Focus</th>"
                "<th>Stars</th><th>Why a value is missing</th></tr>")
        body = _rows(columns, first, notes)
        if later:
            body += f'<tr><td colspan="8" style="{GAP_STYLE}">…</td></tr>' + _rows(columns, later, notes)
        where = ("each region's own country" if s["reference"] == "country" else
                 "all the countries of the table (Europe)")
        shown = f"the first {len(first)} of {len(table)}" if len(first) < len(table) else f"all {len(table)}"
        caption = (f"{esc(m.industry_label())}: {shown} regions at NUTS level "
                   f"{s['level']}, by LQ against {where}; denominator: {esc(table.attrs.get('denominator', ''))}; "
                   f"{table.attrs.get('year')}. Stars: size in the top {s['size_top_share']:.0%}, LQ of "
                   f"{s['lq_threshold']:g} or more, focus in the top {s['focus_top_share']:.0%}.")
        if not len(table):
            body = (f'<tr><td colspan="8">No region at NUTS level {s["level"]} has figures for this industry. '
                    "Try the other level.</td></tr>")
        self.table.value = (f'{TABLE_STYLE}<table class="{TABLE_CLASS}" style="border-collapse:collapse;'
                            f'font-size:13px;margin-top:8px"><caption style="text-align:left;caption-side:top;'
                            f'color:#37474f">{caption}</caption><thead>{head}</thead><tbody>{body}</tbody></table>')
        extra = [esc(n) for n in table.attrs.get("notes", [])]
        self.notes.value = note("<small>" + " ".join(extra) + "</small>") if extra else ""
        self.download_note.value = ""

    def _draw(self, table, s, notes: list) -> None:
        """Update the chart in place: one Plotly update message with the new data and the layout that changed.

        ``plotly_update`` sends the same single message as a ``batch_update`` block would, without
        plotly's checks of every value, which cost about ten times more than the ranking itself; the
        values come from the ranking, so they need no checking.
        """
        restyle, relayout, left_out = _chart(table, s, notes, self.model.industry_label())
        changed = {k: v for k, v in relayout.items() if self._layout_shown.get(k) != v}
        self.figure.plotly_update(restyle_data=restyle, relayout_data=changed, trace_indexes=[0, 1])
        self._layout_shown.update(changed)
        self._chart_note(left_out)

    def _chart_note(self, left_out: int) -> None:
        text = "Bubble area: persons employed. Dotted line: LQ 1; dashed line: the LQ for a star."
        if left_out:
            text += f" {left_out} region(s) not drawn: a figure is missing or is 0 (see the table)."
        self.chart_note.value = note(f"<small>{_key()}<br>{text}</small>")

    # -- export ----------------------------------------------------------------------------------------
    def _export(self) -> None:
        text = self.model.csv_text()
        name = self.model.file_name()
        link = (f'<a download="{esc(name)}" href="data:text/csv;charset=utf-8;base64,'
                f'{base64.b64encode(text.encode("utf-8")).decode("ascii")}">save it on your computer</a>')
        try:
            folder = work_dir() / "regional-mapper"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            write_atomically(path, text.encode("utf-8"))
        except (ComponentError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.download_note.value = note(f"The table could not be written to your work folder ({esc(reason)}); "
                                            f"you can still {link}.")
            return
        self.download_note.value = note(f"Written to your work folder as {esc(path)}; you can also {link}.")
        self.last_export = path
