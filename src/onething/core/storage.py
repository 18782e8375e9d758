"""File storage that has the bytes on disk before the database is told about them.

A submission's files are written while its rows are inserted, before the commit and the 201. The
operating system would otherwise keep them in memory for a few seconds, so a power cut just
after the 201 could lose a file of an acknowledged submission. ``DurableFileSystemStorage``
flushes each file, and the folders that name it up to the storage root, to the disk before it
returns. On the development machine this costs about 0.25 ms a file (``docs/faults.md``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage


def fsync_path(path: str | os.PathLike[str]) -> None:
    """Flush a file or a folder (its entries) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class DurableFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` whose ``save`` returns only once the file survives a power cut."""

    def _save(self, name: str, content: Any) -> str:
        saved: str = super()._save(name, content)  # type: ignore[misc]  # not in the stubs
        full = Path(self.path(saved))
        fsync_path(full)
        root = Path(self.location).resolve()
        folder = full.parent
        # new folders (materials/2026/12/) are entries of their parents: flush up to the root
        while True:
            fsync_path(folder)
            if folder == root or root not in folder.parents:
                break
            folder = folder.parent
        return saved
