"""The controls that show a field (see :mod:`clusterlab.widgets.fields`) in a form.

:func:`make_view` gives, for any field, a view with ``widget`` (what is shown), ``value`` (what the
controls hold now, raw: :meth:`FieldSpec.clean` turns it into the value to save) and ``set(value)``
(show a value). Every change the trainee makes calls ``notify``; a :class:`Notify` holds those calls
while a form sets its own controls, so a whole table set at once is one change. Each input has a
placeholder (its label), so a person, a screen reader or a browser test finds it by name.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

import ipywidgets as w

from clusterlab.errors import ClusterlabError

from ._view import MET, ErrorBox, esc
from .fields import FieldSpec

__all__ = ["Notify", "FieldView", "make_view", "labelled", "input_widget", "save_and_say", "CHOOSE"]

CHOOSE = "— choose —"
_WIDE = w.Layout(width="100%")
_NUMBER = w.Layout(width="14em")
_MUTED = "color:#607d8b"


class Notify:
    """Calls ``callback`` after a change; inside ``hold()`` the calls wait and become one at the end."""

    def __init__(self, callback):
        self.callback, self._held, self._pending = callback, 0, False

    def __call__(self, *_args) -> None:
        if self._held:
            self._pending = True
        else:
            self.callback()

    @contextmanager
    def hold(self):
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._pending:
                self._pending = False
                self.callback()


def input_widget(spec: FieldSpec, value, notify, layout: w.Layout | None = None) -> w.Widget:
    """One input for a field of a single value (text, number, year, choice, a list typed in lines)."""
    placeholder = spec.placeholder or spec.label
    if spec.type == "choice":
        options = [(CHOOSE, "")] + [(label, key) for key, label in spec.choices.items()]
        control = w.Dropdown(options=options, value=_known(spec, value), tooltip=placeholder,
                             layout=layout or _WIDE)
    elif spec.type in ("long_text", "text_list"):
        control = w.Textarea(value=spec.display(value), placeholder=placeholder,
                             rows=3 if layout is None else 2, layout=layout or _WIDE)
    else:
        default = _NUMBER if spec.type in ("number", "year") else _WIDE
        control = w.Text(value=spec.display(value), placeholder=placeholder, layout=layout or default)
    control.observe(notify, names="value")
    return control


def _known(spec: FieldSpec, value):
    """``value`` if it is one of the choices' keys, else "" (the option "— choose —": nothing chosen)."""
    return next((key for key in spec.choices if key == value and not isinstance(value, bool)), "")


def _show(control: w.Widget, spec: FieldSpec, value) -> None:
    if isinstance(control, w.Dropdown):
        control.value = _known(spec, value)
    else:
        control.value = spec.display(value)


class FieldView:
    """Base of the views: ``widget``, ``value`` (raw) and ``set(value)``."""

    widget: w.Widget

    @property
    def value(self):
        raise NotImplementedError

    def set(self, value) -> None:
        raise NotImplementedError


class InputView(FieldView):
    """A field of a single value: one input (``control``)."""

    def __init__(self, spec: FieldSpec, value, notify):
        self.spec = spec
        self.control = self.widget = input_widget(spec, value, notify)

    @property
    def value(self):
        return self.control.value

    def set(self, value) -> None:
        _show(self.control, self.spec, value)


class ChecksView(FieldView):
    """Several choices: one tick box each, and the optional box for "none of them" (the answer [])."""

    def __init__(self, spec: FieldSpec, value, notify):
        self.spec, self.notify = spec, notify
        self.boxes = {key: w.Checkbox(description=label, indent=False, layout=w.Layout(width="auto"))
                      for key, label in spec.choices.items()}
        self.none = w.Checkbox(description=spec.none_option, indent=False) if spec.none_option else None
        self.set(value)
        for box in self.boxes.values():
            box.observe(self._ticked, names="value")
        if self.none is not None:
            self.none.observe(self._none_ticked, names="value")
        self.widget = w.VBox([*self.boxes.values(), *([self.none] if self.none else [])])

    def _ticked(self, change) -> None:
        with self.notify.hold():
            if change["new"] and self.none is not None:
                self.none.value = False
            self.notify()

    def _none_ticked(self, change) -> None:
        with self.notify.hold():
            if change["new"]:
                for box in self.boxes.values():
                    box.value = False
            self.notify()

    @property
    def value(self):
        ticked = [key for key, box in self.boxes.items() if box.value]
        if not ticked and self.none is not None and self.none.value:
            return []
        return ticked or None

    def set(self, value) -> None:
        chosen = list(value) if isinstance(value, (list, tuple, set)) else []
        for key, box in self.boxes.items():
            box.value = key in chosen
        if self.none is not None:
            self.none.value = isinstance(value, (list, tuple, set)) and not chosen


