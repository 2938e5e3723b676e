"""The rules of kits (questions/kits.py): building, ordering, pinning, balancing, sharing."""

import csv
import io
import re
import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from hypothesis import given, settings
from hypothesis import strategies as st

from questions.kits import balance, exports, item_rules, queries, rules
from questions.kits.rules import KitError
from questions.models import Competency, Kit, KitItem, Question, Role

pytestmark = pytest.mark.django_db


def make_questions(competency: Competency, count: int, *, minutes: int = 5, role=None) -> list:
    questions = Question.objects.bulk_create(
        Question(
            slug=f"{competency.slug}-q-{n}",
            text=f"Question {n} about {competency.name}?",
            guidance=f"Guidance {n}.",
            competency=competency,
            minutes=minutes,
        )
        for n in range(count)
    )
    if role:
        role.questions.add(*questions)
    return questions


def positions(kit: Kit) -> list[int]:
    return list(kit.items.order_by("position").values_list("position", flat=True))


def order(kit: Kit) -> list[str]:
    return [item.question.slug for item in queries.kit_items(kit)]


class TestCreate:
    def test_a_blank_title_is_named_after_the_role(self, owner, ops_manager):
        kit = rules.kit_create(owner=owner, title="  ", role=ops_manager)
        assert kit.title == "Operations Manager interview"
        assert kit.target_minutes == 45

    def test_a_blank_title_without_a_role_is_untitled(self, owner):
        assert rules.kit_create(owner=owner, title="").title == "Untitled kit"

    def test_each_kit_gets_its_own_code(self, owner):
        first = rules.kit_create(owner=owner, title="A")
        second = rules.kit_create(owner=owner, title="B")
        assert first.code != second.code

    @pytest.mark.parametrize("minutes", [0, 4, 481])
    def test_a_target_duration_out_of_range_is_refused(self, owner, minutes):
        with pytest.raises(KitError, match="between 5 and 480") as error:
            rules.kit_create(owner=owner, title="Short", target_minutes=minutes)
        assert error.value.field == "target_minutes"
        assert not Kit.objects.exists()

    def test_the_database_refuses_a_target_out_of_range_too(self, owner):
        with pytest.raises(IntegrityError):
            Kit.objects.create(owner=owner, title="Bad", target_minutes=1)

    def test_chosen_competencies_are_kept(self, owner, strategy, leadership):
        kit = rules.kit_create(owner=owner, title="A", competencies=[leadership])
        assert list(kit.competencies.all()) == [leadership]


class TestAddQuestion:
    def test_it_adds_at_the_end_with_the_question_minutes_and_wording(
        self, kit, pricing_question, strategy
    ):
        extra = Question.objects.create(
            text="Which market would you enter next?", guidance="Sizes it.", competency=strategy
        )
        item = item_rules.kit_add_question(kit=kit, question=extra)
        assert item.position == 3
        assert item.minutes == extra.minutes
        assert (item.pinned_text, item.pinned_guidance) == (extra.text, extra.guidance)
        assert positions(kit) == [1, 2, 3]

    def test_adding_a_question_already_in_the_kit_is_refused_and_changes_nothing(
        self, kit, pricing_question
    ):
        with pytest.raises(KitError, match="already in this kit"):
            item_rules.kit_add_question(kit=kit, question=pricing_question)
        assert kit.items.count() == 2
        assert positions(kit) == [1, 2]

    def test_a_retired_question_cannot_be_added(self, owner, pricing_question):
        kit = rules.kit_create(owner=owner, title="A")
        pricing_question.is_active = False
        pricing_question.save()
        with pytest.raises(KitError, match="retired"):
            item_rules.kit_add_question(kit=kit, question=pricing_question)
        assert not kit.items.exists()

    def test_the_retired_check_reads_the_database_not_a_stale_object(self, owner, pricing_question):
        kit = rules.kit_create(owner=owner, title="A")
        Question.objects.filter(pk=pricing_question.pk).update(is_active=False)
        with pytest.raises(KitError, match="retired"):
            item_rules.kit_add_question(kit=kit, question=pricing_question)

    def test_an_archived_kit_cannot_change(self, kit, strategy):
        rules.kit_archive(kit=kit)
        question = Question.objects.create(text="New?", guidance="G.", competency=strategy)
        with pytest.raises(KitError, match="archived"):
            item_rules.kit_add_question(kit=kit, question=question)

    def test_the_database_allows_a_question_once_per_kit(self, kit, pricing_question):
        with pytest.raises(IntegrityError, match="kititem_unique_question_per_kit"):
            KitItem.objects.create(
                kit=kit, question=pricing_question, position=3, minutes=5, pinned_text="x"
            )

    @pytest.mark.parametrize("minutes", [0, 121])
    def test_the_database_keeps_minutes_between_1_and_120(self, kit, strategy, minutes):
        question = Question.objects.create(text="New?", guidance="G.", competency=strategy)
        with pytest.raises(IntegrityError, match="kititem_minutes_between_1_and_120"):
            KitItem.objects.create(
                kit=kit, question=question, position=3, minutes=minutes, pinned_text="x"
            )

    def test_the_database_keeps_positions_unique_per_kit(self, kit, strategy):
        question = Question.objects.create(text="New?", guidance="G.", competency=strategy)
        with (
            pytest.raises(IntegrityError, match="kititem_unique_position_per_kit"),
            transaction.atomic(),
        ):
            KitItem.objects.create(
                kit=kit, question=question, position=1, minutes=5, pinned_text="x"
            )
            # The constraint is deferred: it is checked when the transaction commits.
            connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")


