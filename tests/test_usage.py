"""How much each question is used: kits that use it and when it was last added to one.

Shown to editors as sortable columns in the admin and to everyone on the question page, so
questions nobody uses can be retired and ones everybody uses rotated.
"""

from datetime import timedelta
from operator import attrgetter

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from questions.kits import item_rules, rules
from questions.models import Kit, KitItem, Question

pytestmark = pytest.mark.django_db


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def added(kit: Kit, question: Question, when) -> None:
    """Put the question in the kit as if it had been added at `when`."""
    item = item_rules.kit_add_question(kit=kit, question=question)
    KitItem.objects.filter(pk=item.pk).update(added_at=when)


@pytest.fixture
def unused_question(strategy) -> Question:
    return Question.objects.create(
        text="Which market would you enter next, and why?",
        guidance="Sizes the market and names the risks.",
        competency=strategy,
    )


@pytest.fixture
def used(owner, colleague, pricing_question, conflict_question, leadership) -> dict:
    """The pricing question in three kits (one archived, one a colleague's), last added
    ten days ago; the conflict question in one kit, added thirty days ago."""
    first = rules.kit_create(owner=owner, title="Olivia's first interview")
    added(first, pricing_question, days_ago(40))
    added(first, conflict_question, days_ago(30))
    archived = rules.kit_create(owner=owner, title="Olivia's old interview")
    added(archived, pricing_question, days_ago(20))
    rules.kit_archive(kit=archived)
    theirs = rules.kit_create(owner=colleague, title="Colin's private interview")
    added(theirs, pricing_question, days_ago(10))
    return {"first": first, "archived": archived, "theirs": theirs}


class TestRecording:
    def test_adding_a_question_records_when(self, owner, pricing_question):
        kit = rules.kit_create(owner=owner, title="Phone screen")
        before = timezone.now()
        item = item_rules.kit_add_question(kit=kit, question=pricing_question)
        assert before <= item.added_at <= timezone.now()

    def test_balancing_and_duplicating_add_the_questions_now(self, owner, used):
        before = timezone.now()
        copy = rules.kit_duplicate(kit=used["first"], owner=owner)
        item_rules.kit_replace_questions(
            kit=used["first"], questions=[item.question for item in used["first"].items.all()]
        )
        for item in [*copy.items.all(), *used["first"].items.all()]:
            assert item.added_at >= before

    def test_changing_an_item_does_not_count_as_adding_it(self, used, pricing_question):
        item = used["first"].items.get(question=pricing_question)
        item_rules.kit_update_item(item=item, minutes=3, note="Shorter.")
        item_rules.kit_keep_wording(item=item)
        item_rules.kit_move_item(item=item, direction="down")
        assert KitItem.objects.get(pk=item.pk).added_at == item.added_at


class TestWithUsage:
    def test_it_counts_every_kit_and_the_last_addition(
        self, used, pricing_question, conflict_question, unused_question
    ):
        usage = {q.slug: q for q in Question.objects.with_usage()}
        pricing = usage[pricing_question.slug]
        assert pricing.kit_count == 3  # the colleague's and the archived kit count too
        assert pricing.last_added_to_kit == KitItem.objects.get(kit=used["theirs"]).added_at
        assert usage[conflict_question.slug].kit_count == 1
        assert (
            usage[unused_question.slug].kit_count,
            usage[unused_question.slug].last_added_to_kit,
        ) == (
            0,
            None,
        )

    def test_filtering_by_a_many_valued_relation_does_not_inflate_the_count(
        self, used, pricing_question, ops_manager, db
    ):
        from questions.models import Role

        buyer = Role.objects.create(slug="buyer", title="Buyer")
        pricing_question.roles.add(buyer)
        question = (
            Question.objects.with_usage()
            .filter(roles__in=[ops_manager, buyer])
            .distinct()
            .get(pk=pricing_question.pk)
        )
        assert question.kit_count == 3

    def test_a_removed_question_no_longer_counts(self, used, pricing_question):
        item_rules.kit_remove_item(item=used["theirs"].items.get())
        question = Question.objects.with_usage().get(pk=pricing_question.pk)
        assert question.kit_count == 2
        assert question.last_added_to_kit == KitItem.objects.get(kit=used["archived"]).added_at


def test_items_made_before_usage_was_recorded_count_from_their_kits_creation(db):
    """Migration 0006 fills in `added_at` for existing items with their kit's creation time."""
    target = ("questions", "0006_kititem_added_at")
    executor = MigrationExecutor(connection)
    before = next(
        parent
        for parent in executor.loader.graph.node_map[target].parents
        if parent.key[0] == "questions"
    ).key
    # Runs inside the test's transaction: PostgreSQL rolls the schema back afterwards.
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    user = old.get_model("auth", "User").objects.create(username="olivia")
    competency = old.get_model("questions", "Competency").objects.create(
        slug="strategy", name="Strategy", description="d", display_order=1
    )
    question = old.get_model("questions", "Question").objects.create(
        slug="why", text="Why?", guidance="g", competency=competency, minutes=5
    )
    Kit = old.get_model("questions", "Kit")
    made = {}
    for days in (400, 3):
        kit = Kit.objects.create(owner=user, title=f"{days} days old", target_minutes=45)
        Kit.objects.filter(pk=kit.pk).update(created_at=days_ago(days))
        old.get_model("questions", "KitItem").objects.create(
            kit=kit,
            question=question,
            position=1,
            minutes=5,
            pinned_text="Why?",
            pinned_guidance="g",
        )
        made[kit.pk] = Kit.objects.get(pk=kit.pk).created_at

    with connection.cursor() as cursor:
        # Check the rows made above now: PostgreSQL alters no table with checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    new = executor.loader.project_state([target]).apps
    items = new.get_model("questions", "KitItem").objects.all()
    assert {item.kit_id: item.added_at for item in items} == made

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


