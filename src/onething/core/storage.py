"""File storage that has the bytes on disk before the database is told about them.

A submission's files are written while its rows are inserted, before the commit and the 201. The
operating system would otherwise keep them in memory for a few seconds, so a power cut just
after the 201 could lose a file of an acknowledged submission. ``DurableFileSystemStorage``
flushes each file and its folder, and the parents of any folder it had to create, to the disk
before it returns. On the development machine this costs about 0.25 ms a file (``docs/faults.md``).
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
        folder = Path(self.path(name)).parent
        missing = [] if folder.is_dir() else self._missing_folders(folder)
        saved: str = super()._save(name, content)  # type: ignore[misc]  # not in the stubs
        full = Path(self.path(saved))
        fsync_path(full)
        fsync_path(full.parent)  # the file's entry
        for created in missing:  # a new folder (materials/2026/12/) is an entry of its parent
            fsync_path(created.parent)
        return saved

    def _missing_folders(self, folder: Path) -> list[Path]:
        root = Path(self.location).resolve()
        folder = folder.resolve()
        return [f for f in (folder, *folder.parents) if root in f.parents and not f.exists()]