class TestRemoveAndOrder:
    @pytest.fixture
    def five(self, owner, strategy) -> Kit:
        kit = rules.kit_create(owner=owner, title="Five")
        for question in make_questions(strategy, 5):
            item_rules.kit_add_question(kit=kit, question=question)
        return kit

    def test_removing_closes_the_gap(self, five):
        item_rules.kit_remove_item(item=five.items.get(position=2))
        assert positions(five) == [1, 2, 3, 4]
        assert order(five) == ["strategy-q-0", "strategy-q-2", "strategy-q-3", "strategy-q-4"]

    def test_removing_an_item_already_removed_says_so(self, five):
        item = five.items.get(position=2)
        item_rules.kit_remove_item(item=item)
        with pytest.raises(KitError, match="no longer in this kit"):
            item_rules.kit_remove_item(item=item)
        assert positions(five) == [1, 2, 3, 4]

    def test_undoing_a_removal_puts_the_item_back_as_it_was(self, five):
        item = five.items.get(position=2)
        item_rules.kit_update_item(item=item, minutes=9, note="Probe the trade-offs.")
        Question.objects.filter(pk=item.question_id).update(text="Reworded since.")
        before = KitItem.objects.filter(pk=item.pk).values(
            "question", "position", "minutes", "note", "pinned_text", "added_at"
        )[0]
        token = item_rules.removal_token(item_rules.kit_remove_item(item=item))
        restored = item_rules.kit_restore_item(kit=five, token=token)
        after = KitItem.objects.filter(pk=restored.pk).values(*before)[0]
        assert after == before  # the wording it was pinned with, not the bank's new one
        assert order(five) == [f"strategy-q-{n}" for n in range(5)]
        assert positions(five) == [1, 2, 3, 4, 5]

    def test_an_undo_goes_to_the_end_when_the_kit_got_shorter(self, five):
        last = five.items.get(position=5)
        token = item_rules.removal_token(item_rules.kit_remove_item(item=last))
        item_rules.kit_remove_item(item=five.items.get(position=1))
        item_rules.kit_restore_item(kit=five, token=token)
        assert order(five) == [f"strategy-q-{n}" for n in (1, 2, 3, 4)]
        assert positions(five) == [1, 2, 3, 4]

    def test_an_undo_works_once(self, five):
        token = item_rules.removal_token(
            item_rules.kit_remove_item(item=five.items.get(position=2))
        )
        item_rules.kit_restore_item(kit=five, token=token)
        with pytest.raises(KitError, match="already in this kit"):
            item_rules.kit_restore_item(kit=five, token=token)
        assert positions(five) == [1, 2, 3, 4, 5]

    def test_an_undo_is_refused_when_late_forged_or_for_another_kit(self, five, kit, monkeypatch):
        token = item_rules.removal_token(
            item_rules.kit_remove_item(item=five.items.get(position=2))
        )
        with pytest.raises(KitError, match="another kit"):
            item_rules.kit_restore_item(kit=kit, token=token)
        with pytest.raises(KitError, match="cannot be undone"):
            item_rules.kit_restore_item(kit=five, token=token[:-3] + "abc")
        monkeypatch.setattr(item_rules, "UNDO_REMOVAL_SECONDS", -1)
        with pytest.raises(KitError, match="too late"):
            item_rules.kit_restore_item(kit=five, token=token)
        assert positions(five) == [1, 2, 3, 4]

    def test_moving_up_and_down_swaps_with_the_neighbour(self, five):
        third = five.items.get(position=3)
        assert item_rules.kit_move_item(item=third, direction="up").position == 2
        assert order(five)[:3] == ["strategy-q-0", "strategy-q-2", "strategy-q-1"]
        item_rules.kit_move_item(item=third, direction="down")
        item_rules.kit_move_item(item=third, direction="down")
        assert order(five) == [f"strategy-q-{n}" for n in (0, 1, 3, 2, 4)]
        assert positions(five) == [1, 2, 3, 4, 5]

    def test_moving_past_either_end_changes_nothing(self, five):
        first, last = five.items.get(position=1), five.items.get(position=5)
        assert item_rules.kit_move_item(item=first, direction="up").position == 1
        assert item_rules.kit_move_item(item=last, direction="down").position == 5
        assert order(five) == [f"strategy-q-{n}" for n in range(5)]

    def test_a_direction_other_than_up_or_down_is_refused(self, five):
        with pytest.raises(KitError):
            item_rules.kit_move_item(item=five.items.first(), direction="sideways")

    def test_set_order_puts_items_in_the_given_order(self, five):
        ids = list(five.items.order_by("-position").values_list("pk", flat=True))
        item_rules.kit_set_order(kit=five, item_ids=[str(pk) for pk in ids])
        assert order(five) == [f"strategy-q-{n}" for n in (4, 3, 2, 1, 0)]
        assert positions(five) == [1, 2, 3, 4, 5]

    @pytest.mark.parametrize(
        "change",
        [
            lambda ids: ids[:-1],  # one missing
            lambda ids: [*ids, 999999],  # one extra
            lambda ids: [*ids[:-1], ids[0]],  # one twice
            lambda ids: [],  # none
        ],
    )
    def test_set_order_refuses_a_list_that_is_not_exactly_the_kit(self, five, change):
        ids = list(five.items.order_by("-position").values_list("pk", flat=True))
        with pytest.raises(KitError, match="changed in another window"):
            item_rules.kit_set_order(kit=five, item_ids=change(ids))
        assert order(five) == [f"strategy-q-{n}" for n in range(5)]

    def test_set_order_refuses_garbage(self, five):
        with pytest.raises(KitError, match="not understood"):
            item_rules.kit_set_order(kit=five, item_ids=["1", "two"])

    def test_set_order_refuses_items_of_another_kit(self, five, kit):
        ids = list(five.items.values_list("pk", flat=True))
        ids[0] = kit.items.first().pk
        with pytest.raises(KitError):
            item_rules.kit_set_order(kit=five, item_ids=ids)


