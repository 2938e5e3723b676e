"""The kits API under /api/v1/kits/: every endpoint, its fields, who may do what, the kit
rules as 400s, downloads, and query counts."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from questions.api.errors import api_exception_handler
from questions.bank import rules as bank_rules
from questions.kits import balance, exports, item_rules, rules
from questions.kits.rules import KitError
from questions.models import Competency, Kit, KitItem, Question, Role
from questions.pdf import PdfUnavailable
from tests.helpers import assert_error, fill, make_user, token_client

pytestmark = pytest.mark.django_db

KIT_FIELDS = {
    "id",
    "code",
    "title",
    "role",
    "target_minutes",
    "notes",
    "competencies",
    "owner",
    "archived",
    "share_url",
    "summary",
    "items",
    "created",
    "updated",
}
ITEM_FIELDS = {
    "id",
    "question",
    "position",
    "minutes",
    "note",
    "text",
    "guidance",
    "competency",
    "changed_in_bank",
    "bank_text",
    "bank_guidance",
    "retired",
}


def send(client: Client, method: str, path: str, data: object = None):
    """A JSON request, as scripts send them."""
    body = "" if data is None else json.dumps(data)
    return getattr(client, method)(path, body, content_type="application/json")


def item_ids(kit: Kit) -> list[int]:
    return list(kit.items.order_by("position").values_list("pk", flat=True))


@pytest.fixture
def owner_api(owner) -> Client:
    return token_client(owner)


@pytest.fixture
def staff(django_user_model):
    """Staff who may read any kit but build none (the Question editor group)."""
    user = make_user(django_user_model, "stan", is_staff=True)
    user.groups.add(Group.objects.get(name="Question editor"))
    return user


def kit_path(kit: Kit, rest: str = "") -> str:
    return f"/api/v1/kits/{kit.id}/{rest}"


# Listing ----------------------------------------------------------------------------------


class TestKitList:
    def test_it_lists_my_kits_whole_with_the_documented_fields(self, owner_api, kit, colleague):
        rules.kit_create(owner=colleague, title="Colin's own kit")
        response = owner_api.get("/api/v1/kits/")
        assert response.status_code == 200
        body = response.json()
        assert (body["count"], body["count_exact"], body["next"]) == (1, True, None)
        (listed,) = body["results"]
        assert set(listed) == KIT_FIELDS
        assert listed["id"] == kit.id
        assert [item["position"] for item in listed["items"]] == [1, 2]
        assert listed == owner_api.get(kit_path(kit)).json()

    def test_it_lists_oldest_first_and_pages(self, owner_api, owner):
        made = [rules.kit_create(owner=owner, title=f"Kit {n}").id for n in range(5)]
        first = owner_api.get("/api/v1/kits/?page_size=2").json()
        assert [k["id"] for k in first["results"]] == made[:2]
        assert first["next"] == "http://testserver/api/v1/kits/?page=2&page_size=2"
        last = owner_api.get("/api/v1/kits/?page_size=2&page=3").json()
        assert [k["id"] for k in last["results"]] == made[4:]

    def test_archived_kits_are_listed_only_on_request(self, owner_api, owner, kit):
        kept = rules.kit_create(owner=owner, title="In use")
        rules.kit_archive(kit=kit)
        ids = {
            query: [k["id"] for k in owner_api.get(f"/api/v1/kits/{query}").json()["results"]]
            for query in ["", "?archived=false", "?archived=true", "?archived=any"]
        }
        assert ids[""] == ids["?archived=false"] == [kept.id]
        assert ids["?archived=true"] == [kit.id]
        assert ids["?archived=any"] == [kit.id, kept.id]

    @pytest.mark.parametrize("query", ["archived=maybe", "archived=", "page=0", "page_size=500"])
    def test_a_filter_or_page_it_cannot_use_is_a_400(self, owner_api, kit, query):
        body = assert_error(owner_api.get(f"/api/v1/kits/?{query}"), 400, "invalid")
        assert list(body["errors"]) == [query.split("=")[0]]

    def test_staff_list_only_their_own_kits(self, client, kit, django_user_model):
        admin = django_user_model.objects.create_superuser("ada", password="x")
        own = rules.kit_create(owner=admin, title="Ada's kit")
        body = token_client(admin).get("/api/v1/kits/").json()
        assert [k["id"] for k in body["results"]] == [own.id]

    @pytest.mark.parametrize("person", ["recruiter", "outsider", "staff"])
    def test_people_who_cannot_build_kits_are_told_so(self, request, person, kit):
        api = token_client(request.getfixturevalue(person))
        body = assert_error(api.get("/api/v1/kits/"), 403, "permission_denied")
        assert "cannot build kits" in body["detail"]

    def test_anonymous_requests_are_401(self, client, kit):
        response = client.get("/api/v1/kits/")
        assert_error(response, 401, "not_authenticated")
        assert response["WWW-Authenticate"] == "Token"

    def test_query_count_does_not_grow_with_kits_or_items(
        self, owner, owner_api, strategy, leadership, django_assert_max_num_queries
    ):
        for n in range(2):
            fill(rules.kit_create(owner=owner, title=f"Small {n}"), strategy, 2)
        with django_assert_max_num_queries(12) as small:
            response = owner_api.get("/api/v1/kits/")
        assert len(response.json()["results"]) == 2
        for n in range(6):
            kit = rules.kit_create(owner=owner, title=f"Big {n}", competencies=[leadership])
            fill(kit, strategy, 3)
            fill(kit, leadership, 3)
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = owner_api.get("/api/v1/kits/")
        assert len(response.json()["results"]) == 8
        assert response.json()["results"][-1]["summary"]["question_count"] == 6


# Reading ----------------------------------------------------------------------------------


class TestKitRead:
    def test_it_shows_the_kit_its_items_in_order_and_its_summary(
        self, owner_api, kit, owner, pricing_question, conflict_question, strategy
    ):
        kit.competencies.set([strategy])
        response = owner_api.get(kit_path(kit))
        assert response.status_code == 200
        body = response.json()
        assert set(body) == KIT_FIELDS
        assert body | {"items": None, "summary": None} == {
            "id": kit.id,
            "code": str(kit.code),
            "title": "Ops manager first interview",
            "role": "ops-manager",
            "target_minutes": 30,
            "notes": "",
            "competencies": ["strategy"],
            "owner": "olivia",
            "archived": False,
            "share_url": None,
            "summary": None,
            "items": None,
            "created": body["created"],
            "updated": body["updated"],
        }
        first, second = body["items"]
        assert set(first) == ITEM_FIELDS
        assert first == {
            "id": kit.items.get(position=1).id,
            "question": pricing_question.id,
            "position": 1,
            "minutes": 6,
            "note": "",
            "text": pricing_question.text,
            "guidance": pricing_question.guidance,
            "competency": "strategy",
            "changed_in_bank": False,
            "bank_text": None,
            "bank_guidance": None,
            "retired": False,
        }
        assert (second["question"], second["position"], second["competency"]) == (
            conflict_question.id,
            2,
            "leadership",
        )
        assert body["summary"] == {
            "question_count": 2,
            "total_minutes": 11,
            "over_budget": False,
            "over_by": 0,
            "remaining": 19,
            "coverage": [
                {"competency": "strategy", "questions": 1, "minutes": 6},
                {"competency": "leadership", "questions": 1, "minutes": 5},
            ],
            "missing": [],
            "changed_in_bank": 0,
            "retired": 0,
        }

    def test_the_summary_says_when_the_kit_is_over_budget_and_what_is_missing(
        self, owner_api, kit, strategy, leadership
    ):
        extra = Competency.objects.create(
            slug="data-analysis", name="Data analysis", description="Numbers.", display_order=2
        )
        rules.kit_update(kit=kit, target_minutes=10, competencies=[strategy, extra])
        summary = owner_api.get(kit_path(kit)).json()["summary"]
        assert (summary["over_budget"], summary["over_by"], summary["remaining"]) == (True, 1, 0)
        assert summary["missing"] == ["data-analysis"]

    def test_a_question_rewritten_in_the_bank_shows_both_wordings(
        self, owner_api, kit, pricing_question
    ):
        old_text = pricing_question.text
        bank_rules.question_update(
            question=pricing_question, text="How would you price a new line?"
        )
        item = owner_api.get(kit_path(kit)).json()["items"][0]
        assert item["text"] == old_text
        assert item["changed_in_bank"] is True
        assert item["bank_text"] == "How would you price a new line?"
        assert item["bank_guidance"] == pricing_question.guidance
        assert owner_api.get(kit_path(kit)).json()["summary"]["changed_in_bank"] == 1

    def test_a_retired_question_stays_in_the_kit_marked_retired(
        self, owner_api, kit, conflict_question
    ):
        Question.objects.filter(pk=conflict_question.pk).update(is_active=False)
        body = owner_api.get(kit_path(kit)).json()
        assert [item["retired"] for item in body["items"]] == [False, True]
        assert body["summary"]["retired"] == 1

    @pytest.mark.parametrize("person", ["colleague", "recruiter", "outsider"])
    def test_anyone_elses_kit_is_a_404(self, request, person, kit):
        api = token_client(request.getfixturevalue(person))
        assert_error(api.get(kit_path(kit)), 404, "not_found")

    def test_staff_read_any_kit_as_the_pages_let_them(self, staff, kit):
        response = token_client(staff).get(kit_path(kit))
        assert response.status_code == 200
        assert response.json()["owner"] == "olivia"

    def test_anonymous_requests_are_401(self, client, kit):
        assert_error(client.get(kit_path(kit)), 401, "not_authenticated")

    def test_an_owner_who_can_no_longer_build_still_reads_their_kit(self, owner, kit):
        owner.groups.clear()
        assert token_client(owner).get(kit_path(kit)).status_code == 200

    @pytest.mark.parametrize("path", ["999999/", "99999999999999999999999/", "abc/", "-1/"])
    def test_an_unknown_kit_is_a_json_404(self, owner_api, kit, path):
        assert_error(owner_api.get(f"/api/v1/kits/{path}"), 404, "not_found")

    def test_a_signed_in_browser_reads_with_its_session(self, owner_client, kit):
        assert owner_client.get(kit_path(kit)).status_code == 200

    def test_query_count_does_not_grow_with_items(
        self, owner_api, kit, strategy, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(10) as small:
            response = owner_api.get(kit_path(kit))
        assert len(response.json()["items"]) == 2
        fill(kit, strategy, 15)
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = owner_api.get(kit_path(kit))
        assert len(response.json()["items"]) == 17


# Creating and changing kits ---------------------------------------------------------------


class TestKitCreate:
    def test_a_hiring_manager_creates_a_kit(self, owner, owner_api, ops_manager, strategy):
        response = send(
            owner_api,
            "post",
            "/api/v1/kits/",
            {
                "title": "Ops manager, second round",
                "role": "ops-manager",
                "target_minutes": 60,
                "notes": "Probe for numbers.",
                "competencies": ["strategy"],
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        kit = Kit.objects.get(pk=body["id"])
        assert (kit.owner, kit.title, kit.role, kit.target_minutes, kit.notes) == (
            owner,
            "Ops manager, second round",
            ops_manager,
            60,
            "Probe for numbers.",
        )
        assert list(kit.competencies.all()) == [strategy]
        assert (body["items"], body["share_url"], body["archived"]) == ([], None, False)

    def test_an_empty_body_makes_an_untitled_45_minute_kit(self, owner_api, db):
        body = send(owner_api, "post", "/api/v1/kits/", {}).json()
        assert (body["title"], body["target_minutes"], body["role"]) == ("Untitled kit", 45, None)

    def test_a_blank_title_is_named_after_the_role(self, owner_api, ops_manager):
        body = send(owner_api, "post", "/api/v1/kits/", {"role": "ops-manager"}).json()
        assert body["title"] == "Operations Manager interview"

    def test_balance_fills_the_kit_as_the_balance_button_does(self, owner, owner_api, seed_bank):
        role = Role.objects.get()
        response = send(
            owner_api,
            "post",
            "/api/v1/kits/",
            {
                "role": role.slug,
                "target_minutes": 45,
                "competencies": ["strategy", "data-analysis", "leadership"],
                "balance": True,
            },
        )
        assert response.status_code == 201
        body = response.json()
        expected = balance.kit_balance(
            role=role,
            target_minutes=45,
            competencies=Competency.objects.filter(
                slug__in=["strategy", "data-analysis", "leadership"]
            ),
        )
        assert [item["question"] for item in body["items"]] == [q.id for q in expected]
        assert len(body["items"]) == 6
        assert body["summary"]["total_minutes"] <= 36

    @pytest.mark.parametrize(
        "data,field,message",
        [
            ({"target_minutes": 4}, "target_minutes", "between 5 and 480 minutes"),
            ({"target_minutes": 481}, "target_minutes", "between 5 and 480 minutes"),
            ({"target_minutes": "long"}, "target_minutes", "whole number"),
            ({"role": "astronaut"}, "role", "There is no role with the slug “astronaut”."),
            ({"competencies": ["astrology"]}, "competencies", "no competency"),
            ({"competencies": "strategy"}, "competencies", "list"),
            ({"title": "x" * 201}, "title", "200 characters"),
            ({"title": "Nul\x00"}, "title", "Null characters are not allowed."),
            ({"balance": "perhaps"}, "balance", "true or false"),
        ],
    )
    def test_bad_details_are_400s_that_name_the_field(
        self, owner_api, strategy, data, field, message
    ):
        body = assert_error(send(owner_api, "post", "/api/v1/kits/", data), 400, "invalid")
        assert list(body["errors"]) == [field]
        assert message in body["errors"][field][0]
        assert not Kit.objects.exists()

    @pytest.mark.parametrize("person", ["recruiter", "outsider", "staff"])
    def test_people_who_cannot_build_kits_get_a_403(self, request, person, db):
        api = token_client(request.getfixturevalue(person))
        body = assert_error(
            send(api, "post", "/api/v1/kits/", {"title": "Mine"}), 403, "permission_denied"
        )
        assert "Hiring manager group" in body["detail"]
        assert not Kit.objects.exists()

    def test_anonymous_requests_are_401(self, client, db):
        assert_error(send(client, "post", "/api/v1/kits/", {}), 401, "not_authenticated")

    def test_a_body_that_is_not_json_is_refused(self, owner_api, db):
        assert_error(owner_api.post("/api/v1/kits/", {"title": "x"}), 415, "unsupported_media_type")
        response = owner_api.post("/api/v1/kits/", "{nope", content_type="application/json")
        assert_error(response, 400, "parse_error")


class TestKitChange:
    def test_the_owner_changes_only_what_is_sent(self, owner_api, kit, strategy):
        response = send(
            owner_api,
            "patch",
            kit_path(kit),
            {"title": "Renamed", "notes": "Bring a laptop.", "competencies": ["strategy"]},
        )
        assert response.status_code == 200
        kit.refresh_from_db()
        assert (kit.title, kit.notes, kit.target_minutes, kit.role.slug) == (
            "Renamed",
            "Bring a laptop.",
            30,
            "ops-manager",
        )
        assert response.json()["competencies"] == ["strategy"]

    def test_a_null_role_clears_it(self, owner_api, kit):
        body = send(owner_api, "patch", kit_path(kit), {"role": None}).json()
        assert body["role"] is None
        assert Kit.objects.get(pk=kit.pk).role is None

    def test_bad_minutes_are_a_400_with_the_rule(self, owner_api, kit):
        body = assert_error(
            send(owner_api, "patch", kit_path(kit), {"target_minutes": 0}), 400, "invalid"
        )
        assert body["errors"] == {
            "target_minutes": ["The target duration must be between 5 and 480 minutes."]
        }

    def test_an_archived_kit_cannot_be_changed(self, owner_api, kit):
        rules.kit_archive(kit=kit)
        body = assert_error(send(owner_api, "patch", kit_path(kit), {"title": "X"}), 400, "invalid")
        assert body["detail"] == "This kit is archived. Restore it to change it."
        assert body["errors"] == {"non_field_errors": [body["detail"]]}

    @pytest.mark.parametrize("person", ["colleague", "recruiter", "outsider", "staff"])
    def test_anyone_but_the_owner_gets_a_404(self, request, person, kit):
        api = token_client(request.getfixturevalue(person))
        assert_error(send(api, "patch", kit_path(kit), {"title": "Mine"}), 404, "not_found")
        assert Kit.objects.get(pk=kit.pk).title == "Ops manager first interview"

    def test_an_owner_who_can_no_longer_build_is_told_so(self, owner, kit):
        owner.groups.clear()
        body = assert_error(
            send(token_client(owner), "patch", kit_path(kit), {"title": "X"}),
            403,
            "permission_denied",
        )
        assert "can no longer change kits" in body["detail"]

    def test_put_is_not_offered(self, owner_api, kit):
        assert_error(send(owner_api, "put", kit_path(kit), {}), 405, "method_not_allowed")


class TestArchiveDeleteDuplicate:
    def test_archiving_and_unarchiving(self, owner_api, kit):
        response = send(owner_api, "post", kit_path(kit, "archive/"))
        assert response.status_code == 200
        assert response.json()["archived"] is True
        assert owner_api.get("/api/v1/kits/").json()["count"] == 0
        assert owner_api.get(kit_path(kit)).json()["archived"] is True
        response = send(owner_api, "post", kit_path(kit, "unarchive/"))
        assert response.json()["archived"] is False
        assert owner_api.get("/api/v1/kits/").json()["count"] == 1

    def test_deleting_removes_the_kit_and_keeps_the_questions(self, owner_api, kit):
        response = owner_api.delete(kit_path(kit))
        assert response.status_code == 204
        assert not Kit.objects.filter(pk=kit.pk).exists()
        assert not KitItem.objects.exists()
        assert Question.objects.count() == 2
        assert_error(owner_api.get(kit_path(kit)), 404, "not_found")

    def test_duplicating_copies_questions_wording_minutes_and_notes(self, owner_api, kit, owner):
        item_rules.kit_update_item(
            item=kit.items.get(position=2), minutes=9, note="Ask for an example."
        )
        rules.kit_share(kit=kit)
        response = send(owner_api, "post", kit_path(kit, "duplicate/"))
        assert response.status_code == 201
        copy = response.json()
        assert copy["id"] != kit.id
        assert copy["title"] == "Copy of Ops manager first interview"
        assert copy["share_url"] is None
        original = owner_api.get(kit_path(kit)).json()
        assert [(i["question"], i["minutes"], i["note"], i["text"]) for i in copy["items"]] == [
            (i["question"], i["minutes"], i["note"], i["text"]) for i in original["items"]
        ]
        assert Kit.objects.get(pk=copy["id"]).owner == owner

    @pytest.mark.parametrize("person", ["colleague", "recruiter", "outsider", "staff"])
    @pytest.mark.parametrize(
        "method,rest", [("post", "archive/"), ("post", "duplicate/"), ("delete", "")]
    )
    def test_anyone_but_the_owner_gets_a_404(self, request, person, method, rest, kit):
        api = token_client(request.getfixturevalue(person))
        assert_error(send(api, method, kit_path(kit, rest)), 404, "not_found")
        assert Kit.objects.count() == 1
        assert not Kit.objects.get(pk=kit.pk).is_archived


class TestBalance:
    def test_it_replaces_the_questions_and_saves_the_settings(self, owner, owner_api, seed_bank):
        kit = rules.kit_create(owner=owner, title="To balance")
        wanted = ["strategy", "leadership"]
        response = send(
            owner_api,
            "post",
            kit_path(kit, "balance/"),
            {"role": Role.objects.get().slug, "target_minutes": 30, "competencies": wanted},
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["target_minutes"], body["competencies"]) == (30, wanted)
        assert {item["competency"] for item in body["items"]} == set(wanted)
        assert body["summary"]["total_minutes"] <= 24

    def test_a_failure_in_the_second_write_leaves_the_kit_as_it_was(
        self, owner_api, kit, seed_bank, monkeypatch
    ):
        def fail(**kwargs):
            raise rules.KitError("The questions could not be saved.")

        monkeypatch.setattr(balance, "kit_replace_questions", fail)
        before = (kit.role, kit.target_minutes, list(kit.competencies.all()))
        items_before = list(kit.items.values_list("question_id", flat=True))
        response = send(
            owner_api, "post", kit_path(kit, "balance/"), {"target_minutes": 60, "role": None}
        )
        assert response.status_code == 400
        assert "could not be saved" in response.json()["detail"]
        kit.refresh_from_db()
        assert (kit.role, kit.target_minutes, list(kit.competencies.all())) == before
        assert list(kit.items.values_list("question_id", flat=True)) == items_before

    def test_rotate_keeps_one_of_a_set_of_alternates(
        self, owner_api, kit, pricing_question, spare_question
    ):
        pricing_question.alternates.add(spare_question)
        wanted = {"target_minutes": 120, "competencies": ["strategy"]}
        plain = send(owner_api, "post", kit_path(kit, "balance/"), wanted).json()
        assert {item["question"] for item in plain["items"]} == {
            pricing_question.id,
            spare_question.id,
        }
        rotated = send(
            owner_api, "post", kit_path(kit, "balance/"), {**wanted, "rotate": True}
        ).json()
        # Neither was asked lately; the role's question is kept, its alternate left out.
        assert [item["question"] for item in rotated["items"]] == [pricing_question.id]

    def test_rotate_must_be_a_boolean(self, owner_api, kit):
        response = send(owner_api, "post", kit_path(kit, "balance/"), {"rotate": "yes"})
        assert response.status_code == 400 and "rotate" in response.json()["errors"]

    def test_left_out_settings_are_the_kits(self, owner_api, kit, pricing_question):
        body = send(owner_api, "post", kit_path(kit, "balance/"), {}).json()
        assert (body["role"], body["target_minutes"]) == ("ops-manager", 30)
        assert [item["question"] for item in body["items"]] == [
            q.id for q in balance.kit_balance(role=kit.role, target_minutes=30)
        ]

    def test_an_archived_kit_is_not_balanced(self, owner_api, kit):
        rules.kit_archive(kit=kit)
        assert_error(send(owner_api, "post", kit_path(kit, "balance/"), {}), 400, "invalid")
        assert kit.items.count() == 2


# Items ------------------------------------------------------------------------------------


class TestItems:
    def test_adding_a_question_puts_it_last_with_its_minutes_and_wording(
        self, owner_api, kit, spare_question
    ):
        response = send(owner_api, "post", kit_path(kit, "items/"), {"question": spare_question.id})
        assert response.status_code == 201, response.content
        item = response.json()
        assert set(item) == ITEM_FIELDS
        assert (item["question"], item["position"], item["minutes"], item["note"]) == (
            spare_question.id,
            3,
            7,
            "",
        )
        assert item["text"] == spare_question.text
        assert item_ids(kit)[-1] == item["id"]

    def test_minutes_and_a_note_may_come_with_it(self, owner_api, kit, spare_question):
        item = send(
            owner_api,
            "post",
            kit_path(kit, "items/"),
            {"question": spare_question.id, "minutes": 4, "note": "Keep it short."},
        ).json()
        assert (item["minutes"], item["note"]) == (4, "Keep it short.")

    def test_a_question_already_in_the_kit_is_a_400(self, owner_api, kit, pricing_question):
        body = assert_error(
            send(owner_api, "post", kit_path(kit, "items/"), {"question": pricing_question.id}),
            400,
            "invalid",
        )
        assert body["detail"] == "That question is already in this kit."
        assert kit.items.count() == 2

    def test_a_retired_question_is_a_400(self, owner_api, kit, spare_question):
        Question.objects.filter(pk=spare_question.pk).update(is_active=False)
        body = assert_error(
            send(owner_api, "post", kit_path(kit, "items/"), {"question": spare_question.id}),
            400,
            "invalid",
        )
        assert body["detail"] == "That question is retired, so it cannot be added to kits."

    @pytest.mark.parametrize(
        "data,field,message",
        [
            ({}, "question", "This field is required."),
            ({"question": 999999}, "question", "There is no question with the id 999999."),
            ({"question": "pricing"}, "question", "whole number"),
            ({"question": 10**30}, "question", "less than or equal to"),
            ({"question": "{spare}", "minutes": 0}, "minutes", "between 1 and 120"),
            ({"question": "{spare}", "minutes": 121}, "minutes", "between 1 and 120"),
            ({"question": "{spare}", "note": ["a"]}, "note", "Must be text."),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field(
        self, owner_api, kit, spare_question, data, field, message
    ):
        data = {k: spare_question.id if v == "{spare}" else v for k, v in data.items()}
        body = assert_error(send(owner_api, "post", kit_path(kit, "items/"), data), 400, "invalid")
        assert list(body["errors"]) == [field]
        assert message in body["errors"][field][0]
        assert kit.items.count() == 2

    def test_changing_minutes_and_note(self, owner_api, kit):
        item = kit.items.get(position=2)
        response = send(owner_api, "patch", kit_path(kit, f"items/{item.id}/"), {"minutes": 8})
        assert response.status_code == 200
        assert (response.json()["minutes"], response.json()["note"]) == (8, "")
        response = send(
            owner_api, "patch", kit_path(kit, f"items/{item.id}/"), {"note": "  Ask for numbers. "}
        )
        assert (response.json()["minutes"], response.json()["note"]) == (8, "Ask for numbers.")
        assert owner_api.get(kit_path(kit)).json()["summary"]["total_minutes"] == 14

    @pytest.mark.parametrize("minutes", [0, 121, -3, "five", None])
    def test_bad_minutes_are_a_400_with_the_message(self, owner_api, kit, minutes):
        item = kit.items.get(position=1)
        body = assert_error(
            send(owner_api, "patch", kit_path(kit, f"items/{item.id}/"), {"minutes": minutes}),
            400,
            "invalid",
        )
        assert list(body["errors"]) == ["minutes"]
        assert KitItem.objects.get(pk=item.pk).minutes == 6

    def test_removing_closes_the_gap(self, owner_api, kit, spare_question):
        item_rules.kit_add_question(kit=kit, question=spare_question)
        first = kit.items.get(position=1)
        assert owner_api.delete(kit_path(kit, f"items/{first.id}/")).status_code == 204
        assert [item.position for item in kit.items.order_by("position")] == [1, 2]
        assert Question.objects.filter(pk=first.question_id).exists()

    def test_an_item_of_another_kit_is_a_404(self, owner, owner_api, kit, spare_question):
        other = rules.kit_create(owner=owner, title="Other")
        foreign = item_rules.kit_add_question(kit=other, question=spare_question)
        path = kit_path(kit, f"items/{foreign.id}/")
        assert_error(send(owner_api, "patch", path, {"minutes": 3}), 404, "not_found")
        assert_error(owner_api.delete(path), 404, "not_found")
        assert_error(owner_api.delete(kit_path(kit, "items/999999/")), 404, "not_found")
        assert other.items.count() == 1

    def test_items_of_an_archived_kit_stay_as_they_are(self, owner_api, kit, spare_question):
        rules.kit_archive(kit=kit)
        item = kit.items.get(position=1)
        for response in [
            send(owner_api, "post", kit_path(kit, "items/"), {"question": spare_question.id}),
            send(owner_api, "patch", kit_path(kit, f"items/{item.id}/"), {"minutes": 3}),
            owner_api.delete(kit_path(kit, f"items/{item.id}/")),
        ]:
            body = assert_error(response, 400, "invalid")
            assert body["detail"] == "This kit is archived. Restore it to change it."
        assert kit.items.count() == 2

    @pytest.mark.parametrize("person", ["colleague", "recruiter", "outsider", "staff"])
    def test_anyone_but_the_owner_gets_a_404(self, request, person, kit, spare_question):
        api = token_client(request.getfixturevalue(person))
        item = kit.items.get(position=1)
        for response in [
            send(api, "post", kit_path(kit, "items/"), {"question": spare_question.id}),
            send(api, "patch", kit_path(kit, f"items/{item.id}/"), {"minutes": 3}),
            api.delete(kit_path(kit, f"items/{item.id}/")),
            send(api, "post", kit_path(kit, f"items/{item.id}/wording/"), {"choice": "accept"}),
            send(api, "put", kit_path(kit, "order/"), {"items": item_ids(kit)[::-1]}),
        ]:
            assert_error(response, 404, "not_found")
        assert [(i.position, i.minutes) for i in kit.items.order_by("id")] == [(1, 6), (2, 5)]

    def test_anonymous_writes_are_401(self, client, kit):
        assert_error(
            send(client, "post", kit_path(kit, "items/"), {"question": 1}), 401, "not_authenticated"
        )


class TestOrder:
    def test_it_sets_the_whole_order_at_once(self, owner_api, kit, spare_question):
        item_rules.kit_add_question(kit=kit, question=spare_question)
        wanted = item_ids(kit)[::-1]
        response = send(owner_api, "put", kit_path(kit, "order/"), {"items": wanted})
        assert response.status_code == 200
        assert [item["id"] for item in response.json()["items"]] == wanted
        assert [item["position"] for item in response.json()["items"]] == [1, 2, 3]
        assert item_ids(kit) == wanted

    @pytest.mark.parametrize(
        "change,message",
        [
            (lambda ids: ids[:1], "List every item of this kit exactly once. Missing: {1}."),
            (lambda ids: [*ids, 999999], "Not in this kit: 999999."),
            (lambda ids: [ids[0], *ids], "Listed more than once: {0}."),
            (lambda ids: [], "Missing: {0}, {1}."),
        ],
    )
    def test_a_list_that_is_not_exactly_the_kits_items_changes_nothing(
        self, owner_api, kit, change, message
    ):
        before = item_ids(kit)
        body = assert_error(
            send(owner_api, "put", kit_path(kit, "order/"), {"items": change(before)[::-1]}),
            400,
            "invalid",
        )
        assert list(body["errors"]) == ["items"]
        assert message.format(*before) in body["detail"]
        assert item_ids(kit) == before

    def test_an_item_from_another_kit_is_not_in_this_one(
        self, owner, owner_api, kit, spare_question
    ):
        other = rules.kit_create(owner=owner, title="Other")
        foreign = item_rules.kit_add_question(kit=other, question=spare_question)
        body = assert_error(
            send(
                owner_api, "put", kit_path(kit, "order/"), {"items": [*item_ids(kit), foreign.id]}
            ),
            400,
            "invalid",
        )
        assert f"Not in this kit: {foreign.id}." in body["detail"]

    @pytest.mark.parametrize(
        "data", [{}, {"items": "1,2"}, {"items": ["first"]}, {"items": [None]}, [1, 2]]
    )
    def test_a_body_that_is_not_a_list_of_ids_is_a_400(self, owner_api, kit, data):
        assert_error(send(owner_api, "put", kit_path(kit, "order/"), data), 400, "invalid")

    def test_an_empty_kit_takes_an_empty_order(self, owner, owner_api):
        empty = rules.kit_create(owner=owner, title="Empty")
        assert send(owner_api, "put", kit_path(empty, "order/"), {"items": []}).status_code == 200

    def test_the_order_is_a_put_of_the_whole_list(self, owner_api, kit):
        response = send(owner_api, "post", kit_path(kit, "order/"), {"items": item_ids(kit)})
        assert_error(response, 405, "method_not_allowed")


class TestWording:
    @pytest.fixture
    def rewritten(self, kit, pricing_question) -> KitItem:
        bank_rules.question_update(
            question=pricing_question,
            text="How would you price a new product line?",
            guidance="Margins, competitors, willingness to pay, and a test.",
        )
        return kit.items.get(question=pricing_question)

    def test_accepting_takes_the_banks_wording(self, owner_api, kit, rewritten):
        path = kit_path(kit, f"items/{rewritten.id}/wording/")
        response = send(owner_api, "post", path, {"choice": "accept"})
        assert response.status_code == 200
        item = response.json()
        assert item["text"] == "How would you price a new product line?"
        assert item["guidance"] == "Margins, competitors, willingness to pay, and a test."
        assert (item["changed_in_bank"], item["bank_text"]) == (False, None)

    def test_keeping_keeps_the_kits_wording_and_stops_the_flag(self, owner_api, kit, rewritten):
        old_text = rewritten.pinned_text
        path = kit_path(kit, f"items/{rewritten.id}/wording/")
        item = send(owner_api, "post", path, {"choice": "keep"}).json()
        assert (item["text"], item["changed_in_bank"]) == (old_text, False)
        assert owner_api.get(kit_path(kit)).json()["summary"]["changed_in_bank"] == 0

    @pytest.mark.parametrize("data", [{}, {"choice": "both"}, {"choice": None}])
    def test_anything_but_accept_or_keep_is_a_400(self, owner_api, kit, rewritten, data):
        path = kit_path(kit, f"items/{rewritten.id}/wording/")
        body = assert_error(send(owner_api, "post", path, data), 400, "invalid")
        assert list(body["errors"]) == ["choice"]


class TestSharing:
    def test_sharing_gives_a_link_that_works_signed_out(self, owner_api, kit):
        response = send(owner_api, "post", kit_path(kit, "share/"))
        assert response.status_code == 200
        url = response.json()["share_url"]
        token = Kit.objects.get(pk=kit.pk).share_token
        assert url == f"http://testserver/kits/shared/{token}/"
        assert Client().get(url).status_code == 200
        assert owner_api.get(kit_path(kit)).json()["share_url"] == url
        # Sharing again keeps the link.
        assert send(owner_api, "post", kit_path(kit, "share/"), {}).json()["share_url"] == url

    def test_regenerating_stops_the_old_link(self, owner_api, kit):
        old = send(owner_api, "post", kit_path(kit, "share/")).json()["share_url"]
        new = send(owner_api, "post", kit_path(kit, "share/"), {"regenerate": True}).json()
        assert new["share_url"] != old
        assert Client().get(old).status_code == 404
        assert Client().get(new["share_url"]).status_code == 200

    def test_revoking_turns_the_link_off(self, owner_api, kit):
        url = send(owner_api, "post", kit_path(kit, "share/")).json()["share_url"]
        assert owner_api.delete(kit_path(kit, "share/")).status_code == 204
        assert owner_api.get(kit_path(kit)).json()["share_url"] is None
        assert Client().get(url).status_code == 404

    @pytest.mark.parametrize("person", ["colleague", "recruiter", "outsider", "staff"])
    def test_anyone_but_the_owner_gets_a_404(self, request, person, kit):
        api = token_client(request.getfixturevalue(person))
        assert_error(send(api, "post", kit_path(kit, "share/")), 404, "not_found")
        rules.kit_share(kit=kit)
        assert_error(api.delete(kit_path(kit, "share/")), 404, "not_found")
        assert Kit.objects.get(pk=kit.pk).share_token


# Downloads --------------------------------------------------------------------------------


class TestDownloads:
    def test_the_pdf(self, owner_api, kit):
        response = owner_api.get(kit_path(kit, "export.pdf"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="ops-manager-first-interview.pdf"'
        )

    def test_markdown(self, owner_api, kit):
        response = owner_api.get(kit_path(kit, "export.md"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/markdown; charset=utf-8"
        text = response.content.decode()
        assert text.startswith("# Ops manager first interview")
        assert "### 1. How would you set a pricing strategy" in text
        assert 'filename="ops-manager-first-interview.md"' in response["Content-Disposition"]

    def test_csv_neutralises_formulas(self, owner_api, kit):
        item_rules.kit_update_item(item=kit.items.get(position=1), note='=HYPERLINK("http://x")')
        item_rules.kit_update_item(item=kit.items.get(position=2), note="+1-1")
        response = owner_api.get(kit_path(kit, "export.csv"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == exports.CSV_HEADER
        assert [row[5] for row in rows[1:]] == ['\'=HYPERLINK("http://x")', "'+1-1"]

    @pytest.mark.parametrize("fmt", ["pdf", "md", "csv"])
    def test_any_accept_header_that_allows_the_file_gets_it(self, owner_api, kit, fmt):
        media = {"pdf": "application/pdf", "md": "text/markdown", "csv": "text/csv"}[fmt]
        for accept in [media, "*/*", f"application/json, {media}"]:
            response = owner_api.get(kit_path(kit, f"export.{fmt}"), headers={"Accept": accept})
            assert response.status_code == 200, accept

    @pytest.mark.parametrize("fmt", ["pdf", "md", "csv"])
    def test_errors_are_json_even_from_a_download(self, client, owner_api, colleague, kit, fmt):
        path = kit_path(kit, f"export.{fmt}")
        assert_error(client.get(path), 401, "not_authenticated")
        assert_error(token_client(colleague).get(path), 404, "not_found")
        assert_error(owner_api.get(f"/api/v1/kits/999999/export.{fmt}"), 404, "not_found")
        body = assert_error(
            owner_api.get(path, headers={"Accept": "application/json"}), 406, "not_acceptable"
        )
        media = {"pdf": "application/pdf", "md": "text/markdown", "csv": "text/csv"}[fmt]
        assert body["detail"] == (
            f"This download is offered only as {media}: send `Accept: {media}` or `Accept: */*`."
        )
        assert_error(owner_api.post(path), 405, "method_not_allowed")

    @pytest.mark.parametrize("fmt", ["pdf", "md", "csv"])
    def test_staff_download_any_kit(self, staff, kit, fmt):
        assert token_client(staff).get(kit_path(kit, f"export.{fmt}")).status_code == 200

    def test_an_archived_kit_can_still_be_downloaded(self, owner_api, kit):
        rules.kit_archive(kit=kit)
        assert owner_api.get(kit_path(kit, "export.md")).status_code == 200

    def test_without_pdf_libraries_the_pdf_is_a_json_503(self, owner_api, kit, monkeypatch):
        def unavailable(*args, **kwargs):
            raise PdfUnavailable

        monkeypatch.setattr(exports, "kit_pdf_document", unavailable)
        body = assert_error(owner_api.get(kit_path(kit, "export.pdf")), 503, "pdf_unavailable")
        assert "Markdown and CSV" in body["detail"]


# Errors -----------------------------------------------------------------------------------


class TestKitErrors:
    def test_a_kit_rule_with_a_field_names_the_field(self):
        response = api_exception_handler(KitError("Minutes must be 1 to 120.", field="minutes"), {})
        assert response.status_code == 400
        assert response.data == {
            "detail": "Minutes must be 1 to 120.",
            "code": "invalid",
            "errors": {"minutes": ["Minutes must be 1 to 120."]},
        }

    def test_a_kit_rule_without_one_is_about_the_whole_request(self):
        response = api_exception_handler(KitError("This kit is archived."), {})
        assert response.data["errors"] == {"non_field_errors": ["This kit is archived."]}
