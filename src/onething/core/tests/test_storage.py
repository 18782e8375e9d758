"""Files are on the disk, with the folders that name them, before ``save`` returns."""

import os

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage

from onething.core.storage import DurableFileSystemStorage, save_files


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


def test_files_saved_together_are_each_flushed_and_their_folder_once(tmp_path, monkeypatch):
    storage = DurableFileSystemStorage(location=tmp_path)
    storage.save("materials/2026/12/old.pdf", ContentFile(b"old"))
    flushed = recorded_fsyncs(monkeypatch)

    names = save_files(
        storage, [(f"materials/2026/12/{n}.pdf", ContentFile(b"%PDF " + n.encode())) for n in "abc"]
    )

    assert [storage.open(name).read() for name in names] == [b"%PDF a", b"%PDF b", b"%PDF c"]
    assert flushed == [str(tmp_path / name) for name in names] + [
        str(tmp_path / "materials/2026/12")
    ]


def test_files_saved_together_in_new_folders_flush_the_folders_that_name_them(
    tmp_path, monkeypatch
):
    flushed = recorded_fsyncs(monkeypatch)
    storage = DurableFileSystemStorage(location=tmp_path)

    names = save_files(
        storage,
        [("materials/2026/12/a.pdf", ContentFile(b"a")), ("decisions/b.pdf", ContentFile(b"b"))],
    )

    folders = {"materials/2026/12", "materials/2026", "materials", "decisions", "."}
    assert sorted(flushed) == sorted(
        [str(tmp_path / name) for name in names] + [str((tmp_path / f).resolve()) for f in folders]
    )
    assert len(flushed) == len(set(flushed))  # each once


def test_the_same_name_twice_in_one_save_gets_two_files(tmp_path):
    storage = DurableFileSystemStorage(location=tmp_path)
    storage.save("a/x.pdf", ContentFile(b"before"))

    names = save_files(
        storage, [("a/x.pdf", ContentFile(b"one")), ("a/x.pdf", ContentFile(b"two"))]
    )

    assert len({"a/x.pdf", *names}) == 3
    assert [storage.open(name).read() for name in names] == [b"one", b"two"]
    assert storage.open("a/x.pdf").read() == b"before"  # never overwritten


def test_a_name_outside_the_storage_is_refused_and_nothing_written(tmp_path):
    storage = DurableFileSystemStorage(location=tmp_path / "media")
    with pytest.raises(SuspiciousFileOperation):
        save_files(storage, [("../outside.pdf", ContentFile(b"x"))])
    assert not (tmp_path / "outside.pdf").exists()


def test_other_storages_save_each_file_their_own_way():
    storage = InMemoryStorage()
    names = save_files(
        storage, [("a/x.pdf", ContentFile(b"one")), ("a/x.pdf", ContentFile(b"two"))]
    )
    assert [storage.open(name).read() for name in names] == [b"one", b"two"]


def test_a_file_that_cannot_be_written_whole_is_not_left_behind(tmp_path, monkeypatch):
    storage = DurableFileSystemStorage(location=tmp_path)
    storage.save("a/keep.pdf", ContentFile(b"kept"))

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_files(storage, [("a/x.pdf", ContentFile(b"x" * 10))])
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["keep.pdf"]