class TestUpdateItem:
    def test_it_changes_minutes_and_note(self, kit):
        item = kit.items.get(position=1)
        item_rules.kit_update_item(item=item, minutes=9, note="  Probe the margin maths.  ")
        item.refresh_from_db()
        assert (item.minutes, item.note) == (9, "Probe the margin maths.")

    def test_leaving_out_an_argument_keeps_it(self, kit):
        item = kit.items.get(position=1)
        item_rules.kit_update_item(item=item, note="Only the note")
        item.refresh_from_db()
        assert item.minutes == 6

    @pytest.mark.parametrize("minutes", [0, -3, 121, 500])
    def test_minutes_outside_1_to_120_are_refused(self, kit, minutes):
        item = kit.items.get(position=1)
        with pytest.raises(KitError, match="between 1 and 120") as error:
            item_rules.kit_update_item(item=item, minutes=minutes)
        assert error.value.field == "minutes"
        item.refresh_from_db()
        assert item.minutes == 6


class TestPinnedWording:
    def test_a_kit_keeps_its_wording_when_the_bank_changes(self, kit, pricing_question):
        original = pricing_question.text
        pricing_question.text = "How would you price a new product line?"
        pricing_question.save()
        item = kit.items.select_related("question").get(position=1)
        assert item.pinned_text == original
        assert item.changed_in_bank

    def test_an_unchanged_question_is_not_flagged(self, kit):
        assert not any(item.changed_in_bank for item in queries.kit_items(kit))

    def test_the_difference_is_marked_word_by_word_and_escaped(self, kit, pricing_question):
        pricing_question.text = (
            "How would you set a <b>bold</b> pricing strategy for a new product?"
        )
        pricing_question.save()
        diff = queries.kit_item_diff(kit.items.select_related("question").get(position=1))
        assert diff.text_changed and not diff.guidance_changed
        assert re.search(r"<ins>\s*&lt;b&gt;bold&lt;/b&gt;\s*</ins>", diff.new_text)
        assert re.search(r"<del>[^<]*line\?</del>", diff.old_text)
        assert "<b>" not in diff.new_text
        assert diff.old_guidance == pricing_question.guidance

    def test_accepting_takes_the_new_wording_and_clears_the_flag(self, kit, pricing_question):
        pricing_question.guidance = "Rewritten guidance."
        pricing_question.save()
        item = kit.items.get(position=1)
        item_rules.kit_accept_change(item=item)
        item = kit.items.select_related("question").get(position=1)
        assert item.pinned_guidance == "Rewritten guidance."
        assert not item.changed_in_bank

    def test_keeping_the_old_wording_clears_the_flag_until_the_next_change(
        self, kit, pricing_question
    ):
        original = pricing_question.guidance
        pricing_question.guidance = "Second version."
        pricing_question.save()
        item_rules.kit_keep_wording(item=kit.items.get(position=1))
        item = kit.items.select_related("question").get(position=1)
        assert item.pinned_guidance == original
        assert not item.changed_in_bank

        pricing_question.guidance = "Third version."
        pricing_question.save()
        item = kit.items.select_related("question").get(position=1)
        assert item.changed_in_bank
        assert item.pinned_guidance == original

    def test_changing_back_to_the_kit_wording_clears_the_flag(self, kit, pricing_question):
        original = pricing_question.text
        pricing_question.text = "Different."
        pricing_question.save()
        pricing_question.text = original
        pricing_question.save()
        assert not kit.items.select_related("question").get(position=1).changed_in_bank

    def test_a_retired_question_stays_in_the_kit_marked_retired(self, kit, pricing_question):
        pricing_question.is_active = False
        pricing_question.save()
        items = list(queries.kit_items(kit))
        assert [item.is_retired for item in items] == [True, False]
        assert queries.kit_summary(kit).retired == 1

    def test_a_question_in_a_kit_cannot_be_deleted(self, kit, pricing_question):
        with pytest.raises(ProtectedError):
            pricing_question.delete()

    def test_the_list_counts_changed_and_retired_items_in_one_query(
        self, kit, pricing_question, conflict_question, django_assert_num_queries
    ):
        pricing_question.text = "Changed."
        pricing_question.save()
        conflict_question.is_active = False
        conflict_question.save()
        with django_assert_num_queries(1):
            listed = Kit.objects.with_totals().get(pk=kit.pk)
        assert (listed.item_count, listed.total_minutes) == (2, 11)
        assert (listed.changed_count, listed.retired_count) == (1, 1)
        item_rules.kit_keep_wording(item=kit.items.get(position=1))
        assert Kit.objects.with_totals().get(pk=kit.pk).changed_count == 0


