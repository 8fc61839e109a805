"""The trainee's view of the course: the folder that is JupyterLab's root in trainee mode.

The view mirrors the layout of the repository, so that the relative links between notebooks work
unchanged, but holds only what a trainee should meet::

    <work>/.course-view/
        course/start-here.ipynb        -> <repo>/course/start-here.ipynb
        course/glossary.ipynb          -> <repo>/course/glossary.ipynb
        modules/<NN-name>/<NN-x>.ipynb -> <repo>/modules/<NN-name>/<NN-x>.ipynb   (one link per lesson)
        my-documents                   -> <work>/my-documents/   (the trainee's own documents)

Module folders are real folders with one link per lesson notebook (never a link to the whole module
folder, which also holds files a trainee should not see). The view is rebuilt at each start: links
that are no longer wanted are removed, missing ones are added. Nothing that is not a link made here
is ever deleted: a real file found where a link belongs is moved into ``my-documents/kept-from-course-view/``.

``place_documents`` copies the trainee's version of the graded documents into ``my-documents``
without ever overwriting a trainee's file. ``strip_lesson_outputs`` is the Jupyter server's pre-save
hook: a lesson (a notebook whose file lies in the course checkout) is saved without outputs.

This module is imported by the Jupyter server (the pre-save hook): keep its imports light.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from clusterlab.errors import ClusterlabError

__all__ = [
    "VIEW_FOLDER", "DOCUMENTS_FOLDER", "ViewError", "View", "view_entries", "build_view",
    "Placement", "place_documents", "strip_lesson_outputs",
]

VIEW_FOLDER = ".course-view"
DOCUMENTS_FOLDER = "my-documents"
KEPT_FOLDER = "kept-from-course-view"
#: The course pages a trainee sees, besides the lessons.
COURSE_PAGES = ("course/start-here.ipynb", "course/glossary.ipynb")
#: Lesson notebooks: numbered notebooks in a module folder.
LESSON_GLOB = "modules/*/[0-9]*.ipynb"
#: Where the copies of the documents already given to the trainee are recorded (in the work folder).
MANIFEST = ".my-documents-versions.json"


class ViewError(ClusterlabError, RuntimeError):
    """The view cannot be built; the message says why and what to do."""


@dataclass
class View:
    root: Path
    documents: Path
    #: Files found where a link of the view belongs, moved into my-documents/kept-from-course-view/.
    kept: list[Path] = field(default_factory=list)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def view_entries(repo: Path, documents: Path) -> dict[PurePosixPath, Path]:
    """Every link of the view: its place in the view -> what it points to."""
    repo = Path(repo)
    entries: dict[PurePosixPath, Path] = {}
    for page in COURSE_PAGES:
        if (repo / page).is_file():
            entries[PurePosixPath(page)] = repo / page
    for lesson in sorted(repo.glob(LESSON_GLOB)):
        if lesson.is_file() and not lesson.is_symlink():
            entries[PurePosixPath(lesson.relative_to(repo).as_posix())] = lesson
    entries[PurePosixPath(DOCUMENTS_FOLDER)] = Path(documents)
    return entries


def _unique(path: Path) -> Path:
    if not os.path.lexists(path):
        return path
    n = 1
    while os.path.lexists(path.with_name(f"{path.stem}-{n}{path.suffix}")):
        n += 1
    return path.with_name(f"{path.stem}-{n}{path.suffix}")


def _set_aside(path: Path, view: Path, documents: Path) -> Path:
    """Move a real file or folder out of the view's way, into my-documents; never delete it."""
    target = _unique(documents / KEPT_FOLDER / path.relative_to(view))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), str(target))
    return target


def _link(link: Path, target: Path) -> None:
    """Create or replace the symlink ``link`` -> ``target`` in one step."""
    temporary = link.with_name(f".{link.name}.link-{os.getpid()}")
    if os.path.lexists(temporary):
        temporary.unlink()
    os.symlink(target, temporary, target_is_directory=target.is_dir())
    os.replace(temporary, link)


