"""Load a dump written by `backup` into an empty, migrated database."""

from pathlib import Path

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load a backup (backups/interviewbank-....json.gz) into an empty database. "
        "Refuses a database that already holds questions, users or kits."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The dump written by `manage.py backup`.")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file).resolve()
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        with transaction.atomic():
            found = existing_content()
            if found:
                raise CommandError(
                    "This database is not empty ("
                    + ", ".join(f"{name}: {count}" for name, count in found.items())
                    + "). Restore only into an empty database, so nothing is overwritten or "
                    "mixed: create a new database, run `manage.py migrate`, and restore into it."
                )
            # Migrations create the default groups; the backup holds the groups exactly as
            # they were, permissions included, so it replaces them.
            Group.objects.all().delete()
            call_command("loaddata", str(path), verbosity=0)
        restored = {
            model._meta.verbose_name_plural: model._base_manager.count() for model in _models()
        }
        summary = ", ".join(f"{name}: {count}" for name, count in restored.items() if count)
        self.stdout.write(self.style.SUCCESS(f"Restored {path.name}: {summary}."))


def _models() -> list:
    """The models a backup fills, apart from groups (which a fresh database already has)."""
    return [get_user_model(), *apps.get_app_config("questions").get_models(), LogEntry]


def existing_content() -> dict[str, int]:
    """Row counts of the backed-up models that already have rows."""
    counts = {model._meta.verbose_name_plural: model._base_manager.count() for model in _models()}
    return {name: count for name, count in counts.items() if count}
