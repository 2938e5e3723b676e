"""Write a dated, consistent dump of everything people made: the bank, kits and accounts."""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management import BaseCommand, call_command
from django.db import connection, transaction

# What a backup holds, in an order loaddata can follow. Every model of the questions app is
# included, so kits and their items, and the versions of every question, competency and
# role (their edit history: an editor's work too), are backed up without a change here.
# Left out on purpose: sessions (people sign in again), sign-in attempt records, and
# content types and permissions, which `migrate` creates and the dump refers to by name.
BACKUP_LABELS = ["auth.group", "auth.user", "questions", "admin.logentry"]
# Derived data that database triggers rebuild from the questions as they are restored, and
# files uploaded for an import that was never confirmed.
BACKUP_EXCLUDE = ["questions.SearchTerm", "questions.EnglishWord", "questions.ImportUpload"]
# Django's JSON, keeping microseconds and history that points at a since-deleted row.
BACKUP_FORMAT = "backup-json"
serializers.register_serializer(BACKUP_FORMAT, "questions.backup_format")


class Command(BaseCommand):
    help = (
        "Write backups/interviewbank-<UTC date and time>.json.gz: questions, competencies, "
        "roles, kits, users and groups, and the admin change history. Restore with `restore`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output-dir",
            default=str(settings.BASE_DIR / "backups"),
            help="Folder for the dump (default: backups/ in the project).",
        )

    def handle(self, *args, output_dir: str, **options) -> None:
        folder = Path(output_dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(tz=UTC).strftime("%Y%m%d-%H%M%S")
        target = folder / f"interviewbank-{stamp}.json.gz"
        # Written under a temporary name and renamed at the end, so a dump that failed half
        # way never looks like a good one.
        partial = folder / f".{target.name}.partial.json.gz"
        try:
            self._dump(partial)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.rename(target)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))

    def _dump(self, path: Path) -> None:
        """Dump every backed-up model from a single read-only snapshot."""
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:  # inside a caller's transaction (tests), that one is the snapshot
                # One snapshot for every table: rows changed while the dump runs are either
                # all in it or all out of it.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            call_command(
                "dumpdata",
                *BACKUP_LABELS,
                exclude=BACKUP_EXCLUDE,
                format=BACKUP_FORMAT,
                natural_foreign=True,
                output=str(path),
                verbosity=0,
            )
