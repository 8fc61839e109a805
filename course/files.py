"""Files a course process writes or reads on behalf of a person, done safely.

:func:`write_atomically` writes beside the file, then swaps it in: a crash never leaves half of it.
:func:`read_ordinary` reads a file that somebody else put there (a trainee's answers, a submission):
only an ordinary file, never through a link, never blocking on a pipe, and never more than a limit.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_atomically", "read_ordinary", "NOT_FOUND"]

#: What :func:`read_ordinary` says of a file that does not exist.
NOT_FOUND = "was not found"
_KINDS = {stat.S_IFLNK: "a link to another file", stat.S_IFIFO: "a named pipe (FIFO)",
          stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket",
          stat.S_IFDIR: "a folder"}


def write_atomically(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path``, then swap it in: never half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_ordinary(path, limit: int) -> tuple[bytes | None, str | None]:
    """The content of the ordinary file ``path`` (at most ``limit`` bytes), or None and why not, said
    as the end of a sentence about the file ("is a link to another file, not an ordinary file")."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None, NOT_FOUND
    except OSError as exc:
        kind = _KINDS.get(stat.S_IFMT(os.lstat(path).st_mode)) if os.path.lexists(path) else None
        return None, f"is {kind}, not an ordinary file" if kind else f"cannot be opened ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, f"is {_KINDS.get(stat.S_IFMT(info.st_mode), 'a special file')}, not an ordinary file"
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), None
            total += len(chunk)
            chunks.append(chunk)
        size = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit} bytes"
        return None, f"is larger than {size}"
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    finally:
        os.close(fd)
