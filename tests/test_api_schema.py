"""The API contract: the OpenAPI schema, the offline docs, and generated requests against it."""

import re

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis import GenerationMode

from interviewbank.auth import issue_token
from questions.kits import balance
from questions.kits import rules as kit_rules
from questions.models import Kit, Question, Role
from questions.scorecards import rules
from questions.scorecards.models import Loop, Rating

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/v1/questions/"),
    ("post", "/api/v1/questions/"),
    ("get", "/api/v1/questions/{id}/"),
    ("put", "/api/v1/questions/{id}/"),
    ("patch", "/api/v1/questions/{id}/"),
    ("get", "/api/v1/competencies/"),
    ("get", "/api/v1/competencies/{slug}/"),
    ("get", "/api/v1/roles/"),
    ("get", "/api/v1/roles/{slug}/"),
}
KIT_OPERATIONS = {
    ("get", "/api/v1/kits/"),
    ("post", "/api/v1/kits/"),
    ("get", "/api/v1/kits/{id}/"),
    ("patch", "/api/v1/kits/{id}/"),
    ("delete", "/api/v1/kits/{id}/"),
    ("post", "/api/v1/kits/{id}/archive/"),
    ("post", "/api/v1/kits/{id}/unarchive/"),
    ("post", "/api/v1/kits/{id}/duplicate/"),
    ("post", "/api/v1/kits/{id}/balance/"),
    ("post", "/api/v1/kits/{id}/share/"),
    ("delete", "/api/v1/kits/{id}/share/"),
    ("put", "/api/v1/kits/{id}/order/"),
    ("post", "/api/v1/kits/{id}/items/"),
    ("patch", "/api/v1/kits/{id}/items/{item_id}/"),
    ("delete", "/api/v1/kits/{id}/items/{item_id}/"),
    ("post", "/api/v1/kits/{id}/items/{item_id}/wording/"),
    ("get", "/api/v1/kits/{id}/export.pdf"),
    ("get", "/api/v1/kits/{id}/export.md"),
    ("get", "/api/v1/kits/{id}/export.csv"),
}
LOOP_OPERATIONS = {
    ("get", "/api/v1/loops/"),
    ("post", "/api/v1/loops/"),
    ("get", "/api/v1/loops/{id}/"),
    ("patch", "/api/v1/loops/{id}/"),
    ("post", "/api/v1/loops/{id}/interviews/"),
    ("patch", "/api/v1/loops/{id}/interviews/{interview_id}/"),
    ("delete", "/api/v1/loops/{id}/interviews/{interview_id}/"),
    ("get", "/api/v1/candidates/"),
    ("post", "/api/v1/candidates/"),
    ("get", "/api/v1/candidates/{id}/"),
    ("delete", "/api/v1/candidates/{id}/"),
    ("get", "/api/v1/candidates/{id}/debrief/"),
    ("get", "/api/v1/scorecards/"),
    ("post", "/api/v1/scorecards/"),
    ("get", "/api/v1/scorecards/{id}/"),
    ("patch", "/api/v1/scorecards/{id}/"),
    ("post", "/api/v1/scorecards/{id}/submit/"),
}
ALL_OPERATIONS = OPERATIONS | KIT_OPERATIONS | LOOP_OPERATIONS
DOWNLOADS = {
    "/api/v1/kits/{id}/export.pdf": "application/pdf",
    "/api/v1/kits/{id}/export.md": "text/markdown",
    "/api/v1/kits/{id}/export.csv": "text/csv",
}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def openapi(client) -> dict:
    response = client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict) -> dict[tuple[str, str], dict]:
    return {
        (method, path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    }


class TestSchema:
    def test_it_is_a_valid_openapi_3_document(self, openapi):
        validate(openapi)
        assert openapi["openapi"].startswith("3.")
        assert openapi["info"]["title"] == "Interview Bank API"

    def test_anyone_may_fetch_it_as_yaml_or_json(self, client):
        assert client.get("/api/schema/").status_code == 200
        assert client.get("/api/schema/?format=json").json()["paths"]

    def test_it_describes_every_operation_and_no_other(self, openapi):
        assert set(operations(openapi)) == ALL_OPERATIONS

    def test_every_operation_documents_the_error_shape(self, openapi):
        for (method, path), operation in operations(openapi).items():
            documented = set(operation["responses"])
            assert {"401", "403", "406", "429"} <= documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)
            # Whatever takes input can be given bad input.
            queries = [p for p in operation.get("parameters", []) if p["in"] == "query"]
            if "requestBody" in operation or queries:
                assert "400" in documented, (method, path)
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/Error", (method, path, status)
        error = openapi["components"]["schemas"]["Error"]
        assert error["required"] == ["code", "detail", "errors"]

    def test_lists_document_their_pagination_and_filters(self, openapi):
        listing = operations(openapi)[("get", "/api/v1/questions/")]
        params = {p["name"]: p for p in listing["parameters"]}
        assert set(params) == {
            "page",
            "page_size",
            "competency",
            "role",
            "type",
            "level",
            "active",
            "updated_since",
            "search",
        }
        assert params["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100}
        assert params["updated_since"]["schema"]["format"] == "date-time"
        assert params["active"]["schema"]["enum"] == ["any", "false", "true"]
        page = openapi["components"]["schemas"]["PaginatedQuestionList"]
        assert set(page["required"]) == {"count", "count_exact", "next", "previous", "results"}

    def test_writes_take_json_without_read_only_fields(self, openapi):
        create = operations(openapi)[("post", "/api/v1/questions/")]
        assert set(create["requestBody"]["content"]) == {"application/json"}
        body = openapi["components"]["schemas"]["QuestionRequest"]
        assert set(body["required"]) == {"text", "guidance", "competency"}
        assert not {"id", "slug", "updated"} & set(body["properties"])
        assert body["properties"]["minutes"]["minimum"] == 1
        assert body["properties"]["minutes"]["maximum"] == 120

    def test_downloads_describe_their_file_type_and_json_errors(self, openapi):
        for path, media_type in DOWNLOADS.items():
            responses = operations(openapi)[("get", path)]["responses"]
            assert set(responses["200"]["content"]) == {media_type}, path
            assert "Content-Disposition" in responses["200"]["headers"]
            for status, response in responses.items():
                if status != "200":
                    assert set(response["content"]) == {"application/json"}, (path, status)
        pdf = operations(openapi)[("get", "/api/v1/kits/{id}/export.pdf")]
        assert pdf["responses"]["200"]["content"]["application/pdf"]["schema"]["format"] == "binary"
        assert "503" in pdf["responses"]

    def test_kits_and_items_have_the_field_names_scripts_rely_on(self, openapi):
        schemas = openapi["components"]["schemas"]
        assert {"id", "title", "role", "target_minutes", "notes", "items"} <= set(
            schemas["Kit"]["required"]
        )
        assert {"id", "question", "position", "minutes", "note"} <= set(
            schemas["KitItem"]["required"]
        )
        assert schemas["KitItemAddRequest"]["required"] == ["question"]
        assert schemas["KitOrderRequest"]["required"] == ["items"]
        assert schemas["KitCreateRequest"].get("required", []) == []
        kit_list = operations(openapi)[("get", "/api/v1/kits/")]
        assert {p["name"] for p in kit_list["parameters"]} == {"archived", "page", "page_size"}

    def test_it_names_both_ways_to_authenticate(self, openapi):
        schemes = openapi["components"]["securitySchemes"]
        assert schemes["tokenAuth"]["name"] == "Authorization"
        assert schemes["cookieAuth"]["in"] == "cookie"


class TestDocs:
    def test_the_docs_page_loads_everything_from_this_site_with_no_inline_script(self, client):
        response = client.get("/api/docs/")
        assert response.status_code == 200
        html = response.content.decode()
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
        assert len(scripts) == 3
        for attributes, body in scripts:
            assert 'src="' in attributes and body.strip() == ""
        assert "<style" not in html and " on" not in re.sub(r"<script.*?</script>", "", html)
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert not url.startswith(("http:", "https:", "//")), url
            if url.startswith(django_settings.STATIC_URL) or url.startswith(
                "/" + django_settings.STATIC_URL
            ):
                path = url.split(django_settings.STATIC_URL, 1)[1]
                assert finders.find(path), f"{path} is not served"

    def test_the_docs_script_points_at_the_schema(self, client):
        response = client.get("/api/docs/?script=")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/javascript")
        assert "/api/schema/" in response.content.decode()


# Generated input against every operation -----------------------------------------------------


@pytest.fixture
def wsgi_app(db):
    """The Django WSGI application, sharing the test's transaction.

    Django closes the connection at the start and end of each real request; inside a test
    transaction that would throw the test data away, so (as Django's test client does)
    those handlers are switched off while the test runs.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(
            ALLOWED_HOSTS=["localhost", "testserver"],
            # Far above what a few hundred requests need: this run is about the contract.
            REST_FRAMEWORK={
                **django_settings.REST_FRAMEWORK,
                "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
            },
        ):
            yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# Only what this run is about: the schema's promises. Fixed inputs, so every run is the same.
FUZZ_CONFIG = {
    "generation": {"with-security-parameters": False},
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        "negative_data_rejection": {"enabled": True},
        "unsupported_method": {"enabled": True},
        "ignored_auth": {"enabled": True},
    },
}
FUZZ_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(wsgi_app, seed_bank) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json", wsgi_app, config=schemathesis.Config.from_dict(FUZZ_CONFIG)
    )


@pytest.fixture
def owners_kit(seed_bank, owner) -> Kit:
    """A balanced kit of the owner's, from the seed bank: what the kit operations work on."""
    return balance.kit_create_from_role(owner=owner, role=Role.objects.get(), target_minutes=45)


ROLE = "e-commerce-operations-manager"
COMPETENCIES = ["strategy", "data-analysis", "leadership"]


def known_ids(path: str, kit: Kit) -> dict[str, object] | None:
    """Ids and slugs that exist, for a path; generated ones almost never do.

    Each kit operation gets its own copy of the owner's kit, and each loop, candidate and
    scorecard operation its own loop, so one that deletes, archives or empties something
    leaves the next operation whole objects to work on.
    """
    if path.startswith("/api/v1/kits/{id}"):
        copy = kit_rules.kit_duplicate(kit=kit, owner=kit.owner)
        ids: dict[str, object] = {"id": copy.id}
        if "{item_id}" in path:
            ids["item_id"] = copy.items.order_by("position").first().id
        return ids
    if path.startswith(OBJECT_PATHS):
        loop = fresh_loop(kit)
        interview = loop.interviews.get()
        candidate = loop.candidates.get()
        return {
            "/api/v1/loops/{id}/": {"id": str(loop.code)},
            "/api/v1/loops/{id}/interviews/": {"id": str(loop.code)},
            "/api/v1/loops/{id}/interviews/{interview_id}/": {
                "id": str(loop.code),
                "interview_id": interview.pk,
            },
            "/api/v1/candidates/{id}/": {"id": str(candidate.code)},
            "/api/v1/candidates/{id}/debrief/": {"id": str(candidate.code)},
        }.get(path, {"id": candidate.scorecards.get().pk})
    return {
        "/api/v1/questions/{id}/": {"id": Question.objects.order_by("id").first().id},
        "/api/v1/competencies/{slug}/": {"slug": "strategy"},
        "/api/v1/roles/{slug}/": {"slug": ROLE},
    }.get(path)


# Paths that name one object, whose generated ids name none (404s, tested in each API's own
# tests): these operations work on real objects, with valid and with invalid input.
OBJECT_PATHS = ("/api/v1/kits/{id}", "/api/v1/loops/{id}", "/api/v1/candidates/{id}")
OBJECT_PATHS += ("/api/v1/scorecards/{id}",)
LOOP_PATHS = ("/api/v1/loops/", "/api/v1/candidates/", "/api/v1/scorecards/")


def fresh_loop(kit: Kit) -> Loop:
    """A loop of the kit owner's, who also asks its one interview (a copy of the kit), with
    a candidate and the owner's draft scorecard for them."""
    owner = kit.owner
    loop = rules.loop_create(owner=owner, title="Onsite")
    copy = kit_rules.kit_duplicate(kit=kit, owner=owner)
    interview = rules.loop_add_interview(loop=loop, kit=copy, interviewers=[owner])
    candidate = rules.candidate_add(loop=loop, reference=f"C-{loop.pk}")
    rules.scorecard_open(candidate=candidate, interview=interview, interviewer=owner)
    return loop


def with_existing_references(
    case: schemathesis.Case, kit_id: int | None = None, loop: Loop | None = None
) -> schemathesis.Case:
    """Point generated bodies at rows that exist, so writes can succeed.

    A question goes to a competency and role that exist; a kit to the seed role and
    competencies; an item to a question the kit does not have yet; an order lists the
    kit's own items (last first). Loop bodies name the given loop, its candidate, its
    interview, its owner as interviewer, a kit of theirs not in it, and its scorecard's
    ratings.
    """
    body = case.body
    if not isinstance(body, dict):
        return case
    if "competency" in body:
        body["competency"] = "leadership"
    if "roles" in body:
        body["roles"] = [ROLE][: len(body["roles"])]
    if body.get("role") is not None:
        body["role"] = ROLE
    if "competencies" in body:
        body["competencies"] = COMPETENCIES[: len(body["competencies"])]
    kit = Kit.objects.filter(pk=kit_id).first() if kit_id else None
    if kit is not None and "question" in body:
        body["question"] = Question.objects.active().exclude(kit_items__kit=kit).first().id
    if kit is not None and "items" in body:
        body["items"] = list(kit.items.order_by("-position").values_list("pk", flat=True))
    if loop is not None:
        candidate = loop.candidates.first()
        references = {
            "loop": str(loop.code),
            "candidate": candidate and str(candidate.code),
            "interview": loop.interviews.values_list("pk", flat=True).first(),
            "kit": Kit.objects.filter(owner=loop.owner)
            .exclude(loop_interviews__loop=loop)
            .values_list("pk", flat=True)
            .first(),
        }
        for name, value in references.items():
            if name in body and value is not None:
                body[name] = value
        if isinstance(body.get("interviewers"), list):
            body["interviewers"] = [loop.owner.username][: len(body["interviewers"])]
        ratings = Rating.objects.filter(scorecard__candidate__loop=loop).values_list(
            "pk", flat=True
        )
        if isinstance(body.get("ratings"), list):
            for rating, rating_id in zip(body["ratings"], ratings, strict=False):
                if isinstance(rating, dict):
                    rating["id"] = rating_id
            body["ratings"] = body["ratings"][: len(ratings)]
    return case


def drive(schema: schemathesis.BaseSchema, user, kit: Kit, paths: set[tuple[str, str]]) -> None:
    """Send generated valid and invalid requests to each operation, checking every answer."""
    headers = {"Authorization": f"Token {issue_token(user)}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method, op.path) for op in operations} == ALL_OPERATIONS
    for operation in operations:
        if (operation.method, operation.path) not in paths:
            continue
        existing = known_ids(operation.path, kit)
        on_a_kit = operation.path.startswith("/api/v1/kits/{id}")
        loop = None
        if operation.path.startswith(LOOP_PATHS):
            loop = Loop.objects.order_by("-pk").first() if existing else fresh_loop(kit)
        if operation.path.startswith(OBJECT_PATHS):
            runs = [(GenerationMode.POSITIVE, existing)]
            if len(operation.body) or len(operation.query):
                runs.append((GenerationMode.NEGATIVE, existing))
        else:
            runs = [(GenerationMode.POSITIVE, None), (GenerationMode.NEGATIVE, None)]
            if existing:
                runs.append((GenerationMode.POSITIVE, existing))
        for mode, path_parameters in runs:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
            if mode == GenerationMode.POSITIVE and operation.method != "get":
                kit_id = path_parameters["id"] if on_a_kit else None
                strategy = strategy.map(
                    lambda case, kit_id=kit_id, loop=loop: with_existing_references(
                        case, kit_id, loop
                    )
                )

            @FUZZ_SETTINGS
            @given(strategy)
            def send(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers)

            try:
                send()
            except Exception as exc:
                exc.add_note(f"{mode.value} input to {operation.label} {path_parameters or ''}")
                raise


def test_a_hiring_manager_gets_no_server_error_and_only_documented_answers(
    api_schema, owner, owners_kit
):
    drive(api_schema, owner, owners_kit, ALL_OPERATIONS)


def test_an_account_in_no_group_gets_no_server_error_and_only_documented_answers(
    api_schema, outsider, owners_kit
):
    drive(api_schema, outsider, owners_kit, ALL_OPERATIONS)


def test_an_editor_gets_no_server_error_and_only_documented_answers(api_schema, editor, owners_kit):
    # Staff read anyone's kit; their kit writes are the outsider's 404s, driven above.
    reads = {(method, path) for method, path in KIT_OPERATIONS | LOOP_OPERATIONS if method == "get"}
    drive(api_schema, editor, owners_kit, OPERATIONS | reads)
