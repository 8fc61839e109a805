"""The field model shared by "my cluster" and the documents' forms: every type cleans what a person
enters into the value the rules expect, refuses the rest with a message that names the field, the row
and the column, and a broken description names the file, the field and the reason."""

from __future__ import annotations

import datetime
import time

import pytest

from clusterlab.errors import ComponentError
from clusterlab.widgets.field_views import Notify, make_view
from clusterlab.widgets.fields import FieldSpecError, parse_field, parse_fields

THIS_YEAR = datetime.date.today().year


def spec(kind: str, **raw):
    return parse_field("f", {"label": "The field", "type": kind, **raw}, source="test.yaml")


TABLE = {"columns": [{"id": "name", "label": "Name", "type": "text"},
                     {"id": "value", "label": "Value", "type": "number"},
                     {"id": "level", "label": "Level", "type": "choice",
                      "choices": {"low": "Low level", "high": "High"}},
                     {"id": "items", "label": "Items", "type": "text_list"},
                     {"id": "year", "label": "Year", "type": "year"}],
         "max_rows": 3}


@pytest.mark.parametrize("kind, raw, given, expected", [
    ("text", {}, "  Valmora  ", "Valmora"),
    ("text", {}, "   ", None),
    ("long_text", {}, "a\nb ", "a\nb"),
    ("text_list", {}, "13.96\n\n 13.95 ;13.99", ["13.96", "13.95", "13.99"]),
    ("text_list", {}, [" a ", "", None, "b"], ["a", "b"]),
    ("text_list", {}, [], None),
    ("choice", {"choices": {"local": "In the cluster", "global": "Abroad"}}, "global", "global"),
    ("choice", {"choices": {"local": "In the cluster", "global": "Abroad"}}, " abroad ", "global"),
    ("choice", {"choices": {"local": "In the cluster"}}, "LOCAL", "local"),
    ("choice", {"choices": {1: "1 (weak)", 5: "5 (strong)"}}, "5", 5),
    ("choice", {"choices": {1: "1 (weak)", 5: "5 (strong)"}}, 1, 1),
    ("choice", {"choices": "value_chain_locations"}, "national", "national"),
    ("multi_choice", {"choices": ["A", "B", "C"]}, ["c", "A", "A"], ["A", "C"]),
    ("multi_choice", {"choices": ["A", "B", "C"]}, "C, b", ["B", "C"]),
    ("multi_choice", {"choices": ["A", "B"]}, [], None),
    ("multi_choice", {"choices": ["A", "B"], "none_option": "None of them"}, [], []),
    ("multi_choice", {"choices": ["A", "B"], "none_option": "None of them"}, None, None),
    ("number", {}, "5 400", 5400),
    ("number", {}, "12,5", 12.5),
    ("number", {}, "1.234,5", 1234.5),
    ("number", {"unit": "%", "min": 0, "max": 100}, "45 %", 45),
    ("number", {}, 31.5, 31.5),
    ("number", {"whole": True}, 64.0, 64),
    ("number", {"whole": True}, "5 400", 5400),
    ("number", {}, "", None),
    ("year", {}, "2021", 2021),
    ("year", {}, 2021.0, 2021),
    ("year", {}, None, None),
])
def test_every_type_cleans_what_a_person_enters(kind, raw, given, expected):
    got = spec(kind, **raw).clean(given)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("kind, raw, given, words", [
    ("text", {}, 12, "'The field' must be text"),
    ("text", {}, "x" * 400, "too long"),
    ("long_text", {}, "x" * 4000, "3000 or fewer"),
    ("text_list", {}, {"a": 1}, "list of texts, one per line"),
    ("text_list", {}, ["a", 3], "line 2 must be text"),
    ("text_list", {"max_rows": 2}, "a\nb\nc", "keep at most 2"),
    ("choice", {"choices": {"local": "In the cluster"}}, "abroad",
     "choose one of the options in the list (In the cluster)"),
    ("choice", {"choices": {1: "1", 2: "2"}}, True, "choose one of the options"),
    ("multi_choice", {"choices": ["A", "B"]}, ["A", "G"], "'G' is not one of the options"),
    ("multi_choice", {"choices": ["A", "B"]}, 3, "must be a list of the options"),
    ("number", {}, "abc", "'The field' must be a number: 'abc' is not a number"),
    ("number", {}, True, "must be a number"),
    ("number", {}, float("nan"), "must be a number"),
    ("number", {"min": 0, "max": 100, "unit": "%"}, 140, "between 0 and 100%; you entered 140"),
    ("number", {"min": 0, "unit": "jobs"}, -3, "at least 0 jobs"),
    ("number", {"whole": True}, 12.5, "whole number; you entered 12.5. Round it"),
    ("year", {"min": 1990}, 1985, f"must be a year between 1990 and {THIS_YEAR}; you entered 1985"),
    ("year", {}, THIS_YEAR + 5, "must be a year between 1000"),
    ("year", {}, "2021.5", "whole number"),
])
def test_every_type_refuses_with_a_message_that_names_the_field(kind, raw, given, words):
    with pytest.raises(ComponentError) as caught:
        spec(kind, **raw).clean(given)
    assert words in str(caught.value)