def build_view(repo: Path, work: Path) -> View:
    """Create or refresh ``<work>/.course-view`` (and ``<work>/my-documents``); return the view.

    Raises ViewError when ``work`` lies inside the course checkout ``repo``.
    """
    repo = Path(repo).resolve()
    work = Path(work).expanduser().resolve()
    if _inside(work, repo):
        raise ViewError(
            f"The work folder {work} is inside the course's own files ({repo}). Choose a folder "
            "outside it: set CLUSTERLAB_WORK_DIR, for example to ~/clusterlab-work."
        )
    view = work / VIEW_FOLDER
    documents = work / DOCUMENTS_FOLDER
    try:
        documents.mkdir(parents=True, exist_ok=True)
        view.mkdir(exist_ok=True)
    except OSError as exc:
        raise ViewError(f"The course view could not be created in {work}: {exc.strerror or exc}.") from None
    wanted = view_entries(repo, documents)
    result = View(root=view, documents=documents)

    # 1. Links that are not wanted (or point elsewhere) go; nothing else is removed. Only the view's
    #    own folders are looked at: anything else at its top (a folder the trainee made) is theirs.
    managed = {rel.parts[0] for rel in wanted} | {"course", "modules"}
    for dirpath, dirnames, filenames in os.walk(view):
        if Path(dirpath) == view:
            dirnames[:] = [d for d in dirnames if d in managed]
            filenames = [f for f in filenames if f in managed]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                rel = PurePosixPath(path.relative_to(view).as_posix())
                if rel not in wanted or Path(os.readlink(path)) != wanted[rel]:
                    path.unlink()

    # 2. Missing links are made; a real file or folder in the way is moved aside, never deleted.
    for rel, target in wanted.items():
        link = view / rel
        for parent in reversed(link.relative_to(view).parents[:-1]):
            folder = view / parent
            if folder.exists() and not folder.is_dir():
                result.kept.append(_set_aside(folder, view, documents))
            folder.mkdir(exist_ok=True)
        if link.is_symlink():
            continue
        if link.exists():
            if link.is_dir() and not any(link.iterdir()):
                link.rmdir()
            else:
                result.kept.append(_set_aside(link, view, documents))
        _link(link, target)

    # 3. Folders of the view left empty (a module that is gone) are removed.
    needed = {view / p for rel in wanted for p in rel.parents}
    for dirpath, dirnames, filenames in os.walk(view, topdown=False):
        folder = Path(dirpath)
        if folder == view or folder.relative_to(view).parts[0] not in managed:
            continue
        if folder not in needed and not dirnames and not filenames:
            try:
                folder.rmdir()
            except OSError:
                pass
    return result


# ---------------------------------------------------------------------------------------------
# The trainee's documents


