"""Loading cases, and the errors a broken case file gives: file, field, reason and line."""

from __future__ import annotations

import pickle

import pytest

from clusterlab.casestudies import (
    CaseFileError,
    UnknownCaseError,
    case_path,
    list_cases,
    load_case,
    load_case_file,
)
from clusterlab.casestudies import loader


def error_for(path) -> CaseFileError:
    with pytest.raises(CaseFileError) as info:
        load_case_file(path)
    return info.value


def line_text(path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


# ------------------------------------------------------------------------------ loading
def test_list_cases_names_the_three_cases():
    assert list_cases() == ["huddersfield", "igualada", "prato"]


@pytest.mark.parametrize("name", ["igualada", "prato", "huddersfield"])
def test_every_case_loads_and_its_id_matches_its_folder(name):
    case = load_case(name)
    assert case.id == name
    assert case_path(name).parent.name == name


def test_load_case_file_reads_a_copy_anywhere(write_case):
    case = load_case_file(write_case())
    assert case.id == "igualada"
    assert case.figure("firms-1950s").value == 268


# ------------------------------------------------------------------------ unknown names
@pytest.mark.parametrize("name", ["bilbao", "Igualada", "../prato", "", "prato/case"])
def test_unknown_case_name_lists_the_known_ones(name):
    with pytest.raises(UnknownCaseError) as info:
        load_case(name)
    err = info.value
    assert isinstance(err, CaseFileError) and isinstance(err, LookupError)
    assert err.field == "(case name)"
    assert repr(name) in err.reason
    for known in ("huddersfield", "igualada", "prato"):
        assert known in str(err)


def test_id_must_match_the_folder(tmp_path, monkeypatch, write_case):
    folder = tmp_path / "cases" / "anoia"
    folder.mkdir(parents=True)
    (folder / "case.yaml").write_text(case_path("igualada").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(loader, "CASES_DIR", tmp_path / "cases")
    assert loader.list_cases() == ["anoia"]
    with pytest.raises(CaseFileError) as info:
        loader.load_case("anoia")
    err = info.value
    assert err.field == "id"
    assert "'igualada'" in err.reason and "'anoia'" in err.reason
    assert line_text(folder / "case.yaml", err.line).startswith("id:")


# --------------------------------------------------------------------------- broken YAML
def test_invalid_yaml_names_the_line(write_case, igualada_data):
    good = case_path("igualada").read_text(encoding="utf-8")
    broken = good.replace("  - id: firms-1950s\n", "  - id: firms-1950s\n   oops: [\n", 1)
    path = write_case(text=broken)
    err = error_for(path)
    assert err.file == str(path)
    assert err.field == "(YAML syntax)"
    expected_line = broken.splitlines().index("   oops: [") + 1
    assert err.line == expected_line
    assert f"line {expected_line}" in str(err)
    assert "invalid YAML" in err.reason


def test_a_key_written_twice_is_refused(write_case):
    path = write_case(text="id: igualada\ntitle: one\ntitle: two\n")
    err = error_for(path)
    assert err.field == "(YAML syntax)"
    assert "'title' appears twice" in err.reason and "first on line 2" in err.reason
    assert err.line == 3


def test_tabs_are_a_syntax_error_with_a_line(write_case):
    err = error_for(write_case(text="id: igualada\n\ttitle: x\n"))
    assert err.field == "(YAML syntax)" and err.line == 2


def test_empty_file(write_case):
    err = error_for(write_case(text=""))
    assert err.field == "(top level)" and "empty" in err.reason


def test_top_level_must_be_a_mapping(write_case):
    err = error_for(write_case(text="- igualada\n- prato\n"))
    assert err.field == "(top level)" and "not a list" in err.reason


def test_missing_file(tmp_path):
    err = error_for(tmp_path / "nowhere.yaml")
    assert err.field == "(file)" and "does not exist" in err.reason
    assert "nowhere.yaml" in str(err)


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "case.yaml"
    path.write_bytes(b"id: igualada\ntitle: Igualada \xe9s\n")
    err = error_for(path)
    assert err.field == "(encoding)" and "UTF-8" in err.reason and err.line == 2


# ----------------------------------------------------------------------- broken fields
def test_wrong_type_names_the_field_path(write_case):
    path = write_case(lambda d: d["key_figures"][3].__setitem__("year", "last year"))
    err = error_for(path)
    assert err.file == str(path)
    assert err.field == "key_figures[3].year"
    assert "whole number" in err.reason and "'last year'" in err.reason
    assert line_text(path, err.line).strip().startswith("year:")
    text = str(err)
    assert str(path) in text and "key_figures[3].year" in text and "whole number" in text


def test_number_with_units_is_refused(write_case):
    err = error_for(write_case(lambda d: d["key_figures"][0].__setitem__("value", "268 firms")))
    assert err.field == "key_figures[0].value"
    assert "must be a number" in err.reason


def test_missing_required_field(write_case):
    err = error_for(write_case(lambda d: d["profile"].pop("nuts2")))
    assert err.field == "profile.nuts2"
    assert "required field `nuts2` is missing" in err.reason


def test_missing_top_level_field(write_case):
    err = error_for(write_case(lambda d: d.pop("title")))
    assert err.field == "title" and "missing" in err.reason


def test_figure_without_source(write_case):
    path = write_case(lambda d: d["key_figures"][3].pop("source"))
    err = error_for(path)
    assert err.field == "key_figures[3].source"
    assert "where it comes from" in err.reason
    assert "document" in err.reason and "url" in err.reason


def test_figure_without_basis(write_case):
    err = error_for(write_case(lambda d: d["key_figures"][5].pop("basis")))
    assert err.field == "key_figures[5].basis"
    assert "basis: published" in err.reason and "basis: reconstructed" in err.reason


def test_outcome_without_source(write_case):
    err = error_for(write_case(lambda d: d["outcomes"][4].pop("source")))
    assert err.field == "outcomes[4].source"


def test_score_without_basis(write_case):
    err = error_for(write_case(lambda d: d["five_forces"][0]["buyer_power"].pop("basis")))
    assert err.field == "five_forces[0].buyer_power.basis"


def test_unknown_basis(write_case):
    err = error_for(write_case(lambda d: d["key_figures"][0].__setitem__("basis", "guessed")))
    assert err.field == "key_figures[0].basis"
    assert "'published'" in err.reason and "'guessed'" in err.reason


def test_empty_source(write_case):
    err = error_for(write_case(lambda d: d["key_figures"][0].__setitem__("source", {})))
    assert err.field == "key_figures[0].source"
    assert "document and a section, or a url" in err.reason


def test_document_without_section(write_case):
    change = lambda d: d["key_figures"][0].__setitem__("source", {"document": "000_2a945ab753eb11eb.txt"})  # noqa: E731
    err = error_for(write_case(change))
    assert err.field == "key_figures[0].source" and "section" in err.reason


def test_misspelt_field_gets_a_suggestion(write_case):
    err = error_for(write_case(lambda d: d["key_figures"][0].__setitem__("valeu", 3)))
    assert err.field == "key_figures[0].valeu"
    assert "did you mean `value`?" in err.reason
    assert "allowed fields:" in err.reason


def test_reconstruction_without_note(write_case):
    err = error_for(write_case(lambda d: d["five_forces"][0]["rivalry"].pop("note")))
    assert err.field == "five_forces[0].rivalry"
    assert "note" in err.reason


def test_score_out_of_range(write_case):
    err = error_for(write_case(lambda d: d["five_forces"][0]["rivalry"].__setitem__("score", 7)))
    assert err.field == "five_forces[0].rivalry.score"
    assert "at most 5" in err.reason


def test_bad_date(write_case):
    err = error_for(write_case(lambda d: d["timeline"][0].__setitem__("date", "1990s")))
    assert err.field == "timeline[0].date" and "YYYY" in err.reason


def test_unknown_segment_reference_names_the_field_and_line(write_case):
    path = write_case(lambda d: d["five_forces"][1].__setitem__("segment", "nowhere"))
    err = error_for(path)
    assert err.field == "five_forces[1].segment"
    assert "'nowhere'" in err.reason and "shoe-leather" in err.reason
    assert "segment: nowhere" in line_text(path, err.line)


def test_purchasing_weights_must_add_up(write_case):
    err = error_for(write_case(lambda d: d["purchasing_criteria"][0].__setitem__("weight", 10)))
    assert err.field == "purchasing_criteria[0].weight"
    assert "add up to 60, not 100" in err.reason


def test_duplicate_ids(write_case):
    err = error_for(write_case(lambda d: d["key_figures"][1].__setitem__("id", "firms-1950s")))
    assert err.field == "key_figures[0].id"
    assert "more than once" in err.reason


def test_all_problems_are_reported(write_case):
    def break_twice(d):
        d["key_figures"][0]["year"] = "soon"
        d["key_figures"][1].pop("source")

    err = error_for(write_case(break_twice))
    fields = [p[0] for p in err.problems]
    assert fields == ["key_figures[0].year", "key_figures[1].source"]
    assert "1 more problem" in str(err) and "key_figures[1].source" in str(err)


def test_error_survives_pickling(write_case):
    err = error_for(write_case(lambda d: d["key_figures"][3].__setitem__("year", "x")))
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.file, copy.field, copy.reason, copy.line) == (err.file, err.field, err.reason, err.line)
    assert str(copy) == str(err)


def test_format_path():
    from clusterlab.casestudies.yaml_reading import format_path

    assert format_path(("key_figures", 3, "year")) == "key_figures[3].year"
    assert format_path(("outcomes", 1, "before", "breakdown", "fine travel")) == \
        "outcomes[1].before.breakdown['fine travel']"
    assert format_path(()) == "(top level)"


# ------------------------------------------------------------ the period the timeline opens on
def test_each_case_names_the_period_of_its_story():
    assert {name: tuple(load_case(name).timeline_focus) for name in list_cases()} == {
        "igualada": (1950, 2019), "prato": (2000, 2025), "huddersfield": (1960, 2018)}


@pytest.mark.parametrize("focus, fragment", [
    ([2019, 1950], "the first year (2019) must come before the last (1950)"),
    ([1950], "the period to open the timeline on is two years"),
    ("1950-2019", "the period to open the timeline on is two years"),
    ([1950, "2019"], "must be whole numbers"),
    ([1950, 2030], "reaches beyond the events of the timeline (1079–2019)"),
    ([1000, 1950], "reaches beyond the events"),
    ([1100, 1200], "no event of the timeline falls within 1100–1200"),
])
def test_a_wrong_timeline_focus_names_the_field_and_line(write_case, focus, fragment):
    path = write_case(lambda d: d.__setitem__("timeline_focus", focus))
    err = error_for(path)
    assert err.field == "timeline_focus" and fragment in err.reason
    assert "for example [1950, 2019]" in err.reason or "timeline" in err.reason
    assert line_text(path, err.line).startswith("timeline_focus:")


def test_a_case_without_timeline_focus_still_loads(write_case):
    assert load_case_file(write_case(lambda d: d.pop("timeline_focus"))).timeline_focus is None
