"""Django set up for the fuzz harnesses: test settings, in-memory SQLite, migrated once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onething.settings.test")
os.environ.pop("DATABASE_URL", None)  # always the throwaway in-memory database


def setup(*, database: bool = False) -> None:
    import django

    django.setup()
    if database:
        from django.core.management import call_command
        from django.db import connection

        connection.settings_dict["NAME"] = ":memory:"
        call_command("migrate", verbosity=0)
        from onething.org.loader import load_org

        load_org()
