"""Where uploaded files are kept."""

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class MediaStorage(FileSystemStorage):
    """Django's file storage, which removes what it wrote when a save fails half-way (a full
    disk, a quota) instead of leaving a truncated file behind; the error goes on to the
    caller, whose transaction then writes nothing either."""

    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            if not existed:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            raise