class TableView(FieldView):
    """Rows of small inputs, with buttons to add and remove rows (and optionally to import a CSV file)."""

    def __init__(self, spec: FieldSpec, rows, notify, *, importable: bool = False):
        from .table_upload import ImportControl

        self.spec, self.notify = spec, notify
        self.rows: list[dict[str, w.Widget]] = []
        self._lines: list[w.HBox] = []
        self._layouts = {"narrow": w.Layout(flex="1 1 0", width="auto", min_width="6em"),
                         "wide": w.Layout(flex="2 1 0", width="auto", min_width="10em")}
        self._line_layout, self._button_layout = w.Layout(width="100%"), w.Layout(width="40px", flex="0 0 auto")
        self.box = w.VBox()
        self.add_button = w.Button(description="Add a row", icon="plus", layout=w.Layout(width="auto"))
        self.add_button.on_click(lambda _b: self.add_row(notify=True))
        header = w.HBox([w.HTML(f"<b>{esc(c.label)}</b>", layout=self._layout(c)) for c in spec.columns]
                        + [w.HTML("", layout=self._button_layout)], layout=self._line_layout)
        self.importer = ImportControl(self) if importable else None
        buttons = w.HBox([self.add_button, *([self.importer.upload] if self.importer else [])])
        self.widget = w.VBox([header, self.box, buttons, *([self.importer.note] if self.importer else [])])
        self.set(rows)

    def _layout(self, column: FieldSpec) -> w.Layout:
        return self._layouts["wide" if column.type in ("long_text", "text_list") else "narrow"]

    def add_row(self, row: dict | None = None, notify: bool = False) -> None:
        """Add a row at the end (unless the table is full); ``notify``: it is the trainee's change."""
        if len(self.rows) < self.spec.max_rows:
            self._new_row(row)
            self._show_rows()
            if notify:
                self.notify()

    def _new_row(self, row: dict | None) -> None:
        cells = {c.id: input_widget(c, (row or {}).get(c.id), self.notify, self._layout(c)) for c in self.spec.columns}
        remove = w.Button(icon="trash", tooltip="Remove this row", layout=self._button_layout)
        line = w.HBox([*cells.values(), remove], layout=self._line_layout)
        remove.on_click(lambda _b, cells=cells, line=line: self._remove(cells, line))
        self.rows.append(cells)
        self._lines.append(line)

    def _remove(self, cells, line) -> None:
        self.rows.remove(cells)
        self._lines.remove(line)
        self._show_rows()
        self.notify()

    def _show_rows(self) -> None:
        self.box.children = tuple(self._lines)
        full = len(self.rows) >= self.spec.max_rows
        self.add_button.disabled = full
        self.add_button.tooltip = f"This table has at most {self.spec.max_rows} rows." if full else ""

    @property
    def value(self) -> list[dict]:
        return [{cid: cell.value for cid, cell in cells.items()} for cells in self.rows]

    def set(self, rows) -> None:
        """Show these rows instead of the present ones (one empty row when there are none)."""
        self.rows, self._lines = [], []
        for row in (rows if isinstance(rows, list) and rows else [{}])[:self.spec.max_rows]:
            self._new_row(row if isinstance(row, dict) else {})
        self._show_rows()


class RecordView(FieldView):
    """Named fields one under the other, each with its label."""

    def __init__(self, spec: FieldSpec, value, notify):
        value = value if isinstance(value, dict) else {}
        self.views = {f.id: make_view(f, value.get(f.id, f.default), notify) for f in spec.fields}
        self.widget = w.VBox([labelled(f, self.views[f.id], heading=False) for f in spec.fields])

    @property
    def value(self) -> dict:
        return {fid: view.value for fid, view in self.views.items()}

    def set(self, value) -> None:
        value = value if isinstance(value, dict) else {}
        for fid, view in self.views.items():
            view.set(value.get(fid))


