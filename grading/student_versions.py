"""The trainee's version of every graded document, for a trainee working on their own.

The versions are generated from the nbgrader source (``course/source/``) by nbgrader's own
generate-assignment step, the same as ``clusterlab grade release`` (``workflow.release``), in a
temporary course directory: the shipped course is never written to. They are cached, keyed by a hash
of the source folder and of nbgrader's version, in ``$XDG_CACHE_HOME/clusterlab/student-versions/``
(``~/.cache/...``), so later starts take no time.

Before a generation is cached, every notebook is checked for leaks: no solution or hidden-test
marker, and no line of a solution, of a model answer or of a hidden test of the source notebook. A
generation that leaks raises :class:`LeakError` and is not kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from clusterlab.errors import ClusterlabError

from .nbconfig import CONFIG_FILE_TEXT
from .workflow import release

__all__ = ["SOURCE", "MARKERS", "LeakError", "Versions", "source_key", "cache_root", "cached",
           "student_versions", "secret_lines", "leaks"]

SOURCE = Path(__file__).with_name("course") / "source"
#: Raise this to throw away every cached generation (change it when generation itself changes).
GENERATOR = "1"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_IGNORED = {".ipynb_checkpoints", "__pycache__"}


class LeakError(ClusterlabError, RuntimeError):
    """A generated trainee's version still contains a solution or a hidden test."""


@dataclass(frozen=True)
class Versions:
    folder: Path        # <folder>/<assignment>/<files>
    key: str
    from_cache: bool


def _files(source: Path):
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_file() and not _IGNORED.intersection(rel.parts):
            yield rel, path


def source_key(source: Path = SOURCE) -> str:
    """A hash of the source folder (names and contents), nbgrader's version and the generator's."""
    digest = hashlib.sha256(f"nbgrader {version('nbgrader')} generator {GENERATOR}\n".encode())
    for rel, path in _files(Path(source)):
        digest.update(rel.as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:20]


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "clusterlab" / "student-versions"


def cached(source: Path = SOURCE, cache: Path | None = None) -> Path | None:
    """The cached generation for ``source`` as it is now, or None."""
    folder = (Path(cache) if cache else cache_root()) / source_key(source)
    return folder if (folder / ".complete").is_file() else None


# ---------------------------------------------------------------------------------------------
# Leak check


def _source_text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _between(lines: list[str], begin: str, end: str) -> tuple[list[str], list[str]]:
    """Lines inside ``### BEGIN x`` / ``### END x`` regions, and the lines outside them."""
    inside, outside, within = [], [], False
    for line in lines:
        if begin in line:
            within = True
        elif end in line:
            within = False
        elif within:
            inside.append(line)
        else:
            outside.append(line)
    return inside, outside


def secret_lines(source_nb: dict, min_length: int = 12) -> set[str]:
    """Lines a trainee's version must not contain: solutions, model answers and hidden tests.

    Only lines of at least ``min_length`` characters (stripped) that do not also appear outside the
    secret regions of the source notebook (the answer templates shown to trainees) are returned.
    """
    secret, public = [], []
    for cell in source_nb.get("cells", []):
        lines = _source_text(cell).splitlines()
        meta = cell.get("metadata", {}).get("nbgrader", {})
        hidden, rest = _between(lines, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        secret += hidden
        if meta.get("solution"):
            inside, outside = _between(rest, "BEGIN SOLUTION", "END SOLUTION")
            if any("BEGIN SOLUTION" in line for line in rest):
                secret += inside
                public += outside
            else:  # the whole cell is the model answer
                secret += rest
        else:
            public += rest
    public_set = {line.strip() for line in public}
    return {s for s in (line.strip() for line in secret) if len(s) >= min_length and s not in public_set}


def _student_lines(nb: dict) -> tuple[str, set[str]]:
    """The whole text of a notebook (sources and outputs) and its lines, stripped."""
    parts = []
    for cell in nb.get("cells", []):
        parts.append(_source_text(cell))
        for output in cell.get("outputs", []) or []:
            for value in [output.get("text", ""), *output.get("data", {}).values(), *output.get("traceback", [])]:
                parts.append("".join(value) if isinstance(value, list) else str(value))
    text = "\n".join(parts)
    return text, {line.strip() for line in text.splitlines()}


def leaks(source_nb: dict, student_nb: dict) -> list[str]:
    """What of the source's solutions and hidden tests the student notebook still contains.

    Markers anywhere in the text; lines of solutions, model answers and hidden tests as whole lines
    (the answer templates differ from the solution only by a leading ``#``, which is not a leak).
    """
    text, lines = _student_lines(student_nb)
    found = [marker for marker in MARKERS if marker in text]
    found += sorted(secret_lines(source_nb) & lines)
    return found


def _check(source: Path, generated: Path) -> None:
    for rel, path in _files(source):
        if path.name == "answers.json":  # a trainee's copy starts with no answer
            content = json.loads((generated / rel).read_text(encoding="utf-8"))
            if content.get("answers"):
                raise LeakError(f"{rel} holds answers; a trainee's copy must start empty. It was not kept.")
            continue
        if path.suffix != ".ipynb":
            continue
        student = generated / rel
        if not student.is_file():
            raise LeakError(f"nbgrader did not produce {rel}")
        found = leaks(json.loads(path.read_text(encoding="utf-8")),
                      json.loads(student.read_text(encoding="utf-8")))
        if found:
            raise LeakError(f"{rel} still contains {len(found)} solution or hidden-test line(s), "
                            f"e.g. {found[0][:60]!r}; it was not kept.")


# ---------------------------------------------------------------------------------------------
# Generation


def _generate(source: Path, target: Path) -> None:
    """nbgrader's generate-assignment for each assignment of ``source``; the results into ``target``."""
    with tempfile.TemporaryDirectory(prefix="clusterlab-student-versions-") as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(source, course / "source", ignore=shutil.ignore_patterns(*_IGNORED))
        (course / "nbgrader_config.py").write_text(CONFIG_FILE_TEXT, encoding="utf-8")
        for folder in sorted(p for p in (course / "source").iterdir() if p.is_dir()):
            release(course, folder.name, to_exchange=False)
        shutil.copytree(course / "release", target, dirs_exist_ok=True)


def student_versions(source: Path = SOURCE, cache: Path | None = None) -> Versions:
    """The trainee's version of every assignment of ``source``, generated once and then cached.

    Raises ``workflow.StepError`` when nbgrader fails and :class:`LeakError` when a generated
    notebook still holds a solution or a hidden test.
    """
    source = Path(source)
    key = source_key(source)
    root = Path(cache) if cache else cache_root()
    folder = root / key
    if (folder / ".complete").is_file():
        return Versions(folder, key, True)
    root.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
    try:
        _generate(source, building)
        _check(source, building)
        (building / ".complete").write_text(key, encoding="utf-8")
        try:
            if folder.exists():  # an unfinished earlier attempt
                shutil.rmtree(folder)
            os.replace(building, folder)
        except OSError:
            if not (folder / ".complete").is_file():  # not another start finishing at the same time
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return Versions(folder, key, False)
