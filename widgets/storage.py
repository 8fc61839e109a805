"""Where a trainee's work is kept from one sitting to the next, and how it is written safely.

Work is saved as small JSON files in one folder: ``$CLUSTERLAB_WORK_DIR`` if that environment
variable is set, otherwise ``~/clusterlab-work``. The folder is never inside the course's own files,
so that updating the course cannot overwrite a trainee's work and work is not shared by mistake.

Each piece of work has a key (for example ``m1-self-assessment``) and is stored as ``<key>.json``.
A save writes a temporary file first and then swaps it in, so a crash never leaves half a file;
the version before the last save is kept as ``<key>.bak.json``. A file that cannot be read is
renamed ``<key>.corrupt-<date-time>.json`` and reported — it is never deleted.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from clusterlab.files import write_atomically
from clusterlab.validation import describe

from .errors import ComponentError

ENV_VAR = "CLUSTERLAB_WORK_DIR"
DEFAULT_FOLDER = "~/clusterlab-work"
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")


class SavedWorkError(ComponentError):
    """Saved work could not be read; the file was set aside.

    ``moved_to`` is where the unreadable file now is (None if it could not be moved) and
    ``recovered`` holds the previous version from the backup file, when that one could be read.
    """

    def __init__(self, message: str, *, moved_to: Path | None = None, recovered: dict | None = None):
        super().__init__(message)
        self.moved_to = moved_to
        self.recovered = recovered


def _course_checkout_around(path: Path) -> Path | None:
    """The course checkout (a folder with pyproject.toml and modules/) that contains ``path``, if any."""
    for folder in (path, *path.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "modules").is_dir():
            return folder
    return None


def _checked_folder(folder: Path) -> Path:
    folder = Path(folder).expanduser().resolve()
    checkout = _course_checkout_around(folder)
    if checkout is not None:
        raise ComponentError(
            f"Your work would be saved inside the course's own files ({folder}). A course update could "
            f"overwrite it there. Choose a folder outside {checkout}: set the environment variable "
            f"{ENV_VAR}, for example to ~/clusterlab-work."
        )
    if folder.exists() and not folder.is_dir():
        raise ComponentError(f"{folder} is a file, not a folder. Set {ENV_VAR} to a folder.")
    return folder


def work_dir() -> Path:
    """The folder for saved work: ``$CLUSTERLAB_WORK_DIR`` or ``~/clusterlab-work``, created if needed.

    Raises ComponentError if that folder lies inside the course's own files or cannot be created.
    """
    chosen = os.environ.get(ENV_VAR, "").strip() or DEFAULT_FOLDER
    folder = _checked_folder(Path(chosen))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ComponentError(
            f"The folder for your work ({folder}) could not be created: {exc.strerror or exc}. "
            f"Set {ENV_VAR} to a folder you may write to."
        ) from None
    return folder


def _read_json(path: Path) -> dict:
    """Read a JSON object from ``path``; raise ValueError with a short reason if that fails."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"the file could not be opened: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ValueError("the file is not UTF-8 text") from None
    except RecursionError:
        raise ValueError("the file is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"the JSON is broken at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ValueError("the file does not hold a dictionary")
    return data


def _no_constant(name: str):
    raise json.JSONDecodeError(f"{name} is not allowed", name, 0)


class WorkStore:
    """One piece of saved work: ``<folder>/<key>.json``, with a backup of the previous version.

    ``key`` may use letters, digits, '-' and '_' (up to 100 characters). ``folder`` defaults to
    :func:`work_dir`.
    """

    def __init__(self, key: str, folder: str | os.PathLike | None = None):
        if not isinstance(key, str) or not _KEY.match(key):
            raise ComponentError(
                f"The name for saved work ({describe(key)}) is not usable. Use 1 to 100 letters, digits, "
                "'-' or '_', starting with a letter or digit, for example 'module1-quiz'."
            )
        self.key = key
        if folder is None:
            self.folder = work_dir()
        else:
            if not isinstance(folder, (str, os.PathLike)):
                raise ComponentError(f"The folder must be a path; got {type(folder).__name__}.")
            self.folder = _checked_folder(Path(folder))

    @property
    def path(self) -> Path:
        """The file that holds the saved work."""
        return self.folder / f"{self.key}.json"

    @property
    def backup_path(self) -> Path:
        """The file that holds the version before the last save."""
        return self.folder / f"{self.key}.bak.json"

    def __repr__(self) -> str:
        return f"WorkStore({self.key!r}, folder={str(self.folder)!r})"

    def save(self, data: dict) -> Path:
        """Write ``data`` (a JSON-friendly dictionary) and keep the previous version as the backup."""
        if not isinstance(data, dict):
            raise ComponentError(f"Only a dictionary can be saved; got {type(data).__name__}.")
        try:
            text = json.dumps(data, ensure_ascii=False, allow_nan=False, indent=1)
            payload = text.encode("utf-8")
        except (TypeError, ValueError, RecursionError) as exc:
            raise ComponentError(f"This work cannot be saved as JSON ({exc}).") from None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.path.exists():
                try:
                    _read_json(self.path)
                except ValueError:
                    self.set_aside()
                else:
                    write_atomically(self.backup_path, self.path.read_bytes())
            write_atomically(self.path, payload)
        except OSError as exc:
            raise ComponentError(
                f"Your work could not be saved to {self.path}: {exc.strerror or exc}. Check that you may "
                f"write to that folder, or set {ENV_VAR} to another one."
            ) from None
        return self.path

    @property
    def lock_path(self) -> Path:
        """The lock file that serialises :meth:`update` between processes."""
        return self.folder / f".{self.key}.lock"

    @contextmanager
    def _locked(self):
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle = open(self.lock_path, "a+b")
        except OSError as exc:
            raise ComponentError(
                f"Your work could not be saved to {self.path}: {exc.strerror or exc}. Check that you may "
                f"write to that folder, or set {ENV_VAR} to another one."
            ) from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def update(self, change: Callable[[dict], dict | None]) -> dict:
        """Read, change and save in one step that other processes cannot interleave with.

        ``change`` receives the saved dictionary (empty if nothing was saved yet, or the backup if the
        file was unreadable) and returns the new one, or changes it in place and returns None. Use it
        when several notebooks write to the same piece of work: each changes only its own entries,
        so none loses what another saved. Returns what was saved.
        """
        with self._locked():
            try:
                current = self.load() or {}
            except SavedWorkError as exc:
                current = exc.recovered or {}
            result = change(current)
            data = current if result is None else result
            self.save(data)
            return data

    def load(self) -> dict | None:
        """The saved dictionary, or None if nothing was saved yet.

        A file that cannot be read is renamed aside and :class:`SavedWorkError` is raised; its
        ``recovered`` attribute holds the backup's content when the backup is readable.
        """
        if not self.path.exists():
            return None
        try:
            return _read_json(self.path)
        except ValueError as exc:
            reason = str(exc)
        moved = self.set_aside()
        recovered = None
        if self.backup_path.exists():
            try:
                recovered = _read_json(self.backup_path)
            except ValueError:
                recovered = None
        kept = f"It was kept as {moved.name} in {self.folder}" if moved else f"It is still at {self.path}"
        then = (
            "The version before your last change was restored from the backup."
            if recovered is not None
            else "The component starts afresh."
        )
        raise SavedWorkError(
            f"Your saved work '{self.key}' could not be read ({reason}). {kept}, not deleted. {then}",
            moved_to=moved,
            recovered=recovered,
        )

    def set_aside(self) -> Path | None:
        """Rename the saved file to ``<key>.corrupt-<date-time>.json``; return the new path.

        Returns None if there is no file or it could not be renamed. Nothing is ever deleted.
        """
        if not self.path.exists():
            return None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.folder / f"{self.key}.corrupt-{stamp}.json"
        n = 1
        while target.exists():
            target = self.folder / f"{self.key}.corrupt-{stamp}-{n}.json"
            n += 1
        try:
            os.replace(self.path, target)
        except OSError:
            return None
        return target
