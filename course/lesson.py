"""What a lesson notebook calls: one import, then one short call per cell.

    from clusterlab.lesson import start, exercise, my_cluster
    start("m1-01")                       # notes the visit; says where work is saved
    exercise("m1-01-marshall-forces")    # a quiz from the module's exercises.yaml
    my_cluster("m1-01")                  # the "apply it to your own cluster" form

Problems (an unusable work folder, a broken data file) are shown in the notebook as a message.
"""

from __future__ import annotations

import ipywidgets as w

from clusterlab.widgets._view import error_widget, esc
from clusterlab.errors import ComponentError
from clusterlab.widgets.storage import work_dir

from .exercises import exercise
from .my_cluster_view import MyClusterView
from .progress import ProgressView, record_visit

__all__ = ["start", "exercise", "my_cluster", "progress"]


def start(lesson_id: str) -> w.Widget:
    """Note that the lesson was opened, and say where the trainee's work is kept."""
    try:
        record_visit(lesson_id)
        folder = work_dir()
    except ComponentError as exc:
        return error_widget(str(exc))
    return w.HTML(f"<p style='color:#455a64;margin:2px 0'>Ready. Your answers are saved in "
                  f"<code>{esc(folder)}</code>.</p>")


def my_cluster(section_id: str) -> MyClusterView:
    """The form for one section of the trainee's "my cluster" record."""
    return MyClusterView(section_id)


def progress() -> ProgressView:
    """The trainee's progress through the course, lesson by lesson."""
    return ProgressView()
