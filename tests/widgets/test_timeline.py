"""Timelines: dates, events with sources, ordering, reading a case, saving, and the view."""

import datetime as dt
import enum
import json
from types import SimpleNamespace

import ipywidgets
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlab.widgets import ComponentError, Event, Timeline, TimelineView, WorkStore, normalise_date
from clusterlab.widgets.timeline import default_focus

EVENTS = [
    {"date": "1994", "title": "Tanners' association founded", "source": "case file", "detail": "x"},
    {"date": 1950, "title": "Post-war growth", "source": "case file"},
    {"date": "1965-03", "title": "Reconstructed step", "source": "course", "basis": "reconstructed"},
]


@pytest.mark.parametrize("given, expected", [
    (1950, "1950"), ("1950", "1950"), (" 1950-06 ", "1950-06"), ("2024-02-29", "2024-02-29"),
    (dt.date(2001, 5, 4), "2001-05-04"), (dt.datetime(2001, 5, 4, 10, 0), "2001-05-04"),
])
def test_dates_in_the_accepted_forms(given, expected):
    assert normalise_date(given) == expected


@pytest.mark.parametrize("bad", ["", "50", "1950/06", "1950-6", "1950-13", "2023-02-29", "1950-06-31",
                                 "0999", "9999", 999, 3000, 10**400, True, 1950.0, None, ["1950"], "１９５０"])
def test_invalid_dates_are_refused(bad):
    with pytest.raises(ComponentError) as info:
        normalise_date(bad)
    assert str(info.value)


def test_event_requires_title_and_source_and_a_known_basis():
    assert Event("1950", "x", "", "src").basis == "published"
    with pytest.raises(ComponentError, match="title"):
        Event("1950", "", "", "src")
    with pytest.raises(ComponentError, match="source"):
        Event("1950", "x", "", "  ")
    with pytest.raises(ComponentError, match="basis"):
        Event("1950", "x", "", "src", basis="guess")
    with pytest.raises(ComponentError, match="too long"):
        Event("1950", "x" * 201, "", "src")
    with pytest.raises(ComponentError, match="too long"):
        Event("1950", "x", "d" * 2001, "src")
    with pytest.raises(ComponentError, match="must be text"):
        Event("1950", "x", None, "src")


def test_unicode_text_is_accepted():
    e = Event("1950", "Fundació de l'Escola d'Adoberia", "Curtits — 皮革", "Ajuntament d'Igualada")
    assert Event.from_dict(json.loads(json.dumps(e.to_dict()))) == e


def test_timeline_keeps_events_in_date_order():
    tl = Timeline("Igualada", EVENTS)
    assert [e.date for e in tl.events] == ["1950", "1965-03", "1994"]
    tl.add(Event("1965", "Same year, no month", "", "s"))
    assert [e.date for e in tl.events] == ["1950", "1965", "1965-03", "1994"]
    assert tl.years() == (1950, 1994)
    assert [e.title for e in tl.between(1960, 1970)] == ["Same year, no month", "Reconstructed step"]


def test_remove_by_position():
    tl = Timeline("t", EVENTS)
    assert tl.remove(0).date == "1950"
    with pytest.raises(ComponentError):
        tl.remove(5)
    with pytest.raises(ComponentError):
        Timeline("t").remove(0)


@pytest.mark.parametrize("data", [None, "x", [], {}, {"title": "t"}, {"events": "x"}, {"events": [1]},
                                  {"events": [{"date": "1950", "title": "x"}]},
                                  {"events": [{"date": "1950", "title": "x", "source": "s", "when": 1}]},
                                  {"events": [], "title": ""}, {"events": [], "kind": "lifecycle"},
                                  {"events": [EVENTS[0]] * 501}])
def test_invalid_timeline_dictionaries_are_refused(data):
    with pytest.raises(ComponentError):
        Timeline.from_dict(data)


def test_json_round_trip_and_work_store():
    tl = Timeline("Prato", EVENTS)
    assert Timeline.from_dict(json.loads(json.dumps(tl.to_dict()))) == tl
    WorkStore("tl").save(tl.to_dict())
    assert Timeline.from_dict(WorkStore("tl").load()) == tl


class Basis(enum.Enum):
    PUBLISHED = "published"
    RECONSTRUCTED = "reconstructed"


