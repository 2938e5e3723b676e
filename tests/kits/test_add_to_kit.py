"""Adding a question to one of my kits from a search result or the question's page."""

import pytest
from django.test import Client

from questions.kits import rules
from questions.kits.add_pages import LAST_KIT_SESSION_KEY
from questions.models import KitItem

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def add_url(question) -> str:
    return f"/kits/add/{question.slug}/"


def body(response) -> str:
    return response.content.decode()


class TestChooser:
    def test_it_offers_my_kits_that_are_not_archived_and_nobody_elses(
        self, owner_client, owner, colleague, kit, spare_question
    ):
        rules.kit_archive(kit=rules.kit_create(owner=owner, title="Last year's loop"))
        rules.kit_create(owner=colleague, title="Colin's kit")
        page = body(owner_client.get(add_url(spare_question)))
        assert "Ops manager first interview" in page
        assert "Last year's loop" not in page and "Colin's kit" not in page
        assert spare_question.text in page

    def test_without_kits_it_says_how_to_start_one(self, client, owner, spare_question):
        client.force_login(owner)
        page = body(client.get(add_url(spare_question)))
        assert "You have no kits to add it to yet" in page
        assert 'href="/kits/new/"' in page

    def test_htmx_gets_the_chooser_alone(self, owner_client, kit, spare_question):
        page = body(owner_client.get(add_url(spare_question) + "?next=/search/", headers=HTMX))
        assert "<html" not in page
        assert f'id="add-to-kit-{spare_question.slug}"' in page
        assert 'name="next" value="/search/"' in page

    def test_people_who_do_not_build_kits_are_refused(self, recruiter_client, spare_question):
        assert recruiter_client.get(add_url(spare_question)).status_code == 403

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, spare_question):
        response = client.get(add_url(spare_question))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_an_unknown_question_is_a_404(self, owner_client, kit):
        assert owner_client.get("/kits/add/no-such-question/").status_code == 404


class TestAdding:
    def test_it_adds_at_the_end_and_returns_where_the_person_was(
        self, owner_client, kit, spare_question
    ):
        response = owner_client.post(
            add_url(spare_question), {"kit": kit.code, "next": "/search/?q=market"}, follow=True
        )
        assert response.redirect_chain[-1][0] == "/search/?q=market"
        item = KitItem.objects.get(kit=kit, question=spare_question)
        assert item.position == 3 and item.pinned_text == spare_question.text
        assert "as question 3" in body(response)
        assert f'href="/kits/{kit.code}/#item-{item.pk}"' in body(response)

    def test_htmx_gets_the_confirmation_in_place(self, owner_client, kit, spare_question):
        response = owner_client.post(add_url(spare_question), {"kit": kit.code}, headers=HTMX)
        assert response.status_code == 200
        assert 'role="status"' in body(response) and "as question 3" in body(response)

    def test_the_kit_last_added_to_is_offered_first_next_time(
        self, owner_client, owner, kit, spare_question, pricing_question
    ):
        other = rules.kit_create(owner=owner, title="A newer kit")
        owner_client.post(add_url(spare_question), {"kit": kit.code})
        assert owner_client.session[LAST_KIT_SESSION_KEY] == str(kit.code)
        page = body(owner_client.get(add_url(spare_question)))
        assert f'<option value="{kit.code}" selected>' in page
        assert f'<option value="{other.code}">' in page

    def test_a_question_already_in_the_kit_is_a_clear_error(self, owner_client, kit):
        question = kit.items.first().question
        response = owner_client.post(add_url(question), {"kit": kit.code})
        assert response.status_code == 400
        assert "That question is already in this kit." in body(response)
        assert kit.items.count() == 2

    def test_a_retired_question_is_refused(self, owner_client, kit, spare_question):
        spare_question.is_active = False
        spare_question.save()
        response = owner_client.post(add_url(spare_question), {"kit": kit.code})
        assert response.status_code == 400
        assert "retired" in body(response)
        assert kit.items.count() == 2

    def test_someone_elses_or_an_archived_kit_changes_nothing(
        self, client, colleague, kit, spare_question
    ):
        client.force_login(colleague)
        response = client.post(add_url(spare_question), {"kit": kit.code})
        assert response.status_code == 400
        assert "Choose one of your kits" in body(response)
        rules.kit_archive(kit=kit)
        client.force_login(kit.owner)
        response = client.post(add_url(spare_question), {"kit": kit.code})
        assert response.status_code == 400
        assert kit.items.count() == 2

    @pytest.mark.parametrize("code", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
    def test_a_missing_or_malformed_kit_is_a_form_error(
        self, owner_client, kit, spare_question, code
    ):
        response = owner_client.post(add_url(spare_question), {"kit": code})
        assert response.status_code == 400
        assert 'class="field-error"' in body(response)

    @pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/"])
    def test_it_never_returns_to_another_site(self, owner_client, kit, spare_question, target):
        response = owner_client.post(add_url(spare_question), {"kit": kit.code, "next": target})
        assert response["Location"] == spare_question.get_absolute_url()


class TestWhereItIsOffered:
    def test_a_question_page_offers_my_kits(self, owner_client, kit, spare_question):
        page = body(owner_client.get(spare_question.get_absolute_url()))
        assert f'action="{add_url(spare_question)}"' in page
        assert 'name="next" value="/questions/' in page
        assert f'<option value="{kit.code}"' in page

    def test_not_to_people_who_do_not_build_kits(self, recruiter_client, spare_question):
        page = body(recruiter_client.get(spare_question.get_absolute_url()))
        assert add_url(spare_question) not in page

    def test_search_results_link_to_it_and_builders_pages_show_the_link(
        self, owner_client, recruiter, kit, spare_question
    ):
        page = body(owner_client.get("/search/?q=market"))
        assert f'href="{add_url(spare_question)}?next=/search/%3Fq%3Dmarket"' in page
        assert 'class="builds-kits' in page
        # The results are shared by everyone who searches; only the body's class differs.
        recruiter_client = Client()
        recruiter_client.force_login(recruiter)
        recruiter_page = body(recruiter_client.get("/search/?q=market"))
        assert 'class="builds-kits' not in recruiter_page
