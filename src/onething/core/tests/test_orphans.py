"""Uploaded files that no row names (a submission whose transaction did not commit) are found
and deleted once they are a day old; files that rows name are never touched."""

import datetime as dt

import pytest
from django.core.files.storage import InMemoryStorage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from onething.accounts.demo import load_demo
from onething.accounts.models import User
from onething.cases.models import Material
from onething.cases.services import application_submit_once
from onething.cases.tests.conftest import NEWBORN
from onething.cases.tests.factories import submission
from onething.catalog.guide import compute_guide
from onething.catalog.selectors import version_current
from onething.core.orphans import file_folders, orphan_files, orphans_prune, orphans_schedule_once
from onething.core.storage import DurableFileSystemStorage

NOW = dt.timedelta(0)


class Interrupted(Exception):
    pass


@pytest.fixture(params=["disk", "memory"])
def own_storage(request, monkeypatch, tmp_path):
    """A storage of this test's own for every file field: the platform's (files on the disk)
    and the tests' in-memory kind (whose default lives as long as the process, with other
    tests' files in it)."""
    storage = (
        DurableFileSystemStorage(location=tmp_path)
        if request.param == "disk"
        else (InMemoryStorage())
    )
    for place in file_folders():
        for model, field in place.fields:
            monkeypatch.setattr(model._meta.get_field(field), "storage", storage)
    return storage


@pytest.fixture
def stored_and_lost(catalog, own_storage):
    """One submission stored; a second whose transaction was rolled back after its files
    were written (as when the process dies before the commit)."""
    version = version_current(NEWBORN)
    guide = compute_guide(version.snapshot, start=timezone.localdate())
    load_demo()
    actor = User.objects.get(username="zhangsan")
    kept, _ = application_submit_once(actor=actor, submission=submission(guide, NEWBORN))
    with pytest.raises(Interrupted), transaction.atomic():
        application_submit_once(actor=actor, submission=submission(guide, NEWBORN))
        raise Interrupted
    return [m.file.name for m in Material.objects.filter(application=kept).exclude(file="")]


def test_every_file_field_with_a_folder_of_its_own_is_looked_at():
    assert {f.folder for f in file_folders()} >= {"materials", "decisions", "objections"}


def test_the_files_of_a_rolled_back_submission_are_orphans(stored_and_lost):
    found = [name for _, name in orphan_files(older_than=NOW)]
    assert stored_and_lost and len(found) == len(stored_and_lost)  # the same form, lost
    assert not set(found) & set(stored_and_lost)


def test_files_younger_than_a_day_are_left_to_the_transactions_still_writing_them(
    stored_and_lost,
):
    assert list(orphan_files()) == []
    assert orphans_prune() == 0


def test_pruning_deletes_the_orphans_and_keeps_every_named_file(stored_and_lost):
    assert orphans_prune(older_than=NOW) == len(stored_and_lost)
    assert list(orphan_files(older_than=NOW)) == []
    for material in Material.objects.exclude(file=""):
        assert material.file.read()  # still there


def test_the_command_lists_then_deletes(stored_and_lost, capsys):
    lost = len(stored_and_lost)
    call_command("files", "orphans", "--hours", "0")
    listed = capsys.readouterr().out
    assert listed.count("materials/") == lost and f"({lost} orphan files)" in listed
    call_command("files", "orphans", "--hours", "0", "--delete")
    assert f"deleted {lost} orphan files" in capsys.readouterr().out
    assert list(orphan_files(older_than=NOW)) == []


def test_the_nightly_prune_is_queued_once(db, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    assert orphans_schedule_once() is True
    assert orphans_schedule_once() is False


def test_a_file_named_by_any_field_of_a_shared_folder_is_kept(stored_and_lost, own_storage):
    from onething.cases.models import Task
    from onething.core.orphans import FileFolder, _unnamed

    shared = FileFolder("materials", own_storage, ((Task, "attachment"), (Material, "file")))
    lost = [name for _, name in orphan_files(older_than=NOW)]
    checked = [name for _, name in _unnamed(shared, stored_and_lost + lost)]
    assert checked == lost  # Material names the kept ones though Task names none of them
