"""Collecting submissions from the exchange without trusting what lies in its inbound folder.

Any trainee can write into the exchange's ``inbound`` folder, so nbgrader's own collect can be fooled:
it copies with ``shutil.copytree``, which follows links (a link to the worked answers, or to
``/dev/zero``, arrives in ``submitted/`` as an ordinary file), and it only warns when a submission is
named after another trainee than the account that made it. :class:`SafeCollect` (the course's
``ExchangeFactory.collect``) does as nbgrader does, except that

- a record that is not a folder, or is owned by another account than the trainee it names, is left
  out with a warning in the log (nbgrader's "jovyan" setting, where every trainee shares one
  account, is trusted as nbgrader trusts it);
- only ordinary files at the top of a submission are copied, each read without following a link and
  within the size limits of :mod:`clusterlab.grading.engine.intake`.
"""

from __future__ import annotations

import glob
import os
import stat

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect

from clusterlab.files import read_ordinary

from .engine.intake import DEFAULT_LIMIT, LIMITS, MAX_ENTRIES

try:
    import pwd
except ImportError:  # pragma: no cover - not on Linux or macOS
    pwd = None

__all__ = ["SafeCollect"]

SHARED_ACCOUNT = "jovyan"


def _owner(path: str) -> str | None:
    if pwd is None:
        return None
    try:
        return pwd.getpwuid(os.lstat(path).st_uid).pw_name
    except (KeyError, OSError):
        return "unknown"


class SafeCollect(ExchangeCollect):
    """nbgrader's collect, for ordinary files of submissions made by the trainees they name."""

    def _trusted(self, record: dict) -> bool:
        path = os.path.join(self.inbound_path, record["filename"])
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                self.log.warning("Left out %s: a submission must be a folder, not a link or a file.", path)
                return False
        except OSError:
            return False
        owner = _owner(path)
        if owner not in (None, record["username"], SHARED_ACCOUNT):
            self.log.warning("Left out %s: it names %s but was made by %s.", path, record["username"], owner)
            return False
        return True

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        if not os.path.isdir(self.inbound_path):
            self.fail(f"Course not found: {self.inbound_path}")
        student = self.coursedir.student_id or "*"
        pattern = os.path.join(glob.escape(self.inbound_path), f"{student}+{glob.escape(self.coursedir.assignment_id)}+*")
        records = [r for r in (self._path_to_record(f) for f in glob.glob(pattern)) if self._trusted(r)]
        try:
            with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
                duedate = gb.find_assignment(self.coursedir.assignment_id).duedate
        except MissingEntry:
            duedate = None
        self.src_records = []
        for username in sorted({r["username"] for r in records}):
            mine = self._sort_by_timestamp([r for r in records if r["username"] == username])
            if duedate is not None and self.before_duedate:
                mine = [r for r in mine if r["timestamp"] <= duedate] or mine
            self.src_records.append(mine[0])

    def do_copy(self, src, dest, log=None):
        """Copy the ordinary files at the top of ``src`` into ``dest``; anything else is left out."""
        os.makedirs(dest, exist_ok=True)
        entries = sorted(os.scandir(src), key=lambda e: e.name)[:MAX_ENTRIES]
        for entry in entries:
            if entry.name.startswith("."):
                continue  # checkpoints and other hidden files are not part of a submission
            data, why = read_ordinary(entry.path, LIMITS.get(os.path.splitext(entry.name)[1], DEFAULT_LIMIT))
            if why is not None:
                self.log.warning("Left out %s: it %s.", entry.path, why)
                continue
            with open(os.path.join(dest, entry.name), "wb") as handle:
                handle.write(data)
