"""The incident list's free text (``IncidentFilter.filter_text``: ``icontains`` on the
description, the place and the police's type) with trigram indexes on PostgreSQL (issue 18):
Django writes ``icontains`` as ``UPPER(column::text) LIKE UPPER('%…%')``, so the indexes are on
that expression: the search is then a bitmap of three GIN indexes instead of reading every row
of the municipality.

Only on PostgreSQL (SQLite, the development database, searches without an index), and not in
the models' ``Meta.indexes`` for that reason. ``pg_trgm`` is a trusted extension (PostgreSQL
13+): the database's owner may create it. Where the role may not, the migration says so and
goes on: the search works without the indexes, only slower.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

COLUMNS = ("description", "place", "police_type")
TABLE = "situation_reports_incident"


def index_name(column):
    return f"incident_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        logger.warning("pg_trgm could not be created (%s): free text searches without it", error)
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name(column)} ON {TABLE} "
            f"USING gin ((upper({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name(column)}")


class Migration(migrations.Migration):
    dependencies = [("situation_reports", "0019_retention_dates_in_range")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
