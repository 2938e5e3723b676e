"""Curated synonyms: seeded, edited in the admin, applied to searches at once, in pages
and API alike, and shown to the person searching."""

import pytest
from django.db import connection
from django.urls import reverse

from questions.models import Question, Synonym, SynonymKind
from questions.search.queries import question_search
from questions.search.synonyms import SynonymError, normalised_entry
from tests.helpers import token_client
from tests.search.search_helpers import make_question, slugs


def add(term: str, synonyms: str, kind: str = SynonymKind.ONE_WAY) -> Synonym:
    return Synonym.objects.create(term=term, synonyms=synonyms, kind=kind)


class TestSeededSet:
    def test_the_project_set_is_seeded_and_marked_as_its_own(self, db):
        seeded = Synonym.objects.filter(added_by_project=True)
        assert seeded.count() >= 150
        terms = set(seeded.values_list("term", flat=True))
        assert {"aov", "csat", "nps", "sla", "sku", "3pl", "stockout", "replatforming"} <= terms
        assert not Synonym.objects.filter(added_by_project=False).exists()

    def test_every_seeded_entry_is_stored_as_the_admin_would_store_it(self, db):
        for entry in Synonym.objects.all():
            assert normalised_entry(entry.term, entry.synonyms) == (entry.term, entry.synonyms)

    def test_editors_may_curate_synonyms(self, editor):
        for action in ("view", "add", "change", "delete"):
            assert editor.has_perm(f"questions.{action}_synonym")


class TestExpansion:
    def test_an_abbreviation_finds_what_it_stands_for_and_says_so(self, strategy):
        question = make_question(strategy, "How would you raise the average order value?")
        result = question_search("AOV")
        assert slugs(result) == [question.slug]
        assert result.also_matched == ["average order value"]

    def test_what_an_abbreviation_stands_for_finds_the_abbreviation(self, strategy):
        question = make_question(strategy, "Which levers move AOV in a quarter?")
        assert slugs(question_search("average order value")) == [question.slug]

    def test_a_synonym_phrase_inside_a_longer_query_is_expanded(self, strategy):
        question = make_question(strategy, "Which levers move AOV during a sale?")
        result = question_search("average order value during a sale")
        assert slugs(result) == [question.slug]
        assert "aov" in result.also_matched

    def test_two_way_synonyms_find_each_other(self, strategy):
        backorder = make_question(strategy, "How do you handle a backorder?")
        stockout = make_question(strategy, "Tell me about a stockout you prevented.")
        assert slugs(question_search("stockout")) == [stockout.slug, backorder.slug]
        assert slugs(question_search("backorder")) == [backorder.slug, stockout.slug]

    def test_a_plural_finds_the_synonyms_of_its_singular(self, strategy):
        question = make_question(strategy, "How do you handle a backorder?")
        assert slugs(question_search("stockouts")) == [question.slug]

    def test_one_way_synonyms_do_not_widen_the_other_way(self, strategy):
        make_question(strategy, "How do you reduce returns?")
        assert slugs(question_search("customer service")) == []

    def test_a_synonym_the_bank_lacks_is_not_listed_as_also_matched(self, strategy):
        make_question(strategy, "What do you look for in a shopper survey?")
        assert question_search("aov").also_matched == []

    def test_an_excluded_word_is_not_widened(self, strategy):
        question = make_question(strategy, "Which levers move the average order value?")
        assert slugs(question_search("levers -aov")) == [question.slug]


