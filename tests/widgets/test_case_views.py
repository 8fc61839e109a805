"""Every case-based view, on every real case: built without problems, complete before display.

In Voila, changes made to a FigureWidget before it is displayed are lost, so a view must build its
chart complete and send nothing to it until the trainee acts.
"""

import plotly.graph_objects as go
import pytest

from clusterlab.widgets import (
    BeforeAfter,
    BeforeAfterView,
    DiamondComparison,
    DiamondView,
    FiveForces,
    FiveForcesView,
    SegmentationMatrix,
    SegmentationView,
    Timeline,
    TimelineView,
    ValueChainBenchmark,
    ValueChainView,
)

VIEWS = [(FiveForcesView, FiveForces), (SegmentationView, SegmentationMatrix), (ValueChainView, ValueChainBenchmark),
         (DiamondView, DiamondComparison), (BeforeAfterView, BeforeAfter), (TimelineView, Timeline)]


@pytest.mark.parametrize("read_only", [True, False])
@pytest.mark.parametrize("view, model", VIEWS, ids=[v.__name__ for v, _ in VIEWS])
@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_view_of_a_real_case_is_complete_when_built(cases, errors_of, name, view, model, read_only):
    shown = view(model.from_case(cases[name]), read_only=read_only)
    assert errors_of(shown) == []
    assert isinstance(shown.figure, go.FigureWidget) and shown.figure.data
    assert (shown.figure._last_layout_edit_id, shown.figure._last_trace_edit_id) == (0, 0)
    assert callable(shown._ipython_display_) and shown.read_only is read_only