class TestSummaryAndSections:
    def test_it_counts_questions_and_minutes_against_the_target(self, kit):
        summary = queries.kit_summary(kit)
        assert (summary.count, summary.total_minutes, summary.target_minutes) == (2, 11, 30)
        assert not summary.over_budget
        assert summary.remaining == 19

    def test_going_over_the_target_is_flagged(self, kit):
        item_rules.kit_update_item(item=kit.items.get(position=1), minutes=30)
        summary = queries.kit_summary(kit)
        assert summary.over_budget
        assert summary.over_by == 5
        assert summary.target_mark == pytest.approx(100 * 30 / 35, abs=0.01)

    def test_coverage_per_competency_in_display_order(self, kit):
        coverage = queries.kit_summary(kit).coverage
        assert [(c.competency.slug, c.questions, c.minutes) for c in coverage] == [
            ("strategy", 1, 6),
            ("leadership", 1, 5),
        ]
        assert coverage[1].bar_start == pytest.approx(20.0)

    def test_missing_competencies_are_the_chosen_ones_not_covered(self, kit, seed_bank):
        wanted = Competency.objects.filter(slug__in=["strategy", "data-analysis", "leadership"])
        rules.kit_update(kit=kit, competencies=wanted)
        assert [c.slug for c in queries.kit_summary(kit).missing] == ["data-analysis"]

    def test_without_chosen_competencies_every_uncovered_one_is_missing(self, kit, seed_bank):
        missing = [c.slug for c in queries.kit_summary(kit).missing]
        assert missing == [
            "project-management",
            "data-analysis",
            "technical",
            "customer-service",
        ]

    def test_sections_group_runs_of_a_competency_and_know_when_each_starts(
        self, owner, strategy, leadership
    ):
        kit = rules.kit_create(owner=owner, title="Runs")
        s1, s2 = make_questions(strategy, 2, minutes=4)
        (l1,) = make_questions(leadership, 1, minutes=7)
        for question in (s1, l1, s2):
            item_rules.kit_add_question(kit=kit, question=question)
        sections = queries.kit_sections(kit)
        assert [(s.competency.slug, len(s.items), s.starts_at) for s in sections] == [
            ("strategy", 1, 0),
            ("leadership", 1, 4),
            ("strategy", 1, 11),
        ]
        assert [s.minutes for s in sections] == [4, 7, 4]