def test_a_table_keeps_every_column_drops_empty_rows_and_names_row_and_column():
    table = spec("table", **TABLE)
    rows = [{"name": " Acme ", "value": "5 400", "level": "High", "items": "a\nb", "year": "2021"},
            {"name": "", "value": ""}, {"name": "Beta"}]
    assert table.clean(rows) == [
        {"name": "Acme", "value": 5400, "level": "high", "items": ["a", "b"], "year": 2021},
        {"name": "Beta", "value": None, "level": None, "items": None, "year": None}]
    assert table.clean([{"name": ""}]) is None
    with pytest.raises(ComponentError, match=r"'The field', row 3, 'Value' must be a number: 'many'"):
        table.clean([{"name": "a"}, {}, {"value": "many"}])
    with pytest.raises(ComponentError, match="row 2, 'Level': choose one of the options"):
        table.clean([{"name": "a"}, {"level": "medium"}])
    with pytest.raises(ComponentError, match="must be a list of rows"):
        table.clean("A, B")
    with pytest.raises(ComponentError, match="row 1: a row must have one entry per column"):
        table.clean(["A"])
    with pytest.raises(ComponentError, match="has 4 rows; keep at most 3"):
        table.clean([{"name": str(n)} for n in range(4)])


def test_a_record_and_a_keyed_table_give_every_key():
    record = spec("record", fields={"a": {"label": "(a)", "type": "choice", "choices": ["cluster", "initiative"]},
                                    "n": {"label": "Firms", "type": "number", "whole": True}})
    assert record.clean({"a": "Cluster"}) == {"a": "cluster", "n": None}
    assert record.clean({"a": "", "n": ""}) is None
    with pytest.raises(ComponentError, match=r"'The field', 'Firms' must be a whole number"):
        record.clean({"n": 2.5})
    keyed = spec("keyed_table", rows="diamond_factors", only=["factor_conditions", "demand_conditions"],
                 columns=[{"id": "rating", "label": "Rating", "type": "choice", "choices": {1: "1", 5: "5"}},
                          {"id": "evidence", "label": "Evidence", "type": "long_text"}])
    assert keyed.clean({"factor_conditions": {"rating": "5", "evidence": " good "}}) == {
        "factor_conditions": {"rating": 5, "evidence": "good"},
        "demand_conditions": {"rating": None, "evidence": None}}
    assert keyed.clean({}) is None
    with pytest.raises(ComponentError, match=r"'Demand conditions', 'Rating': choose one of the options"):
        keyed.clean({"demand_conditions": {"rating": 7}})


