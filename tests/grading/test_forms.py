"""The documents' forms: filled with the worked examples they give answers that pass every rule; empty,
every rule finds something; a bad entry is shown and not saved; a spreadsheet's CSV fills a table; the
cluster database form writes actors.csv; "my cluster" can start a form; a broken forms.yaml is named."""

from __future__ import annotations

import copy
import html
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets
import pytest
import yaml

from clusterlab.grading import answers
from clusterlab.grading.checks import DOCUMENTS, check_part
from clusterlab.grading.database import COLUMNS, load_actors
from clusterlab.grading.document import answers_in
from clusterlab.grading.form_view import PREFILL_LABEL, FormView
from clusterlab.grading.forms import FORMS_FILE, FormsSpecError, forms_for, load_forms
from clusterlab.grading.workflow import SHIPPED_COURSE

EXAMPLE_ACTORS = SHIPPED_COURSE / "examples" / "cluster-document" / "actors.csv"
TEMPLATE_ACTORS = SHIPPED_COURSE / "source" / "cluster-document" / "actors.csv"

#: The worked example of each document (the values of its notebook's solution cells), by part id.
WORKED = {
    "industry-document": {
        "reference": {
            "name": "Technical textiles", "classification": "NACE Rev. 2",
            "activity_codes": ["13.96", "13.95", "13.99"],
            "products": ["geotextiles for road building", "filter fabrics", "protective clothing fabrics"],
            "boundaries": ("Inside: spinning, weaving, knitting, nonwovens and finishing of textiles made for a "
                           "technical function. Outside: clothing and home textiles made for their look, and the "
                           "makers of textile machinery, which we count as a supporting industry.")},
        "supply": [
            {"level": "international", "figure": "employment in the EU", "value": 410000, "unit": "employees",
             "year": 2021, "source": "Invented for the worked example (in a real document: Eurostat, structural business statistics)"},
            {"level": "international", "figure": "EU share of world exports", "value": 31.5, "unit": "%",
             "year": 2021, "source": "Invented for the worked example (in a real document: a trade database)"},
            {"level": "national", "figure": "employment", "value": 95000, "unit": "employees",
             "year": 2021, "source": "Invented for the worked example (in a real document: the national statistics office)"},
            {"level": "national", "figure": "firms", "value": 2100, "unit": "firms",
             "year": 2021, "source": "Invented for the worked example (national business register)"},
            {"level": "regional", "figure": "employment", "value": 5400, "unit": "employees",
             "year": 2021, "source": "Invented for the worked example (regional statistics office)"},
            {"level": "regional", "figure": "share of exports in sales", "value": 48.0, "unit": "%",
             "year": 2021, "source": "Invented for the worked example (regional business survey)"}],
        "employment": {"region": "Valmora", "reference_area": "the whole country", "year": 2021,
                       "source": "Invented for the worked example (in a real document: labour force survey)",
                       "e_ir": 5400, "e_r": 180000, "E_i": 95000, "E": 9500000},
        "lq": (5400 / 180000) / (95000 / 9500000),
        "value-chain": [
            {"stage": "fibres and yarns", "activities": ["polymer fibre production", "spinning"], "location": "global"},
            {"stage": "fabric production", "activities": ["weaving", "knitting", "nonwovens"], "location": "local"},
            {"stage": "finishing", "activities": ["coating", "laminating", "testing"], "location": "local"},
            {"stage": "making up", "activities": ["cutting", "welding of seams"], "location": "national"},
            {"stage": "distribution", "activities": ["sales to contractors", "export agents"], "location": "global"}],
        "trends": [
            {"trend": "demand for recycled and recyclable materials", "kind": "consumer",
             "evidence": "Public buyers in the worked example ask for a recycled share in two thirds of tenders.",
             "source": "Invented for the worked example (tender survey)"},
            {"trend": "protective clothing bought on comfort, not only on protection", "kind": "consumer",
             "evidence": "Users rank breathability second after protection in an invented survey of 300 workers.",
             "source": "Invented for the worked example (user survey)"},
            {"trend": "large buyers reduce the number of suppliers they work with", "kind": "market",
             "evidence": "The three largest customers halved their supplier lists between 2018 and 2022 in this example.",
             "source": "Invented for the worked example (interviews with buyers)"},
            {"trend": "certification required to enter public infrastructure markets", "kind": "market",
             "evidence": "New road-building rules in the example require tested and certified geotextiles from 2024 on.",
             "source": "Invented for the worked example (public works regulation)"}],
    },
    "cluster-document": {
        "history": [
            {"year": 1890, "event": "Wool mills open along the river, using its water power"},
            {"year": 1962, "event": "The regional textile school opens a department for technical fabrics"},
            {"year": 1995, "event": "Clothing production moves abroad; mills turn to technical textiles"},
            {"year": 2012, "event": "Firms, the school and the region found the cluster association"}],
        "factors": [
            {"factor": "skilled workforce", "effect": "positive",
             "explanation": "The textile school trains about 80 technicians a year for local firms."},
            {"factor": "energy prices", "effect": "negative",
             "explanation": "Finishing uses much heat, and energy costs doubled between 2020 and 2022."},
            {"factor": "public procurement rules", "effect": "positive",
             "explanation": "New rules for road building create demand for certified geotextiles made nearby."}],
        "actors": list(load_actors(EXAMPLE_ACTORS)),
        "key-figures": {"year": 2022, "source": "Invented for the worked example (regional business register)",
                        "firms": 64, "employees": 5400, "turnover_million_eur": 910.0,
                        "export_share_percent": 48.0, "sme_share_percent": 92.0, "members": 8},
        "value-chain": [
            {"stage": "yarns", "activities": ["buying polymer yarns"], "location": "global"},
            {"stage": "fabric production", "activities": ["weaving", "nonwovens"], "location": "local"},
            {"stage": "finishing and testing", "activities": ["coating", "laboratory tests"], "location": "local"},
            {"stage": "sales", "activities": ["tenders", "export agents"], "location": "global"}],
        "map": [
            {"group": "weavers and nonwoven makers", "category": "core"},
            {"group": "yarn traders and machine builders", "category": "suppliers"},
            {"group": "road builders and public works", "category": "customers"},
            {"group": "textile school and testing laboratory", "category": "knowledge"},
            {"group": "cluster association and regional agency", "category": "support"}],
        "diamond": {
            "factor_conditions": {"rating": 4, "evidence": "A textile school and a testing laboratory serve the firms within 20 km."},
            "demand_conditions": {"rating": 3, "evidence": "Regional road builders are demanding buyers, but most sales go abroad."},
            "related_and_supporting_industries": {"rating": 2, "evidence": "Yarns and machines are bought abroad; few local suppliers remain today."},
            "strategy_structure_and_rivalry": {"rating": 4, "evidence": "Sixty small firms compete hard on quality and share the same skilled workers."}},
    },
    "module-1-check": {
        "q1": {"a": "cluster", "b": "initiative", "c": "organisation"},
        "q2": ["A", "C", "E"],
        "q3": 0.6,
        "q4": ["North", "East"],
    },
    "module-2-check": {
        "q1": {"lq": 3.92, "size": 30.3, "focus": 15.3},
        "q2": {"a": ["ana", "carla"], "b": "mixed"},
        "q3": {"size": ["marche", "veneto"], "specialisation": ["marche"], "focus": ["marche", "campania", "veneto"]},
        "q4": {"national": 80, "mix": -180, "regional": 200},
        "q5": ["A", "B"],
        "q6": {"a": "technology", "b": "market", "c": "core_group"},
    },
}


