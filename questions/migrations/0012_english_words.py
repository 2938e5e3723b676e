"""English words that searches never correct into bank words (questions.models.EnglishWord)."""

import gzip
import json
from importlib.util import find_spec
from pathlib import Path

from django.db import migrations, models

# As search.MIN_CORRECTABLE_LENGTH and the column's length: shorter or longer words are
# never corrected anyway.
SHORTEST, LONGEST = 4, 40


def english_words() -> list[str]:
    """The English word list shipped with the pinned pyspellchecker package."""
    package = Path(find_spec("spellchecker").submodule_search_locations[0])
    with gzip.open(package / "resources" / "en.json.gz", "rt", encoding="utf-8") as file:
        frequencies = json.load(file)
    return sorted(
        word for word in frequencies if SHORTEST <= len(word) <= LONGEST and word.isalpha()
    )


def fill(apps, schema_editor):
    table = apps.get_model("questions", "EnglishWord")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (word) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
            [english_words()],
        )


def empty(apps, schema_editor):
    apps.get_model("questions", "EnglishWord").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("questions", "0011_hash_api_tokens")]

    operations = [
        migrations.CreateModel(
            name="EnglishWord",
            fields=[("word", models.CharField(max_length=40, primary_key=True, serialize=False))],
        ),
        migrations.RunPython(fill, empty),
    ]
