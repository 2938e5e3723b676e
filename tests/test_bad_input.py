"""No request can crash a worker or tie one up: bounded kits and PDFs, and a clear 4xx for
every malformed input, from anyone, with nothing half-written."""

import json
import logging

import pytest
from axes.models import AccessAttempt
from django.db import DataError
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from interviewbank.logs import JsonFormatter
from interviewbank.middleware import MalformedInputMiddleware
from questions.kits import balance, exports, item_rules, rules
from questions.kits.rules import KIT_QUESTIONS_MAX, KitError
from questions.models import Kit, KitItem
from tests.helpers import assert_error, fill, token_client


def post_json(client, path: str, body: str):
    return client.generic("POST", path, body, content_type="application/json")


def kit_rows() -> tuple:
    return (
        list(Kit.objects.order_by("pk").values_list("pk", "title", "updated_at")),
        list(KitItem.objects.order_by("pk").values_list("pk", "kit_id", "position", "note")),
    )


class TestSignIn:
    @pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
    def test_a_username_longer_than_any_account_is_a_form_error(self, client, db, path):
        response = client.post(path, {"username": "x" * 300, "password": "secret"})
        assert response.status_code == 200
        assert "at most 150 characters" in response.content.decode()
        assert not AccessAttempt.objects.exists()  # refused before trying to sign in

    def test_an_ordinary_wrong_password_is_still_recorded(self, client, owner):
        response = client.post("/accounts/login/", {"username": "olivia", "password": "no"})
        assert response.status_code == 200
        assert AccessAttempt.objects.filter(username="olivia").exists()


class TestMalformedIdentifiers:
    @pytest.mark.parametrize(
        "path",
        [
            "/kits/shared/abc%00def/",
            "/kits/shared/abc%00def/kit.pdf",
            "/kits/shared/" + "a" * 65 + "/",
            "/kits/shared/not$a*token/",
            "/questions/a%00b/",
            "/" + "a" * 2000 + "/",
        ],
    )
    def test_a_path_that_can_name_nothing_is_a_404_signed_out(self, client, db, path):
        assert client.get(path).status_code == 404

    def test_under_the_api_the_404_is_json(self, db):
        client = token_client_for_anyone()
        assert_error(client.get("/api/v1/kits/a%00b/"), 404, "not_found")

    def test_a_nul_in_the_question_added_to_a_kit_is_a_400_and_changes_nothing(
        self, owner_client, kit
    ):
        before = kit_rows()
        response = owner_client.post(f"/kits/{kit.code}/items/", {"question": "abc\x00def"})
        assert response.status_code == 400
        assert "cannot be stored" in response.content.decode()
        assert kit_rows() == before

    def test_the_database_refusing_any_input_is_a_400_not_a_500(self, rf):
        middleware = MalformedInputMiddleware(lambda request: None)
        for path in ["/kits/", "/api/v1/kits/"]:
            response = middleware.process_exception(rf.post(path), DataError("value too long"))
            assert response.status_code == 400
        assert middleware.process_exception(rf.get("/"), ValueError("a bug")) is None


class TestApiBodies:
    def test_a_body_nested_a_thousand_deep_is_a_400_on_every_write(self, owner, kit):
        api = token_client(owner)
        deep = "[" * 1000 + "]" * 1000
        before = kit_rows()
        for path in ["/api/v1/kits/", f"/api/v1/kits/{kit.pk}/items/"]:
            body = assert_error(post_json(api, path, deep), 400, "parse_error")
            assert "nested too deeply" in body["detail"]
        assert kit_rows() == before

    def test_a_nul_in_a_kit_item_question_is_a_400(self, owner, kit):
        api = token_client(owner)
        before = kit_rows()
        response = post_json(
            api, f"/api/v1/kits/{kit.pk}/items/", json.dumps({"question": "abc\x00def"})
        )
        assert response.status_code == 400
        assert kit_rows() == before


class TestTooManyFields:
    @pytest.mark.parametrize("debug", [False, True])
    def test_over_a_thousand_query_parameters_is_a_400_with_a_reason(self, recruiter_client, debug):
        query = "&".join(f"p{n}=1" for n in range(1100))
        with override_settings(DEBUG=debug):
            response = recruiter_client.get(f"/search/?{query}")
        assert response.status_code == 400
        assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in response.content.decode()

    @pytest.mark.parametrize("debug", [False, True])
    def test_over_a_thousand_form_fields_is_a_400(self, owner_client, kit, debug):
        fields = {f"p{n}": "1" for n in range(1100)}
        before = kit_rows()
        with override_settings(DEBUG=debug):
            response = owner_client.post(f"/kits/{kit.code}/edit/", fields)
        assert response.status_code == 400
        assert kit_rows() == before


def token_client_for_anyone():
    from django.test import Client

    return Client()