class Src:
    def __str__(self):
        return "Final publication, lines 3311-3548"


def test_from_case_reads_items_tolerantly():
    case = SimpleNamespace(name="Igualada", timeline=[
        SimpleNamespace(year=1950, title="Growth", description="Tanneries expand", source=Src()),
        SimpleNamespace(date=dt.date(1994, 1, 1), title="Founded", detail="d", source="doc",
                        basis=Basis.RECONSTRUCTED),
        {"date": "1980-05", "title": "From a dict", "source": ["a", "b"]},
    ])
    tl = Timeline.from_case(case)
    assert tl.title == "Igualada: timeline"
    assert [(e.date, e.basis) for e in tl.events] == [("1950", "published"), ("1980-05", "published"),
                                                      ("1994-01-01", "reconstructed")]
    assert tl.events[0].source == "Final publication, lines 3311-3548"
    assert tl.events[0].detail == "Tanneries expand"
    assert tl.events[1].source == "a; b"


def test_from_case_names_the_broken_entry():
    case = SimpleNamespace(timeline=[SimpleNamespace(year=1950, title="ok", source="s"),
                                     SimpleNamespace(year=1960, title="no source")])
    with pytest.raises(ComponentError, match="entry 2"):
        Timeline.from_case(case)
    with pytest.raises(ComponentError, match="no timeline"):
        Timeline.from_case(SimpleNamespace(name="x"))


# -- the view ------------------------------------------------------------------------------------
def test_view_plots_events_with_their_source_in_the_hover_text():
    view = TimelineView({"title": "Igualada", "events": EVENTS})
    published, reconstructed = view.figure.data
    assert published.x == ("1950-01-01", "1994-01-01") and reconstructed.x == ("1965-03-01",)
    assert "Source: case file" in published.hovertext[0]
    assert view.years.value == (1950, 1994)


def test_view_form_adds_an_event_and_redraws(work_folder):
    view = TimelineView({"title": "Igualada", "events": EVENTS}, save_as="tl")
    view.date_box.value, view.title_box.value, view.source_box.value = "2003", "Water plant", "case file"
    view.add_button.click()
    assert [e.date for e in view.model.events][-1] == "2003"
    assert view.figure.data[0].x == ("1950-01-01", "1994-01-01", "2003-01-01")
    assert view.years.value == (1950, 2003)
    assert view.date_box.value == ""
    assert Timeline.from_dict(WorkStore("tl").load()) == view.model


@pytest.mark.parametrize("date, title, source, fragment", [
    ("19500", "x", "s", "not in a form"), ("1950", "", "s", "title"), ("1950", "x", "", "source"),
    ("2023-02-30", "x", "s", "calendar"),
])
def test_view_form_shows_invalid_input_in_the_widget(date, title, source, fragment, errors_of):
    view = TimelineView({"title": "t", "events": EVENTS})
    view.date_box.value, view.title_box.value, view.source_box.value = date, title, source
    view.add_button.click()
    assert len(view.model.events) == 3
    assert any(fragment in e for e in errors_of(view))


def test_view_year_filter_changes_the_chart():
    view = TimelineView({"title": "t", "events": EVENTS})
    view.years.value = (1960, 1994)
    assert view.figure.data[0].x == ("1994-01-01",) and view.figure.data[1].x == ("1965-03-01",)
    assert "Showing 2 of 3" in view.header.value


def test_view_remove_an_event(errors_of):
    view = TimelineView({"title": "t", "events": EVENTS})
    view.remove_button.click()
    assert any("Choose the event" in e for e in errors_of(view))
    view.remove_pick.value = 0
    view.remove_button.click()
    assert [e.date for e in view.model.events] == ["1965-03", "1994"]
    assert view.figure.data[0].x == ("1994-01-01",)


def test_view_read_only_has_no_form(widgets_in):
    view = TimelineView({"title": "t", "events": EVENTS}, read_only=True)
    assert widgets_in(view, ipywidgets.Text) == [] and widgets_in(view, ipywidgets.Button) == []
    assert not hasattr(view, "date_box")


def test_view_of_an_empty_timeline():
    view = TimelineView()
    assert view.model.events == [] and view.years.disabled
    assert view.figure.data[0].x in (None, ())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1000, 2200), min_size=0, max_size=5))
