"""Indexes that let capped counts read indexes alone, whatever the size of the bank.

A role's questions in one competency (the role page) were counted by walking every
question in id order until 1,001 matched: hundreds of milliseconds at a million
questions. With the active questions of a competency and the questions of a role each
in an index in id order, the count merges the two and stops at 1,001.
"""

from django.db import migrations, models

ROLE_LINKS_INDEX = "question_roles_role_question_idx"


class Migration(migrations.Migration):
    dependencies = [("questions", "0008_question_text_length")]

    operations = [
        migrations.RemoveIndex(model_name="question", name="question_competency_idx"),
        migrations.AddIndex(
            model_name="question",
            index=models.Index(
                fields=["competency", "id"],
                include=("is_active",),
                name="question_competency_active_idx",
            ),
        ),
        # The link table is Django's own for the many-to-many field, so it has no model
        # to declare an index on.
        migrations.RunSQL(
            f"CREATE INDEX {ROLE_LINKS_INDEX} ON questions_question_roles (role_id, question_id)",
            f"DROP INDEX {ROLE_LINKS_INDEX}",
        ),
    ]
