"""The "my cluster" record: structured fields, checked; kept across sittings; shared by notebooks
that are open at the same time without either losing the other's entries."""

from __future__ import annotations

import json
import multiprocessing as mp
import os

import pytest

from clusterlab import my_cluster as mc
from clusterlab.my_cluster_view import MyClusterView
from clusterlab.errors import ComponentError


def test_every_section_field_is_defined_and_every_lesson_section_exists():
    from clusterlab.syllabus import lessons

    specs, sections = mc.field_specs(), mc.sections()
    assert {"m1-01", "m1-02", "m1-03"} <= set(sections)
    for section in sections.values():
        assert all(f in specs for f in section.fields)
    for lesson in lessons():
        if lesson.my_cluster:
            assert lesson.my_cluster in sections


def test_fields_are_structured_not_one_text_box():
    kinds = {spec.type for spec in mc.field_specs().values()}
    assert {"text", "choice", "number", "table"} <= kinds
    actors = mc.field_specs()["actors"]
    assert [c.id for c in actors.columns] == ["name", "strand", "member", "activity"]
    assert set(actors.columns[1].choices) == {"industry", "academia", "government", "intermediary"}


@pytest.mark.parametrize("field, value, words", [
    ("member_share", 140, "between 0 and 100"),
    ("member_share", "many", "must be a number"),
    ("strongest_force", "luck", "choose one of the options"),
    ("name", "x" * 400, "too long"),
    ("actors", [{"name": "A", "strand": "church"}], "row 1"),
    ("actors", "A, B", "list of rows"),
    ("nonsense", "x", "not a field"),
])
def test_invalid_entries_are_refused_with_a_message_and_nothing_is_saved(field, value, words, work_folder):
    mc.save_fields({"name": "Valmora"})
    with pytest.raises(ComponentError, match=words):
        mc.save_fields({field: value})
    assert mc.load_record()["fields"] == {"name": "Valmora"}


def test_values_are_tidied_and_empty_rows_dropped():
    mc.save_fields({"name": "  Valmora  ", "actors": [{"name": " Acme ", "strand": "industry"}, {"name": ""}]})
    fields = mc.load_record()["fields"]
    assert fields["name"] == "Valmora"
    assert fields["actors"] == [{"name": "Acme", "strand": "industry", "member": None, "activity": None}]


def test_the_form_shows_saved_entries_again_and_saves_each_change(work_folder):
    form = MyClusterView("m1-01")
    form.controls["name"].value = "Valmora textiles"
    form.controls["strongest_force"].value = "labour_pool"
    table = form.controls["actors"]
    table.rows[0]["name"].value = "Lanificio Rossi"
    table.rows[0]["strand"].value = "industry"
    assert form.error.message == ""
    saved = json.loads((work_folder / "my-cluster.json").read_text())
    assert saved["fields"]["name"] == "Valmora textiles"

    again = MyClusterView("m1-01")  # a new sitting
    assert again.controls["name"].value == "Valmora textiles"
    assert again.controls["strongest_force"].value == "labour_pool"
    assert again.controls["actors"].value[0]["name"] == "Lanificio Rossi"
    # the same actors list appears in notebook 2's section
    assert MyClusterView("m1-02").controls["actors"].value[0]["strand"] == "industry"


def test_the_form_shows_an_invalid_entry_as_a_message_and_keeps_the_saved_value():
    form = MyClusterView("m1-02")
    form.controls["member_share"].value = "12,5"
    assert form.error.message == ""
    form.controls["member_share"].value = "half"
    assert "not a number" in form.error.message
    assert mc.load_record()["fields"]["member_share"] == 12.5


def test_an_unknown_section_is_a_message():
    form = MyClusterView("m9-99")
    assert "no 'my cluster' section" in form.error.message


def test_an_unreadable_record_is_set_aside_not_lost(work_folder):
    mc.save_fields({"name": "First"})
    mc.save_fields({"name": "Second"})
    (work_folder / "my-cluster.json").write_text("{broken", encoding="utf-8")
    form = MyClusterView("m1-01")
    assert "could not be read" in form.error.message
    assert any(p.name.startswith("my-cluster.corrupt-") for p in work_folder.iterdir())


def _writer(folder: str, field: str, rounds: int, barrier) -> None:
    os.environ["CLUSTERLAB_WORK_DIR"] = folder
    barrier.wait()
    for n in range(rounds):
        mc.save_fields({field: f"{field} {n}"})


def test_two_notebooks_writing_at_once_keep_each_others_entries(work_folder):
    """Two processes (two notebooks' kernels) save different fields of the record as fast as they can."""
    ctx = mp.get_context("fork")
    fields = ["name", "place", "speciality", "cluster_sentence"]
    barrier = ctx.Barrier(len(fields))
    procs = [ctx.Process(target=_writer, args=(str(work_folder), f, 40, barrier)) for f in fields]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    final = mc.load_record()["fields"]
    assert {f: final.get(f) for f in fields} == {f: f"{f} 39" for f in fields}


def _unlocked_writer(folder: str, field: str, rounds: int, barrier) -> None:
    from clusterlab.widgets.storage import WorkStore

    os.environ["CLUSTERLAB_WORK_DIR"] = folder
    store = WorkStore(mc.STORE_KEY)
    barrier.wait()
    for n in range(rounds):
        data = store.load() or {}
        data.setdefault("fields", {})[field] = f"{field} {n}"
        store.save(data)


def test_control_without_the_lock_entries_are_lost(work_folder):
    """Control: the same race with a plain read-then-save loses entries, so the test above can fail."""
    ctx = mp.get_context("fork")
    fields = ["name", "place", "speciality", "cluster_sentence"]
    lost = False
    for _attempt in range(5):
        barrier = ctx.Barrier(len(fields))
        procs = [ctx.Process(target=_unlocked_writer, args=(str(work_folder), f, 200, barrier)) for f in fields]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        final = mc.load_record()["fields"]
        if {f: final.get(f) for f in fields} != {f: f"{f} 199" for f in fields}:
            lost = True
            break
    assert lost


def test_a_hand_edited_record_of_the_wrong_shape_is_read_as_empty_not_a_crash(work_folder):
    work_folder.mkdir(parents=True, exist_ok=True)
    (work_folder / "my-cluster.json").write_text('{"fields": ["x"], "updated": 3}', encoding="utf-8")
    form = MyClusterView("m1-01")
    assert form.controls["name"].value == "" and form.error.message == ""
    form.controls["name"].value = "Valmora"
    assert mc.load_record()["fields"] == {"name": "Valmora"}
