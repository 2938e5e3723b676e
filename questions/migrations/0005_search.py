"""Full-text search: a stored search vector with its GIN index, and the vocabulary of the
bank's words (trigram-indexed) that typo correction looks words up in.

The vocabulary is kept current by statement-level triggers on the question table rather
than by application code: every way a question changes (admin, fixtures, bulk updates,
imports, raw SQL) passes through them, and a statement touching many rows updates each word
once. A bulk loader may switch them off for its session with
``SET questions.vocabulary_sync = 'off'`` and then call ``questions_searchterm_rebuild()``
(or ``manage.py rebuild_search_vocabulary``).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

VOCABULARY_SQL = r"""
-- The distinct words of a question, as typed (lower-cased, not stemmed), with at least one
-- letter and at most forty characters: corrections are chosen among them, and their
-- counts tell a search how common each stem is.
CREATE FUNCTION questions_search_words(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(w), '{}')
    FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, doc))) AS w
    WHERE length(w) <= 40 AND w ~ '[[:alpha:]]'
$$;

-- Add (or, with negative counts, take away) questions using each word.
CREATE FUNCTION questions_searchterm_apply(words text[], counts integer[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    -- Sorted, so concurrent writers lock shared words in the same order.
    INSERT INTO questions_searchterm AS t (word, lexeme, document_count)
    SELECT d.word, coalesce((ts_lexize('english_stem', d.word))[1], ''), d.n
    FROM unnest(words, counts) AS d(word, n)
    WHERE d.n <> 0
    ORDER BY d.word
    ON CONFLICT (word) DO UPDATE SET document_count = t.document_count + EXCLUDED.document_count;
    DELETE FROM questions_searchterm WHERE word = ANY(words) AND document_count <= 0;
END
$$;

CREATE FUNCTION questions_question_vocabulary() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    words text[];
    counts integer[];
BEGIN
    IF coalesce(current_setting('questions.vocabulary_sync', true), '') = 'off' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(d.w), array_agg(d.n) INTO words, counts FROM (
            SELECT w, count(*)::integer AS n
            FROM new_rows AS r, unnest(questions_search_words(r.text || ' ' || r.guidance)) AS w
            WHERE r.is_active
            GROUP BY w
        ) AS d;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(d.w), array_agg(d.n) INTO words, counts FROM (
            SELECT w, -count(*)::integer AS n
            FROM old_rows AS r, unnest(questions_search_words(r.text || ' ' || r.guidance)) AS w
            WHERE r.is_active
            GROUP BY w
        ) AS d;
    ELSE
        -- Only rows whose words or active flag changed; other updates cost a join.
        SELECT array_agg(d.w), array_agg(d.n) INTO words, counts FROM (
            SELECT w, sum(x.n)::integer AS n FROM (
                SELECT w, 1 AS n
                FROM new_rows AS r
                JOIN old_rows AS o ON o.id = r.id,
                unnest(questions_search_words(r.text || ' ' || r.guidance)) AS w
                WHERE r.is_active
                  AND (r.text, r.guidance, r.is_active) IS DISTINCT FROM (o.text, o.guidance, o.is_active)
                UNION ALL
                SELECT w, -1 AS n
                FROM old_rows AS o
                JOIN new_rows AS r ON r.id = o.id,
                unnest(questions_search_words(o.text || ' ' || o.guidance)) AS w
                WHERE o.is_active
                  AND (r.text, r.guidance, r.is_active) IS DISTINCT FROM (o.text, o.guidance, o.is_active)
            ) AS x
            GROUP BY w
            HAVING sum(x.n) <> 0
        ) AS d;
    END IF;
    IF words IS NOT NULL THEN
        PERFORM questions_searchterm_apply(words, counts);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION questions_question_vocabulary_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM questions_searchterm;
    RETURN NULL;
END
$$;

-- Recount every word from scratch: after a bulk load with the triggers switched off.
CREATE FUNCTION questions_searchterm_rebuild() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    total integer;
BEGIN
    DELETE FROM questions_searchterm;
    INSERT INTO questions_searchterm (word, lexeme, document_count)
    SELECT w, coalesce((ts_lexize('english_stem', w))[1], ''), count(*)
    FROM questions_question AS q, unnest(questions_search_words(q.text || ' ' || q.guidance)) AS w
    WHERE q.is_active
    GROUP BY w;
    GET DIAGNOSTICS total = ROW_COUNT;
    RETURN total;
END
$$;

CREATE TRIGGER questions_question_vocabulary_insert
    AFTER INSERT ON questions_question
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION questions_question_vocabulary();
CREATE TRIGGER questions_question_vocabulary_update
    AFTER UPDATE ON questions_question
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION questions_question_vocabulary();
CREATE TRIGGER questions_question_vocabulary_delete
    AFTER DELETE ON questions_question
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION questions_question_vocabulary();
CREATE TRIGGER questions_question_vocabulary_truncate
    AFTER TRUNCATE ON questions_question
    FOR EACH STATEMENT EXECUTE FUNCTION questions_question_vocabulary_truncate();

SELECT questions_searchterm_rebuild();
"""

DROP_VOCABULARY_SQL = r"""
DROP TRIGGER IF EXISTS questions_question_vocabulary_truncate ON questions_question;
DROP TRIGGER IF EXISTS questions_question_vocabulary_delete ON questions_question;
DROP TRIGGER IF EXISTS questions_question_vocabulary_update ON questions_question;
DROP TRIGGER IF EXISTS questions_question_vocabulary_insert ON questions_question;
DROP FUNCTION IF EXISTS questions_searchterm_rebuild();
DROP FUNCTION IF EXISTS questions_question_vocabulary_truncate();
DROP FUNCTION IF EXISTS questions_question_vocabulary();
DROP FUNCTION IF EXISTS questions_searchterm_apply(text[], integer[]);
DROP FUNCTION IF EXISTS questions_search_words(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0004_kits"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("word", models.CharField(max_length=40, unique=True)),
                ("lexeme", models.CharField(blank=True, help_text="The English stem, to recognise inflected forms; blank for stop words.", max_length=40)),
                ("document_count", models.IntegerField(help_text="How many active questions use the word.")),
            ],
            options={
                "ordering": ["word"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(fields=["word"], name="searchterm_word_trgm_idx", opclasses=["gin_trgm_ops"]),
                    models.Index(fields=["lexeme"], name="searchterm_lexeme_idx"),
                ],
            },
        ),
        migrations.AddField(
            model_name="question",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("text", config="english", weight="A"),
                    "||",
                    django.contrib.postgres.search.SearchVector("guidance", config="english", weight="B"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
            ),
        ),
        migrations.AddIndex(
            model_name="question",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="question_search_vector_idx"),
        ),
        migrations.RunSQL(VOCABULARY_SQL, DROP_VOCABULARY_SQL),
    ]
