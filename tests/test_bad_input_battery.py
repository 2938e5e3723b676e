"""A standing battery: every URL pattern, signed out and signed in, fed malformed input.

Each path parameter in turn gets a NUL, an overlong string, odd Unicode, a negative and a
huge number, by GET, POST and DELETE; paths get malformed queries (NUL, over 1,000
parameters, numbers out of range); every page and API address gets malformed bodies (deep
JSON, NUL, wrong content types, numbers out of range). Nothing may answer 5xx, and nothing
refused may write. New URL patterns join the battery by themselves.
"""

import json
import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.urls import get_resolver

from questions.kits import rules
from questions.models import Competency, Kit, KitItem, Question, Role

BAD_VALUES = ["a\x00b", "9" * 30, "-1", "x" * 300, "é🙂\u202e", "%", "0"]
BAD_QUERIES = [
    "q=a%00b",
    "page=-1",
    "page=99999999999999999999",
    "competency=%F0%9F%99%82&role=%00",
    "x[]=1&x[]=2",
    "&".join(f"p{n}=1" for n in range(1100)),
]
NUMBER = 10**30
BAD_JSON_BODIES = [
    "[" * 1000 + "]" * 1000,
    json.dumps({"title": "a\x00b", "question": "a\x00b", "note": "\x00"}),
    json.dumps({"question": NUMBER, "minutes": -NUMBER, "target_minutes": NUMBER}),
    json.dumps({"item_ids": [NUMBER, -1, "x"], "order": "\x00"}),
    "{not json",
]
BAD_FORMS = [
    {"question": "a\x00b", "title": "a\x00b", "minutes": str(NUMBER), "item": ["-1", "x"]},
    {f"p{n}": "1" for n in range(1100)},
]


def concrete_routes() -> list[str]:
    """Every URL pattern as a template with `{name}` for each parameter."""
    routes = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            else:
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    templates = []
    for route in routes:
        route = route.replace("^", "").replace("$", "")
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        route = route.replace("([^/]+)", "{arg}")
        templates.append("/" + route)
    return sorted(set(templates))


ROUTES = concrete_routes()


@pytest.fixture
def world(owner, kit, django_user_model):
    """What valid parameters point at, and a superuser for the admin's addresses."""
    kit = rules.kit_share(kit=kit)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    item = kit.items.first()
    question = item.question
    values = {
        "code": str(kit.code),
        "item_id": str(item.pk),
        "slug": question.slug,
        "token": kit.share_token,
        "pk": str(kit.pk),
        "id": str(kit.pk),
        "object_id": str(kit.pk),
        "app_label": "questions",
        "url": "questions/",
        "arg": str(kit.pk),
        "fmt": "csv",
    }
    return {"values": values, "owner": owner, "admin": admin}


def snapshot() -> tuple:
    return (
        Kit.objects.count(),
        KitItem.objects.count(),
        Question.objects.count(),
        Competency.objects.count(),
        Role.objects.count(),
        get_user_model().objects.count(),
        Kit.objects.aggregate(Max("updated_at")),
        Question.objects.aggregate(Max("updated_at")),
        list(KitItem.objects.order_by("pk").values_list("position", "minutes", "note")),
    )


def fill(template: str, values: dict, bad: tuple[str, str] | None = None) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        if bad and name == bad[0]:
            return quote(bad[1], safe="")
        return quote(values.get(name, "1"), safe="")

    return re.sub(r"\{(\w+)\}", value, template)


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@pytest.mark.parametrize("template", ROUTES)
def test_malformed_input_is_never_a_server_error_and_writes_nothing(client, world, template):
    names = re.findall(r"\{(\w+)\}", template)
    people = [None, world["admin"] if template.startswith("/admin/") else world["owner"]]
    for person in people:
        client.logout()
        if person:
            client.force_login(person)
        who = person.username if person else "anonymous"

        before = snapshot()
        for name in names:
            for bad in BAD_VALUES:
                path = fill(template, world["values"], (name, bad))
                for method in (client.get, client.post, client.delete):
                    response = method(path)
                    assert_no_server_error(response, f"{who} {method.__name__} {path[:120]}")
        assert snapshot() == before, f"{who}: a malformed address wrote something"

        path = fill(template, world["values"])
        if "pdf" not in path:  # a valid PDF path lays the kit out: covered in test_bad_input
            for query in BAD_QUERIES:
                response = client.get(f"{path}?{query}")
                assert_no_server_error(response, f"{who} GET {path}?{query[:60]}")
        assert snapshot() == before, f"{who}: a malformed query wrote something"

        for body in BAD_JSON_BODIES:
            for method in ("POST", "PUT", "PATCH"):
                before = snapshot()
                response = client.generic(method, path, body, content_type="application/json")
                assert_no_server_error(response, f"{who} {method} {path} {body[:40]!r}")
                if response.status_code >= 400:
                    assert snapshot() == before, f"{who} {method} {path}: refused but wrote"
        for form in BAD_FORMS:
            before = snapshot()
            response = client.post(path, form)
            assert_no_server_error(response, f"{who} POST form {path}")
            if response.status_code >= 400:
                assert snapshot() == before, f"{who} POST form {path}: refused but wrote"
        for content_type in ("text/plain", "application/xml", "multipart/form-data; boundary=x"):
            response = client.generic("POST", path, "\x00garbage", content_type=content_type)
            assert_no_server_error(response, f"{who} POST {content_type} {path}")
