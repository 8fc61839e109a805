"""The course's syllabus (``course/syllabus.yaml``): modules, their lesson notebooks and what each saves.

The landing page, the progress table and the course-only JupyterLab read it, so that adding a lesson
means adding one entry there. A broken file raises :class:`SyllabusError` naming the file, the entry
and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from clusterlab.errors import ComponentError

COURSE_DIR = Path(__file__).resolve().parent
SYLLABUS_FILE = COURSE_DIR / "syllabus.yaml"
_NOTEBOOK_ID = re.compile(r"m([1-9])-\d{2}\Z")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}\Z")


class SyllabusError(ComponentError):
    """The syllabus file is broken; the message names the file, the entry and the reason."""


@dataclass(frozen=True)
class Lesson:
    """One lesson notebook of a module."""

    id: str
    file: str
    title: str
    minutes: int
    module: int
    folder: str
    components: tuple[str, ...] = ()
    my_cluster: str | None = None

    @property
    def path(self) -> Path:
        """Where the notebook is in the repository."""
        return modules_dir() / self.folder / self.file

    @property
    def stem(self) -> str:
        return Path(self.file).stem


@dataclass(frozen=True)
class Module:
    """One module: its number, folder and lessons (none yet while it is in preparation)."""

    number: int
    folder: str
    title: str
    lessons: tuple[Lesson, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        return bool(self.lessons)

    @property
    def path(self) -> Path:
        return modules_dir() / self.folder


def modules_dir() -> Path:
    """The repository's ``modules/`` folder (the course runs from a checkout of the repository)."""
    return COURSE_DIR.parent / "modules"


def _fail(where: str, reason: str, path: Path) -> SyllabusError:
    return SyllabusError(f"{path}: {where}: {reason}")


def parse_syllabus(data, path: Path = SYLLABUS_FILE) -> tuple[Module, ...]:
    """Check the syllabus as loaded from YAML and return its modules."""
    if not isinstance(data, dict) or not isinstance(data.get("modules"), list) or not data["modules"]:
        raise _fail("the file", "it must hold a list named 'modules' with at least one module", path)
    modules, seen = [], set()
    for i, entry in enumerate(data["modules"], 1):
        where = f"module entry {i}"
        if not isinstance(entry, dict):
            raise _fail(where, "each module must be a mapping with number, folder and title", path)
        unknown = set(entry) - {"number", "folder", "title", "notebooks"}
        if unknown:
            raise _fail(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}", path)
        number, folder, title = entry.get("number"), entry.get("folder"), entry.get("title")
        if not isinstance(number, int) or isinstance(number, bool) or number != i:
            raise _fail(where, f"'number' must be {i} (modules are listed in order)", path)
        if not isinstance(folder, str) or not re.fullmatch(rf"0{number}-[a-z0-9-]+", folder):
            raise _fail(where, f"'folder' must look like '0{number}-short-name'", path)
        if not isinstance(title, str) or not title.strip():
            raise _fail(where, "'title' is missing", path)
        lessons = []
        for j, nb in enumerate(entry.get("notebooks") or [], 1):
            lessons.append(_lesson(nb, number, folder, f"module {number}, notebook entry {j}", path, seen))
        modules.append(Module(number, folder, title.strip(), tuple(lessons)))
    return tuple(modules)


def _lesson(nb, number: int, folder: str, where: str, path: Path, seen: set) -> Lesson:
    if not isinstance(nb, dict):
        raise _fail(where, "each notebook must be a mapping with id, file, title and minutes", path)
    unknown = set(nb) - {"id", "file", "title", "minutes", "components", "my_cluster"}
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}", path)
    nid = nb.get("id")
    match = _NOTEBOOK_ID.match(nid) if isinstance(nid, str) else None
    if not match or int(match.group(1)) != number:
        raise _fail(where, f"'id' must look like 'm{number}-01'; got {nid!r}", path)
    if nid in seen:
        raise _fail(where, f"the id {nid!r} is used twice", path)
    seen.add(nid)
    file = nb.get("file")
    if not isinstance(file, str) or not re.fullmatch(r"\d{2}-[a-z0-9-]+\.ipynb", file):
        raise _fail(where, "'file' must be a notebook name such as '01-why-clusters.ipynb'", path)
    title, minutes = nb.get("title"), nb.get("minutes")
    if not isinstance(title, str) or not title.strip():
        raise _fail(where, "'title' is missing", path)
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 5 <= minutes <= 240:
        raise _fail(where, "'minutes' must be a whole number from 5 to 240", path)
    components = nb.get("components") or []
    if not isinstance(components, list) or not all(isinstance(c, str) and _KEY.match(c) for c in components):
        raise _fail(where, "'components' must be a list of saved-work names such as 'm1-lifecycle'", path)
    section = nb.get("my_cluster")
    if section is not None and (not isinstance(section, str) or not _KEY.match(section)):
        raise _fail(where, "'my_cluster' must name a section such as 'm1-01'", path)
    return Lesson(nid, file, title.strip(), minutes, number, folder, tuple(components), section)


@lru_cache(maxsize=1)
def _cached(mtime_ns: int) -> tuple[Module, ...]:
    try:
        text = SYLLABUS_FILE.read_text(encoding="utf-8")
    except OSError as exc:
        raise SyllabusError(f"{SYLLABUS_FILE}: the file could not be read ({exc.strerror or exc}).") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SyllabusError(f"{SYLLABUS_FILE}: the YAML is broken ({exc}).") from None
    return parse_syllabus(data)


def syllabus() -> tuple[Module, ...]:
    """The course's modules in order, read from ``course/syllabus.yaml``."""
    try:
        mtime = SYLLABUS_FILE.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _cached(mtime)


def lessons() -> tuple[Lesson, ...]:
    """Every lesson of every module, in course order."""
    return tuple(lesson for module in syllabus() for lesson in module.lessons)


def lesson(lesson_id: str) -> Lesson:
    """The lesson with this id (for example ``m1-01``)."""
    for item in lessons():
        if item.id == lesson_id:
            return item
    known = ", ".join(item.id for item in lessons())
    raise SyllabusError(f"There is no lesson {lesson_id!r} in the syllabus. Known lessons: {known}.")
