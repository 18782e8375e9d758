"""A trigram index on the application number, for the staff queue's search (PostgreSQL only).

The queue finds applications by any part of their number (``number LIKE '%…%'``), which no
B-tree index serves: at a million applications one search read the whole table (about 650 ms).
``pg_trgm`` (a trusted extension: the database owner may create it) and a GIN index bring it to
about 10 ms. SQLite has neither and scans, which is fine at its sizes.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS application_number_trgm "
    "ON cases_application USING gin (number gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS application_number_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_list_indexes"),
    ]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
