"""A signed-in request loads the person and their permissions in one query, always fresh."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from interviewbank.auth import (
    PermissionsWithUserBackend,
    TokenWithPermissionsAuthentication,
    issue_token,
    token_digest,
)
from tests.helpers import token_client

AUTH_TABLES = ("auth_user", "auth_permission", "auth_group")


def auth_queries_in(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in AUTH_TABLES)]


def auth_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return auth_queries_in(captured)


def test_a_signed_in_page_finds_who_is_asking_and_what_they_may_do_in_one_query(
    recruiter_client, seed_bank
):
    # The search page checks the view permission and the kit menu's add_kit permission.
    assert len(auth_queries(recruiter_client, "/search/?q=pricing")) == 1


def test_the_backend_finds_the_same_permissions_as_django(recruiter, owner, editor):
    from django.contrib.auth.backends import ModelBackend

    user_permission = Permission.objects.get(codename="delete_kit")
    recruiter.user_permissions.add(user_permission)
    for person in (recruiter, owner, editor):
        loaded = PermissionsWithUserBackend().get_user(person.pk)
        expected = type(person).objects.get(pk=person.pk)
        assert loaded.get_all_permissions() == ModelBackend().get_all_permissions(expected)
        assert loaded.get_user_permissions() == ModelBackend().get_user_permissions(expected)
        assert loaded.get_group_permissions() == ModelBackend().get_group_permissions(expected)
    assert (
        "questions.delete_kit"
        in PermissionsWithUserBackend().get_user(recruiter.pk).get_all_permissions()
    )


def test_a_change_to_someones_groups_applies_at_their_next_request(client, outsider, seed_bank):
    client.force_login(outsider)
    assert client.get("/search/?q=pricing").status_code == 403
    outsider.groups.add(Group.objects.get(name="Recruiter"))
    assert client.get("/search/?q=pricing").status_code == 200
    outsider.groups.clear()
    assert client.get("/search/?q=pricing").status_code == 403


def test_a_deactivated_account_is_signed_out(recruiter_client, recruiter, seed_bank):
    recruiter.is_active = False
    recruiter.save()
    response = recruiter_client.get("/search/?q=pricing")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_account_is_nobody(db):
    assert PermissionsWithUserBackend().get_user(987654) is None


@pytest.mark.parametrize("is_superuser", [True, False])
def test_a_superuser_may_do_everything(django_user_model, is_superuser):
    person = django_user_model.objects.create_user("sam", is_superuser=is_superuser)
    loaded = PermissionsWithUserBackend().get_user(person.pk)
    assert loaded.has_perm("questions.change_question") is is_superuser


def test_an_api_token_brings_the_person_and_their_permissions_in_two_queries(recruiter, seed_bank):
    client = token_client(recruiter)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/questions/")
    assert response.status_code == 200
    signing_in = [q["sql"] for q in captured.captured_queries if "authtoken_token" in q["sql"]]
    signing_in += auth_queries_in(captured)
    assert len(signing_in) == 2


def test_an_api_token_of_a_deactivated_account_is_refused(recruiter, seed_bank):
    client = token_client(recruiter)
    recruiter.is_active = False
    recruiter.save()
    response = client.get("/api/v1/questions/")
    assert response.status_code == 401
    assert "inactive" in response.json()["detail"]


def test_an_unknown_api_token_is_refused(db):
    from django.test import Client

    response = Client(headers={"Authorization": "Token nope"}).get("/api/v1/questions/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


class TestTokenDigests:
    def test_tokens_given_out_before_digests_keep_working(self, db):
        """Migration 0011 turns each stored key into its digest; the key itself still works."""
        before = [("questions", "0010_search_shards")]
        executor = MigrationExecutor(connection)
        # Runs inside the test's transaction: PostgreSQL rolls it all back afterwards.
        executor.migrate(before)
        old = executor.loader.project_state(
            [*before, ("authtoken", "0004_alter_tokenproxy_options")]
        ).apps
        user = old.get_model("auth", "User").objects.create(username="scripted")
        old.get_model("authtoken", "Token").objects.create(user=user, key="a1" * 20)

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert Token.objects.get(user_id=user.pk).key == token_digest("a1" * 20)
        signed_in, _ = TokenWithPermissionsAuthentication().authenticate_credentials("a1" * 20)
        assert signed_in.username == "scripted"

    def test_the_admin_lists_who_has_a_token_and_makes_none(self, admin_client, recruiter):
        issue_token(recruiter)
        page = admin_client.get("/admin/authtoken/tokenproxy/")
        assert page.status_code == 200
        assert recruiter.username in page.content.decode()
        assert "column-key" not in page.content.decode()  # DRF's own admin lists the keys
        assert admin_client.get("/admin/authtoken/tokenproxy/add/").status_code == 403
