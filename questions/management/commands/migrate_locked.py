"""`migrate` for several app servers starting at once: one applies migrations, the rest wait."""

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

# Any fixed number shared by every app server; this one spells "IB" and a version.
MIGRATION_LOCK_ID = 0x4942_0001


class Command(MigrateCommand):
    help = (
        "Apply migrations while holding a PostgreSQL advisory lock, so app servers started "
        "together against one database take turns instead of racing. Then the same as migrate."
    )

    def handle(self, *args, **options) -> None:
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            # Held by this session until unlocked or disconnected, so a crash cannot leave it.
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
        try:
            super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
