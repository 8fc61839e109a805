"""Taking a submission in: ordinary files only, within size limits, copied into a private folder.

A submission folder is whatever a trainee (or somebody pretending to be one) put there. Before
anything reads it, :func:`take_in` walks it without following links and copies into a private staging
folder only the files the released assignment has (its notebooks, ``answers.json``, ``actors.csv``):

- an entry that is not an ordinary file (a link, a FIFO, a device, a socket) is not opened: it is a
  finding for that trainee, with the reason, and the file counts as missing;
- a file larger than its limit is not copied (a finding);
- files the assignment does not have are left out (a finding lists them), hidden files (names that
  start with a dot, such as a checkpoint folder or a lock file) silently;
- a notebook nested more deeply than :data:`MAX_NESTING` is left out (a finding), so no parser meets it.

Each file is opened with ``O_NOFOLLOW | O_NONBLOCK``, checked with ``fstat`` to be an ordinary file and
read through that same descriptor, so a file swapped for a link between the check and the read is
never followed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from clusterlab.grading.answers import nesting

__all__ = ["Intake", "take_in", "read_ordinary", "LIMITS", "MAX_NESTING", "expected_files"]

#: The largest size of each kind of file, in bytes.
LIMITS = {".ipynb": 20 * 1024 * 1024, ".json": 2 * 1024 * 1024, ".csv": 5 * 1024 * 1024, ".txt": 4096}
DEFAULT_LIMIT = 5 * 1024 * 1024
MAX_ENTRIES = 200
MAX_NESTING = 64
_KINDS = {stat.S_IFLNK: "a link to another file", stat.S_IFIFO: "a named pipe (FIFO)",
          stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


@dataclass
class Intake:
    """What was taken in: the files copied, and the findings for the trainee."""

    folder: Path
    copied: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def extra_finding(self) -> list[str]:
        """The finding that lists the files left out because the assignment does not have them."""
        if not self.extra:
            return []
        shown = ", ".join(self.extra[:5]) + (f" and {len(self.extra) - 5} more" if len(self.extra) > 5 else "")
        return [f"files the assignment does not have were not graded: {shown}"]


def expected_files(release: Path) -> list[str]:
    """The names of the files of a released assignment (top level, ordinary files)."""
    return sorted(p.name for p in Path(release).iterdir() if p.is_file() and not p.name.startswith("."))


def read_ordinary(path: Path, limit: int) -> tuple[bytes | None, str | None]:
    """The content of an ordinary file, or None and why not (never follows a link, never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        kind = _KINDS.get(stat.S_IFMT(os.lstat(path).st_mode)) if os.path.lexists(path) else None
        return None, f"is {kind}, not an ordinary file" if kind else f"cannot be opened ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, f"is {_KINDS.get(stat.S_IFMT(info.st_mode), 'a special file')}, not an ordinary file"
        if info.st_size > limit:
            return None, f"is larger than {limit // 2**20} MB"
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                return None, f"is larger than {limit // 2**20} MB"
            chunks.append(chunk)
        return b"".join(chunks), None
    finally:
        os.close(fd)


def take_in(submission: Path, wanted, staging: Path) -> Intake:
    """Copy into ``staging`` the ordinary files of ``submission`` named in ``wanted``."""
    submission, staging = Path(submission), Path(staging)
    staging.mkdir(parents=True, exist_ok=True)
    staging.chmod(0o755)  # the sandboxed reader (user nobody) reads it
    intake = Intake(staging)
    if Path(submission).is_symlink() or not Path(submission).is_dir():
        intake.findings.append("the submission is not a folder of files")
        return intake
    wanted = set(wanted)
    try:
        entries = sorted(os.scandir(submission), key=lambda e: e.name)[:MAX_ENTRIES + 1]
    except OSError as exc:
        intake.findings.append(f"the submission folder cannot be read ({exc.strerror})")
        return intake
    if len(entries) > MAX_ENTRIES:
        intake.findings.append(f"the submission has more than {MAX_ENTRIES} files; only the expected ones were read")
    extra = intake.extra
    for entry in entries[:MAX_ENTRIES]:
        name = entry.name
        if name.startswith("."):
            continue
        if name not in wanted:
            extra.append(name)
            continue
        data, why = read_ordinary(submission / name, LIMITS.get(Path(name).suffix, DEFAULT_LIMIT))
        if why is None and name.endswith(".ipynb") and nesting(data) > MAX_NESTING:
            data, why = None, f"is nested more than {MAX_NESTING} levels deep, which no notebook is"
        if why is not None:
            intake.findings.append(f"{name} {why}; it was not graded")
            continue
        (staging / name).write_bytes(data)
        (staging / name).chmod(0o644)
        intake.copied.append(name)
    return intake