def test_display_gives_back_the_text_a_person_types_and_it_cleans_to_the_same_value():
    number = spec("number")
    for value in (5400, 31.5, 0.568, 9500000, 910.0, 1e-05, 2.5e16):
        assert number.clean(number.display(value)) == value
    assert spec("text_list").display(["a", "b"]) == "a\nb"


@pytest.mark.parametrize("raw, words", [
    ({"label": "X", "type": "money"}, "field 'f': give a 'label' and a 'type'"),
    ({"type": "text"}, "give a 'label'"),
    ({"label": "X", "type": "text", "colour": "red"}, "unknown key(s) for a text field: colour"),
    ({"label": "X", "type": "choice", "choices": "planets"}, "no list of choices named 'planets'"),
    ({"label": "X", "type": "choice"}, "give the choices as the name of a list"),
    ({"label": "X", "type": "choice", "choices": {True: "yes"}}, "keys are texts or whole numbers"),
    ({"label": "X", "type": "choice", "choices": {"": "nothing"}}, "keys are texts or whole numbers"),
    ({"label": "X", "type": "table"}, "give the columns as a list"),
    ({"label": "X", "type": "table", "columns": [{"id": "a", "label": "A", "type": "table"}]},
     "field 'f', column 'a': give a 'label' and a 'type' (text, long_text, text_list, choice, number, year)"),
    ({"label": "X", "type": "table", "columns": [{"id": "a", "label": "A", "type": "text"}] * 2},
     "two columns have the same id"),
    ({"label": "X", "type": "number", "min": "zero"}, "'min' must be a number"),
    ({"label": "X", "type": "number", "whole": "yes"}, "'whole' must be true or false"),
    ({"label": "X", "type": "table", "max_rows": -1, "columns": [{"id": "a", "label": "A", "type": "text"}]},
     "'max_rows' must be a whole number"),
    ({"label": "X", "type": "number", "default": "many"}, "the default is not a valid value"),
    ({"label": "X", "type": "keyed_table", "rows": "diamond_factors", "only": ["luck"],
      "columns": [{"id": "a", "label": "A", "type": "text"}]}, "'only' must list keys of the rows"),
    ({"label": "X", "type": "keyed_table", "rows": {1: "one"}, "columns": [{"id": "a", "label": "A", "type": "text"}]},
     "the keys of the rows must be texts"),
    ({"label": "X", "type": "record", "fields": {"1a": {"label": "A", "type": "text"}}}, "a field's id must be"),
])
def test_a_broken_description_names_the_file_the_field_and_the_reason(raw, words):
    with pytest.raises(FieldSpecError) as caught:
        parse_fields({"f": raw}, source="forms.yaml")
    assert str(caught.value).startswith("forms.yaml: field 'f'")
    assert words in str(caught.value)


def test_an_empty_description_is_refused():
    with pytest.raises(FieldSpecError, match="forms.yaml: give the fields"):
        parse_fields({}, source="forms.yaml")


def test_a_table_of_fifty_rows_builds_quickly_and_shows_every_row():
    table = spec("table", **{**TABLE, "max_rows": 60})
    rows = [{"name": f"Firm {n}", "value": n, "level": "low", "items": ["a"], "year": 2020} for n in range(50)]
    start = time.perf_counter()
    view = make_view(table, rows, Notify(lambda: None), importable=True)
    assert time.perf_counter() - start < 2.5
    assert len(view.box.children) == 50
    assert table.clean(view.value) == [{**row, "value": row["value"]} for row in rows]


def test_setting_a_whole_table_is_one_change():
    calls = []
    notify = Notify(lambda: calls.append(1))
    view = make_view(spec("table", **TABLE), None, notify)
    with notify.hold():
        view.set([{"name": "a", "value": 1}, {"name": "b"}])
        view.rows[0]["name"].value = "c"
    assert calls == [1]
    view.rows[1]["name"].value = "d"
    assert calls == [1, 1]
