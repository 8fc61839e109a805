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

from clusterlab.files import write_atomically

from ._view import ComponentView, esc, note, two_columns
from .errors import ComponentError
from .regional_mapper_drawing import (CHART_WIDTH, COLUMNS, GAP_STYLE, TABLE_CLASS, TABLE_STYLE, chart_update, legend,
                                      new_figure, table_rows)
from .regional_mapper import DEFAULTS, DENOMINATORS, REFERENCES, Y_AXES, RegionalMapperModel
from .storage import work_dir

ROOT_CLASS = "clusterlab-regional-mapper"
ROW_CHOICES = (10, 15, 25, 50, 100, 1000)
LEVEL_NAMES = {1: "1: large regions", 2: "2: regions", 3: "3: small regions"}
UPLOAD_LABEL = "Upload your own figures (CSV or spreadsheet)"
BACK_LABEL = "Back to the Eurostat figures"
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
        # The table's style is sent once: a <style> in every table update would make the browser restyle the page.
        self.table_style = w.HTML(TABLE_STYLE, layout=w.Layout(display="none"))
        self.chart_note, self.notes = w.HTML(), w.HTML()
        plain = self._plain()
        restyle, relayout, left_out = chart_update(plain, self.model.settings, self.model.highlighted(plain),
                                             self.model.industry_label())
        self.figure, self._layout_shown = new_figure(restyle, relayout), relayout
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
                              self.table_style, self.table, self.notes, w.HBox([self.download, self.download_note])])
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
        columns = {c: plain[c].to_numpy(dtype=object) for c in COLUMNS}
        head = ("<tr><th>#</th><th>Region</th><th>Persons employed</th><th>LQ</th><th>Size</th><th>Focus</th>"
                "<th>Stars</th><th>Why a value is missing</th></tr>")
        body = table_rows(columns, first, notes)
        if later:
            body += f'<tr><td colspan="8" style="{GAP_STYLE}">…</td></tr>' + table_rows(columns, later, notes)
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
        self.table.value = (f'<table class="{TABLE_CLASS}" style="border-collapse:collapse;'
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
        restyle, relayout, left_out = chart_update(table, s, notes, self.model.industry_label())
        changed = {k: v for k, v in relayout.items() if self._layout_shown.get(k) != v}
        self.figure.plotly_update(restyle_data=restyle, relayout_data=changed, trace_indexes=[0, 1])
        self._layout_shown.update(changed)
        self._chart_note(left_out)

    def _chart_note(self, left_out: int) -> None:
        text = "Bubble area: persons employed. Dotted line: LQ 1; dashed line: the LQ for a star."
        if left_out:
            text += f" {left_out} region(s) not drawn: a figure is missing or is 0 (see the table)."
        self.chart_note.value = note(f"<small>{legend()}<br>{text}</small>")

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
