"""Files are on the disk, with the folders that name them, before ``save`` returns."""

import os

from django.core.files.base import ContentFile

from onething.core.storage import DurableFileSystemStorage


def recorded_fsyncs(monkeypatch) -> list[str]:
    flushed: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    return flushed


def test_a_saved_file_and_its_new_folders_are_flushed_to_the_disk(tmp_path, monkeypatch):
    flushed = recorded_fsyncs(monkeypatch)
    storage = DurableFileSystemStorage(location=tmp_path)

    name = storage.save("materials/2026/12/出生医学证明.pdf", ContentFile(b"%PDF-1.7 test"))

    assert (tmp_path / name).read_bytes() == b"%PDF-1.7 test"
    assert sorted(flushed) == sorted(
        [
            str(tmp_path / name),
            str(tmp_path / "materials/2026/12"),  # the file's entry
            str(tmp_path / "materials/2026"),  # the entries of the three new folders
            str(tmp_path / "materials"),
            str(tmp_path),
        ]
    )


def test_in_a_folder_that_exists_the_file_and_its_folder_are_flushed(tmp_path, monkeypatch):
    storage = DurableFileSystemStorage(location=tmp_path)
    storage.save("materials/2026/12/a.pdf", ContentFile(b"a"))
    flushed = recorded_fsyncs(monkeypatch)

    name = storage.save("materials/2026/12/b.pdf", ContentFile(b"b"))

    assert flushed == [str(tmp_path / name), str(tmp_path / "materials/2026/12")]


def test_a_second_file_of_the_same_name_gets_its_own_name_and_is_flushed(tmp_path):
    storage = DurableFileSystemStorage(location=tmp_path)
    first = storage.save("a/x.pdf", ContentFile(b"one"))
    second = storage.save("a/x.pdf", ContentFile(b"two"))
    assert first != second
    assert storage.open(first).read() == b"one"
    assert storage.open(second).read() == b"two"


def test_development_and_production_store_uploads_durably():
    from onething.settings import base

    assert base.STORAGES["default"]["BACKEND"] == "onething.core.storage.DurableFileSystemStorage"