class TestEditing:
    def test_a_synonym_added_takes_effect_on_the_next_search(self, strategy):
        question = make_question(strategy, "How do you run a dark store?")
        assert slugs(question_search("microfulfilment")) == []
        add("microfulfilment", "dark store")
        assert slugs(question_search("microfulfilment")) == [question.slug]

    def test_an_edit_or_removal_renews_cached_searches(self, strategy):
        question = make_question(strategy, "How do you run a dark store?")
        entry = add("microfulfilment", "dark store")
        assert slugs(question_search("microfulfilment")) == [question.slug]
        entry.synonyms = "ghost kitchen"
        entry.save()
        assert slugs(question_search("microfulfilment")) == []
        entry.synonyms = "dark store"
        entry.save()
        assert slugs(question_search("microfulfilment")) == [question.slug]
        entry.delete()
        assert slugs(question_search("microfulfilment")) == []

    def test_an_editor_adds_a_synonym_in_the_admin_and_it_is_kept_in_history(
        self, editor_client, strategy
    ):
        question = make_question(strategy, "How do you run a dark store?")
        response = editor_client.post(
            reverse("admin:questions_synonym_add"),
            {
                "term": "  Microfulfilment ",
                "kind": "one-way",
                "synonyms": "Dark store,, dark store",
            },
        )
        assert response.status_code == 302
        entry = Synonym.objects.get(term="microfulfilment")
        assert entry.synonyms == "dark store"
        assert not entry.added_by_project
        assert entry.history.count() == 1
        assert slugs(question_search("microfulfilment")) == [question.slug]
        history = editor_client.get(reverse("admin:questions_synonym_history", args=[entry.pk]))
        assert history.status_code == 200

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"term": " ", "synonyms": "a"}, "term", "This field is required."),
            ({"term": "aov", "synonyms": "aov, ,"}, "synonyms", "at least one synonym"),
            ({"term": "one two three four five", "synonyms": "x"}, "term", "at most 4 words"),
            ({"term": "aov", "synonyms": "average order value"}, None, "already exists"),
        ],
    )
    def test_the_admin_explains_what_is_wrong(self, editor_client, db, data, field, message):
        kind = "abbreviation"
        response = editor_client.post(
            reverse("admin:questions_synonym_add"), {**data, "kind": kind}
        )
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_entries_are_checked_before_they_are_stored(self):
        with pytest.raises(SynonymError):
            normalised_entry("aov", " , aov")
        assert normalised_entry(" A/B  Test ", "Split test, EXPERIMENT, split test") == (
            "a/b test",
            "split test, experiment",
        )


class TestSpelling:
    def test_a_synonym_word_is_never_corrected(self, seed_bank):
        assert question_search("replatforming").corrected_query is None
        assert question_search("stockouts").corrected_query is None

    def test_a_misspelt_synonym_word_is_corrected_toward_it(self, seed_bank):
        result = question_search("replatfroming")
        assert result.corrected_query == "replatforming"
        assert result.also_matched

    def test_the_page_under_a_correction_is_the_page_for_the_correction(self, seed_bank):
        for typed in [
            "custmer retension",
            "forcasting sales",
            "invetory stockouts",
            "cybersecuirty",
        ]:
            corrected = question_search(typed)
            assert corrected.corrected_query
            direct = question_search(corrected.corrected_query)
            assert slugs(corrected) == slugs(direct)
            assert corrected.total == direct.total
            assert corrected.also_matched == direct.also_matched

    @pytest.mark.parametrize(
        ("typed", "analyses"),
        [
            # No synonym's key holds "stakeholders": the words found are the corrected
            # query's already.
            ("stakeholdrs", 1),
            # "replatforming" is a key: the corrected query is looked up as if typed.
            ("replatfroming", 2),
        ],
    )
    def test_the_corrected_query_is_looked_up_again_only_when_a_synonym_may_differ(
        self, seed_bank, typed, analyses
    ):
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            corrected = question_search(typed)
        assert sum("questions_synonym" in q["sql"] for q in queries.captured_queries) == analyses
        direct = question_search(corrected.corrected_query)
        assert (slugs(corrected), corrected.total) == (slugs(direct), direct.total)
        assert corrected.also_matched == direct.also_matched


class TestPagesAndApi:
    def test_the_search_page_says_what_else_it_matched(self, recruiter_client, strategy):
        make_question(strategy, "How would you raise the average order value?")
        page = recruiter_client.get(reverse("questions:search"), {"q": "aov"}).content.decode()
        assert "Also matched: average order value" in page

    def test_the_api_ranks_as_the_page_and_says_what_it_did(self, seed_bank, recruiter):
        recruiter_api = token_client(recruiter)
        for query in ["aov", "csat trends", "custmer retension", "3pl coordination"]:
            body = recruiter_api.get("/api/v1/questions/", {"search": query}).json()
            result = question_search(query)
            assert [item["slug"] for item in body["results"]] == slugs(result)[:20]
            assert body["search"]["also_matched"] == result.also_matched
            assert body["search"]["corrected_query"] == result.corrected_query


def test_synonyms_are_read_in_the_query_that_analyses_the_words(seed_bank):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        question_search("aov")
    assert sum("questions_synonym" in q["sql"] for q in queries.captured_queries) == 1
    assert Question.objects.exists()
