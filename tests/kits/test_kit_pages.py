"""Kit pages: my kits, the builder and its htmx partials, no-JavaScript paths, access,
interviewer, print, PDF and exports, sharing, query counts and concurrent requests."""

import csv
import io
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from pypdf import PdfReader

from questions.kits import balance, exports, item_rules, queries, rules
from questions.models import Competency, Kit, Question, Role
from questions.scorecards.models import RatingScale
from tests.helpers import anchored_kit, fill

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(kit: Kit, rest: str = "") -> str:
    return f"/kits/{kit.code}/{rest}"


def body(response) -> str:
    return response.content.decode()


def order(kit: Kit) -> list[str]:
    return [item.question.slug for item in queries.kit_items(kit)]


class TestNavigation:
    def test_people_who_build_kits_see_my_kits_in_the_nav(self, owner_client, strategy):
        assert '<a href="/kits/">My kits</a>' in body(owner_client.get("/"))

    def test_recruiters_do_not(self, recruiter_client, strategy):
        assert "My kits" not in body(recruiter_client.get("/"))


class TestMyKits:
    def test_it_lists_my_kits_with_counts_time_and_flags(
        self, owner_client, kit, pricing_question, colleague
    ):
        rules.kit_create(owner=colleague, title="Colin's secret kit")
        pricing_question.text = "Changed."
        pricing_question.save()
        rules.kit_share(kit=kit)
        page = body(owner_client.get("/kits/"))
        assert "Ops manager first interview" in page
        assert "2 questions" in page
        assert "11 of 30 min" in page
        assert "1 changed in the bank" in page
        assert "Shared by link" in page
        assert "Colin" not in page

    def test_archived_kits_have_their_own_tab(self, owner_client, kit, owner):
        rules.kit_create(owner=owner, title="Still in use")
        rules.kit_archive(kit=kit)
        in_use = body(owner_client.get("/kits/"))
        assert "Still in use" in in_use and kit.title not in in_use
        archived = body(owner_client.get("/kits/?archived=1"))
        assert kit.title in archived and "Still in use" not in archived

    def test_an_empty_list_says_what_to_do(self, owner_client):
        assert "You have no kits yet" in body(owner_client.get("/kits/"))

    def test_over_budget_kits_are_flagged(self, owner_client, kit):
        item_rules.kit_update_item(item=kit.items.first(), minutes=60)
        assert "over budget" in body(owner_client.get("/kits/"))

    @pytest.mark.parametrize("size", [5, 60])
    def test_query_count_does_not_grow_with_the_list(
        self, owner_client, owner, strategy, django_assert_max_num_queries, size
    ):
        Kit.objects.bulk_create(Kit(owner=owner, title=f"Kit {n}") for n in range(size))
        for kit in Kit.objects.all()[:5]:
            fill(kit, strategy, 3)
        # session, user, 2 x permissions, tab counts, page count, page of kits
        with django_assert_max_num_queries(7):
            response = owner_client.get("/kits/")
        assert response.status_code == 200


