"""The "my cluster" form: one section of the trainee's record on screen, saved as they type.

``MyClusterView("m1-01")`` shows the fields of that section (see ``course/my_cluster.yaml``), filled
with what was saved before, and saves each change at once. Only the changed field is written, so
the same record can be open in several notebooks. Problems are shown in the form, never as a
traceback; an invalid entry is not saved and the message says how to fix it.
"""

from __future__ import annotations

import ipywidgets as w
from IPython.display import display

from clusterlab.errors import ComponentError
from clusterlab.widgets._view import ErrorBox, esc
from clusterlab.widgets.field_views import FieldView, InputView, Notify, labelled, make_view, save_and_say
from clusterlab.widgets.storage import SavedWorkError, WorkStore

from . import my_cluster as mc


class MyClusterView:
    """One section of the trainee's "my cluster" record as a form that saves every change."""

    def __init__(self, section_id: str, *, store: WorkStore | None = None):
        self.error = ErrorBox()
        self.status = w.HTML()
        self.controls: dict[str, object] = {}
        self.views: dict[str, FieldView] = {}
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
        view = make_view(spec, value, Notify(lambda fid=spec.id: self._changed(fid)))
        self.views[spec.id] = view
        self.controls[spec.id] = view.control if isinstance(view, InputView) else view
        return labelled(spec, view)

    def value_of(self, field_id: str):
        """What the form shows for a field, as it would be saved (ComponentError if it is not valid)."""
        return self.specs[field_id].clean(self.views[field_id].value)

    def _changed(self, field_id: str) -> None:
        save_and_say(lambda: mc.save_fields({field_id: self.views[field_id].value}, self.store), self.error,
                     self.status, self.store.path)

    def _ipython_display_(self):
        display(self.widget)