def parts(document):
    return load_forms()[document].parts


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A document's folder as the trainee receives it (with the template's actors.csv), and an empty
    "my cluster" record."""
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(tmp_path / "work"))
    shutil.copy(TEMPLATE_ACTORS, tmp_path / "actors.csv")
    return tmp_path


def form(folder: Path, document: str, part: str) -> FormView:
    return FormView(document, part, folder / answers.ANSWERS_FILE)


def shown_errors(view) -> list[str]:
    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()) or ():
            yield from walk(child)
    return [x.value for x in walk(view.widget) if isinstance(x, ipywidgets.HTML)
            and "clusterlab-error" in x._dom_classes and x.value.strip()]


@pytest.mark.parametrize("document", list(DOCUMENTS))
def test_forms_filled_with_the_worked_example_pass_every_rule(document, folder):
    views = {pid: form(folder, document, pid) for pid in parts(document)}
    for pid, view in views.items():
        view.set(copy.deepcopy(WORKED[document][pid]))
        assert view.error.message == "", (pid, view.error.message)
    current = answers_in(folder, document)
    for rule_id, _, _ in DOCUMENTS[document]:
        assert check_part(rule_id, current) == [], rule_id
    for pid, view in views.items():  # each form shows its part complete (refreshed by the later saves)
        assert view.findings == [], pid
        assert "This part is complete." in view.report.value
    saved = answers.load(folder / answers.ANSWERS_FILE, document=document)
    for part in parts(document).values():
        if not part.file:
            assert saved[part.key] == WORKED[document][part.id]
    assert type(saved.get("DIAMOND", {}).get("factor_conditions", {}).get("rating", 0)) is int


@pytest.mark.parametrize("document", list(DOCUMENTS))
def test_empty_forms_fail_every_rule_and_say_so(document, folder):
    views = [form(folder, document, pid) for pid in parts(document)]
    current = answers_in(folder, document)
    for rule_id, _, _ in DOCUMENTS[document]:
        assert check_part(rule_id, current), rule_id
    for view in views:
        assert view.findings and shown_errors(view) == []
        assert "not answered yet" in view.report.value or "to fix" in view.report.value


def test_every_part_is_checked_by_rules_and_keys_are_the_names_the_rules_read():
    for document, forms in load_forms().items():
        keys = [p.key for p in forms.parts.values()]
        assert len(keys) == len(set(keys))
        for part in forms.parts.values():
            assert part.rules, part.id
    assert [p.id for p in parts("industry-document").values()] == [
        "reference", "supply", "employment", "lq", "value-chain", "trends"]
    assert [p.id for p in parts("cluster-document").values()] == [
        "history", "factors", "actors", "key-figures", "value-chain", "map", "diamond"]
    assert [p.id for p in parts("module-1-check").values()] == ["q1", "q2", "q3", "q4"]


def test_the_forms_have_classes_and_placeholders_a_browser_test_can_find(folder):
    view = form(folder, "industry-document", "supply")
    assert {"clusterlab-form", "clusterlab-form-supply"} <= set(view.widget._dom_classes)
    assert view.input(0, "figure").placeholder == "What is measured"
    assert view.view.add_button.description == "Add a row"
    assert view.view.importer.upload.description == "Import from a spreadsheet (CSV)"
    assert view.view.rows[0]["level"].tooltip == "Level"


def test_a_bad_entry_is_shown_and_not_saved_and_the_other_answers_stay(folder):
    supply = form(folder, "industry-document", "supply")
    supply.set(WORKED["industry-document"]["supply"])
    trends = form(folder, "industry-document", "trends")
    trends.set(WORKED["industry-document"]["trends"])
    supply.input(1, "value").value = "abc"
    assert "'Industry supply', row 2, 'Value' must be a number: 'abc' is not a number" in supply.error.message
    assert shown_errors(supply) and "Not saved" in supply.status.value
    saved = answers.load(folder / answers.ANSWERS_FILE)
    assert saved["SUPPLY"] == WORKED["industry-document"]["supply"]
    assert saved["TRENDS"] == WORKED["industry-document"]["trends"]
    supply.input(1, "value").value = "31,5"
    assert supply.error.message == "" and "Saved at" in supply.status.value
    assert answers.load(folder / answers.ANSWERS_FILE)["SUPPLY"][1]["value"] == 31.5


def test_typing_into_a_record_saves_numbers_as_numbers(folder):
    employment = form(folder, "industry-document", "employment")
    employment.input("e_ir").value = "5 400"
    employment.input("year").value = "2021"
    assert answers.load(folder / answers.ANSWERS_FILE)["EMPLOYMENT"] == {
        "region": None, "reference_area": None, "year": 2021, "source": None, "e_ir": 5400, "e_r": None,
        "E_i": None, "E": None}
    employment.input("year").value = "1985"
    assert "must be a year between 1990" in employment.error.message


def test_the_lq_form_offers_the_quotient_of_the_saved_figures(folder):
    lq = form(folder, "industry-document", "lq")
    assert lq.use.layout.display == "none"
    form(folder, "industry-document", "employment").set(WORKED["industry-document"]["employment"])
    assert "LQ = (5 400 / 180 000) / (95 000 / 9 500 000) = 3" in lq.hint.value  # refreshed by the other form
    lq.input().value = "2"
    assert any(f.rule == "lq-matches" for f in lq.findings)
    lq.use.click()
    assert lq.value == 3 and lq.findings == []


def test_module_1_answers_have_the_shapes_the_rules_read(folder):
    q4 = form(folder, "module-1-check", "q4")
    q4.view.none.value = True
    assert answers.load(folder / answers.ANSWERS_FILE)["Q4"] == [] and q4.findings == []
    q4.view.boxes["West"].value = True
    assert answers.load(folder / answers.ANSWERS_FILE)["Q4"] == ["West"] and not q4.view.none.value
    q2 = form(folder, "module-1-check", "q2")
    for letter in "CA":
        q2.view.boxes[letter].value = True
    assert q2.findings[0].message == "tick exactly three letters (you ticked 2)."
    q1 = form(folder, "module-1-check", "q1")
    q1.input("b").value = "initiative"
    assert answers.load(folder / answers.ANSWERS_FILE)["Q1"] == {"a": None, "b": "initiative", "c": None}


def _upload(view, name: str, data: bytes) -> None:
    view.view.importer.upload.value = ({"name": name, "type": "text/csv", "size": len(data),
                                        "content": memoryview(data),
                                        "last_modified": datetime.now(timezone.utc)},)


def test_a_semicolon_windows_1252_csv_from_excel_fills_the_supply_table_exactly(folder):
    text = ('Level;What is measured;VALUE;unit;Year;Source\r\n'
            'International;employment in the EU;410 000;employees;2021;"Eurostat, structural business statistics"\r\n'
            'international;EU share of world exports;31,5;%;2021;Trade database\r\n'
            'National (your country);employment;95000;employees;2021;"Office national, enquête"\r\n'
            'national;firms;2.100;firms;2021;Business register\r\n'
            'regional;employment;5 400;employees;2021;Regional office\r\n'
            'regional;share of exports in sales;48,0;%;2021;Régional survey\r\n')
    view = form(folder, "industry-document", "supply")
    _upload(view, "supply.csv", text.encode("cp1252"))
    expected = [
        {"level": "international", "figure": "employment in the EU", "value": 410000, "unit": "employees",
         "year": 2021, "source": "Eurostat, structural business statistics"},
        {"level": "international", "figure": "EU share of world exports", "value": 31.5, "unit": "%", "year": 2021,
         "source": "Trade database"},
        {"level": "national", "figure": "employment", "value": 95000, "unit": "employees", "year": 2021,
         "source": "Office national, enquête"},
        {"level": "national", "figure": "firms", "value": 2.1, "unit": "firms", "year": 2021,
         "source": "Business register"},
        {"level": "regional", "figure": "employment", "value": 5400, "unit": "employees", "year": 2021,
         "source": "Regional office"},
        {"level": "regional", "figure": "share of exports in sales", "value": 48, "unit": "%", "year": 2021,
         "source": "Régional survey"}]
    assert answers.load(folder / answers.ANSWERS_FILE)["SUPPLY"] == expected
    assert view.view.importer.message == "6 rows read from supply.csv (semicolons, Windows-1252)."
    assert len(view.view.rows) == 6 and view.view.rows[0]["value"].value == "410000"
    assert view.view.importer.upload.value == ()


def test_an_import_says_what_could_not_be_read_line_by_line_and_replaces_the_rows(folder):
    view = form(folder, "industry-document", "supply")
    view.set(WORKED["industry-document"]["supply"])
    data = ("level,figure,value,year,notes\n"
            "regional,employment,lots,2021,x\n"
            "planetary,firms,12,1850,y\n").encode()
    _upload(view, "mine.csv", data)
    message = view.view.importer.message
    assert message.startswith("2 rows read from mine.csv (commas, UTF-8).")
    assert "The column(s) notes of mine.csv are not part of this table" in message
    assert "mine.csv has no column for Unit, Source" in message
    assert "Line 2, Value must be a number: 'lots' is not a number" in message
    assert "Line 3, Level: choose one of the options" in message and "Line 3, Year must be a year" in message
    assert "Traceback" not in view.view.importer.note.value
    saved = answers.load(folder / answers.ANSWERS_FILE)["SUPPLY"]
    assert saved == [{"level": "regional", "figure": "employment", "value": None, "unit": None, "year": 2021,
                      "source": None},
                     {"level": None, "figure": "firms", "value": 12, "unit": None, "year": None, "source": None}]


def test_a_file_that_is_not_a_table_changes_nothing(folder):
    view = form(folder, "industry-document", "supply")
    view.set(WORKED["industry-document"]["supply"])
    _upload(view, "photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert view.view.importer.message.startswith("Nothing was imported from photo.csv; the table is as it was.")
    assert answers.load(folder / answers.ANSWERS_FILE)["SUPPLY"] == WORKED["industry-document"]["supply"]


def test_the_database_form_writes_an_actors_csv_that_load_actors_reads_back_identically(folder):
    view = form(folder, "cluster-document", "actors")
    assert view.view.rows[0]["name"].value.endswith("(example: delete this row)")  # the template's rows
    rows = list(load_actors(EXAMPLE_ACTORS))
    view.set(rows)
    assert view.error.message == ""
    again = load_actors(folder / "actors.csv")
    assert again.problems == [] and again.columns == COLUMNS and list(again) == rows
    assert (folder / "actors.csv").read_bytes().decode("utf-8").splitlines()[0] == ",".join(COLUMNS)
    assert not (folder / answers.ANSWERS_FILE).exists()  # the database lives in actors.csv only
    view.view.rows[0]["member"].value = "no"
    assert load_actors(folder / "actors.csv")[0]["member"] == "no"


def test_the_database_form_does_not_overwrite_a_file_changed_by_another_program(folder):
    view = form(folder, "cluster-document", "actors")
    (folder / "actors.csv").write_text(",".join(COLUMNS) + "\nEdited elsewhere,firm,industry,small,Here,yes\n",
                                       encoding="utf-8")
    import os
    os.utime(folder / "actors.csv", ns=(1, 1))
    view.view.rows[0]["location"].value = "Elsewhere"
    assert "changed by another program" in view.error.message
    assert load_actors(folder / "actors.csv")[0]["name"] == "Edited elsewhere"


def test_a_windows_1252_actors_file_is_shown_and_saved_back_as_utf8(folder):
    text = "name;type;helix;size;location;member\nCoopérative;Firm;industry;small;Bâle;Yes\n"
    (folder / "actors.csv").write_bytes(text.encode("cp1252"))
    view = form(folder, "cluster-document", "actors")
    assert view.value == [{"name": "Coopérative", "type": "firm", "helix": "industry", "size": "small",
                           "location": "Bâle", "member": "yes"}]
    view.view.rows[0]["size"].value = "micro"
    assert load_actors(folder / "actors.csv")[0] == {"name": "Coopérative", "type": "firm", "helix": "industry",
                                                    "size": "micro", "location": "Bâle", "member": "yes"}


def test_a_broken_answer_file_is_reported_and_never_overwritten(folder):
    (folder / answers.ANSWERS_FILE).write_text("{broken", encoding="utf-8")
    view = form(folder, "industry-document", "lq")
    assert "cannot be read" in view.error.message and "Nothing is overwritten" in view.error.message
    view.input().value = "3"
    assert (folder / answers.ANSWERS_FILE).read_text(encoding="utf-8") == "{broken"
    assert view.findings[0].where == answers.ANSWERS_FILE


def test_my_cluster_starts_the_forms_when_they_are_empty(folder):
    from clusterlab import my_cluster as mc

    mc.save_fields({"name": "Valmora technical textiles", "place": "Valmora", "speciality": "Technical textiles",
                    "actors": [{"name": "Valmora Weaving", "strand": "industry", "member": "yes"},
                               {"name": "Valmora Textile School", "strand": "academia", "member": "unknown"}]})
    reference = form(folder, "industry-document", "reference")
    assert reference.prefill.description == PREFILL_LABEL and reference.prefill.layout.display is None
    reference.prefill.click()
    assert answers.load(folder / answers.ANSWERS_FILE)["INDUSTRY"]["name"] == "Technical textiles"
    assert reference.input("classification").value == "NACE Rev. 2"  # the default stays
    assert reference.prefill.layout.display == "none"
    employment = form(folder, "industry-document", "employment")
    employment.prefill.click()
    assert employment.value["region"] == "Valmora"
    actors = form(folder, "cluster-document", "actors")  # only the template's example rows: empty
    actors.prefill.click()
    assert load_actors(folder / "actors.csv")[1] == {"name": "Valmora Textile School", "type": "", "helix": "academia",
                                                    "size": "", "location": "", "member": ""}
    assert load_actors(folder / "actors.csv")[0]["type"] == "firm"
    assert form(folder, "industry-document", "reference").prefill.layout.display == "none"  # answered now
    assert form(folder, "industry-document", "supply").prefill.layout.display == "none"  # nothing to offer


def test_an_unknown_part_is_a_message_and_forms_for_displays_a_form(folder, monkeypatch):
    view = form(folder, "module-1-check", "q9")
    assert "has no part 'q9'; its parts are: q1, q2, q3, q4" in view.error.message
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    part = forms_for("module-1-check", folder)
    assert part("q3") is None and part("q9") is None
    assert "clusterlab-form-q3" in shown[0]._dom_classes
    assert "no part 'q9'" in html.unescape(shown[1].children[0].value)


def test_my_cluster_with_nothing_to_offer_shows_no_button(folder):
    from clusterlab import my_cluster as mc

    mc.save_fields({"name": "Valmora technical textiles"})
    assert form(folder, "industry-document", "reference").prefill.layout.display == "none"


def _broken(tmp_path, change) -> Path:
    data = yaml.safe_load(FORMS_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "forms.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _part(data, document, pid):
    return next(p for p in data[document]["parts"] if p["id"] == pid)


@pytest.mark.parametrize("change, words", [
    (lambda d: _part(d, "industry-document", "lq").update(rules=["lq-value", "lq-guess"]),
     "document 'industry-document', part 'lq': unknown rule(s) for this document: lq-guess"),
    (lambda d: _part(d, "industry-document", "lq").update(rules=["lq-value", "lq-matches", "q3-format"]),
     "unknown rule(s) for this document: q3-format"),
    (lambda d: _part(d, "industry-document", "lq").update(rules=[]),
     "part 'lq': give the 'rules' that check this part"),
    (lambda d: _part(d, "industry-document", "lq").update(key="SUPPLY"),
     "part 'lq': the key SUPPLY is already the key of part 'supply'"),
    (lambda d: _part(d, "industry-document", "lq").update(key="my key"), "part 'lq': give the 'key'"),
    (lambda d: _part(d, "industry-document", "lq").update(id="supply"), "part 'supply': two parts have this id"),
    (lambda d: _part(d, "industry-document", "lq").update(type="slider"),
     "document 'industry-document', part 'lq': give a 'label' and a 'type'"),
    (lambda d: _part(d, "industry-document", "supply")["columns"][0].update(choices="levels"),
     "part 'supply', column 'level': choices: no list of choices named 'levels'"),
    (lambda d: d["industry-document"]["parts"].pop(), "no part shows the rule(s) trends-structure, trends-content"),
    (lambda d: d.update({"strategy-report": {"parts": []}}), "document 'strategy-report': unknown document"),
    (lambda d: _part(d, "cluster-document", "actors").update(file="../actors.csv"), "'file' must be the name"),
    (lambda d: _part(d, "cluster-document", "actors")["from_my_cluster"].update(field="partners"),
     "'from_my_cluster' must name fields of the 'my cluster' record"),
    (lambda d: _part(d, "industry-document", "reference").update(from_my_cluster={"name": "nickname"}),
     "'from_my_cluster' must name fields"),
    (lambda d: _part(d, "industry-document", "lq").update(suggest="a-guess"), "'suggest' must be one of"),
])
def test_a_broken_forms_file_names_the_file_the_document_the_part_and_the_reason(tmp_path, change, words):
    path = _broken(tmp_path, change)
    with pytest.raises(FormsSpecError) as caught:
        load_forms(path)
    assert str(caught.value).startswith(str(path)) and words in str(caught.value)


def test_a_forms_file_that_is_not_yaml_is_named(tmp_path):
    path = tmp_path / "forms.yaml"
    path.write_text("industry-document: [unclosed", encoding="utf-8")
    with pytest.raises(FormsSpecError, match="forms.yaml: the file could not be read"):
        load_forms(path)
    with pytest.raises(FormsSpecError, match="could not be read"):
        load_forms(tmp_path / "missing.yaml")


def test_the_answer_file_holds_plain_json(folder):
    form(folder, "module-1-check", "q3").input().value = "0,6"
    content = json.loads((folder / answers.ANSWERS_FILE).read_text(encoding="utf-8"))
    assert content["document"] == "module-1-check" and content["answers"] == {"Q3": 0.6}


@pytest.mark.parametrize("document", list(DOCUMENTS))
def test_hand_edited_answers_of_the_wrong_shape_are_shown_without_a_crash(document, folder):
    odd = {"INDUSTRY": "textiles", "SUPPLY": [3, {"level": ["x"]}], "EMPLOYMENT": [], "LQ": {"a": 1},
           "VALUE_CHAIN": {"stage": 1}, "TRENDS": None, "TIMELINE": "1900", "DIAMOND": {"factor_conditions": "4"},
           "KEY_FIGURES": {"firms": "many"}, "Q1": ["a"], "Q2": "ACE", "Q3": [0.6], "Q4": {"North": True}}
    (folder / answers.ANSWERS_FILE).write_text(json.dumps({"document": document, "answers": odd}), encoding="utf-8")
    for pid in parts(document):
        view = form(folder, document, pid)
        assert view.widget is not None and view.findings