class TestKitSize:
    def test_a_kit_at_the_maximum_takes_no_more_questions(self, kit, strategy, spare_question):
        fill(kit, strategy, KIT_QUESTIONS_MAX - kit.items.count())
        with pytest.raises(KitError, match=f"at most {KIT_QUESTIONS_MAX} questions"):
            item_rules.kit_add_question(kit=kit, question=spare_question)
        assert kit.items.count() == KIT_QUESTIONS_MAX

    def test_the_page_says_so(self, owner_client, kit, strategy, spare_question):
        fill(kit, strategy, KIT_QUESTIONS_MAX - kit.items.count())
        response = owner_client.post(
            f"/kits/{kit.code}/items/", {"question": spare_question.slug}, follow=True
        )
        assert f"at most {KIT_QUESTIONS_MAX} questions" in response.content.decode()
        assert kit.items.count() == KIT_QUESTIONS_MAX

    def test_the_api_says_so(self, owner, kit, strategy, spare_question):
        fill(kit, strategy, KIT_QUESTIONS_MAX - kit.items.count())
        response = post_json(
            token_client(owner),
            f"/api/v1/kits/{kit.pk}/items/",
            json.dumps({"question": spare_question.pk}),
        )
        body = assert_error(response, 400, "invalid")
        assert f"at most {KIT_QUESTIONS_MAX} questions" in body["detail"], body

    def test_a_kit_over_the_maximum_from_before_cannot_be_duplicated(self, kit, owner, strategy):
        fill(kit, strategy, KIT_QUESTIONS_MAX + 5 - kit.items.count())
        kits_before = Kit.objects.count()
        with pytest.raises(KitError, match="at most"):
            rules.kit_duplicate(kit=kit, owner=owner)
        assert Kit.objects.count() == kits_before

    def test_replacing_the_questions_with_too_many_is_refused(self, kit, strategy):
        from tests.helpers import make_questions

        make_questions(strategy, KIT_QUESTIONS_MAX + 1, word="spare")
        questions = list(strategy.questions.filter(slug__contains="-spare-"))
        before = kit_rows()
        with pytest.raises(KitError, match="at most"):
            item_rules.kit_replace_questions(kit=kit, questions=questions)
        assert kit_rows() == before

    def test_balancing_never_proposes_more_than_a_kit_holds(self):
        pools = [[(1, n * 1000 + i) for i in range(80)] for n in range(3)]
        chosen = balance.balance_pools(pools, budget=10_000, limit=KIT_QUESTIONS_MAX)
        assert len(chosen) <= KIT_QUESTIONS_MAX
        counts = [sum(1 for pk in chosen if pk // 1000 == n) for n in range(3)]
        assert max(counts) - min(counts) == 0  # still whole rounds: the pools stay level


class TestPdf:
    def test_a_kit_is_laid_out_once_per_version(self, owner_client, kit, monkeypatch):
        laid_out = []
        real = exports.kit_pdf_document

        def counting(*args, **kwargs):
            laid_out.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(exports, "kit_pdf_document", counting)
        first = owner_client.get(f"/kits/{kit.code}/kit.pdf")
        second = owner_client.get(f"/kits/{kit.code}/kit.pdf")
        assert first.content == second.content
        assert len(laid_out) == 1

        item_rules.kit_update_item(item=kit.items.first(), note="Ask for numbers.")
        owner_client.get(f"/kits/{kit.code}/kit.pdf")
        assert len(laid_out) == 2

    def test_shared_pdfs_are_throttled_per_address(self, client, kit):
        kit = rules.kit_share(kit=kit)
        path = f"/kits/shared/{kit.share_token}/kit.pdf"
        rates = {"shared_kit_pdf": "2/minute"}
        with override_settings(REST_FRAMEWORK=rest_framework_with(rates)):
            assert client.get(path).status_code == 200
            assert client.get(path).status_code == 200
            refused = client.get(path)
            other_address = client.get(path, REMOTE_ADDR="192.0.2.7")
        assert refused.status_code == 429
        assert int(refused["Retry-After"]) > 0
        assert "Try again in" in refused.content.decode()
        assert other_address.status_code == 200

    def test_shared_pages_are_throttled_per_address(self, client, kit):
        kit = rules.kit_share(kit=kit)
        path = f"/kits/shared/{kit.share_token}/"
        with override_settings(REST_FRAMEWORK=rest_framework_with({"shared_kit": "1/minute"})):
            assert client.get(path).status_code == 200
            assert client.get(path).status_code == 429


def rest_framework_with(rates: dict) -> dict:
    from django.conf import settings

    config = dict(settings.REST_FRAMEWORK)
    config["DEFAULT_THROTTLE_RATES"] = {**config["DEFAULT_THROTTLE_RATES"], **rates}
    return config


class TestDecisions:
    def test_share_links_are_masked_in_every_log_line(self):
        record = logging.LogRecord(
            "django.request",
            logging.WARNING,
            "",
            0,
            "Not Found: %s",
            ("/kits/shared/s3cr3t/",),
            None,
        )
        record.path = "/kits/shared/s3cr3t/kit.pdf"
        line = JsonFormatter().format(record)
        assert "s3cr3t" not in line
        assert "/kits/shared/[token]/" in line

    def test_without_a_mail_server_there_are_no_password_reset_pages(self, client, db):
        assert client.get("/accounts/password_reset/").status_code == 404
        with pytest.raises(NoReverseMatch):
            reverse("password_reset")

    def test_the_admin_shows_kits_read_only_even_to_superusers(
        self, client, kit, django_user_model
    ):
        admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
        client.force_login(admin)
        before = kit_rows()
        page = client.get(f"/admin/questions/kit/{kit.pk}/change/")
        assert page.status_code == 200
        assert 'name="title"' not in page.content.decode()
        response = client.post(f"/admin/questions/kit/{kit.pk}/change/", {"title": "Taken over"})
        assert response.status_code == 403
        assert kit_rows() == before
