"""Scale-out: a bank version that tells cached pages when the bank changed, and import files
kept in the database so any app server can confirm an import another one previewed.

The bank version is one row, bumped by statement-level triggers on every table the cached
pages and search results are built from (questions, their roles, competencies, roles). A
database-side version rather than application code, because questions change through the
admin, imports, fixture loads, the API, bulk loaders and raw SQL alike: every one of them
passes through the triggers, and a statement touching a million rows bumps it once.

- Reading it is one primary-key lookup of a one-row table, at any size of bank.
- The bump happens in the writing transaction, so the new version becomes visible together
  with the change, on the primary and, later, on each replica with the rows it describes.
- BEFORE the statement, so a transaction takes the row's lock before it locks any question:
  writers queue at the version row instead of deadlocking over questions (and search words).
- The value is the clock in microseconds (or the last value plus one, whichever is larger),
  so a version is never handed out twice: not after a rolled-back transaction, nor after a
  database is restored from a backup.
"""

from django.db import migrations, models

BANK_TABLES = ["questions_question", "questions_question_roles", "questions_competency", "questions_role"]

BANK_VERSION_SQL = r"""
CREATE TABLE questions_bank_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version bigint NOT NULL
);

CREATE FUNCTION questions_bank_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO questions_bank_version AS v (singleton, version)
    VALUES (true, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
    ON CONFLICT (singleton) DO UPDATE SET version = greatest(v.version + 1, EXCLUDED.version);
    RETURN NULL;
END
$$;

INSERT INTO questions_bank_version (version)
VALUES ((extract(epoch FROM clock_timestamp()) * 1000000)::bigint);
""" + "".join(
    f"""
CREATE TRIGGER {table}_bank_version
    BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION questions_bank_version_bump();
"""
    for table in BANK_TABLES
)

DROP_BANK_VERSION_SQL = "".join(
    f"DROP TRIGGER IF EXISTS {table}_bank_version ON {table};\n" for table in BANK_TABLES
) + """
DROP FUNCTION IF EXISTS questions_bank_version_bump();
DROP TABLE IF EXISTS questions_bank_version;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0006_kititem_added_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportUpload",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=64, unique=True)),
                ("data", models.BinaryField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["created_at"],
            },
        ),
        # Not a model: `flush`, dumps and fixture loads (backup and restore) leave it alone,
        # so none of them can put an old version back.
        migrations.RunSQL(BANK_VERSION_SQL, DROP_BANK_VERSION_SQL),
    ]
