"""Saving work: the folder, the file names, atomic writes, backups and unreadable files."""

import json
from pathlib import Path

import pytest

import clusterlab.widgets as cw
from clusterlab.widgets import ComponentError, SavedWorkError, WorkStore, work_dir


def test_work_dir_follows_the_environment_variable(work_folder):
    assert not work_folder.exists()
    assert work_dir() == work_folder.resolve()
    assert work_folder.is_dir()


def test_work_dir_defaults_to_a_folder_in_home(tmp_path, monkeypatch):
    monkeypatch.delenv("CLUSTERLAB_WORK_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert work_dir() == (tmp_path / "home" / "clusterlab-work").resolve()


def test_empty_environment_variable_means_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", "  ")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert work_dir().name == "clusterlab-work"


def test_work_dir_refuses_a_folder_inside_a_course_checkout(tmp_path, monkeypatch):
    repo = tmp_path / "course"
    (repo / "modules").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[project]\n")
    target = repo / "notes" / "mine"
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(target))
    with pytest.raises(ComponentError, match="CLUSTERLAB_WORK_DIR") as info:
        work_dir()
    assert "outside" in str(info.value)
    assert not (repo / "notes").exists()
    with pytest.raises(ComponentError):
        WorkStore("x", folder=repo)


def test_work_dir_refuses_the_real_repository(monkeypatch):
    root = Path(cw.__file__).resolve().parents[1]
    if not ((root / "pyproject.toml").is_file() and (root / "modules").is_dir()):
        pytest.skip("not running from a checkout")
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(root / "saved-work-must-not-go-here"))
    with pytest.raises(ComponentError):
        work_dir()
    assert not (root / "saved-work-must-not-go-here").exists()


def test_work_dir_refuses_a_file(tmp_path, monkeypatch):
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(tmp_path / "afile"))
    with pytest.raises(ComponentError, match="is a file"):
        work_dir()


@pytest.mark.parametrize("key", ["", "../escape", "a/b", "a.b", "with space", "-lead", "x" * 101, "é", None, 5,
                                 ["k"], 10**400])
def test_bad_keys_are_refused(key):
    with pytest.raises(ComponentError) as info:
        WorkStore(key)
    assert "letters, digits" in str(info.value)


def test_save_and_load_round_trip_with_unicode(work_folder):
    store = WorkStore("module1-quiz")
    data = {"title": "Clúster de Igualada — 皮革", "n": 3, "x": [1.5, None, True]}
    path = store.save(data)
    assert path == work_folder.resolve() / "module1-quiz.json"
    assert store.load() == data
    assert "皮革" in path.read_text(encoding="utf-8")


def test_nothing_saved_loads_as_none():
    assert WorkStore("never-saved").load() is None


def test_previous_version_is_kept_as_backup_and_no_temp_files_remain(work_folder):
    store = WorkStore("k")
    store.save({"v": 1})
    assert not store.backup_path.exists()
    store.save({"v": 2})
    store.save({"v": 3})
    assert store.load() == {"v": 3}
    assert json.loads(store.backup_path.read_text()) == {"v": 2}
    assert sorted(p.name for p in work_folder.iterdir()) == ["k.bak.json", "k.json"]


@pytest.mark.parametrize("bad", [[1, 2], "text", {"x": float("nan")}, {"x": object()}, {"x": "\ud800"}])
def test_unsaveable_data_is_refused_and_the_old_file_survives(bad):
    store = WorkStore("k")
    store.save({"v": 1})
    with pytest.raises(ComponentError):
        store.save(bad)
    assert store.load() == {"v": 1}


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"\xff\xfe\x00", b"", b'{"x": NaN}'])
def test_corrupt_file_is_set_aside_not_deleted_and_reported(work_folder, content):
    store = WorkStore("k")
    store.save({"v": 1})
    store.save({"v": 2})  # the backup now holds {"v": 1}
    store.path.write_bytes(content)
    with pytest.raises(SavedWorkError) as info:
        store.load()
    err = info.value
    assert err.moved_to is not None and err.moved_to.name.startswith("k.corrupt-")
    assert err.moved_to.read_bytes() == content
    assert err.moved_to.name in str(err) and "not deleted" in str(err)
    assert err.recovered == {"v": 1}
    assert not store.path.exists()
    assert store.load() is None


def test_corrupt_file_without_backup_reports_a_fresh_start(work_folder):
    store = WorkStore("k")
    work_folder.mkdir(parents=True, exist_ok=True)
    store.path.write_text("garbage")
    with pytest.raises(SavedWorkError, match="starts afresh") as info:
        store.load()
    assert info.value.recovered is None


def test_two_corrupt_files_in_the_same_second_get_different_names(work_folder):
    store = WorkStore("k")
    work_folder.mkdir(parents=True, exist_ok=True)
    moved = []
    for _ in range(2):
        store.path.write_text("garbage")
        moved.append(store.set_aside())
    assert moved[0] != moved[1] and all(p.exists() for p in moved)


def test_saving_over_a_corrupt_file_sets_it_aside_first(work_folder):
    store = WorkStore("k")
    work_folder.mkdir(parents=True, exist_ok=True)
    store.path.write_text("garbage")
    store.save({"v": 1})
    kept = list(work_folder.glob("k.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_text() == "garbage"
    assert store.load() == {"v": 1}


# -- views and saved work ------------------------------------------------------------------------
from widget_samples import QUIZ  # noqa: E402

from clusterlab.widgets import ConceptCheckView, LifecycleView, SelfAssessmentView, TimelineView  # noqa: E402

VIEWS = {
    "concept_check": lambda **kw: ConceptCheckView(QUIZ, **kw),
    "self_assessment": lambda **kw: SelfAssessmentView(**kw),
    "timeline": lambda **kw: TimelineView(**kw),
    "lifecycle": lambda **kw: LifecycleView(**kw),
}


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_view_reports_a_corrupt_save_file_and_keeps_it(name, work_folder, errors_of):
    work_folder.mkdir(parents=True)
    (work_folder / "saved.json").write_text("{half a file")
    view = VIEWS[name](save_as="saved")
    assert any("could not be read" in e and "not deleted" in e for e in errors_of(view))
    kept = list(work_folder.glob("saved.corrupt-*.json"))
    assert [p.read_text() for p in kept] == ["{half a file"]
    view.save()
    assert WorkStore("saved").load() == view.model.to_dict()


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_view_restores_from_the_backup_when_the_latest_file_is_broken(name, work_folder, errors_of):
    first = VIEWS[name](save_as="saved")
    first.save()
    first.save()  # the backup now holds a good copy
    WorkStore("saved").path.write_text("[broken")
    view = VIEWS[name](save_as="saved")
    assert view.model == first.model
    assert any("restored from the backup" in e for e in errors_of(view))


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_view_shows_an_unusable_save_name_instead_of_raising(name, errors_of):
    view = VIEWS[name](save_as="../outside")
    assert view.store is None
    assert any("will not be saved" in e for e in errors_of(view))


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_every_view_refuses_to_save_inside_the_course_checkout(name, tmp_path, monkeypatch, errors_of):
    repo = tmp_path / "course"
    (repo / "modules").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("")
    monkeypatch.setenv("CLUSTERLAB_WORK_DIR", str(repo / "work"))
    view = VIEWS[name](save_as="saved")
    assert any("inside the course" in e for e in errors_of(view))
    assert not (repo / "work").exists()
