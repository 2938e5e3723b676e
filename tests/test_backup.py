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
from django.test import Client
from rest_framework.authtoken.models import Token

from questions.kits import balance, item_rules, queries, rules
from questions.management.commands.backup import BACKUP_EXCLUDE, BACKUP_FORMAT, BACKUP_LABELS
from questions.models import Competency, Kit, Question, Role
from tests.helpers import PASSWORD

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
        "dumpdata",
        *BACKUP_LABELS,
        exclude=BACKUP_EXCLUDE,
        format=BACKUP_FORMAT,
        natural_foreign=True,
        stdout=out,
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
    Token.objects.create(user=recruiter)  # a working credential: never written to a backup
    editor.user_permissions.add(Permission.objects.get(codename="delete_question"))
    LogEntry.objects.log_actions(
        user_id=superuser.pk, queryset=[question], action_flag=CHANGE, change_message="Edited"
    )
    # The owner's kits: one shared, with notes, pinned wording the bank has moved on from and a
    # wording kept on purpose; one archived.
    role = Role.objects.get(slug="e-commerce-operations-manager")
    kit = balance.kit_create_from_role(
        owner=owner,
        role=role,
        title="Second interview",
        target_minutes=45,
        competencies=Competency.objects.filter(slug__in=["strategy", "leadership"]),
        notes="Probe for numbers.",
    )
    first, second = kit.items.order_by("position")[:2]
    item_rules.kit_update_item(item=first, minutes=9, note="Ask for the last quarter’s figures.")
    for item, wording in [(first, "Reworded by an editor?"), (second, "Also reworded?")]:
        item.question.text = wording
        item.question.save()
    item_rules.kit_keep_wording(item=second)
    rules.kit_share(kit=kit)
    rules.kit_archive(kit=rules.kit_duplicate(kit=kit, owner=owner))


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
    assert authenticate(username="rita", password=PASSWORD) is not None
    assert (
        Group.objects.get(name="Question editor")
        .permissions.filter(codename="change_question")
        .exists()
    )
    assert LogEntry.objects.get().content_type == ContentType.objects.get_for_model(Question)


def test_kits_come_back_whole_with_their_owner(lived_in, tmp_path):
    kit = Kit.objects.get(title="Second interview")
    items = list(kit.items.order_by("position").values())
    assert items[0]["pinned_text"] != Question.objects.get(pk=items[0]["question_id"]).text
    dump = backup(tmp_path)
    empty_the_database()
    assert not Kit.objects.exists()

    call_command("restore", str(dump), stdout=StringIO())

    restored = Kit.objects.get(code=kit.code)
    assert restored.owner.username == "olivia"
    assert (restored.notes, restored.share_token) == ("Probe for numbers.", kit.share_token)
    assert sorted(restored.competencies.values_list("slug", flat=True)) == [
        "leadership",
        "strategy",
    ]
    assert list(restored.items.order_by("position").values()) == items
    assert Kit.objects.get(is_archived=True).items.count() == len(items)
    # The kit reads as it did: pinned wording, flags, and the shared link.
    page = Client().get(f"/kits/shared/{kit.share_token}/").content.decode()
    assert items[0]["pinned_text"] in page
    assert "Ask for the last quarter’s figures." in page
    summary = queries.kit_summary(restored)
    assert (summary.count, summary.changed) == (len(items), 1)
    assert authenticate(username="olivia", password=PASSWORD) == restored.owner


def test_question_history_comes_back_version_for_version(lived_in, editor, tmp_path):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    question.guidance = "An editor's second thought."
    question._change_reason = "Clearer for new interviewers"
    question._history_user = editor  # as the admin records who saved
    question.save()
    versions = list(question.history.order_by("history_id").values())
    assert len(versions) >= 3
    dump = backup(tmp_path)
    empty_the_database()
    assert not Question.history.exists()

    call_command("restore", str(dump), stdout=StringIO())

    restored = Question.objects.get(pk=question.pk)
    assert list(restored.history.order_by("history_id").values()) == versions
    latest = restored.history.latest()
    assert (latest.history_user.username, latest.history_change_reason) == (
        "edith",
        "Clearer for new interviewers",
    )
    assert latest.prev_record.guidance.startswith("Rewritten by an editor")
    # New versions continue after the restored ones.
    restored.minutes = 7
    restored.save()
    assert restored.history.latest().history_id > latest.history_id


def test_history_of_a_since_deleted_competency_does_not_stop_a_backup(lived_in, tmp_path):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    home = question.competency
    interim = Competency.objects.create(
        slug="interim", name="Interim", description="Briefly used.", display_order=30
    )
    question.competency = interim
    question.save()
    question.competency = home
    question.save()
    interim_id = interim.pk
    interim.delete()  # allowed: no question is in it now; one version still points at it
    before = everything()
    dump = backup(tmp_path)
    empty_the_database()

    call_command("restore", str(dump), stdout=StringIO())

    assert everything() == before
    assert interim_id in question.history.values_list("competency_id", flat=True)


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
    assert {
        "questions.competency",
        "questions.role",
        "questions.kit",
        "questions.kititem",
    } <= models
    assert {
        "questions.historicalquestion",
        "questions.historicalcompetency",
        "questions.historicalrole",
    } <= models
    assert not models & {
        "sessions.session",
        "axes.accessattempt",
        "auth.permission",
        "authtoken.token",
    }
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
