"""File storage that has the bytes on disk before the database is told about them.

A submission's files are written while its rows are inserted, before the commit and the 201. The
operating system would otherwise keep them in memory for a few seconds, so a power cut just
after the 201 could lose a file of an acknowledged submission. ``DurableFileSystemStorage``
flushes each file and its folder, and the parents of any folder it had to create, to the disk
before it returns. On the development machine this costs about 0.25 ms a file (``docs/faults.md``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage
from django.core.files.utils import validate_file_name


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

    def save_many(self, files: Sequence[tuple[str, File[Any]]]) -> list[str]:
        """Save new files together: each file is flushed as it is written, then each folder
        once for all of its new entries (a submission's six files cost seven flushes, not
        twelve). Names as ``save`` gives them: the name asked for, or a variant of it when
        that one is taken. Returns the names."""
        folders: dict[Path, None] = {}  # ordered: folders that hold a new entry
        for name, _content in files:
            folder = Path(self.path(name)).parent
            if folder not in folders and not folder.is_dir():
                for created in reversed(self._missing_folders(folder)):
                    folders[created.parent] = None
                os.makedirs(folder, mode=self.directory_permissions_mode or 0o777, exist_ok=True)
            folders[folder] = None
        saved = [self._write_new(name, content) for name, content in files]
        for folder in folders:
            fsync_path(folder)
        return saved

    def _write_new(self, name: str, content: File[Any]) -> str:
        validate_file_name(name, allow_relative_path=True)
        while True:
            path = self.path(name)
            try:
                fd = os.open(
                    path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
                )
            except FileExistsError:
                name = self.get_alternative_name(*os.path.splitext(name))
                continue
            try:
                for chunk in content.chunks():
                    view = memoryview(chunk if isinstance(chunk, bytes) else chunk.encode())
                    while view:
                        view = view[os.write(fd, view) :]
                os.fsync(fd)
            except BaseException:
                os.close(fd)
                os.unlink(path)  # no half-written file left behind (a full disk, say)
                raise
            os.close(fd)
            if self.file_permissions_mode is not None:
                os.chmod(path, self.file_permissions_mode)
            return name.replace("\\", "/")

    def _missing_folders(self, folder: Path) -> list[Path]:
        root = Path(self.location).resolve()
        folder = folder.resolve()
        return [f for f in (folder, *folder.parents) if root in f.parents and not f.exists()]


def save_files(storage: Storage, files: Sequence[tuple[str, File[Any]]]) -> list[str]:
    """Save several new files in ``storage``, together where it can (durable storage flushes
    each folder once); returns the names they were saved under."""
    if isinstance(storage, DurableFileSystemStorage):
        return storage.save_many(files)
    return [storage.save(name, content) for name, content in files]
