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
from dataclasses import dataclass, field
from pathlib import Path

from clusterlab.files import read_ordinary
from clusterlab.grading.answers import nesting

__all__ = ["Intake", "take_in", "LIMITS", "MAX_NESTING", "expected_files"]

#: The largest size of each kind of file, in bytes.
LIMITS = {".ipynb": 20 * 1024 * 1024, ".json": 2 * 1024 * 1024, ".csv": 5 * 1024 * 1024, ".txt": 4096}
DEFAULT_LIMIT = 5 * 1024 * 1024
MAX_ENTRIES = 200
MAX_NESTING = 64


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