class TestCreate:
    def test_a_blank_kit(self, owner_client, owner):
        response = owner_client.post(
            "/kits/new/", {"title": "Phone screen", "target_minutes": "20", "notes": "Be kind."}
        )
        kit = Kit.objects.get(owner=owner)
        assert response.status_code == 302
        assert response["Location"] == f"/kits/{kit.code}/"
        assert (kit.title, kit.target_minutes, kit.notes) == ("Phone screen", 20, "Be kind.")

    def test_from_a_role_balanced(self, owner_client, owner, seed_bank):
        response = owner_client.post(
            "/kits/new/",
            {
                "role": "e-commerce-operations-manager",
                "target_minutes": "45",
                "competencies": ["strategy", "data-analysis", "leadership"],
                "balance": "on",
            },
        )
        kit = Kit.objects.get(owner=owner)
        assert response.status_code == 302
        assert kit.title == "E-Commerce Operations Manager interview"
        assert kit.items.count() == 6
        page = body(owner_client.get(response["Location"]))
        assert "with 6 questions" in page
        assert "Covers every competency chosen for this kit" in page

    def test_the_form_can_be_preselected_by_link(self, owner_client, ops_manager, strategy):
        page = body(owner_client.get("/kits/new/?role=ops-manager&competencies=strategy"))
        assert '<option value="ops-manager" selected>' in page
        assert re.search(r'value="strategy"[^>]*checked', page)

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"target_minutes": "2"}, "greater than or equal to 5"),
            ({"target_minutes": "999"}, "less than or equal to 480"),
            ({"target_minutes": "soon"}, "Enter a whole number"),
            ({"target_minutes": "30", "role": "astronaut"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_is_a_form_error(self, owner_client, data, message):
        response = owner_client.post("/kits/new/", data)
        assert response.status_code == 400
        assert message in body(response)
        assert not Kit.objects.exists()

    def test_every_field_description_it_points_at_is_on_the_page(self, owner_client, strategy):
        page = body(owner_client.get("/kits/new/"))
        described = re.findall(r'aria-describedby="([^"]+)"', page)
        assert "id_balance_helptext" in described
        for target in described:
            assert f'id="{target}"' in page, target

    def test_recruiters_cannot_build_kits(self, recruiter_client):
        response = recruiter_client.get("/kits/new/")
        assert response.status_code == 403
        assert "Hiring manager group" in body(response)
        assert recruiter_client.get("/kits/").status_code == 403


class TestBuilder:
    def test_it_shows_the_kit_beside_the_bank(self, owner_client, kit, spare_question):
        page = body(owner_client.get(url(kit)))
        assert 'id="kit-items-region"' in page and 'id="bank-results"' in page
        assert kit.items.get(position=1).pinned_text in page
        assert spare_question.text in page
        assert "3 questions in the bank" in page

    def test_questions_in_the_kit_show_as_in_kit(self, owner_client, kit, spare_question):
        page = body(owner_client.get(url(kit)))
        bank = page[page.index('id="bank-results"') :]
        assert bank.count("✓ In kit") == 2
        assert f'id="bank-add-{spare_question.pk}"' in bank

    def test_the_summary_shows_time_coverage_and_what_is_missing(self, owner_client, kit, db):
        Competency.objects.create(
            slug="technical", name="Technical", description="T.", display_order=4
        )
        page = body(owner_client.get(url(kit)))
        assert "11</strong> of 30 min" in page
        assert "19 min left" in page
        assert 'Strategy <span class="count">1 question · 6 min' in page
        assert re.search(r"Missing:</strong>\s*<span class=\"badge comp-technical\">", page)

    def test_the_bank_filters_by_competency_and_words(self, owner_client, kit, spare_question):
        page = body(owner_client.get(url(kit, "?competency=leadership")))
        bank = page[page.index('id="bank-results"') :]
        assert "1 question in the bank" in bank
        page = body(owner_client.get(url(kit, "?q=market+risks")))
        bank = page[page.index('id="bank-results"') :]
        assert spare_question.text in bank and "1 question matches" in bank

    def test_the_bank_panel_uses_the_search_engine(self, owner_client, kit, seed_bank):
        page = body(owner_client.get(url(kit, "?q=invetory+managment")))
        bank = page[page.index('id="bank-results"') :]
        assert "Showing results for “inventory" in bank
        first = bank[bank.index('class="question-text"') :][:300]
        assert "inventory" in first

    def test_htmx_bank_requests_get_only_the_results(self, owner_client, kit):
        response = owner_client.get(
            url(kit, "?competency=strategy"), headers={**HTMX, "HX-Target": "bank-results"}
        )
        assert body(response).startswith('<div id="bank-results"')
        assert "<html" not in body(response)
        assert "HX-Request" in response["Vary"]

    def test_back_to_a_bank_filter_reloads_the_whole_builder(self, owner_client, kit):
        # No stored snapshot: it would show the kit as it was when the filter was left.
        assert 'hx-history="false"' in body(owner_client.get(url(kit)))
        restore = {**HTMX, "HX-History-Restore-Request": "true"}
        page = body(owner_client.get(url(kit, "?competency=strategy"), headers=restore))
        assert "<html" in page and 'id="kit-items-region"' in page

    def test_an_unknown_filter_value_is_a_400_with_a_message(self, owner_client, kit):
        response = owner_client.get(url(kit, "?competency=astrology"))
        assert response.status_code == 400
        assert "Select a valid choice" in body(response)

    def test_retired_questions_are_not_offered(self, owner_client, kit, spare_question):
        spare_question.is_active = False
        spare_question.save()
        assert spare_question.text not in body(owner_client.get(url(kit)))

    def test_there_is_no_inline_script_or_event_handler(self, owner_client, kit):
        page = body(owner_client.get(url(kit)))
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
        assert re.search(r"\son[a-z]+=", page) is None
        assert "vendor/sortablejs-1.15.7/Sortable.min.js" in page
        assert "questions/kits.js" in page

    def test_item_ids_and_addresses_are_never_written_with_thousands_separators(
        self, owner_client, kit, settings
    ):
        settings.USE_THOUSAND_SEPARATOR = True
        item = kit.items.get(position=1)
        kit.items.filter(pk=item.pk).update(id=12345)
        page = body(owner_client.get(url(kit)))
        assert 'id="item-12345"' in page and 'id="minutes-12345"' in page
        assert f'action="/kits/{kit.code}/items/12345/edit/"' in page
        assert "12,345" not in page

    @pytest.mark.parametrize("size", [5, 60])
    def test_query_count_does_not_grow_with_the_kit(
        self, owner_client, owner, strategy, django_assert_max_num_queries, size
    ):
        kit = rules.kit_create(owner=owner, title="Big")
        fill(kit, strategy, size)
        # session, user, 2 x permissions, kit, items, chosen competencies, competencies,
        # bank count, bank page, bank filter choices (competencies, roles)
        with django_assert_max_num_queries(12):
            response = owner_client.get(url(kit))
        assert response.status_code == 200
        assert body(response).count('class="kit-item ') == size


class TestAddAndRemove:
    def test_adding_with_htmx_answers_with_the_changed_parts_only(
        self, owner_client, kit, spare_question
    ):
        response = owner_client.post(
            url(kit, "items/"), {"question": spare_question.slug}, headers=HTMX
        )
        page = body(response)
        assert response.status_code == 200
        assert "<html" not in page
        assert '<div id="kit-items-region" class="kit-items-region" hx-swap-oob="true">' in page
        assert '<section id="kit-summary"' in page and "18</strong> of 30 min" in page
        assert (
            f'<div id="bank-q-{spare_question.pk}" class="bank-action" hx-swap-oob="true">' in page
        )
        assert "✓ In kit" in page
        assert "Added “Which market would you enter next, and why?” as question 3." in page
        assert "HX-Request" in response["Vary"]
        assert order(kit)[-1] == spare_question.slug

    def test_adding_without_javascript_redirects_back_with_a_message(
        self, owner_client, kit, spare_question
    ):
        back = url(kit, "?competency=strategy&page=1")
        response = owner_client.post(
            url(kit, "items/"), {"question": spare_question.slug, "next": back}
        )
        assert response.status_code == 302
        assert response["Location"] == back + "#item-" + str(kit.items.get(position=3).pk)
        assert "as question 3" in body(owner_client.get(back))

    def test_a_next_address_off_the_kit_is_ignored(self, owner_client, kit, spare_question):
        response = owner_client.post(
            url(kit, "items/"), {"question": spare_question.slug, "next": "https://evil.example/"}
        )
        assert response["Location"].startswith(url(kit) + "#item-")

    def test_adding_a_question_twice_is_a_clear_message_and_changes_nothing(
        self, owner_client, kit, pricing_question
    ):
        response = owner_client.post(
            url(kit, "items/"), {"question": pricing_question.slug}, headers=HTMX
        )
        assert response.status_code == 400
        assert "That question is already in this kit." in body(response)
        assert kit.items.count() == 2

    def test_adding_a_retired_question_is_a_clear_message(self, owner_client, kit, spare_question):
        spare_question.is_active = False
        spare_question.save()
        response = owner_client.post(url(kit, "items/"), {"question": spare_question.slug})
        assert response.status_code == 302
        assert "retired, so it cannot be added" in body(owner_client.get(url(kit)))
        assert kit.items.count() == 2

    def test_adding_an_unknown_question_is_a_404(self, owner_client, kit):
        response = owner_client.post(url(kit, "items/"), {"question": "no-such-question"})
        assert response.status_code == 404

    def test_removing_with_htmx_updates_the_list_summary_and_bank_button(
        self, owner_client, kit, pricing_question
    ):
        item = kit.items.get(position=1)
        response = owner_client.post(url(kit, f"items/{item.pk}/remove/"), headers=HTMX)
        page = body(response)
        assert response.status_code == 200
        assert f'id="bank-add-{pricing_question.pk}"' in page
        assert "5</strong> of 30 min" in page
        assert order(kit) == ["tell-me-about-a-time-you-resolved-a-conflict-within-your"]
        assert kit.items.get().position == 1

    def test_removing_without_javascript(self, owner_client, kit):
        item = kit.items.get(position=1)
        response = owner_client.post(url(kit, f"items/{item.pk}/remove/"))
        assert response.status_code == 302
        assert kit.items.count() == 1

    def test_a_removal_offers_undo_which_puts_the_item_back_with_htmx(self, owner_client, kit):
        item = kit.items.get(position=1)
        page = body(owner_client.post(url(kit, f"items/{item.pk}/remove/"), headers=HTMX))
        assert 'id="kit-undo"' in page
        token = re.search(r'name="token" value="([^"]+)"', page)[1]
        response = owner_client.post(url(kit, "items/restore/"), {"token": token}, headers=HTMX)
        assert response.status_code == 200
        assert "back as question 1" in body(response)
        assert 'id="kit-undo"' not in body(response)
        assert kit.items.get(position=1).pk != item.pk  # a new row, in the old place
        assert kit.items.get(position=1).question_id == item.question_id
        assert kit.items.count() == 2

    def test_a_removal_offers_undo_without_javascript(self, owner_client, kit):
        item = kit.items.get(position=1)
        response = owner_client.post(url(kit, f"items/{item.pk}/remove/"))
        assert response["Location"].endswith("#kit-status")
        page = body(owner_client.get(url(kit)))
        assert "Removed “" in page and 'id="kit-undo"' in page
        # Offered once: the page after does not offer it again.
        assert 'id="kit-undo"' not in body(owner_client.get(url(kit)))
        token = re.search(r'name="token" value="([^"]+)"', page)[1]
        response = owner_client.post(url(kit, "items/restore/"), {"token": token})
        assert response.status_code == 302
        assert kit.items.count() == 2
        assert "back as question 1" in body(owner_client.get(url(kit)))

    def test_an_undo_that_cannot_be_done_says_why(self, owner_client, kit):
        response = owner_client.post(url(kit, "items/restore/"), {"token": "forged"}, headers=HTMX)
        assert response.status_code == 400
        assert "cannot be undone" in body(response)
        assert kit.items.count() == 2

    def test_removing_an_item_twice_is_a_404(self, owner_client, kit):
        item = kit.items.get(position=1)
        owner_client.post(url(kit, f"items/{item.pk}/remove/"))
        assert owner_client.post(url(kit, f"items/{item.pk}/remove/")).status_code == 404

    def test_an_item_of_another_kit_is_a_404(self, owner_client, kit, owner, strategy):
        other = rules.kit_create(owner=owner, title="Other")
        fill(other, strategy, 1)
        item = other.items.get()
        assert owner_client.post(url(kit, f"items/{item.pk}/remove/")).status_code == 404
        assert other.items.count() == 1

    def test_get_is_not_allowed_on_changes(self, owner_client, kit):
        assert owner_client.get(url(kit, "items/")).status_code == 405


class TestReorder:
    def test_move_buttons_work_without_javascript(self, owner_client, kit):
        second = kit.items.get(position=2)
        response = owner_client.post(url(kit, f"items/{second.pk}/move/"), {"direction": "up"})
        assert response.status_code == 302
        assert response["Location"] == url(kit) + f"#item-{second.pk}"
        assert order(kit)[0] == second.question.slug
        assert "is now question 1 of 2" in body(owner_client.get(url(kit)))

    def test_move_buttons_with_htmx_rerender_the_list(self, owner_client, kit):
        first = kit.items.get(position=1)
        response = owner_client.post(
            url(kit, f"items/{first.pk}/move/"), {"direction": "down"}, headers=HTMX
        )
        page = body(response)
        assert 'id="kit-items-region"' in page
        assert f'id="move-down-{first.pk}" aria-label="Move question 2 down" disabled' in page
        assert "is now question 2 of 2" in page

    def test_the_move_buttons_are_labelled_and_the_ends_disabled(self, owner_client, kit):
        page = body(owner_client.get(url(kit)))
        first, second = kit.items.order_by("position")
        assert f'id="move-up-{first.pk}" aria-label="Move question 1 up" disabled' in page
        assert f'id="move-down-{second.pk}" aria-label="Move question 2 down" disabled' in page

    def test_a_bad_direction_is_a_message(self, owner_client, kit):
        item = kit.items.get(position=1)
        response = owner_client.post(
            url(kit, f"items/{item.pk}/move/"), {"direction": "sideways"}, headers=HTMX
        )
        assert response.status_code == 400
        assert "Move a question up or down." in body(response)

    def test_drag_and_drop_posts_the_full_order(self, owner_client, kit):
        first, second = kit.items.order_by("position")
        response = owner_client.post(
            url(kit, "order/"), {"item": [second.pk, first.pk]}, headers=HTMX
        )
        assert response.status_code == 200
        assert "New order saved." in body(response)
        assert order(kit) == [second.question.slug, first.question.slug]

    def test_every_item_carries_its_id_for_the_order_form(self, owner_client, kit):
        page = body(owner_client.get(url(kit)))
        assert '<form id="kit-order-form"' in page
        for item in kit.items.all():
            assert f'name="item" value="{item.pk}" form="kit-order-form"' in page

    def test_a_stale_order_is_refused_with_the_current_order(self, owner_client, kit):
        first, _ = kit.items.order_by("position")
        response = owner_client.post(url(kit, "order/"), {"item": [first.pk]}, headers=HTMX)
        assert response.status_code == 400
        assert "changed in another window" in body(response)
        assert 'id="kit-items-region"' in body(response)


class TestEditItem:
    def test_minutes_and_note_save_inline_and_update_the_summary(self, owner_client, kit):
        item = kit.items.get(position=1)
        response = owner_client.post(
            url(kit, f"items/{item.pk}/edit/"),
            {"minutes": "4", "note": "Ask for numbers."},
            headers=HTMX,
        )
        page = body(response)
        assert response.status_code == 200
        assert '<section id="kit-summary"' in page and "9</strong> of 30 min" in page
        # The item's own fields already show what was typed; they are not swapped under the cursor.
        assert 'id="kit-items-region"' not in page
        assert f'id="item-{item.pk}' not in page
        item.refresh_from_db()
        assert (item.minutes, item.note) == (4, "Ask for numbers.")

    @pytest.mark.parametrize("minutes", ["0", "121", "-5", "ten", ""])
    def test_minutes_outside_1_to_120_are_a_form_error_with_htmx(self, owner_client, kit, minutes):
        item = kit.items.get(position=1)
        response = owner_client.post(
            url(kit, f"items/{item.pk}/edit/"), {"minutes": minutes, "note": ""}, headers=HTMX
        )
        page = body(response)
        assert response.status_code == 400
        assert f'<li id="item-{item.pk}"' in page and 'hx-swap-oob="true"' in page
        assert 'aria-invalid="true"' in page
        assert 'class="field-error"' in page
        item.refresh_from_db()
        assert item.minutes == 6

    def test_minutes_outside_1_to_120_are_a_form_error_without_javascript(self, owner_client, kit):
        item = kit.items.get(position=1)
        response = owner_client.post(url(kit, f"items/{item.pk}/edit/"), {"minutes": "500"})
        assert response.status_code == 400
        assert "less than or equal to 120" in body(response)
        assert "<form" in body(response)

    def test_saving_without_javascript_redirects_back(self, owner_client, kit):
        item = kit.items.get(position=1)
        response = owner_client.post(url(kit, f"items/{item.pk}/edit/"), {"minutes": "8"})
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.minutes == 8

    def test_the_edit_page_exists_for_a_plain_link(self, owner_client, kit):
        item = kit.items.get(position=1)
        page = body(owner_client.get(url(kit, f"items/{item.pk}/edit/")))
        assert 'value="6"' in page


class TestChangedWording:
    def test_a_changed_question_is_flagged_and_shown_side_by_side(
        self, owner_client, kit, pricing_question
    ):
        original = pricing_question.text
        pricing_question.text = original.replace("new product line", "<i>subscription</i> tier")
        pricing_question.save()
        page = body(owner_client.get(url(kit)))
        assert "Changed in the bank" in page
        assert "In this kit" in page and "In the bank now" in page
        assert "<del>" in page and "<ins>" in page
        assert "&lt;i&gt;subscription&lt;/i&gt;" in page
        assert "<i>subscription</i>" not in page

    def test_taking_the_new_wording(self, owner_client, kit, pricing_question):
        pricing_question.text = "How would you price a subscription tier?"
        pricing_question.save()
        item = kit.items.get(position=1)
        response = owner_client.post(
            url(kit, f"items/{item.pk}/wording/"), {"choice": "accept"}, headers=HTMX
        )
        assert "now uses the wording in the bank" in body(response)
        assert "Changed in the bank" not in body(owner_client.get(url(kit)))
        item.refresh_from_db()
        assert item.pinned_text == "How would you price a subscription tier?"

    def test_keeping_the_old_wording_without_javascript(self, owner_client, kit, pricing_question):
        original = pricing_question.text
        pricing_question.text = "How would you price a subscription tier?"
        pricing_question.save()
        item = kit.items.get(position=1)
        response = owner_client.post(url(kit, f"items/{item.pk}/wording/"), {"choice": "keep"})
        assert response.status_code == 302
        page = body(owner_client.get(url(kit)))
        assert "keeps the wording it was built with" in page
        assert "Changed in the bank" not in page
        item.refresh_from_db()
        assert item.pinned_text == original

    def test_the_interviewer_sees_the_pinned_wording(self, owner_client, kit, pricing_question):
        original = pricing_question.text
        pricing_question.text = "Something else entirely?"
        pricing_question.save()
        page = body(owner_client.get(url(kit, "view/")))
        assert original in page and "Something else entirely?" not in page

    def test_a_retired_question_stays_marked_retired(self, owner_client, kit, pricing_question):
        pricing_question.is_active = False
        pricing_question.save()
        assert "Retired from the bank: it stays in this kit" in body(owner_client.get(url(kit)))
        assert "Retired from the bank" in body(owner_client.get(url(kit, "view/")))


class TestBalancePage:
    def test_it_proposes_then_replaces_on_confirmation(self, owner_client, kit, seed_bank):
        query = (
            "?role=e-commerce-operations-manager&target_minutes=45"
            "&competencies=strategy&competencies=data-analysis&competencies=leadership"
        )
        page = body(owner_client.get(url(kit, "balance/" + query)))
        assert "Proposal: 6 questions" in page
        assert "Replace the 2 questions in the kit with these" in page
        assert kit.items.count() == 2  # nothing changes until confirmed

        response = owner_client.post(
            url(kit, "balance/"),
            {
                "role": "e-commerce-operations-manager",
                "target_minutes": "45",
                "competencies": ["strategy", "data-analysis", "leadership"],
            },
        )
        assert response.status_code == 302
        kit.refresh_from_db()
        assert kit.items.count() == 6
        assert kit.target_minutes == 45
        assert kit.role == Role.objects.get(slug="e-commerce-operations-manager")
        assert [c.slug for c in kit.competencies.all()] == [
            "strategy",
            "data-analysis",
            "leadership",
        ]

    def test_a_failure_in_the_second_write_leaves_the_kit_as_it_was(
        self, owner_client, kit, seed_bank, monkeypatch
    ):
        def fail(**kwargs):
            raise rules.KitError("The questions could not be saved.")

        monkeypatch.setattr(balance, "kit_replace_questions", fail)
        before = (kit.role, kit.target_minutes, list(kit.competencies.all()))
        items_before = list(kit.items.values_list("question_id", flat=True))
        response = owner_client.post(
            url(kit, "balance/"),
            {"role": "", "target_minutes": "60", "competencies": ["strategy"]},
        )
        assert response.status_code == 200
        assert "The questions could not be saved." in body(response)
        kit.refresh_from_db()
        assert (kit.role, kit.target_minutes, list(kit.competencies.all())) == before
        assert list(kit.items.values_list("question_id", flat=True)) == items_before

    def test_it_starts_from_the_kit_settings(self, owner_client, kit):
        page = body(owner_client.get(url(kit, "balance/")))
        assert 'value="30"' in page
        assert '<option value="ops-manager" selected>' in page

    def test_bad_input_is_a_form_error(self, owner_client, kit):
        response = owner_client.get(url(kit, "balance/?target_minutes=1"))
        assert response.status_code == 400
        assert "greater than or equal to 5" in body(response)


class TestKitActions:
    def test_editing_details(self, owner_client, kit):
        response = owner_client.post(
            url(kit, "edit/"),
            {"title": "Final round", "target_minutes": "60", "notes": "Panel of two."},
        )
        assert response.status_code == 302
        kit.refresh_from_db()
        assert (kit.title, kit.target_minutes, kit.notes, kit.role) == (
            "Final round",
            60,
            "Panel of two.",
            None,
        )

    def test_duplicating(self, owner_client, kit, owner):
        response = owner_client.post(url(kit, "duplicate/"))
        copy = Kit.objects.exclude(pk=kit.pk).get()
        assert response["Location"] == url(copy)
        assert copy.owner == owner and copy.items.count() == 2

    def test_archiving_makes_the_kit_read_only_and_restoring_undoes_it(
        self, owner_client, kit, spare_question
    ):
        response = owner_client.post(url(kit, "archive/"), {"archived": "1"})
        assert response["Location"] == "/kits/"
        page = body(owner_client.get(url(kit)))
        assert "This kit is archived" in page
        assert 'id="kit-order-form"' not in page and "bank-add-" not in page
        owner_client.post(url(kit, "items/"), {"question": spare_question.slug})
        assert kit.items.count() == 2
        owner_client.post(url(kit, "archive/"), {"archived": "0"})
        assert not Kit.objects.get(pk=kit.pk).is_archived

    def test_deleting_asks_first(self, owner_client, kit):
        page = body(owner_client.get(url(kit, "delete/")))
        assert "Delete “Ops manager first interview”?" in page
        assert "its 2 questions" in page
        assert Kit.objects.filter(pk=kit.pk).exists()
        response = owner_client.post(url(kit, "delete/"))
        assert response["Location"] == "/kits/"
        assert not Kit.objects.filter(pk=kit.pk).exists()
        assert Question.objects.count() == 2


class TestInterviewerAndPrint:
    def test_the_interviewer_view_has_everything_for_the_room(self, owner_client, kit):
        rules.kit_update(kit=kit, notes="Focus on evidence, not hypotheticals.")
        item_rules.kit_update_item(item=kit.items.get(position=2), note="Ask about the outcome.")
        page = body(owner_client.get(url(kit, "view/")))
        item = kit.items.get(position=1)
        for text in [
            "Interview prep",
            "Focus on evidence, not hypotheticals.",
            item.pinned_text,
            item.pinned_guidance,
            "6 min · starts the clock",
            "times count from the start of question 1",
            "5 min · at +6 min",
            "Ask about the outcome.",
            "Does not meet",
            "Partly meets",
            "Meets",
            "Exceeds",
            "Far exceeds",
            "Clear, specific evidence of what to look for.",
            "Overall recommendation",
            "Strong no",
            "Strong yes",
        ]:
            assert text in page
        assert page.index("1.</span> How would you set a pricing") < page.index(
            "2.</span> Tell me about a time"
        )

    def test_an_anchored_question_carries_its_anchors_into_the_room(
        self, owner_client, owner, pricing_question, conflict_question
    ):
        kit = anchored_kit(owner, pricing_question, conflict_question)
        # Pinned with the wording: a later edit of the scale leaves the kit as it was.
        RatingScale.objects.filter(question=pricing_question).update(level_5="Changed later.")
        for path in ("view/", "print/"):
            page = body(owner_client.get(url(kit, path)))
            assert page.count("Rating anchors") == 1, "only the anchored question has them"
            assert all(f"Pricing level {n}." in page for n in range(1, 6))
            assert "Changed later." not in page
        markdown = body(owner_client.get(url(kit, "kit.md")))
        assert "- **5**: Pricing level 5." in markdown
        assert "Rating: 1 · 2 · 3 · 4 · 5" in markdown

    def test_the_print_view_is_a_bare_page_with_the_print_stylesheet(self, owner_client, kit):
        page = body(owner_client.get(url(kit, "print/")))
        assert 'class="print-page"' in page
        assert "site-header" not in page
        assert "questions/site.css" in page
        assert "Notes" in page and "Summary of evidence" in page

    def test_the_stylesheet_breaks_pages_sensibly(self, client):
        from django.contrib.staticfiles import finders

        with open(finders.find("questions/site.css")) as stylesheet:
            css = stylesheet.read()
        print_rules = css[css.index("@media print") :]
        assert ".sheet-question {" in print_rules and "break-inside: avoid" in print_rules
        assert "break-after: avoid" in print_rules
        assert "@page" in css

    def test_the_print_rules_apply_to_paper_only(self):
        from django.contrib.staticfiles import finders

        with open(finders.find("questions/site.css")) as stylesheet:
            css = stylesheet.read()
        # An unclosed @media print block once took every screen rule after it onto paper
        # (tests/test_static.py checks that every block is closed).
        start = css.index("@media print {")
        depth = 0
        for end in range(start, len(css)):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            if css[end] == "}" and depth == 0:
                break
        assert ".sheet-question {" in css[start:end]
        assert ".search-layout {" in css[end:]

    def test_the_pdf_download(self, owner_client, kit):
        response = owner_client.get(url(kit, "kit.pdf"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert 'filename="ops-manager-first-interview.pdf"' in response["Content-Disposition"]

    def test_the_journey_kit_prints_on_five_pages_room_to_write_and_all(self, rf, owner, seed_bank):
        wanted = Competency.objects.filter(slug__in=["strategy", "data-analysis", "leadership"])
        kit = balance.kit_create_from_role(
            owner=owner,
            role=Role.objects.get(),
            target_minutes=45,
            competencies=wanted,
            notes="Second interview. Probe for numbers; leave ten minutes for their questions.",
        )
        request = rf.get(url(kit, "kit.pdf"))
        request.user = owner
        assert kit.items.count() == 6
        assert sum(bool(item.pinned_anchors) for item in kit.items.all()) == 2
        # Prep, scale and the first question, then two questions a page with room to write.
        assert len(exports.kit_pdf_document(request, kit).pages) == 5

    def test_the_pdf_is_set_in_its_own_font_whatever_the_machine_has(self, owner_client, kit):
        reader = PdfReader(io.BytesIO(owner_client.get(url(kit, "kit.pdf")).content))
        fonts = {
            str(font.get_object()["/BaseFont"]).split("+")[-1]
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        }
        assert {"Interview-Bank-PDF", "Interview-Bank-PDF-Bold"} <= fonts

    def test_markdown_export(self, owner_client, kit):
        response = owner_client.get(url(kit, "kit.md"))
        assert response["Content-Type"] == "text/markdown; charset=utf-8"
        assert 'filename="ops-manager-first-interview.md"' in response["Content-Disposition"]
        assert body(response).startswith("# Ops manager first interview")

    def test_csv_export_neutralises_formulas(self, owner_client, kit):
        item_rules.kit_update_item(item=kit.items.get(position=1), note="=cmd|' /C calc'!A0")
        item_rules.kit_update_item(item=kit.items.get(position=2), note="@SUM(1+1)")
        response = owner_client.get(url(kit, "kit.csv"))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:3] == ["position", "competency", "question"]
        assert [row[5] for row in rows[1:]] == ["'=cmd|' /C calc'!A0", "'@SUM(1+1)"]


class TestSharing:
    def test_turning_sharing_on_gives_a_link_that_works_signed_out(self, owner_client, kit):
        owner_client.post(url(kit, "share/"), {"action": "on"})
        kit.refresh_from_db()
        page = body(owner_client.get(url(kit)))
        assert f"http://testserver/kits/shared/{kit.share_token}/" in page

        anonymous = Client()
        response = anonymous.get(f"/kits/shared/{kit.share_token}/")
        assert response.status_code == 200
        assert kit.items.get(position=1).pinned_guidance in body(response)
        assert "Overall recommendation" in body(response)
        assert "Sign out" not in body(response)
        assert f"/kits/{kit.code}/" not in body(response)  # the owner's address stays private
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"
        assert '<meta name="robots" content="noindex, nofollow">' in body(response)
        pdf = anonymous.get(f"/kits/shared/{kit.share_token}/kit.pdf")
        assert pdf.content.startswith(b"%PDF")

    def test_a_new_link_stops_the_old_one(self, owner_client, kit):
        owner_client.post(url(kit, "share/"), {"action": "on"})
        old = Kit.objects.get(pk=kit.pk).share_token
        owner_client.post(url(kit, "share/"), {"action": "regenerate"})
        new = Kit.objects.get(pk=kit.pk).share_token
        assert Client().get(f"/kits/shared/{old}/").status_code == 404
        assert Client().get(f"/kits/shared/{new}/").status_code == 200

    def test_turning_sharing_off_makes_the_link_404(self, owner_client, kit):
        owner_client.post(url(kit, "share/"), {"action": "on"})
        token = Kit.objects.get(pk=kit.pk).share_token
        owner_client.post(url(kit, "share/"), {"action": "off"})
        response = Client().get(f"/kits/shared/{token}/")
        assert response.status_code == 404
        assert "We could not find that page" in body(response)
        assert Client().get(f"/kits/shared/{token}/kit.pdf").status_code == 404

    def test_an_unknown_token_is_a_404(self, client, kit):
        assert client.get("/kits/shared/guess/").status_code == 404

    def test_the_shared_view_is_the_kit_alone_across_the_width(self, client, recruiter_client, kit):
        token = rules.kit_share(kit=kit).share_token
        for person in (client, recruiter_client):
            page = body(person.get(f"/kits/shared/{token}/"))
            assert 'class="shared-view"' in page
            assert 'id="site-search"' not in page
            for chrome in (">Browse</a>", ">Sign in</a>", ">Sign out", ">My kits</a>"):
                assert chrome not in page
            assert '<a class="brand"' not in page
        # The kit's own pages keep the site's header.
        page = body(recruiter_client.get("/"))
        assert 'id="site-search"' in page and ">Browse</a>" in page

    def test_recruiters_can_read_a_shared_kit(self, recruiter_client, kit):
        token = rules.kit_share(kit=kit).share_token
        assert recruiter_client.get(f"/kits/shared/{token}/").status_code == 200


READ_PATHS = ["view/", "print/", "kit.pdf", "kit.md", "kit.csv"]
OWNER_PAGES = ["", "edit/", "balance/", "delete/", "items/{item}/edit/"]
CHANGES = [
    ("items/", {"question": "{spare}"}),
    ("items/{item}/remove/", {}),
    ("items/restore/", {"token": "{undo}"}),
    ("items/{item}/move/", {"direction": "down"}),
    ("items/{item}/edit/", {"minutes": "3"}),
    ("items/{item}/wording/", {"choice": "keep"}),
    ("order/", {"item": ["{item}"]}),
    ("edit/", {"title": "Mine now", "target_minutes": "10"}),
    ("balance/", {"target_minutes": "10"}),
    ("duplicate/", {}),
    ("archive/", {}),
    ("delete/", {}),
    ("share/", {"action": "on"}),
]


def fill_in(text: str, kit: Kit, spare: Question) -> str:
    undo = ""
    if "{undo}" in text:  # the spare question, added and removed
        undo = item_rules.removal_token(
            item_rules.kit_remove_item(item=item_rules.kit_add_question(kit=kit, question=spare))
        )
    return text.format(item=kit.items.get(position=1).pk, spare=spare.slug, undo=undo)


class TestAccess:
    @pytest.mark.parametrize("path", READ_PATHS + OWNER_PAGES)
    def test_the_owner_can_open_every_page(self, owner_client, kit, spare_question, path):
        assert owner_client.get(url(kit, fill_in(path, kit, spare_question))).status_code == 200

    @pytest.mark.parametrize("person", ["colleague", "outsider", "recruiter"])
    @pytest.mark.parametrize("path", READ_PATHS + OWNER_PAGES)
    def test_anyone_else_gets_a_404_not_a_403(
        self, client, kit, spare_question, person, path, request
    ):
        client.force_login(request.getfixturevalue(person))
        assert client.get(url(kit, fill_in(path, kit, spare_question))).status_code == 404

    @pytest.mark.parametrize("person", ["colleague", "outsider", "recruiter", "editor"])
    @pytest.mark.parametrize("path, data", CHANGES)
    def test_nobody_but_the_owner_can_change_a_kit(
        self, client, kit, spare_question, person, path, data, request
    ):
        client.force_login(request.getfixturevalue(person))
        data = {
            key: [fill_in(v, kit, spare_question) for v in value]
            if isinstance(value, list)
            else fill_in(value, kit, spare_question)
            for key, value in data.items()
        }
        before = order(kit)
        response = client.post(url(kit, fill_in(path, kit, spare_question)), data)
        assert response.status_code == 404
        kit.refresh_from_db()
        assert order(kit) == before
        assert (kit.title, kit.is_archived, kit.share_token) == (
            "Ops manager first interview",
            False,
            None,
        )
        assert Kit.objects.count() == 1

    @pytest.mark.parametrize("path", READ_PATHS + OWNER_PAGES)
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, kit, spare_question, path):
        response = client.get(url(kit, fill_in(path, kit, spare_question)))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")

    @pytest.mark.parametrize("path", READ_PATHS)
    def test_staff_may_read_any_kit(self, editor_client, kit, path):
        assert editor_client.get(url(kit, path)).status_code == 200

    def test_staff_opening_the_builder_see_the_interviewer_view(self, editor_client, kit):
        response = editor_client.get(url(kit))
        assert response.status_code == 302
        assert response["Location"] == url(kit, "view/")

    def test_an_unknown_or_malformed_code_is_a_404(self, owner_client, kit):
        assert owner_client.get("/kits/00000000-0000-0000-0000-000000000000/").status_code == 404
        assert owner_client.get("/kits/not-a-uuid/").status_code == 404

    def test_an_owner_who_lost_the_permission_is_refused_politely(self, client, kit, owner):
        owner.groups.clear()
        client.force_login(owner)
        response = client.post(url(kit, "duplicate/"))
        assert response.status_code == 403
        assert "Hiring manager group" in body(response)
        assert client.get(url(kit)).status_code == 302  # to the read-only view
        assert client.get(url(kit, "view/")).status_code == 200

    def test_superusers_can_build_kits(self, client, django_user_model, strategy):
        admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
        client.force_login(admin)
        assert client.get("/kits/").status_code == 200
        assert "My kits" in body(client.get("/"))


# Two browser tabs hammering the same kit: real requests, real transactions, real threads.


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_duplicate_lose_or_gap(restore_migrated_groups, owner, strategy):
    questions = Question.objects.bulk_create(
        Question(slug=f"busy-{n}", text=f"Busy question {n}?", guidance="G.", competency=strategy)
        for n in range(10)
    )
    kit = rules.kit_create(owner=owner, title="Busy")
    for question in questions[:5]:
        item_rules.kit_add_question(kit=kit, question=question)
    items = list(kit.items.order_by("position"))
    tabs = [Client() for _ in range(12)]
    for tab in tabs:
        tab.force_login(owner)

    reversed_ids = [str(item.pk) for item in reversed(items)]
    requests = [
        ("items/", {"question": questions[5].slug}),
        ("items/", {"question": questions[5].slug}),
        ("items/", {"question": questions[6].slug}),
        ("items/", {"question": questions[6].slug}),
        ("items/", {"question": questions[7].slug}),
        (f"items/{items[0].pk}/remove/", {}),
        (f"items/{items[0].pk}/remove/", {}),
        (f"items/{items[2].pk}/move/", {"direction": "up"}),
        (f"items/{items[3].pk}/move/", {"direction": "down"}),
        ("order/", {"item": reversed_ids}),
        ("order/", {"item": reversed_ids}),
        (f"items/{items[4].pk}/edit/", {"minutes": "9"}),
    ]
    statuses: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(requests))

    def send(tab: Client, path: str, data: dict) -> None:
        try:
            barrier.wait()
            statuses.append(tab.post(url(kit, path), data, headers=HTMX).status_code)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(tab, path, data))
        for tab, (path, data) in zip(tabs, requests, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert set(statuses) <= {200, 400, 404}  # a change, a refusal with a message, or gone
    assert 500 not in statuses
    final = list(kit.items.order_by("position").select_related("question"))
    assert [item.position for item in final] == list(range(1, len(final) + 1))
    slugs = [item.question.slug for item in final]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) == {f"busy-{n}" for n in range(1, 8)}