class TestBalance:
    def test_the_journey_45_minutes_three_competencies_gives_six_questions(self, seed_bank, owner):
        role = Role.objects.get(slug="e-commerce-operations-manager")
        wanted = Competency.objects.filter(slug__in=["strategy", "data-analysis", "leadership"])
        kit = balance.kit_create_from_role(
            owner=owner, role=role, target_minutes=45, competencies=wanted
        )
        items = list(queries.kit_items(kit))
        assert len(items) == 6
        assert Counter(i.question.competency.slug for i in items) == {
            "strategy": 2,
            "data-analysis": 2,
            "leadership": 2,
        }
        summary = queries.kit_summary(kit)
        assert summary.total_minutes <= 36
        assert summary.missing == []
        assert positions(kit) == [1, 2, 3, 4, 5, 6]
        assert kit.title == "E-Commerce Operations Manager interview"

    def test_it_is_deterministic(self, seed_bank):
        role = Role.objects.get()
        wanted = list(Competency.objects.filter(slug__in=["technical", "leadership"]))
        runs = {
            tuple(
                q.pk for q in balance.kit_balance(role=role, target_minutes=60, competencies=wanted)
            )
            for _ in range(3)
        }
        assert len(runs) == 1

    @pytest.mark.parametrize("target", [10, 20, 45, 60, 90, 240])
    def test_it_covers_evenly_within_budget_without_repeats(self, seed_bank, target):
        proposal = balance.kit_balance(role=None, target_minutes=target, competencies=[])
        assert len({q.pk for q in proposal}) == len(proposal)
        assert sum(q.minutes for q in proposal) <= target - round(target * 0.2)
        counts = Counter(q.competency.slug for q in proposal)
        if target >= 45:
            assert len(counts) == 6
            assert max(counts.values()) == min(counts.values())

    def test_a_slot_too_short_for_one_round_still_gets_what_fits(self, strategy, leadership):
        make_questions(strategy, 2, minutes=4)
        make_questions(leadership, 2, minutes=5)
        proposal = balance.kit_balance(
            role=None, target_minutes=8, competencies=[strategy, leadership], reserve_minutes=0
        )
        assert [q.slug for q in proposal] == ["strategy-q-0"]

    def test_it_never_proposes_retired_or_excluded_questions(self, strategy):
        first, second, third = make_questions(strategy, 3)
        first.is_active = False
        first.save()
        proposal = balance.kit_balance(
            role=None, target_minutes=60, competencies=[strategy], exclude=[second.pk]
        )
        assert [q.pk for q in proposal] == [third.pk]

    def test_questions_written_for_the_role_come_first(self, strategy, ops_manager):
        general = make_questions(strategy, 2)
        (for_role,) = Question.objects.bulk_create(
            [Question(slug="for-role", text="For the role?", guidance="G.", competency=strategy)]
        )
        ops_manager.questions.add(for_role)
        proposal = balance.kit_balance(
            role=ops_manager, target_minutes=10, competencies=[strategy], reserve_minutes=0
        )
        assert [q.pk for q in proposal] == [for_role.pk, general[0].pk]

    def test_without_competencies_a_role_uses_those_it_has_questions_in(
        self, pricing_question, conflict_question, ops_manager, db
    ):
        technical = Competency.objects.create(
            slug="technical", name="Technical", description="T.", display_order=4
        )
        make_questions(technical, 3)
        proposal = balance.kit_balance(role=ops_manager, target_minutes=60, competencies=[])
        assert {q.competency.slug for q in proposal} == {"strategy", "leadership"}

    def test_replacing_the_kit_questions_keeps_positions_dense(self, kit, strategy):
        new = make_questions(strategy, 3)
        item_rules.kit_replace_questions(kit=kit, questions=new)
        assert order(kit) == ["strategy-q-0", "strategy-q-1", "strategy-q-2"]
        assert positions(kit) == [1, 2, 3]

    def test_replacing_refuses_a_repeated_question(self, kit, strategy):
        (question,) = make_questions(strategy, 1)
        with pytest.raises(KitError):
            item_rules.kit_replace_questions(kit=kit, questions=[question, question])
        assert kit.items.count() == 2