def _row(value, key) -> dict:
    """The row ``key`` of a keyed table's value, or {} when it is missing or not a row."""
    row = value.get(key) if isinstance(value, dict) else None
    return row if isinstance(row, dict) else {}


class KeyedTableView(FieldView):
    """Fixed rows (each with its label) and the same columns for every row."""

    def __init__(self, spec: FieldSpec, value, notify):
        self.spec = spec
        value = value if isinstance(value, dict) else {}
        layout = w.Layout(width="auto")
        self.rows = {key: {c.id: input_widget(c, _row(value, key).get(c.id), notify, layout)
                           for c in spec.columns} for key in spec.rows}
        cells = [w.HTML("")] + [w.HTML(f"<b>{esc(c.label)}</b>") for c in spec.columns]
        for key, label in spec.rows.items():
            cells += [w.HTML(f"<b>{esc(label)}</b>"), *self.rows[key].values()]
        widths = " ".join(["minmax(10em, 1fr)"] + [
            "minmax(14em, 3fr)" if c.type in ("long_text", "text_list") else "minmax(8em, 1fr)" for c in spec.columns])
        self.widget = w.GridBox(cells, layout=w.Layout(grid_template_columns=widths, grid_gap="4px 8px",
                                                       width="100%"))

    @property
    def value(self) -> dict:
        return {key: {cid: cell.value for cid, cell in cells.items()} for key, cells in self.rows.items()}

    def set(self, value) -> None:
        value = value if isinstance(value, dict) else {}
        columns = {c.id: c for c in self.spec.columns}
        for key, cells in self.rows.items():
            for cid, cell in cells.items():
                _show(cell, columns[cid], _row(value, key).get(cid))


def make_view(spec: FieldSpec, value, notify, *, importable: bool = False) -> FieldView:
    """The view of any field, showing ``value``; ``importable``: a table offers to import a CSV file."""
    if spec.type == "table":
        return TableView(spec, value, notify, importable=importable)
    if spec.type == "record":
        return RecordView(spec, value, notify)
    if spec.type == "keyed_table":
        return KeyedTableView(spec, value, notify)
    if spec.type == "multi_choice":
        return ChecksView(spec, value, notify)
    return InputView(spec, value, notify)


def labelled(spec: FieldSpec, view: FieldView, *, heading: bool = True, label: bool = True) -> w.VBox:
    """The view under the field's label (unless ``label`` is false), its unit and its one-line help."""
    unit = f" <span style='{_MUTED}'>({esc(spec.unit)})</span>" if spec.unit else ""
    label = f"<b>{esc(spec.label) if label else ''}{unit}</b>" if label or unit else ""
    notes = [spec.help] if spec.help else []
    if spec.type == "table" and spec.min_rows:
        notes.append(f"Give at least {spec.min_rows} rows.")
    if spec.type == "text_list":
        notes.append("One per line.")
    help_html = f"<span style='{_MUTED}'>{esc(' '.join(notes))}</span>" if notes else ""
    style = "margin:6px 0 2px 0" if heading else "margin:4px 0 0 0"
    text = "<br>".join(part for part in (label, help_html) if part)
    return w.VBox([w.HTML(f"<div style='{style}'>{text}</div>"), view.widget] if text else [view.widget])


def save_and_say(save, error: ErrorBox, status: w.HTML, where) -> bool:
    """Run ``save()``; then show "Saved at 10:15:02 in <where>", or the problem in plain words (never a
    traceback). True if it was saved."""
    try:
        save()
    except ClusterlabError as exc:
        error.show(str(exc))
    except Exception as exc:  # never a traceback in front of the trainee
        error.show(f"Your entry could not be saved ({type(exc).__name__}: {exc}).")
    else:
        error.clear()
        status.value = f"<span style='color:{MET}'>Saved at {datetime.now():%H:%M:%S} in {esc(where)}</span>"
        return True
    status.value = ""
    return False
