"""Uploaded files that no row names: found and deleted.

A submission writes its files before its rows commit (``cases.services._store``), so that an
acknowledged submission never lacks a file. The other side of that order: when the transaction
does not commit (a process killed in the middle, a concurrent retry that won, a database that
went away) the files stay on the disk with no row naming them. They are applicants' documents
(ID cards, certificates), so they must not stay for ever. ``orphans_prune`` deletes every file
under a file field's folder (``materials/``, ``decisions/`` …) that no row names and that is older
than a day, which no transaction in flight can still be writing. The worker runs it every night
(``onething files schedule``); ``onething files orphans`` lists or deletes them by hand.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.storage import Storage
from django.db.models import FileField, Model
from django.utils import timezone
from django_tasks import task

from .daily import at_tomorrow, schedule_once

log = logging.getLogger(__name__)

KEEP_FOR = dt.timedelta(days=1)
BATCH = 500


@dataclass(frozen=True)
class FileFolder:
    """A folder file fields store into, and every field that names files in it."""

    folder: str  # "materials"
    storage: Storage
    fields: tuple[tuple[type[Model], str], ...]  # (model, field name)


def file_folders() -> list[FileFolder]:
    """Every folder of the platform's file fields (the first part of ``upload_to``)."""
    found: dict[tuple[str, int], list[tuple[type[Model], str, Storage]]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and isinstance(field.upload_to, str):
                folder = field.upload_to.split("/", 1)[0]
                if folder and "%" not in folder:
                    key = (folder, id(field.storage))
                    found.setdefault(key, []).append((model, field.name, field.storage))
    return [
        FileFolder(folder, fields[0][2], tuple((m, f) for m, f, _ in fields))
        for (folder, _), fields in found.items()
    ]


def orphan_files(*, older_than: dt.timedelta = KEEP_FOR) -> Iterator[tuple[Storage, str]]:
    """(storage, name) of each file that no row names and that was last written before
    ``now - older_than``."""
    cutoff = timezone.now() - older_than
    for place in file_folders():
        batch: list[str] = []
        for name in _files_below(place.storage, place.folder):
            if place.storage.get_modified_time(name) < cutoff:
                batch.append(name)
            if len(batch) >= BATCH:
                yield from _unnamed(place, batch)
                batch = []
        yield from _unnamed(place, batch)


def orphans_prune(*, older_than: dt.timedelta = KEEP_FOR) -> int:
    """Delete the orphan files; returns how many."""
    deleted = 0
    for storage, name in list(orphan_files(older_than=older_than)):
        storage.delete(name)
        deleted += 1
    if deleted:
        log.warning("deleted %d uploaded file(s) that no row names", deleted)
    return deleted


def _unnamed(place: FileFolder, names: list[str]) -> Iterator[tuple[Storage, str]]:
    """Of ``names``, those that no field storing into the folder names."""
    if not names:
        return
    named: set[str] = set()
    for model, field in place.fields:
        rows = model._default_manager.filter(**{f"{field}__in": names})
        named.update(rows.values_list(field, flat=True))
    for name in names:
        if name not in named:
            yield place.storage, name


def _files_below(storage: Storage, folder: str) -> Iterator[str]:
    if not storage.exists(folder):
        return
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}"
    for sub in sorted(folders):
        yield from _files_below(storage, f"{folder}/{sub}")


# ---------------------------------------------------------------- every night


def orphans_schedule_once() -> bool:
    """Queue the nightly prune unless one is already waiting."""
    return schedule_once(orphans_nightly)


@task()
def orphans_nightly() -> int:
    """Prune now, then schedule the next run at 03:00 local time."""
    deleted = orphans_prune()
    at_tomorrow(orphans_nightly, hour=3)
    return deleted
