"""Key figures as cards: the figures, their themes, reading the cases, and the view."""

import json

import ipywidgets
import pytest

from clusterlab.widgets import ComponentError, KeyFigures, KeyFiguresView, KeyNumber, WorkStore
from clusterlab.widgets.key_figures import theme_of

FIGURE = {"id": "firms", "label": "Tanning firms", "value": 28, "unit": "firms", "year": 2017,
          "source": "CLUSTEM final publication, lines 3311-3337", "basis": "published"}


def test_a_figure_in_words_and_its_theme():
    f = KeyNumber.from_dict({**FIGURE, "qualifier": "about", "value": 1200.5})
    assert f.display() == "about 1,200.5 firms (2017)" and f.theme == "Firms and organisations"
    assert KeyNumber.from_dict({**FIGURE, "year": None}).display() == "28 firms"
    assert [theme_of(u) for u in ("%", "EUR million", "workers", "km²", "tonnes per year", "centuries", "votes")] == [
        "Shares and rates", "Money", "People and jobs", "Place and size", "Quantities produced", "Time", "Other"]
    assert KeyNumber.from_dict({**FIGURE, "theme": "History"}).theme == "History"


@pytest.mark.parametrize("change, fragment", [
    ({"value": "28"}, "must be a number"), ({"value": float("nan")}, "ordinary number"),
    ({"value": 10**400}, "huge"), ({"year": 17}, "between 1000 and 2200"), ({"unit": ""}, "empty"),
    ({"qualifier": "roughly"}, "qualifier"), ({"label": "é" * 301}, "too long"), ({"id": ""}, "not usable"),
    ({"basis": "reconstructed"}, "needs a note"), ({"colour": "red"}, "unknown field"),
])
def test_invalid_figures_are_refused(change, fragment):
    with pytest.raises(ComponentError, match=fragment):
        KeyNumber.from_dict({**FIGURE, **change})


@pytest.mark.parametrize("data", [None, "x", {}, {"figures": {}}, {"figures": [FIGURE, FIGURE]},
                                  {"figures": [], "kind": "timeline"}, {"figures": [FIGURE] * 301}])
def test_invalid_sets_are_refused(data):
    with pytest.raises(ComponentError):
        KeyFigures.from_dict(data)


def test_themes_and_round_trip():
    kf = KeyFigures("Prato — 普拉托", [FIGURE, {**FIGURE, "id": "share", "unit": "%", "value": 27.5}])
    assert kf.themes() == [("Firms and organisations", 1), ("Shares and rates", 1)]
    assert [f.id for f in kf.in_theme("Shares and rates")] == ["share"] and len(kf.in_theme("all")) == 2
    with pytest.raises(ComponentError, match="no theme"):
        kf.in_theme("Weather")
    assert KeyFigures.from_dict(json.loads(json.dumps(kf.to_dict()))) == kf
    WorkStore("kf").save(kf.to_dict())
    assert KeyFigures.from_dict(WorkStore("kf").load()) == kf


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_from_case_keeps_every_figure_with_its_source(cases, case_files, name):
    kf = KeyFigures.from_case(cases[name])
    raw = case_files[name]["key_figures"]
    assert [(f.id, f.value, f.unit, f.year, f.qualifier) for f in kf.figures] == [
        (r["id"], r["value"], r["unit"], r["year"], r.get("qualifier", "exact")) for r in raw]
    assert all(f.provenance.source and f.provenance.basis == r["basis"] for f, r in zip(kf.figures, raw))
    assert KeyFigures.from_dict(json.loads(json.dumps(kf.to_dict()))) == kf


def test_igualada_figures(cases):
    kf = KeyFigures.from_case(cases["igualada"])
    lcb = next(f for f in kf.figures if f.id == "lcb-turnover")
    assert lcb.display() == "about 300 EUR million (2018)" and lcb.theme == "Money"
    assert kf.title == "Igualada: key figures"


# -- the view ------------------------------------------------------------------------------------
def test_view_of_a_case_shows_a_card_per_figure_and_a_theme_picker(cases):
    view = KeyFiguresView(cases["igualada"])
    assert view.read_only
    assert view.cards.value.count('<div class="clusterlab-kf-card') == len(cases["igualada"].key_figures) >= 28
    assert view.theme.layout.display is None and "regio7.cat</a>" in view.cards.value
    assert "more than</span>7" in view.cards.value and "no year given" in view.cards.value
    view.theme.value = "Money"
    assert view.cards.value.count('<div class="clusterlab-kf-card') == 5
    assert "Aggregate turnover of the members of Leather Cluster Barcelona" in view.cards.value


def test_view_marks_reconstructed_figures_and_escapes_text():
    view = KeyFiguresView([{**FIGURE, "label": "<b>bold</b>", "basis": "reconstructed",
                            "note": "Count by the course."}])
    assert "clusterlab-kf-rebuilt" in view.cards.value and "reconstructed for teaching" in view.cards.value
    assert "Count by the course." in view.cards.value and "&lt;b&gt;bold" in view.cards.value
    assert view.theme.layout.display == "none"  # one figure: no picker needed


def test_view_accepts_models_dictionaries_and_reports_problems(errors_of, widgets_in):
    assert KeyFiguresView(KeyFigures(figures=[FIGURE])).model.figures[0].id == "firms"
    assert KeyFiguresView({"figures": [FIGURE]}, read_only=False).model.figures[0].id == "firms"
    bad = KeyFiguresView({"figures": [{**FIGURE, "value": "many"}]})
    assert bad.model.figures == [] and any("must be a number" in e for e in errors_of(bad))
    assert "No key figures" in bad.cards.value
    assert any("needs a KeyFigures" in e for e in errors_of(KeyFiguresView(3.5)))
    assert widgets_in(bad, ipywidgets.Dropdown)[0].disabled is False
