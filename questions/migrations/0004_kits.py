"""Interview kits and their items; hiring managers get the permissions to build them.

Depends on 0002 for the groups; kits do not depend on anything in between.
"""

import django.db.models.constraints
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


KIT_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("kit", "kititem")
    for action in ("add", "change", "delete", "view")
]


def grant_kit_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("questions")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Hiring manager")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="questions", codename__in=KIT_PERMISSIONS
        )
    )


def revoke_kit_permissions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Hiring manager"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="questions", codename__in=KIT_PERMISSIONS
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ('questions', '0003_question_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Kit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('title', models.CharField(max_length=200)),
                ('notes', models.TextField(blank=True, help_text='For the interviewer: the purpose of this interview and what to cover.', verbose_name='interview prep notes')),
                ('target_minutes', models.PositiveSmallIntegerField(default=45, help_text='The length of the interview slot, in minutes.', verbose_name='target duration')),
                ('is_archived', models.BooleanField(default=False, verbose_name='archived')),
                ('share_token', models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('competencies', models.ManyToManyField(blank=True, help_text='The competencies this interview should cover.', related_name='kits', to='questions.competency')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kits', to=settings.AUTH_USER_MODEL)),
                ('role', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='kits', to='questions.role')),
            ],
            options={
                'ordering': ['-updated_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='KitItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('minutes', models.PositiveSmallIntegerField()),
                ('note', models.TextField(blank=True, verbose_name='interviewer note')),
                ('pinned_text', models.TextField()),
                ('pinned_guidance', models.TextField()),
                ('seen_text', models.TextField(blank=True)),
                ('seen_guidance', models.TextField(blank=True)),
                ('kit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='questions.kit')),
                ('question', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='kit_items', to='questions.question')),
            ],
            options={
                'ordering': ['kit', 'position'],
            },
        ),
        migrations.AddIndex(
            model_name='kit',
            index=models.Index(fields=['owner', 'is_archived'], name='kit_owner_archived_idx'),
        ),
        migrations.AddConstraint(
            model_name='kit',
            constraint=models.CheckConstraint(condition=models.Q(('target_minutes__gte', 5), ('target_minutes__lte', 480)), name='kit_target_minutes_in_range', violation_error_message='The target duration must be between 5 and 480 minutes.'),
        ),
        migrations.AddConstraint(
            model_name='kititem',
            constraint=models.UniqueConstraint(fields=('kit', 'question'), name='kititem_unique_question_per_kit', violation_error_message='This question is already in the kit.'),
        ),
        migrations.AddConstraint(
            model_name='kititem',
            constraint=models.UniqueConstraint(deferrable=django.db.models.constraints.Deferrable['DEFERRED'], fields=('kit', 'position'), name='kititem_unique_position_per_kit'),
        ),
        migrations.AddConstraint(
            model_name='kititem',
            constraint=models.CheckConstraint(condition=models.Q(('position__gte', 1)), name='kititem_position_from_1'),
        ),
        migrations.AddConstraint(
            model_name='kititem',
            constraint=models.CheckConstraint(condition=models.Q(('minutes__gte', 1), ('minutes__lte', 120)), name='kititem_minutes_between_1_and_120', violation_error_message='Minutes must be between 1 and 120.'),
        ),
        migrations.RunPython(grant_kit_permissions, revoke_kit_permissions),
    ]
