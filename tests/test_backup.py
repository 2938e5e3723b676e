"""Backups: `make backup` writes a dated dump that `make restore` loads into an empty database."""

import gzip
import json
import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection

from questions.management.commands.backup import BACKUP_EXCLUDE, BACKUP_LABELS
from questions.models import Competency, Question, Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def backup(folder: Path) -> Path:
    call_command("backup", output_dir=str(folder), stdout=StringIO())
    [dump] = folder.glob("interviewbank-*.json.gz")
    return dump


def everything() -> list[dict]:
    """All backed-up rows, with their ids, as dumpdata sees them: the thing that must survive."""
    out = StringIO()
    call_command(
        "dumpdata", *BACKUP_LABELS, exclude=BACKUP_EXCLUDE, natural_foreign=True, stdout=out
    )
    return json.loads(out.getvalue())


def empty_the_database() -> None:
    """What a brand-new, migrated database looks like: no rows, then post-migrate data again."""
    with connection.cursor() as cursor:
        # Inside the test's transaction, pending foreign-key checks would block TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False, verbosity=0)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # flush also drops the groups a migration made; a fresh database has them.
    for name in ["Recruiter", "Hiring manager", "Question editor"]:
        Group.objects.create(name=name)


@pytest.fixture
def lived_in(seed_bank, recruiter, owner, editor, django_user_model) -> None:
    """The seed bank plus the kind of changes a few months of use leave behind."""
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    question.guidance = "Rewritten by an editor, with “curly quotes” and an émoji ✓."
    question.save()
    Question.objects.filter(slug__startswith="describe-a-time").update(is_active=False)
    Role.objects.create(slug="buyer", title="Buyer", summary="")
    superuser = django_user_model.objects.create_superuser("sam", password="sams-long-password")
    editor.user_permissions.add(Permission.objects.get(codename="delete_question"))
    LogEntry.objects.log_actions(
        user_id=superuser.pk, queryset=[question], action_flag=CHANGE, change_message="Edited"
    )


def test_a_backup_and_restore_round_trip_loses_nothing(lived_in, tmp_path):
    before = everything()
    dump = backup(tmp_path)
    empty_the_database()
    # Permissions and content types now have new ids: the dump must refer to them by name.
    assert Question.objects.count() == 0

    out = StringIO()
    call_command("restore", str(dump), stdout=out)

    assert everything() == before
    assert "questions: 60" in out.getvalue()
    assert authenticate(username="rita", password="a-long-test-password") is not None
    assert (
        Group.objects.get(name="Question editor")
        .permissions.filter(codename="change_question")
        .exists()
    )
    assert LogEntry.objects.get().content_type == ContentType.objects.get_for_model(Question)


def test_after_a_restore_new_rows_get_fresh_ids(lived_in, tmp_path):
    dump = backup(tmp_path)
    empty_the_database()
    call_command("restore", str(dump), stdout=StringIO())
    competency = Competency.objects.create(
        slug="negotiation", name="Negotiation", description="Deals.", display_order=20
    )
    assert competency.pk > Competency.objects.exclude(pk=competency.pk).latest("pk").pk


def test_the_dump_is_dated_compressed_and_named_by_natural_keys(lived_in, tmp_path):
    dump = backup(tmp_path)
    assert re.fullmatch(r"interviewbank-\d{8}-\d{6}\.json\.gz", dump.name)
    rows = json.loads(gzip.decompress(dump.read_bytes()))
    models = {row["model"] for row in rows}
    assert {"auth.group", "auth.user", "questions.question", "admin.logentry"} <= models
    assert {"questions.competency", "questions.role"} <= models
    assert not models & {"sessions.session", "axes.accessattempt", "auth.permission"}
    group = next(row for row in rows if row["model"] == "auth.group")
    assert ["view_question", "questions", "question"] in group["fields"]["permissions"]
    assert not list(tmp_path.glob(".*partial*"))


def test_restore_refuses_a_database_that_is_not_empty(lived_in, tmp_path):
    dump = backup(tmp_path)
    with pytest.raises(CommandError, match="This database is not empty") as refused:
        call_command("restore", str(dump))
    assert "questions: 60" in str(refused.value)
    assert "create a new database" in str(refused.value)
    assert Question.objects.count() == 60


def test_restore_names_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "nope.json.gz"))


def test_make_restore_without_a_file_says_how_to_use_it():
    result = subprocess.run(
        ["make", "--no-print-directory", "restore"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Usage: make restore FILE=backups/" in result.stdout