def test_without_pdf_libraries_the_download_says_so_politely(owner_client, kit, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    response = owner_client.get(url(kit, "kit.pdf"))
    assert response.status_code == 503
    assert "PDF downloads are not available here" in body(response)
    assert url(kit, "print/") in body(response)


class TestPaperAndTiming:
    def test_there_is_a_third_of_a_page_to_write_in_by_default(self, owner_client, kit):
        page = body(owner_client.get(url(kit, "print/")))
        assert 'class="kit-sheet room-third"' in page
        assert f'href="/kits/{kit.code}/kit.pdf?room=third"' in page

    @pytest.mark.parametrize(
        ("asked", "used"), [("half", "half"), ("page", "page"), ("x", "third")]
    )
    def test_the_room_is_chosen_on_the_print_view(self, owner_client, kit, asked, used):
        page = body(owner_client.get(url(kit, f"print/?room={asked}")))
        assert f'class="kit-sheet room-{used}"' in page
        assert f'<option value="{used}" selected>' in page

    def test_the_print_rules_give_each_question_its_room(self):
        from django.contrib.staticfiles import finders

        with open(finders.find("questions/site.css")) as stylesheet:
            css = stylesheet.read()
        print_rules = css[css.index("@media print") :]
        heights = dict(
            re.findall(r"(\.room-\w+ )?\.notes-space \{[^}]*?height: (\d+)mm", print_rules)
        )
        # A4 less its margins is 267 mm tall: a third of it is 89 mm with the question above.
        assert int(heights[""]) >= 267 / 3 - 5
        assert int(heights[".room-half "]) >= 267 / 2
        assert ".room-page .sheet-question { break-before: page; }" in print_rules

    def test_more_room_makes_more_pages(self, owner_client, kit, spare_question):
        item_rules.kit_add_question(kit=kit, question=spare_question)
        pages = {}
        for room in ("third", "page"):
            pdf = owner_client.get(url(kit, f"kit.pdf?room={room}")).content
            pages[room] = len(PdfReader(io.BytesIO(pdf)).pages)
        assert pages["third"] >= 2
        assert pages["page"] >= 3 and pages["page"] > pages["third"]

    def test_time_marks_count_from_the_first_question(self, owner_client, kit):
        markdown = body(owner_client.get(url(kit, "kit.md")))
        assert "*6 min, starts the clock*" in markdown
        assert "*5 min, at +6 min*" in markdown
        page = body(owner_client.get(url(kit, "print/")))
        assert "Question 1 began at" in page

    def test_each_run_of_one_competency_has_one_heading(self, owner_client, kit, spare_question):
        item_rules.kit_add_question(kit=kit, question=spare_question)
        page = body(owner_client.get(url(kit, "print/")))
        # Strategy, leadership, then strategy again: three blocks, each headed once.
        headings = re.findall(r'class="sheet-section-title">.*?</span>(\w+)', page)
        assert headings == ["Strategy", "Leadership", "Strategy"]


class TestBuilderLayout:
    def test_one_primary_action_the_rest_in_two_menus_and_delete_apart(self, owner_client, kit):
        page = body(owner_client.get(url(kit)))
        start = page.index('aria-label="Kit actions"')
        actions = page[start : page.index("</header>", start)]
        assert actions.count('class="button primary"') == 1
        assert "Interviewer view</a>" in actions.split('<details class="menu">')[0]
        downloads, more = actions.split('<details class="menu">')[1:]
        for name in ("Print", "PDF", "Markdown", "CSV (spreadsheet)"):
            assert f">{name}</a>" in downloads
        for name in (
            "Edit details</a>",
            "Balance this kit</a>",
            "Duplicate</button>",
            "Archive</button>",
        ):
            assert name in more
        # Deleting is outside both menus and goes to a page that asks first.
        assert "Delete…" not in more.split("</details>")[0]
        assert f'class="danger-link kit-delete" href="/kits/{kit.code}/delete/"' in actions

    def test_a_card_has_no_save_button_beside_fields_that_save_themselves(self, owner_client, kit):
        page = body(owner_client.get(url(kit)))
        saves = re.findall(r"(<noscript>)?<button type=\"submit\"[^>]*>Save</button>", page)
        assert saves and all(saves), "Save buttons only for browsers without JavaScript"

    def test_minutes_sit_on_the_card_line_and_save_with_its_form(self, owner_client, kit):
        item = kit.items.get(position=1)
        page = body(owner_client.get(url(kit)))
        row = page[page.index(f'<li id="item-{item.pk}"') :].split('class="kit-item-meta"')[0]
        assert f'id="minutes-{item.pk}" name="minutes" form="edit-{item.pk}"' in row
        assert f'hx-trigger="change, change from:#minutes-{item.pk}, submit"' in page

    def test_the_note_box_opens_tall_enough_for_the_whole_note(self, kit):
        item = kit.items.get(position=1)
        assert item.note_rows == 2
        item.note = "\n".join(["A line of the note."] * 5) + "\n" + "x" * 130
        assert item.note_rows == 5 + 3
        item.note = "\n" * 40
        assert item.note_rows == 15


class TestAlternates:
    @pytest.fixture
    def linked(self, kit, spare_question):
        pricing = kit.items.get(position=1).question
        pricing.alternates.add(spare_question)
        return pricing

    def test_a_card_offers_its_questions_alternates(
        self, owner_client, kit, linked, spare_question
    ):
        page = body(owner_client.get(url(kit)))
        assert ">1 alternate</span>" in page
        assert spare_question.text in page
        assert "asked of 0 candidates lately" in page
        item = kit.items.get(position=1)
        assert f'action="/kits/{kit.code}/items/{item.pk}/swap/"' in page

    def test_swapping_keeps_the_place_time_and_note_and_pins_the_alternate(
        self, owner_client, kit, linked, spare_question
    ):
        item = kit.items.get(position=1)
        item_rules.kit_update_item(item=item, minutes=9, note="Probe the numbers.")
        response = owner_client.post(
            url(kit, f"items/{item.pk}/swap/"), {"question": spare_question.slug}, headers=HTMX
        )
        assert response.status_code == 200
        assert "Question 1 is now “Which market would you enter next, and why?”" in body(response)
        item.refresh_from_db()
        assert (item.question, item.position, item.minutes, item.note) == (
            spare_question,
            1,
            9,
            "Probe the numbers.",
        )
        assert item.pinned_text == spare_question.text
        assert item.pinned_guidance == spare_question.guidance

    @pytest.mark.parametrize("case", ["not-an-alternate", "retired", "already-in-kit", "unknown"])
    def test_a_swap_that_cannot_be_is_refused_and_changes_nothing(
        self, owner_client, kit, linked, spare_question, conflict_question, case
    ):
        item = kit.items.get(position=1)
        slug = spare_question.slug
        if case == "not-an-alternate":
            linked.alternates.remove(spare_question)
        elif case == "retired":
            Question.objects.filter(pk=spare_question.pk).update(is_active=False)
        elif case == "already-in-kit":
            linked.alternates.add(conflict_question)
            slug = conflict_question.slug
        else:
            slug = "no-such-question"
        response = owner_client.post(
            url(kit, f"items/{item.pk}/swap/"), {"question": slug}, headers=HTMX
        )
        assert response.status_code == 400
        item.refresh_from_db()
        assert item.question == linked

    def test_the_builder_reads_alternates_in_a_fixed_number_of_queries(
        self, owner_client, owner, linked, seed_bank
    ):
        from django.test.utils import CaptureQueriesContext

        counts = []
        for size in (2, 12):
            big = rules.kit_create(owner=owner, title=f"Kit of {size}")
            for question in Question.objects.active()[:size]:
                item_rules.kit_add_question(kit=big, question=question)
                # Alternates from the end of the bank: none of them in the kit.
                question.alternates.add(*Question.objects.active().order_by("-pk")[:2])
            owner_client.get(url(big))  # the bank beside it is cached after the first time
            with CaptureQueriesContext(connection) as captured:
                assert owner_client.get(url(big)).status_code == 200
            counts.append(len(captured))
        assert counts[0] == counts[1]
