"""atheris: the catalog loader on any one-thing file (the input bytes written as the YAML file;
the real data elements and items are loaded once, before fuzzing). Every run is rolled back;
the only allowed failure is a ``LoadError`` naming the file, the entry and the field.

    .venv/bin/python fuzz/fuzz_catalog_loader.py -atheris_runs=3000 fuzz/corpus/catalog_loader
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import _django
import atheris

_django.setup(database=True)

with atheris.instrument_imports(include=["onething"]):
    from onething.catalog import loader
    from onething.core.dataload import LoadError

from django.db import transaction  # noqa: E402

from onething.catalog.models import ServiceItem  # noqa: E402
from onething.org.models import DepartmentKind, Region  # noqa: E402

loader.load_catalog()
KINDS = {k.seed_name: k for k in DepartmentKind.objects.all()}
ITEMS = {item.code: item for item in ServiceItem.objects.all()}
REGION = Region.objects.get(code=loader.DEFAULT_REGION)
FILE = Path(tempfile.mkdtemp(prefix="fuzz-catalog-")) / "one.yaml"


class Rollback(Exception):
    pass


def test_one_input(data: bytes) -> None:
    FILE.write_bytes(data)
    try:
        with transaction.atomic():
            loader._load_one_thing(FILE, KINDS, ITEMS, REGION)
            raise Rollback
    except (LoadError, Rollback):
        pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