class TestAdminColumns:
    def test_the_changelist_shows_kits_and_last_added(
        self, used, editor_client, pricing_question, unused_question
    ):
        response = editor_client.get("/admin/questions/question/")
        body = response.content.decode()
        assert "Kits" in body and "Last added to a kit" in body
        rows = {q.slug: q for q in response.context["cl"].result_list}
        assert rows[pricing_question.slug].kit_count == 3
        assert 'class="field-last_added_to_kit">never<' in body

    @pytest.mark.parametrize(
        "order,expected",
        [
            ("6", ["which-market", "tell-me-about", "how-would-you"]),  # fewest kits first
            ("-6", ["how-would-you", "tell-me-about", "which-market"]),
            ("7", ["which-market", "tell-me-about", "how-would-you"]),  # never, then oldest
            ("-7", ["how-would-you", "tell-me-about", "which-market"]),
        ],
    )
    def test_both_columns_sort(self, used, editor_client, unused_question, order, expected):
        # Column numbers count the action checkbox: 6 is Kits, 7 is Last added to a kit.
        response = editor_client.get(f"/admin/questions/question/?o={order}")
        slugs = [q.slug for q in response.context["cl"].result_list]
        assert [next(p for p in expected if s.startswith(p)) for s in slugs] == expected

    def test_the_query_count_does_not_grow_with_usage(self, seed_bank, owner, editor_client):
        questions = list(Question.objects.all()[:20])

        def kits_using_them(count: int) -> None:
            for _ in range(count):
                kit = Kit.objects.create(owner=owner, title="Busy")
                KitItem.objects.bulk_create(
                    KitItem(
                        kit=kit,
                        question=question,
                        position=position,
                        minutes=5,
                        pinned_text=question.text,
                        pinned_guidance=question.guidance,
                    )
                    for position, question in enumerate(questions, start=1)
                )

        def queries() -> tuple[int, list[Question]]:
            with CaptureQueriesContext(connection) as captured:
                response = editor_client.get("/admin/questions/question/?o=-6")
            assert response.status_code == 200
            return len(captured), list(response.context["cl"].result_list)

        kits_using_them(1)
        few, _ = queries()
        kits_using_them(7)
        many, rows = queries()
        assert many == few <= 20
        assert rows[0].kit_count == 8

    def test_a_superuser_can_still_delete_unused_questions_in_bulk(
        self, client, django_user_model, used, unused_question
    ):
        client.force_login(django_user_model.objects.create_superuser("sam", password="pw-x-1"))
        response = client.post(
            "/admin/questions/question/",
            {"action": "delete_selected", "_selected_action": [unused_question.pk], "post": "yes"},
        )
        assert response.status_code == 302
        assert not Question.objects.filter(pk=unused_question.pk).exists()


class TestQuestionPage:
    def test_it_says_how_many_kits_use_the_question_and_when_it_was_last_added(
        self, used, recruiter_client, pricing_question
    ):
        body = recruiter_client.get(f"/questions/{pricing_question.slug}/").content.decode()
        last = timezone.localtime(days_ago(10)).strftime("%-d %b %Y")
        assert "Used in 3 kits · last added <time datetime=" in body
        assert f">{last}</time>" in body

    def test_one_kit_is_singular(self, used, recruiter_client, conflict_question):
        body = recruiter_client.get(f"/questions/{conflict_question.slug}/").content.decode()
        assert "Used in 1 kit · last added" in body

    def test_an_unused_question_says_so(self, recruiter_client, unused_question):
        body = recruiter_client.get(f"/questions/{unused_question.slug}/").content.decode()
        assert "Not in any kit yet" in body

    def test_nobody_sees_the_titles_of_kits_they_do_not_own(self, used, request, pricing_question):
        path = f"/questions/{pricing_question.slug}/"
        for person in ["recruiter", "editor", "owner", "colleague"]:
            client = Client()
            client.force_login(request.getfixturevalue(person))
            body = client.get(path).content.decode()
            assert "Used in 3 kits" in body, person
            shown = {name for name in ["Olivia", "Colin"] if f"{name}&#x27;s" in body}
            assert shown == {"owner": {"Olivia"}, "colleague": {"Colin"}}.get(person, set()), person

    def test_owners_get_links_to_their_own_kits(self, used, owner_client, pricing_question):
        body = owner_client.get(f"/questions/{pricing_question.slug}/").content.decode()
        assert f'<a href="/kits/{used["first"].code}/">Olivia&#x27;s first interview</a>' in body
        assert f'<a href="/kits/{used["archived"].code}/">Olivia&#x27;s old interview</a>' in body

    @pytest.mark.parametrize("kit_count", [1, 10])
    def test_the_query_count_does_not_grow_with_usage(
        self, owner_client, owner, pricing_question, django_assert_max_num_queries, kit_count
    ):
        for n in range(kit_count):
            item_rules.kit_add_question(
                kit=rules.kit_create(owner=owner, title=f"Kit {n}"), question=pricing_question
            )
        # session, user, permissions x2, question with usage, roles, previous, next, my kits,
        # the kits to add it to
        with django_assert_max_num_queries(10):
            response = owner_client.get(f"/questions/{pricing_question.slug}/")
        assert f"Used in {kit_count} kit" in response.content.decode()
        assert len(response.context["my_kits"]) == kit_count

    def test_the_kit_titles_are_ordered(self, used, owner_client, pricing_question):
        response = owner_client.get(f"/questions/{pricing_question.slug}/")
        assert list(map(attrgetter("title"), response.context["my_kits"])) == [
            "Olivia's first interview",
            "Olivia's old interview",
        ]
