"""The full-text index keys each question by its shard of ids as well as by its words.

A search for words that are common together (a sentence) can then look in the newest
shards alone: GIN skips through the words' lists straight to those shards' questions
rather than reading every list from the start. btree_gin lets a GIN index hold the
shard number; it is a trusted extension, so a database owner may create it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

SEARCH_SHARD_IDS = 2**17  # as in questions.models, fixed here as the index was built


class Migration(migrations.Migration):
    dependencies = [("questions", "0009_count_indexes")]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="question", name="question_search_vector_idx"),
        migrations.AddIndex(
            model_name="question",
            index=GinIndex(
                models.ExpressionWrapper(
                    models.F("id") / SEARCH_SHARD_IDS, output_field=models.BigIntegerField()
                ),
                "search_vector",
                name="question_search_vector_idx",
            ),
        ),
    ]
