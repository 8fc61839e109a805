"""The "my cluster" form: one section of the trainee's record on screen, saved as they type.

``MyClusterView("m1-01")`` shows the fields of that section (see ``course/my_cluster.yaml``), filled
with what was saved before, and saves each change at once. Only the changed field is written, so
the same record can be open in several notebooks. Problems are shown in the form, never as a
traceback; an invalid entry is not saved and the message says how to fix it.
"""

from __future__ import annotations

from datetime import datetime

import ipywidgets as w
from IPython.display import display

from clusterlab.widgets._view import ErrorBox, esc
from clusterlab.errors import ComponentError
from clusterlab.widgets.storage import SavedWorkError, WorkStore

from . import my_cluster as mc

_WIDE = w.Layout(width="100%")


def _number(text: str):
    """A number typed by a person: spaces allowed, a decimal comma accepted; '' is None."""
    text = (text or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ComponentError(f"'{text}' is not a number. Type digits only, for example 25 or 12.5.") from None


class _Table:
    """Rows of small inputs for a table field, with buttons to add and remove rows."""

    def __init__(self, spec: mc.FieldSpec, rows: list[dict] | None, on_change):
        self.spec, self.on_change = spec, on_change
        self.rows: list[dict[str, w.Widget]] = []
        self.box = w.VBox()
        self.add_button = w.Button(description="Add a row", icon="plus", layout=w.Layout(width="auto"))
        self.add_button.on_click(lambda _b: self.add_row(notify=True))
        header = w.HBox([w.HTML(f"<b>{esc(c.label)}</b>", layout=w.Layout(flex="1 1 0")) for c in spec.columns]
                        + [w.HTML("", layout=w.Layout(width="40px"))])
        self.widget = w.VBox([header, self.box, self.add_button])
        for row in rows or [{}]:
            self.add_row(row)

    def _cell(self, column: mc.Column, value):
        if column.type == "choice":
            options = [("— choose —", None)] + [(label, key) for key, label in (column.choices or {}).items()]
            cell = w.Dropdown(options=options, value=value if value in (column.choices or {}) else None)
        else:
            cell = w.Text(value=value or "")
        cell.layout = w.Layout(flex="1 1 0", width="auto")
        cell.observe(lambda _c: self.on_change(), names="value")
        return cell

    def add_row(self, row: dict | None = None, notify: bool = False) -> None:
        if len(self.rows) >= self.spec.max_rows:
            return
        cells = {c.id: self._cell(c, (row or {}).get(c.id)) for c in self.spec.columns}
        remove = w.Button(icon="trash", tooltip="Remove this row", layout=w.Layout(width="40px"))
        self.rows.append(cells)
        line = w.HBox([*cells.values(), remove])
        remove.on_click(lambda _b, cells=cells, line=line: self._remove(cells, line))
        self.box.children = (*self.box.children, line)
        if notify:
            self.on_change()

    def _remove(self, cells, line) -> None:
        self.rows.remove(cells)
        self.box.children = tuple(c for c in self.box.children if c is not line)
        self.on_change()

    @property
    def value(self) -> list[dict]:
        return [{cid: cell.value for cid, cell in cells.items()} for cells in self.rows]


class MyClusterView:
    """One section of the trainee's "my cluster" record as a form that saves every change."""

    def __init__(self, section_id: str, *, store: WorkStore | None = None):
        self.error = ErrorBox()
        self.status = w.HTML()
        self.controls: dict[str, object] = {}
        self.store = store
        parts: list[w.Widget] = []
        try:
            self.section = mc.section(section_id)
            self.specs = mc.field_specs()
            self.store = store or WorkStore(mc.STORE_KEY)
        except ComponentError as exc:
            self.error.show(str(exc))
            self.widget = w.VBox([self.error.widget])
            return
        try:
            record = mc.load_record(self.store)
        except SavedWorkError as exc:
            self.error.show(str(exc))
            record = {"fields": {}}
        title = w.HTML(f"<h4 style='margin:4px 0'>My cluster: {esc(self.section.title)}</h4>"
                       "<p style='margin:2px 0;color:#455a64'>What you write here is saved as you type, "
                       "and offered again in later modules and in your cluster document.</p>")
        parts.append(title)
        for fid in self.section.fields:
            spec = self.specs[fid]
            parts.append(self._field(spec, record["fields"].get(fid)))
        self.widget = w.VBox([*parts, self.error.widget, self.status],
                             layout=w.Layout(border="1px solid #cfd8dc", padding="8px 12px", max_width="900px"))
        self.widget.add_class("clusterlab-my-cluster")

    def _field(self, spec: mc.FieldSpec, value) -> w.Widget:
        label = w.HTML(f"<b>{esc(spec.label)}</b>" + (f"<br><span style='color:#607d8b'>{esc(spec.help)}</span>"
                                                       if spec.help else ""))
        on_change = lambda *_a, fid=spec.id: self._changed(fid)  # noqa: E731
        if spec.type == "table":
            control = _Table(spec, value, on_change)
            self.controls[spec.id] = control
            return w.VBox([label, control.widget])
        if spec.type == "choice":
            options = [("— choose —", None)] + [(lab, key) for key, lab in (spec.choices or {}).items()]
            control = w.Dropdown(options=options, value=value if value in (spec.choices or {}) else None,
                                 layout=_WIDE)
        elif spec.type == "long_text":
            control = w.Textarea(value=value or "", rows=3, layout=_WIDE)
        elif spec.type == "number":
            control = w.Text(value="" if value is None else f"{value:g}", layout=w.Layout(width="12em"))
            label.value += f" <span style='color:#607d8b'>({esc(spec.unit)})</span>" if spec.unit else ""
        else:
            control = w.Text(value=value or "", layout=_WIDE)
        control.observe(on_change, names="value")
        self.controls[spec.id] = control
        return w.VBox([label, control])

    def value_of(self, field_id: str):
        """What the form shows for a field, as it would be saved."""
        control = self.controls[field_id]
        value = control.value
        if self.specs[field_id].type == "number":
            return _number(value)
        return value

    def _changed(self, field_id: str) -> None:
        try:
            mc.save_fields({field_id: self.value_of(field_id)}, self.store)
        except ComponentError as exc:
            self.error.show(str(exc))
            self.status.value = ""
            return
        except Exception as exc:  # never a traceback in front of the trainee
            self.error.show(f"Your entry could not be saved ({type(exc).__name__}: {exc}).")
            return
        self.error.clear()
        self.status.value = (f"<span style='color:#2e7d32'>Saved at {datetime.now():%H:%M:%S} in "
                             f"{esc(self.store.path)}</span>")

    def _ipython_display_(self):
        display(self.widget)