@settings(max_examples=200, deadline=None)
@given(
    pools=st.lists(
        st.lists(st.integers(min_value=1, max_value=15), min_size=0, max_size=8),
        min_size=1,
        max_size=6,
    ),
    budget=st.integers(min_value=0, max_value=150),
)
def test_balancing_is_even_within_budget_and_never_repeats(pools, budget):
    numbered, next_id = [], 0
    for pool in pools:
        numbered.append([(minutes, next_id + i) for i, minutes in enumerate(pool)])
        next_id += len(pool)
    minutes = {item_id: length for pool in numbered for length, item_id in pool}
    pool_of = {item_id: index for index, pool in enumerate(numbered) for _, item_id in pool}

    chosen = balance.balance_pools(numbered, budget)

    assert chosen == balance.balance_pools(numbered, budget)
    assert len(chosen) == len(set(chosen))
    assert sum(minutes[item_id] for item_id in chosen) <= budget
    counts = Counter(pool_of[item_id] for item_id in chosen)
    # Pools that never ran out end level with each other.
    unexhausted = [i for i, pool in enumerate(numbered) if counts[i] < len(pool)]
    if chosen and len({counts[i] for i in unexhausted}) > 1:
        # Only possible when not even one full round fitted: then one question per pool.
        assert max(counts.values()) == 1


class TestKitLifecycle:
    def test_duplicating_copies_questions_wording_minutes_and_notes(
        self, kit, colleague, pricing_question
    ):
        rules.kit_update(kit=kit, notes="Warm up first.")
        item_rules.kit_update_item(
            item=kit.items.get(position=2), minutes=12, note="Ask for numbers."
        )
        pricing_question.text = "Changed in the bank."
        pricing_question.save()
        rules.kit_share(kit=kit)

        copy = rules.kit_duplicate(kit=kit, owner=colleague)

        assert copy.owner == colleague
        assert copy.title == "Copy of Ops manager first interview"
        assert (copy.notes, copy.target_minutes, copy.role_id) == (
            "Warm up first.",
            30,
            kit.role_id,
        )
        assert copy.code != kit.code
        assert not copy.is_shared
        copied = list(queries.kit_items(copy))
        assert [(i.position, i.minutes, i.note) for i in copied] == [
            (1, 6, ""),
            (2, 12, "Ask for numbers."),
        ]
        assert copied[0].pinned_text != pricing_question.text  # still pinned
        assert copied[0].changed_in_bank

    def test_archiving_and_restoring(self, kit, owner):
        rules.kit_archive(kit=kit)
        assert list(Kit.objects.owned_by(owner).active()) == []
        rules.kit_archive(kit=kit, archived=False)
        assert list(Kit.objects.owned_by(owner).active()) == [kit]

    def test_deleting_removes_the_kit_and_items_but_not_questions(self, kit):
        rules.kit_delete(kit=kit)
        assert not Kit.objects.exists()
        assert not KitItem.objects.exists()
        assert Question.objects.count() == 2

    def test_changing_items_marks_the_kit_updated(self, kit):
        before = Kit.objects.get(pk=kit.pk).updated_at
        item_rules.kit_move_item(item=kit.items.get(position=2), direction="up")
        assert Kit.objects.get(pk=kit.pk).updated_at > before

    def test_update_leaves_out_what_is_not_given(self, kit, ops_manager):
        rules.kit_update(kit=kit, notes="New notes")
        kit.refresh_from_db()
        assert (kit.title, kit.role, kit.notes) == (
            "Ops manager first interview",
            ops_manager,
            "New notes",
        )
        rules.kit_update(kit=kit, role=None)
        kit.refresh_from_db()
        assert kit.role is None


