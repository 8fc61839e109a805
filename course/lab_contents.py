"""The trainee's contents manager: the course's own pages are read-only in trainee mode.

In the course view (see ``lab_view``), everything under ``course/`` and ``modules/`` is the course's
own material, linked from the repository. A trainee's answers are saved in their work folder by the
components, so a lesson never needs saving: JupyterLab shows these notebooks as read-only (a lock
in the toolbar; "Save" offers "Save as" instead) and the server refuses to write, rename or delete
them. The trainee's own files (``my-documents``, anything they create) are writable as usual.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web

#: Top-level folders of the view that hold the course's own, read-only material.
READ_ONLY_FOLDERS = ("course", "modules")
READ_ONLY_MESSAGE = ("'{path}' is part of the course and cannot be changed. Your answers are saved "
                     "automatically in your work folder. To keep notes, use 'Save as' and save a copy "
                     "in my-documents.")


def is_course_material(path: str) -> bool:
    """Whether an API path (relative to the view) is the course's own material."""
    parts = PurePosixPath(path.strip("/")).parts
    return bool(parts) and parts[0] in READ_ONLY_FOLDERS


class CourseContentsManager(AsyncLargeFileManager):
    """``AsyncLargeFileManager`` that keeps the course's own pages read-only."""

    def is_writable(self, path):
        if is_course_material(path):
            return False
        return super().is_writable(path)

    def _refuse(self, path: str) -> None:
        if is_course_material(path):
            raise web.HTTPError(403, READ_ONLY_MESSAGE.format(path=path.strip("/")))

    async def save(self, model, path=""):
        self._refuse(path)
        return await super().save(model, path)

    async def delete_file(self, path):
        self._refuse(path)
        return await super().delete_file(path)

    async def rename_file(self, old_path, new_path):
        self._refuse(old_path)
        self._refuse(new_path)
        return await super().rename_file(old_path, new_path)
