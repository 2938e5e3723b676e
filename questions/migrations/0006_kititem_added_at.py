"""When each question was added to its kit, for the question's usage in the admin.

Items that predate this column get their kit's creation time: the earliest they can have
been added, so no question looks more recently chosen than it was. The column is added
NOT NULL in one step and filled afterwards, so the table is not altered again once rows
have changed in this transaction.
"""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def added_when_the_kit_was_created(apps, schema_editor):
    Kit = apps.get_model("questions", "Kit")
    KitItem = apps.get_model("questions", "KitItem")
    KitItem.objects.update(
        added_at=Subquery(Kit.objects.filter(pk=OuterRef("kit_id")).values("created_at")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("questions", "0005_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="kititem",
            name="added_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="added"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(added_when_the_kit_was_created, migrations.RunPython.noop),
    ]
