"""What every view shares: colours, the error box, saving and loading, and safe callbacks."""

from __future__ import annotations

import html
from collections.abc import Mapping
from contextlib import contextmanager

import ipywidgets as w
from IPython.display import display

from .errors import ComponentError
from .storage import SavedWorkError, WorkStore

MET = "#2e7d32"  # green: a threshold is met, an answer is right
NOT_MET = "#c62828"  # red: a threshold is missed, an answer is wrong
UNANSWERED = "#9e9e9e"  # grey: nothing entered yet
HIGHLIGHT = "#1565c0"  # blue: the item the trainee picked
MUTED = "#cfd8dc"  # light grey: everything else
ERROR_CLASS = "clusterlab-error"
COLUMNS_CLASS = "clusterlab-two-columns"
CHART_COLUMN_CLASS = "clusterlab-chart-column"
_COLUMNS_CSS = f"<style>@media (max-width:900px){{.{CHART_COLUMN_CLASS}{{order:-1}}}}</style>"


def esc(value) -> str:
    """Text made safe to place inside HTML."""
    return html.escape(str(value))


def note(text: str, colour: str = "#455a64") -> str:
    """A short paragraph of HTML in the given colour (``text`` must already be escaped)."""
    return f'<p style="margin:2px 0;color:{colour}">{text}</p>'


def two_columns(left: w.Widget, right: w.Widget, height: str = "600px", right_width: str = "500px") -> w.HBox:
    """``left`` (controls) and ``right`` (a chart, ``right_width`` wide) side by side.

    ``left`` scrolls within ``height``, so the chart stays in view beside the control being moved
    (a sticky column does not work inside notebook outputs, whose boxes clip their content). Give
    the chart a fixed width that fits ``right_width``: a chart sized to a flexible column starts at
    plotly's default width and is cut off. On a narrow screen the two wrap, the chart first.
    """
    left.layout.max_height = height
    left.layout.overflow = "auto"
    for child in getattr(left, "children", ()):
        child.layout.flex = "0 0 auto"  # keep their height and scroll, rather than be squeezed into ``height``
    left.layout.flex, left.layout.min_width = "1 1 380px", "380px"
    right.layout.flex = f"0 0 {right_width}"
    right.add_class(CHART_COLUMN_CLASS)
    box = w.HBox([w.HTML(_COLUMNS_CSS, layout=w.Layout(display="none")), left, right],
                 layout=w.Layout(width="100%", flex_flow="row wrap", align_items="flex-start", grid_gap="8px 18px"))
    box.add_class(COLUMNS_CLASS)
    return box


class ErrorBox:
    """An ``ipywidgets.HTML`` with CSS class ``clusterlab-error`` that shows one message, or nothing."""

    def __init__(self):
        self.widget = w.HTML(value="", layout=w.Layout(display="none"))
        self.widget.add_class(ERROR_CLASS)
        self.message = ""

    def show(self, message: str) -> None:
        self.message = str(message)
        self.widget.value = (
            '<div style="color:#b71c1c;background:#ffebee;border-left:4px solid #c62828;'
            f'padding:4px 8px">{esc(self.message)}</div>'
        )
        self.widget.layout.display = None

    def clear(self) -> None:
        self.message = ""
        self.widget.value = ""
        self.widget.layout.display = "none"


def error_widget(message: str) -> w.HTML:
    """An error box that already shows ``message``: for a problem found before a component exists."""
    box = ErrorBox()
    box.show(message)
    return box.widget


class ComponentView:
    """Base of the views: resolves the model, loads and saves work, and reports errors in the widget.

    ``model`` may be a model, a dictionary that ``from_dict`` accepts, or None for a default.
    ``save_as`` names the saved work (letters, digits, '-' and '_'): when it is given, work saved
    earlier under that name is loaded on creation and replaces ``model``, and every change is saved.
    ``read_only`` disables the controls and never saves. Problems appear in ``self.error.widget``
    (an ``ipywidgets.HTML`` with CSS class ``clusterlab-error``), never as a traceback.

    Subclasses set ``model_class``, may override ``_default_model`` and ``_merge_saved``, build
    their controls after calling ``super().__init__`` and put the root widget in ``self.widget``.
    """

    model_class: type = object
    _quiet = False

    def __init__(self, model=None, *, save_as: str | None = None, read_only: bool = False):
        self.read_only = bool(read_only)
        self.error = ErrorBox()
        self.store: WorkStore | None = None
        self.widget: w.Widget | None = None
        given = self._coerce(model)
        if save_as is not None:
            try:
                self.store = WorkStore(save_as)
            except ComponentError as exc:
                self.error.show(f"Your work will not be saved: {exc}")
        self.model = self._restore(given)

    # -- model resolution -------------------------------------------------------------------
    def _default_model(self):
        return self.model_class()

    def _coerce(self, model):
        try:
            if model is None:
                return self._default_model()
            if isinstance(model, self.model_class):
                return model
            if isinstance(model, Mapping):
                return self.model_class.from_dict(model)
            raise ComponentError(
                f"This view needs a {self.model_class.__name__} or a dictionary describing one; "
                f"got {type(model).__name__}."
            )
        except ComponentError as exc:
            self.error.show(str(exc))
            return self._fallback_model()

    def _fallback_model(self):
        return self._default_model()

    def _merge_saved(self, given, saved: dict):
        """The model to show, given the one passed in and the saved dictionary."""
        return self.model_class.from_dict(saved)

    def _restore(self, given):
        if self.store is None:
            return given
        try:
            saved = self.store.load()
        except SavedWorkError as exc:
            self.error.show(str(exc))
            saved = exc.recovered
        if saved is None:
            return given
        try:
            return self._merge_saved(given, saved)
        except ComponentError as exc:
            moved = self.store.set_aside()
            kept = f" It was kept as {moved.name}, not deleted." if moved else ""
            self.error.show(f"Your saved work could not be used: {exc}{kept} The component starts afresh.")
            return given

    # -- saving and callbacks ---------------------------------------------------------------
    def save(self) -> None:
        """Save the model now (done automatically after every change). Does nothing when read-only."""
        if self.store is None or self.read_only or self.model is None:
            return
        try:
            self.store.save(self.model.to_dict())
        except ComponentError as exc:
            self.error.show(str(exc))

    @contextmanager
    def _quietly(self):
        """Set controls to match the model without their callbacks acting on the model."""
        was, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = was

    def _run(self, action, *args) -> bool:
        """Run a callback; show any problem in the error box instead of raising. True if it worked.

        Does nothing while the view is setting its own controls (see :meth:`_quietly`).
        """
        if self._quiet:
            return True
        try:
            action(*args)
        except ComponentError as exc:
            self.error.show(str(exc))
            return False
        except Exception as exc:  # never let a traceback reach the trainee
            self.error.show(f"Something unexpected went wrong ({type(exc).__name__}: {exc}).")
            return False
        self.error.clear()
        return True

    def _disable(self, controls) -> None:
        if self.read_only:
            for control in controls:
                control.disabled = True

    def _ipython_display_(self):
        display(self.widget)
