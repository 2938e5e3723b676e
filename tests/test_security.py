"""Security: headers and CSP, HTTPS, sign-in throttling, CSRF, escaping, and who sees what.

The page lists below are the extension points. A new page, export or API endpoint is
covered by adding a line:
- `PAGES`: every HTML page, checked for security headers, for no inline script, style or
  event handler, and (with the `hostile` bank) that stored and reflected markup is escaped;
- `ACCESS`: which of the people in `people` may open each URL, and what the rest get;
- `CSRF_POSTS`: state-changing forms and endpoints that must refuse a post without a token.
`{placeholders}` in the URLs are filled from the `targets` fixture; add to it for new objects
(a kit's code, say).
"""

import json
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from questions.models import Competency, Level, Question, QuestionType, Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# Every HTML page, as the signed-in `editor` (staff, Question editor group) sees it.
PAGES = [
    "/",
    "/competencies/{competency}/",
    "/competencies/{competency}/?level=senior",
    "/questions/{question}/",
    "/roles/{role}/",
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
]

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


@pytest.fixture
def targets(strategy, ops_manager, pricing_question) -> dict:
    """Values for the {placeholders} in the page lists."""
    return {
        "competency": strategy.slug,
        "competency_id": strategy.id,
        "role": ops_manager.slug,
        "role_id": ops_manager.id,
        "question": pricing_question.slug,
        "question_id": pricing_question.id,
        "probe": "pricing",
    }


@pytest.fixture
def hostile(db) -> dict:
    """A competency, role and question whose every text field holds the payload."""
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
    return {
        "competency": competency.slug,
        "competency_id": competency.id,
        "role": role.slug,
        "role_id": role.id,
        "question": question.slug,
        "question_id": question.id,
        "probe": PAYLOAD,
    }


def fill(path: str, values: dict) -> str:
    from urllib.parse import quote

    return path.format(**{k: quote(str(v), safe="") for k, v in values.items()})


class TestHeaders:
    @pytest.mark.parametrize("path", PAGES)
    def test_every_page_sends_the_security_headers(self, editor_client, targets, path):
        response = editor_client.get(fill(path, targets))
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
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

    @pytest.mark.parametrize("path", PAGES)
    def test_no_page_has_inline_script_style_or_event_handlers(self, editor_client, targets, path):
        # The admin included: Django 5.2's admin runs under this CSP unchanged.
        body = editor_client.get(fill(path, targets)).content.decode()
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
            {"username": "rita", "password": "a-long-test-password"},
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
        response = sign_in(client, "rita", "a-long-test-password")
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
        response = sign_in(client, "olivia", "a-long-test-password")
        assert response.status_code == 302

    def test_the_lock_lifts_after_the_cool_off(self, client, recruiter):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "rita", "wrong")
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
        )
        assert sign_in(client, "rita", "a-long-test-password").status_code == 302

    def test_a_success_clears_earlier_failures(self, client, recruiter):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            sign_in(client, "rita", "wrong")
        assert sign_in(client, "rita", "a-long-test-password").status_code == 302
        client.post("/accounts/logout/")
        assert sign_in(client, "rita", "wrong").status_code == 200

    def test_sign_ins_from_server_code_without_a_request_still_work(self, client, recruiter):
        # The test client's login() passes no request; django-axes cannot throttle it.
        assert client.login(username="rita", password="a-long-test-password")

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


# (path, who signs in first or None, form data): each must be refused without a CSRF token.
CSRF_POSTS = [
    ("/accounts/login/", None, {"username": "rita", "password": "a-long-test-password"}),
    ("/accounts/logout/", "recruiter", {}),
    ("/admin/login/", None, {"username": "edith", "password": "a-long-test-password"}),
    ("/admin/logout/", "editor", {}),
    ("/admin/questions/question/{question_id}/change/", "editor", {"text": "Changed?"}),
    ("/admin/questions/question/", "editor", {"action": "retire", "_selected_action": "1"}),
]


class TestCsrf:
    @pytest.mark.parametrize("path,who,data", CSRF_POSTS)
    def test_a_post_without_a_token_is_refused(
        self, request, recruiter, editor, targets, path, who, data
    ):
        client = Client(enforce_csrf_checks=True)
        if who:
            client.force_login(request.getfixturevalue(who))
        response = client.post(fill(path, targets), data)
        assert response.status_code == 403
        assert "This form has expired" in response.content.decode()
        if who:
            assert "_auth_user_id" in client.session  # still signed in: the post did nothing

    def test_htmx_requests_carry_the_token_from_the_body(self, recruiter):
        client = Client(enforce_csrf_checks=True)
        client.force_login(recruiter)
        body = client.get("/").content.decode()
        headers = json.loads(re.search(r"<body hx-headers='([^']*)'", body).group(1))
        response = client.post("/accounts/logout/", headers={**headers, "HX-Request": "true"})
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


class TestEscaping:
    @pytest.mark.parametrize("path", PAGES)
    def test_stored_and_reflected_markup_is_shown_as_text(self, editor_client, hostile, path):
        response = editor_client.get(fill(path, hostile))
        assert response.status_code == 200
        body = response.content.decode()
        assert audit(body) == []
        assert PAYLOAD not in body

    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/competencies/{competency}/",
            "/questions/{question}/",
            "/roles/{role}/",
            "/admin/questions/question/",
            "/admin/questions/question/?q={probe}",
        ],
    )
    def test_the_payload_is_really_on_the_page_escaped(self, editor_client, hostile, path):
        # Guards the test above against passing because nothing was shown at all.
        body = editor_client.get(fill(path, hostile)).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


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
ACCESS = [
    ("/", EVERYONE_WITH_A_GROUP),
    ("/competencies/{competency}/", EVERYONE_WITH_A_GROUP),
    ("/questions/{question}/", EVERYONE_WITH_A_GROUP),
    ("/roles/{role}/", EVERYONE_WITH_A_GROUP),
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

    def test_the_bank_is_open_to_all_only_when_public_browsing_is_on(
        self, client, settings, targets
    ):
        settings.PUBLIC_BROWSING = True
        assert client.get("/").status_code == 200
        assert client.get("/admin/").status_code == 302