@dataclass
class Placement:
    added: list[str] = field(default_factory=list)      # copied, the trainee had no copy yet
    offered: list[str] = field(default_factory=list)    # a newer version placed beside the trainee's copy
    notices: list[str] = field(default_factory=list)    # one line each, for the person starting the course


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _copy_new(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target``, failing if ``target`` exists (never overwrites)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(source, "rb") as src, open(target, "xb") as dst:
        shutil.copyfileobj(src, dst)


def _read_manifest(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(path: Path, data: dict) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def place_documents(versions: Path, documents: Path, manifest: Path | None = None) -> Placement:
    """Copy each file of ``versions`` (``<assignment>/<file>``) into ``documents`` where it is missing.

    A file the trainee already has is never overwritten. When the course's version changed since the
    trainee got theirs, the new version is placed beside it as ``<name>.course-update-<id><ext>``
    (once) with a notice. ``manifest`` (default ``<documents>/../.my-documents-versions.json``)
    records which version was given.
    """
    versions, documents = Path(versions), Path(documents)
    manifest = Path(manifest) if manifest else documents.parent / MANIFEST
    record = _read_manifest(manifest)
    done = Placement()
    for source in sorted(p for p in versions.rglob("*") if p.is_file()):
        rel = source.relative_to(versions).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(rel).parts):
            continue
        new = _digest(source)
        entry = record.get(rel) if isinstance(record.get(rel), dict) else {}
        target = documents / rel
        if not os.path.lexists(target):
            try:
                _copy_new(source, target)
            except FileExistsError:
                continue
            record[rel] = {"given": new, "offered": []}
            done.added.append(rel)
            continue
        if target.is_file() and not target.is_symlink() and _digest(target) == new:
            record[rel] = {"given": new, "offered": entry.get("offered", [])}
            continue
        if entry.get("given") == new or new in entry.get("offered", []):
            continue  # the trainee's own copy of this version, or this update was offered already
        beside = target.with_name(f"{target.stem}.course-update-{new[:8]}{target.suffix}")
        if not os.path.lexists(beside):
            try:
                _copy_new(source, beside)
            except FileExistsError:
                pass
            else:
                done.offered.append(beside.relative_to(documents).as_posix())
                done.notices.append(
                    f"{DOCUMENTS_FOLDER}/{rel}: the course has a new version; yours is unchanged, the new one "
                    f"is beside it as {beside.name}."
                )
        record[rel] = {"given": entry.get("given"), "offered": [*entry.get("offered", []), new]}
    try:
        _write_manifest(manifest, record)
    except OSError:
        pass
    return done


# ---------------------------------------------------------------------------------------------
# Pre-save hook of the Jupyter server


def _course_checkout() -> Path | None:
    from clusterlab import repo_root

    return repo_root()


def _os_path(contents_manager, path: str) -> str | None:
    getter = getattr(contents_manager, "_get_os_path", None)
    if getter is not None:
        try:
            return getter(path)
        except Exception:
            return None
    root = getattr(contents_manager, "root_dir", None)
    return os.path.join(root, *path.strip("/").split("/")) if root else None


#: Notebook metadata that a kernel or JupyterLab fills in when a notebook runs: kept as committed.
RUN_METADATA = ("kernelspec", "language_info")


def clean_notebook(nb: dict, committed_metadata: dict | None = None) -> dict:
    """Remove outputs, execution counts and per-run metadata from a notebook (a JSON dict), in place.

    ``committed_metadata`` (the notebook's metadata on disk): its kernel details are kept, so that
    running a notebook on another Python does not change the file.
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        metadata = cell.get("metadata")
        if isinstance(metadata, dict):
            for key in ("execution", "collapsed", "scrolled"):
                metadata.pop(key, None)
    metadata = nb.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("widgets", None)
        if isinstance(committed_metadata, dict):
            for key in RUN_METADATA:
                if key in committed_metadata:
                    metadata[key] = committed_metadata[key]
                else:
                    metadata.pop(key, None)
    return nb


def strip_lesson_outputs(model: dict, path: str, contents_manager=None, **kwargs) -> None:
    """``ContentsManager.pre_save_hook``: save lessons without outputs, the trainee's documents as they are.

    A lesson is a notebook outside ``my-documents`` whose file (after following links) lies inside
    the course checkout. It keeps the kernel details it has on disk, so that a kernel's own details
    do not change the course's files either.
    """
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    if PurePosixPath(path.strip("/")).parts[:1] == (DOCUMENTS_FOLDER,):
        return
    checkout = _course_checkout()
    os_path = _os_path(contents_manager, path) if contents_manager is not None else None
    if checkout is None or os_path is None:
        return
    real = Path(os.path.realpath(os_path))
    if not _inside(real, checkout):
        return
    committed = None
    try:
        committed = json.loads(real.read_text(encoding="utf-8")).get("metadata")
    except (OSError, ValueError, AttributeError):
        committed = None
    clean_notebook(model["content"], committed)
