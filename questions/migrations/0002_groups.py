"""Create the three groups people are put in, with their permissions."""

from django.db import migrations

GROUP_PERMISSIONS = {
    "Recruiter": [
        "questions.view_competency",
        "questions.view_role",
        "questions.view_question",
    ],
    "Hiring manager": [
        "questions.view_competency",
        "questions.view_role",
        "questions.view_question",
    ],
    "Question editor": [
        "questions.view_competency",
        "questions.add_competency",
        "questions.change_competency",
        "questions.view_role",
        "questions.add_role",
        "questions.change_role",
        "questions.view_question",
        "questions.add_question",
        "questions.change_question",
    ],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