class TestSharing:
    def test_sharing_makes_an_unguessable_token_separate_from_the_code(self, kit):
        kit = rules.kit_share(kit=kit)
        assert len(kit.share_token) >= 40
        assert str(kit.code) not in kit.share_token
        assert queries.kit_shared(kit.share_token) == kit

    def test_sharing_again_keeps_the_link(self, kit):
        token = rules.kit_share(kit=kit).share_token
        assert rules.kit_share(kit=kit).share_token == token

    def test_regenerating_stops_the_old_link(self, kit):
        old = rules.kit_share(kit=kit).share_token
        new = rules.kit_share(kit=kit, regenerate=True).share_token
        assert new != old
        assert queries.kit_shared(old) is None
        assert queries.kit_shared(new) == kit

    def test_revoking_stops_the_link(self, kit):
        token = rules.kit_share(kit=kit).share_token
        rules.kit_revoke_share(kit=kit)
        assert queries.kit_shared(token) is None
        assert queries.kit_shared("") is None


class TestExports:
    def test_csv_lists_the_pinned_questions_in_order(self, kit, pricing_question):
        original = pricing_question.text
        pricing_question.text = "Changed in the bank."
        pricing_question.save()
        rows = list(csv.reader(io.StringIO(exports.kit_csv(kit))))
        assert rows[0] == exports.CSV_HEADER
        assert [row[0] for row in rows[1:]] == ["1", "2"]
        assert rows[1][2] == original

    @pytest.mark.parametrize("start", ["=", "+", "-", "@"])
    def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(self, kit, start):
        formula = f'{start}HYPERLINK("http://evil.example","x")'
        item_rules.kit_update_item(item=kit.items.get(position=1), note=formula)
        rows = list(csv.reader(io.StringIO(exports.kit_csv(kit))))
        assert rows[1][5] == "'" + formula

    def test_markdown_has_sections_guidance_and_escapes_bank_text(self, kit, strategy):
        question = Question.objects.create(
            text="What is *really* the [best] # metric?", guidance="G.", competency=strategy
        )
        item_rules.kit_add_question(kit=kit, question=question)
        markdown = exports.kit_markdown(kit)
        assert markdown.startswith("# Ops manager first interview\n")
        assert "## Strategy" in markdown and "## Leadership" in markdown
        assert "**What to look for:** Looks at margins" in markdown
        assert r"What is \*really\* the \[best\] \# metric?" in markdown
        assert "## Overall recommendation" in markdown


# Concurrency: real transactions in real threads, each with its own connection. ------------


def run_in_threads(*jobs) -> list[BaseException]:
    """Start every job at once; return the unexpected errors they raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            job()
        except KitError:
            pass  # a refused change is an allowed outcome
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_removes_and_reorders_never_break_the_kit(
    restore_migrated_groups, owner, strategy
):
    questions = make_questions(strategy, 12)
    kit = rules.kit_create(owner=owner, title="Busy")
    for question in questions[:6]:
        item_rules.kit_add_question(kit=kit, question=question)
    items = list(kit.items.order_by("position"))

    def add(question):
        return lambda: item_rules.kit_add_question(kit=kit, question=question)

    def remove(item):
        return lambda: item_rules.kit_remove_item(item=item)

    def move(item, direction):
        return lambda: item_rules.kit_move_item(item=item, direction=direction)

    def reverse():
        ids = list(
            KitItem.objects.filter(kit=kit).order_by("-position").values_list("pk", flat=True)
        )
        item_rules.kit_set_order(kit=kit, item_ids=ids)

    jobs = [
        # Two windows adding the same questions at once.
        add(questions[6]),
        add(questions[6]),
        add(questions[7]),
        add(questions[7]),
        add(questions[8]),
        # Removing, moving and reordering meanwhile.
        remove(items[1]),
        remove(items[1]),
        remove(items[4]),
        move(items[0], "down"),
        move(items[5], "up"),
        move(items[2], "up"),
        reverse,
        reverse,
    ]
    errors = run_in_threads(*jobs)

    assert errors == []
    final = list(kit.items.order_by("position"))
    assert [item.position for item in final] == list(range(1, len(final) + 1))
    slugs = [item.question.slug for item in final]
    assert len(slugs) == len(set(slugs))
    expected = {q.slug for q in questions[:9]} - {items[1].question.slug, items[4].question.slug}
    assert set(slugs) == expected
