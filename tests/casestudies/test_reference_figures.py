"""Reference figures about places outside the cases: the shipped file, the loader and its errors."""

from __future__ import annotations

import copy

import pytest
import yaml

from clusterlab.casestudies import (
    REFERENCES_FILE,
    CaseFileError,
    KeyFigure,
    ReferenceFileError,
    UnknownReferenceError,
    list_reference_places,
    load_reference,
    load_reference_file,
    load_references,
    reference_figure,
)

PUBLICATION = "000_2a945ab753eb11eb.txt"


@pytest.fixture(scope="module")
def reference_data() -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(REFERENCES_FILE.read_text(encoding="utf-8"), Loader=loader)


@pytest.fixture
def write_references(tmp_path, reference_data):
    def write(change=None, *, text: str | None = None):
        path = tmp_path / "figures.yaml"
        if text is None:
            data = copy.deepcopy(reference_data)
            if change is not None:
                change(data)
            text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def error_for(path) -> ReferenceFileError:
    with pytest.raises(ReferenceFileError) as info:
        load_reference_file(path)
    return info.value


# ----------------------------------------------------------------------- the shipped file
def test_the_file_is_where_the_package_data_ships_it():
    assert REFERENCES_FILE.relative_to(REFERENCES_FILE.parents[1]).as_posix() == "references/figures.yaml"
    assert load_references().places


def test_hamburg_aviation_budget_shares():
    place = load_reference("hamburg-aviation")
    assert place.name == "Hamburg Aviation" and place.country == "Germany"
    expected = {
        "membership-share-low": (3, "at least"),
        "membership-share-high": (4, "at most"),
        "services-events-share": (10, "exact"),
        "company-services-share": (10, "exact"),
        "eu-projects-share": (20, "about"),
    }
    for figure_id, (value, qualifier) in expected.items():
        f = place.figure(figure_id)
        assert (f.value, f.qualifier, f.basis) == (value, qualifier, "published"), figure_id
        assert f.basis_of("value") == "published" and f.unit == "% of the budget"
        assert f.source.document == PUBLICATION and f.source.section.endswith("lines 1624–1627")
        assert f.year is None and "no year" in f.note
    middle = place.figure("membership-share")
    assert middle.value == (place.figure("membership-share-low").value
                            + place.figure("membership-share-high").value) / 2
    assert middle.basis_of("value") == "reconstructed" and "3–4 %" in middle.note


def test_the_lesson_sum_comes_from_the_file():
    private = sum(reference_figure("hamburg-aviation", i).value
                  for i in ("membership-share", "services-events-share", "company-services-share"))
    assert private == pytest.approx(23.5)
    public = 100 - private
    assert public - reference_figure("hamburg-aviation", "eu-projects-share").value == pytest.approx(56.5)


def test_both_ways_of_naming_a_figure():
    one = reference_figure("hamburg-aviation", "eu-projects-share")
    two = reference_figure("hamburg-aviation/eu-projects-share")
    three = load_reference("hamburg-aviation").figure("eu-projects-share")
    assert isinstance(one, KeyFigure) and one == two == three
    assert list_reference_places() == [p.id for p in load_references().places]


@pytest.mark.parametrize("call", [
    lambda: load_reference("hamburg"),
    lambda: reference_figure("bilbao", "eu-projects-share"),
    lambda: reference_figure("hamburg-aviation", "eu-share"),
    lambda: reference_figure("hamburg-aviation"),
    lambda: reference_figure("a/b/c"),
])
def test_unknown_names_say_what_is_known(call):
    with pytest.raises(UnknownReferenceError) as info:
        call()
    err = info.value
    assert isinstance(err, CaseFileError) and isinstance(err, LookupError)
    assert str(REFERENCES_FILE) in str(err)
    assert "hamburg-aviation" in str(err) or "eu-projects-share" in str(err)


def test_every_reference_figure_is_sourced():
    for place in load_references().places:
        ids = [f.id for f in place.figures]
        assert len(ids) == len(set(ids))
        for f in place.figures:
            assert (f.source.document and f.source.section) or f.source.url
            assert f.year is not None or f.note
            if f.basis == "reconstructed" or f.reconstructed_fields:
                assert f.note and len(f.note) > 10


# ---------------------------------------------------------------------- a broken file
def figures_of(data, place=0):
    return data["places"][place]["figures"]


def test_a_copy_loads(write_references):
    refs = load_reference_file(write_references())
    assert refs.place("hamburg-aviation").figure("eu-projects-share").value == 20


def test_missing_source_names_file_item_and_reason(write_references):
    path = write_references(lambda d: figures_of(d)[5].pop("source"))
    err = error_for(path)
    assert err.file == str(path)
    assert err.field == "places[0].figures[5].source"
    assert "place 'hamburg-aviation'" in err.reason and "figure 'eu-projects-share'" in err.reason
    assert "where it comes from" in err.reason
    text = str(err)
    assert str(path) in text and "places[0].figures[5].source" in text and "eu-projects-share" in text
    assert err.line is not None


def test_bad_value_and_year(write_references):
    err = error_for(write_references(lambda d: figures_of(d)[3].__setitem__("value", "10 %")))
    assert err.field == "places[0].figures[3].value" and "must be a number" in err.reason
    assert "services-events-share" in err.reason
    err = error_for(write_references(lambda d: figures_of(d)[3].__setitem__("year", None) or
                                     figures_of(d)[3].pop("note")))
    assert err.field == "places[0].figures[3]" and "without a year" in err.reason


def test_reconstruction_without_note(write_references):
    def change(d):
        figures_of(d)[2].pop("note")
    err = error_for(write_references(change))
    assert err.field == "places[0].figures[2]" and "note" in err.reason
    assert "membership-share" in err.reason


def test_duplicate_ids_are_refused(write_references):
    err = error_for(write_references(lambda d: figures_of(d)[1].__setitem__("id", "membership-share-low")))
    assert err.field == "places[0].figures[0].id" and "more than once" in err.reason
    err = error_for(write_references(lambda d: d["places"].append(copy.deepcopy(d["places"][0]))))
    assert err.field == "places[0].id" and "more than once" in err.reason


def test_unknown_field_gets_a_hint(write_references):
    err = error_for(write_references(lambda d: figures_of(d)[0].__setitem__("valeu", 3)))
    assert err.field == "places[0].figures[0].valeu" and "did you mean `value`" in err.reason


def test_empty_or_malformed_files(write_references):
    assert error_for(write_references(text="")).field == "(top level)"
    assert error_for(write_references(text="- a\n- b\n")).field == "(top level)"
    err = error_for(write_references(text="places: [\n"))
    assert err.field == "(YAML syntax)" and isinstance(err, ReferenceFileError)
    err = error_for(write_references(text="places: []\n"))
    assert err.field == "places" and "at least 1" in err.reason


def test_missing_file(tmp_path):
    err = error_for(tmp_path / "nowhere.yaml")
    assert err.field == "(file)" and "does not exist" in err.reason