def test_view_handles_any_valid_years_including_the_extremes(years):
    events = [{"date": y, "title": f"event {i}", "source": "s"} for i, y in enumerate(years)]
    view = TimelineView({"title": "t", "events": events})
    lo, hi = view.years.value
    in_view = [y for y in years if lo <= y <= hi]
    assert len(view.figure.data[0].x or ()) == len(in_view)
    assert all(view.years.min <= y <= view.years.max for y in years)  # the slider reaches every event
    if years:
        assert len(in_view) >= min(len(years), max(2, (len(years) + 1) // 2)) and max(years) in in_view


def test_close_events_get_labels_on_different_rows_and_crowded_ones_keep_their_hover():
    close = [{"date": d, "title": t, "source": "s"} for d, t in [("1990", "first"), ("1991", "second"), ("2020", "x")]]
    view = TimelineView({"title": "t", "events": close})
    assert view.figure.data[0].y == (1, 2, 1) and all(view.figure.data[0].text)
    crowded = [{"date": "1990", "title": f"event number {i}", "source": "s"} for i in range(12)]
    view = TimelineView({"title": "t", "events": crowded})
    texts = view.figure.data[0].text
    assert texts.count("") == 12 - 8 and len(view.figure.data[0].hovertext) == 12
    assert "overlap" in view.header.value


def test_approximate_dates_keep_their_label():
    e = Event("1950", "Tanning in the 1950s", "", "doc", date_label="1950s", approximate=True)
    assert e.when == "1950s" and Event.from_dict(json.loads(json.dumps(e.to_dict()))) == e
    assert Event("1995", "t", "", "s", approximate=True).when == "about 1995"
    assert Event("1994", "t", "", "s", date_label="during the initiative").when == "during the initiative"
    assert "date_label" not in Event("1950", "t", "", "s").to_dict()  # older saved work stays the same
    with pytest.raises(ComponentError, match="true or false"):
        Event("1950", "t", "", "s", approximate="yes")
    with pytest.raises(ComponentError, match="too long"):
        Event("1950", "t", "", "s", date_label="x" * 61)


def test_from_case_shows_approximate_dates_and_reconstructed_dates(cases):
    tl = Timeline.from_case(cases["igualada"])
    assert tl.title == "Igualada: timeline"
    fifties = [e for e in tl.events if e.date == "1950"]
    assert fifties and all(e.approximate and e.when == "1950s" for e in fifties)
    trip = next(e for e in tl.events if e.title == "Benchmarking trip to Arzignano")
    assert trip.basis == "reconstructed"  # published event, but its date is the course's inference
    assert trip.when == "during the 1994 initiative"
    view = TimelineView(tl, read_only=True)
    hovers = [h for trace in view.figure.data for h in trace.hovertext]
    assert any("1950s (approximate; drawn at 1950)" in h for h in hovers)
    assert any("about 1995 (approximate; drawn at 1995)" in h for h in hovers)
    assert "approximate" in view.header.value


# -- the period a timeline opens on --------------------------------------------------------------
@pytest.mark.parametrize("years, expected", [
    ([1079, 1693, 1889, 1950, 1975, 1994, 2005, 2019], (1889, 2019)),  # far-apart early events stay off view
    ([1950, 1965, 1994], (1950, 1994)),  # evenly spread: everything
    ([1000, 1011, 1012], (1000, 1012)),  # gaps under twenty years are kept
    ([1900, 1990, 1991, 1992], (1990, 1992)),
    ([1500, 2000], (1500, 2000)),  # at least two events stay in view
    ([2000], (2000, 2000)), ([], None),
])
def test_default_focus_leaves_out_only_early_outliers(years, expected):
    assert default_focus(years) == expected


def long_history(focus=None) -> dict:
    events = [{"date": y, "title": f"event of {y}", "source": "s"}
              for y in (1079, 1693, 1950, 1975, 1994, 2005, 2019)]
    return {"title": "t", "events": events, **({"focus": focus} if focus else {})}


def test_view_opens_on_the_focus_and_the_slider_reaches_every_event():
    view = TimelineView(long_history([1950, 2000]), read_only=True)
    assert view.years.value == (1950, 2000) and (view.years.min, view.years.max) == (1079, 2019)
    assert view.figure.data[0].x == ("1950-01-01", "1975-01-01", "1994-01-01")
    start, end = view.figure.layout.xaxis.range
    assert "1943" <= start < "1950" and "2000" < end <= "2007"
    assert "Showing 3 of 7 events, 1950–2000" in view.header.value and "1079–2019" in view.header.value
    view.years.value = (1079, 2019)  # one move of the slider shows the long history
    assert len(view.figure.data[0].x) == 7 and view.figure.layout.xaxis.range[0] < "1079"


def test_without_a_focus_the_view_opens_on_the_computed_period():
    view = TimelineView(long_history())
    assert view.years.value == (1950, 2019) and view.years.min == 1079


def test_focus_is_kept_when_saved_and_left_out_when_there_is_none():
    tl = Timeline.from_dict(long_history([1950, 2000]))
    assert tl.focus == (1950, 2000) and tl.to_dict()["focus"] == [1950, 2000]
    assert Timeline.from_dict(json.loads(json.dumps(tl.to_dict()))) == tl
    assert "focus" not in Timeline("t", EVENTS).to_dict()  # older saved work stays the same


@pytest.mark.parametrize("focus, fragment", [
    ((2019, 1950), "must come before"), ((1950, 1950), "must come before"), ((1950,), "two years"),
    ("1950-2019", "two years"), ((1950.5, 2000), "whole number"), ((999, 2000), "between"),
    ({"from": 1950}, "two years"),
])
def test_invalid_focus_is_refused(focus, fragment):
    with pytest.raises(ComponentError, match=fragment):
        Timeline("t", EVENTS, focus)


def test_a_focus_without_events_is_set_aside_and_an_added_event_comes_into_view(work_folder):
    assert Timeline.from_dict(long_history([1800, 1900])).opening() == (1950, 2019)
    assert Timeline.from_dict(long_history([1900, 2100])).opening() == (1900, 2019)  # cut to the events
    view = TimelineView(long_history([1950, 2000]), save_as="tl")
    view.date_box.value, view.title_box.value, view.source_box.value = "1600", "Guild", "case file"
    view.add_button.click()
    assert view.years.value == (1600, 2000) and "1600-01-01" in view.figure.data[0].x


def test_long_titles_are_wrapped_not_cut():
    titles = ["The joint wastewater treatment plant is in place",
              "Yorkshire Forward helps found the European Foundation for Cluster Excellence"]
    view = TimelineView({"title": "t", "events": [{"date": 1950 + 40 * i, "title": t, "source": "s"}
                                                 for i, t in enumerate(titles)]})
    wrapped, too_long = view.figure.data[0].text
    assert wrapped.replace("<br>", " ") == titles[0] and "…" not in wrapped
    assert too_long.count("<br>") == 2 and too_long.endswith("…")  # three lines at most; the hover has it all
    assert titles[1] in view.figure.data[0].hovertext[1]


def test_label_text_is_escaped():
    view = TimelineView({"title": "t", "events": [{"date": 1950, "title": "<b>R&D</b>", "source": "s"}]})
    assert view.figure.data[0].text == ("&lt;b&gt;R&amp;D&lt;/b&gt;",)


CASE_FOCUS = {"igualada": (1950, 2019), "prato": (2000, 2025), "huddersfield": (1960, 2018)}


@pytest.mark.parametrize("name", sorted(CASE_FOCUS))
def test_each_case_opens_on_the_period_of_its_story_with_every_label_whole(cases, name):
    tl = Timeline.from_case(cases[name])
    view = TimelineView(tl, read_only=True)
    first, last = CASE_FOCUS[name]
    assert view.years.value == (first, last)
    events = sorted(e.year for e in cases[name].timeline)
    assert (view.years.min, view.years.max) == (events[0], events[-1]) and events[0] < first  # history one move away
    start, end = (int(x[:4]) for x in view.figure.layout.xaxis.range)
    pad = 0.12 * (last - first)
    assert first - pad - 1 <= start < first and last < end <= last + pad + 1
    shown = [x for trace in view.figure.data for x in trace.x]
    assert len(shown) == len(tl.between(first, last)) >= 8
    labels = [t for trace in view.figure.data for t in trace.text]
    assert all(labels), "a point in the opened period has no label"
    assert not any("…" in t for t in labels if "Yorkshire Forward" not in t)
    assert "overlap" not in view.header.value
