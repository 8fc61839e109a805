"""What the case-based components share: provenance, reading case data, the notes and the two-column layout."""

import json
from types import SimpleNamespace

import ipywidgets
import pytest

from clusterlab.widgets import ComponentError, Provenance
from clusterlab.widgets._sourcing import (basis_box, case_list, case_place, find, hatch, number, radar_data, reading,
                                          slug, sources_line)
from clusterlab.widgets._view import CHART_COLUMN_CLASS, COLUMNS_CLASS, two_columns


def test_provenance_defaults_to_own_work_and_round_trips():
    p = Provenance()
    assert (p.source, p.basis, p.note, p.reconstructed) == ("", "own", "", False)
    q = Provenance("Ajuntament d'Igualada, pàgina 3 — 皮革", "reconstructed", "Score by the course.")
    assert q.reconstructed and Provenance.from_dict(json.loads(json.dumps(q.to_dict()))) == q
    assert q.own() == Provenance(q.source, "own", "") and p.own() is p


@pytest.mark.parametrize("args, fragment", [
    (("s", "guess"), "basis"), (("s", "reconstructed", ""), "needs a note"), ((5,), "must be text"),
    (("x" * 1001,), "too long"), (("s", "published", "n" * 2001), "too long"), (("s", None), "basis"),
])
def test_invalid_provenance_is_refused(args, fragment):
    with pytest.raises(ComponentError, match=fragment):
        Provenance(*args)


def test_provenance_of_a_case_item_uses_the_basis_of_a_field():
    class Item(SimpleNamespace):
        def basis_of(self, field):
            return "reconstructed" if field in self.reconstructed_fields else self.basis

    item = Item(source="doc, lines 1-2", basis="published", note="weight by the course",
                reconstructed_fields=["weight"])
    assert Provenance.of(item, "weight").basis == "reconstructed"
    assert Provenance.of(item, "criterion").basis == "published"
    assert Provenance.of({"source": ["a", "b"], "basis": "published"}).to_dict() == {"source": "a; b", "basis": "published",
                                                                       "note": ""}


def test_hover_says_where_and_how():
    rebuilt = Provenance("doc", "reconstructed", "Score by the course.")
    assert "Source: doc" in rebuilt.hover() and "Reconstructed for teaching: Score by the course." in rebuilt.hover()
    assert "Your own assessment" in Provenance().hover()
    assert "<script>" not in Provenance("<script>").hover()


def test_small_helpers():
    assert slug("Luxury leather & upholstery!") == "luxury-leather-upholstery"
    assert slug("x", ["x", "x-2"]) == "x-3" and slug("¿?") == "item"
    assert number(1200) == "1,200" and number(0.5) == "0.5" and number(-0.25) == "-0.25"
    assert find([SimpleNamespace(id="a")], "a", "stage").id == "a"
    with pytest.raises(ComponentError, match="no stage 'b'.*Known: a"):
        find([SimpleNamespace(id="a")], "b", "stage")
    assert case_place(SimpleNamespace(id="igualada")) == "Igualada"
    assert case_place({"profile": {"place": "Prato"}, "id": "prato"}) == "Prato"


def test_case_list_and_reading_turn_problems_into_component_errors():
    assert case_list({"outcomes": ({"a": 1},)}, "outcomes", "outcomes") == [{"a": 1}]
    for bad in ({}, {"outcomes": []}, {"outcomes": "text"}, {"outcomes": 5}):
        with pytest.raises(ComponentError, match="outcomes"):
            case_list(bad, "outcomes", "outcomes")
    with pytest.raises(ComponentError, match="Item 3 could not be read"):
        with reading("Item 3"):
            raise TypeError("boom")
    with pytest.raises(ComponentError, match="Item 3: bad"):
        with reading("Item 3"):
            raise ComponentError("bad")


def test_notes_and_styles_mark_reconstructed_items():
    pub, rebuilt = Provenance("A", "published"), Provenance("B", "reconstructed", "By the course.")
    box = basis_box([("one", pub), ("two", rebuilt), ("three", Provenance())])
    assert "Reconstructed for teaching" in box and "1 of the 3" in box and "<b>two</b>: By the course." in box
    assert "1 of the items are your own" in box
    assert basis_box([("one", pub)]) == ""
    assert "A; B" in sources_line([pub, rebuilt, pub]) and sources_line([Provenance()]) == ""
    marker = hatch([pub, rebuilt])
    assert marker["pattern"]["shape"] == ["", "/"] and marker["opacity"] == [1.0, 0.5]
    data = radar_data(["a", "b"], [1, 2], ["h1", "h2"], [pub, rebuilt])
    assert data["r"] == [1, 2, 1] and data["marker"]["symbol"] == ["circle", "circle-open", "circle"]


def test_two_columns_keep_the_chart_in_view_beside_scrolling_controls():
    left, right = ipywidgets.VBox(), ipywidgets.VBox()
    left.children = (ipywidgets.HTML("a row"),)
    box = two_columns(left, right, height="500px", right_width="400px")
    assert isinstance(box, ipywidgets.HBox) and COLUMNS_CLASS in box._dom_classes
    assert box.children[1:] == (left, right) and CHART_COLUMN_CLASS in right._dom_classes
    assert (left.layout.max_height, left.layout.overflow) == ("500px", "auto")
    assert left.children[0].layout.flex == "0 0 auto" and right.layout.flex == "0 0 400px"
    assert box.layout.flex_flow == "row wrap" and box.children[0].layout.display == "none"


def test_a_source_written_out_as_in_a_case_file_reads_well():
    item = {"source": {"document": "000_x.txt", "title": "Final publication", "section": "lines 1-2"},
            "basis": "published"}
    assert Provenance.of(item).source == "Final publication, 000_x.txt, lines 1-2"


def test_an_item_without_a_basis_is_refused_never_shown_as_published():
    from clusterlab.widgets._sourcing import Provenance
    from clusterlab.widgets.errors import ComponentError

    with pytest.raises(ComponentError, match="basis of 'score' of a text \\('rivalry'\\) is missing"):
        Provenance.of({"id": "rivalry", "source": "somewhere"}, "score")
    # control: the same item with its basis is read as it says
    assert Provenance.of({"id": "rivalry", "source": "somewhere", "basis": "published"}).basis == "published"
