"""Version history for questions, competencies and roles; import/export permissions for
editors; pg_trgm for near-duplicate warnings."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

EDITOR_PERMISSIONS = ["import_question", "export_question"]


def grant_import_export(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure these exist now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("questions")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Question editor")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="questions", codename__in=EDITOR_PERMISSIONS
        )
    )


def record_first_versions(apps, schema_editor):
    # Rows that exist before history begins get a first version, so their current wording
    # can be compared with and restored after the first edit.
    from django.utils import timezone

    now = timezone.now()
    history_fields = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    for name in ["Competency", "Role", "Question"]:
        Model = apps.get_model("questions", name)
        Historical = apps.get_model("questions", f"Historical{name}")
        copied = [f.attname for f in Historical._meta.fields if f.name not in history_fields]
        Historical.objects.bulk_create(
            [
                Historical(
                    history_date=now,
                    history_type="+",
                    history_change_reason="Version kept when history began",
                    **{attname: getattr(obj, attname) for attname in copied},
                )
                for obj in Model.objects.all()
            ],
            batch_size=500,
        )


def revoke_import_export(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="questions", codename__in=EDITOR_PERMISSIONS
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0002_groups'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # IF NOT EXISTS: another migration may already have enabled it.
        TrigramExtension(),
        migrations.AlterModelOptions(
            name='question',
            options={'ordering': ['id'], 'permissions': [('import_question', 'Can import questions from a file'), ('export_question', 'Can export questions to a file')]},
        ),
        migrations.CreateModel(
            name='HistoricalCompetency',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('slug', models.SlugField(max_length=80)),
                ('name', models.CharField(db_index=True, max_length=80)),
                ('description', models.TextField(help_text='One paragraph for interviewers: what this covers.')),
                ('display_order', models.PositiveSmallIntegerField(db_index=True, help_text='Competencies are listed in this order everywhere.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical competency',
                'verbose_name_plural': 'historical competencies',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalQuestion',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('slug', models.SlugField(help_text='Public identifier used in links and imports. Filled in from the text.', max_length=80)),
                ('text', models.TextField(help_text='The question as the interviewer asks it.')),
                ('guidance', models.TextField(help_text='What a good answer shows. Interviewers read this during the interview.', verbose_name='what to look for')),
                ('question_type', models.CharField(choices=[('behavioural', 'Behavioural'), ('situational', 'Situational'), ('technical', 'Technical'), ('approach', 'Approach')], default='behavioural', help_text='Behavioural asks about the past; situational about a scenario; technical about knowledge; approach about how the candidate works.', max_length=20, verbose_name='type')),
                ('level', models.CharField(choices=[('junior', 'Junior'), ('mid', 'Mid-level'), ('senior', 'Senior'), ('lead', 'Lead')], default='mid', help_text='The seniority the question is pitched at.', max_length=20)),
                ('minutes', models.PositiveSmallIntegerField(default=5, help_text='Suggested time for the question and follow-ups, in minutes.')),
                ('is_active', models.BooleanField(default=True, help_text='Retired questions stay in existing kits but are no longer offered.', verbose_name='active')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('competency', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='questions.competency')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical question',
                'verbose_name_plural': 'historical questions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalRole',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('slug', models.SlugField(max_length=80)),
                ('title', models.CharField(db_index=True, max_length=200)),
                ('summary', models.TextField(blank=True, help_text='What the job is, in a paragraph.')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical role',
                'verbose_name_plural': 'historical roles',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(grant_import_export, revoke_import_export),
        migrations.RunPython(record_first_versions, migrations.RunPython.noop),
    ]
