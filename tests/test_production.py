"""Running in production: deploy settings, `make serve`, health checks, outages, logging.

The served-app tests start `make serve` (gunicorn, collected static files) in a subprocess
against the test database, then take the database away under it: without DATABASE_URL by
stopping and restarting the project's own PostgreSQL, with DATABASE_URL (a shared server
that must not be stopped) by cutting a TCP proxy that stands between the app and it.
"""

import contextlib
import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from django.template import loader
from django.test import Client, RequestFactory

from interviewbank import health
from interviewbank.logs import JsonFormatter
from interviewbank.middleware import database_unavailable, server_error
from questions.models import Competency

ROOT = Path(__file__).resolve().parent.parent

# Variables that change what production looks like; subprocesses start without them.
PRODUCTION_VARIABLES = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "PUBLIC_BROWSING",
    "STATIC_ROOT",
    "PORT",
}


def production_env(**extra: str) -> dict[str, str]:
    """The current environment without production switches, plus a long secret key."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_VARIABLES}
    return {"SECRET_KEY": secrets.token_urlsafe(50), **env, **extra}


def settings_in_subprocess(env: dict[str, str], *names: str) -> dict:
    """Read settings as a fresh process with this environment sees them."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "interviewbank.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


HTTPS_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
]


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` as production runs it; it must pass with no warning."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    return result


class TestDeploySettings:
    def test_check_deploy_with_production_settings_prints_no_warnings(self):
        env = production_env(
            ALLOWED_HOSTS="interviews.example.com",
            CSRF_TRUSTED_ORIGINS="https://interviews.example.com",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
            SECURE_HSTS_PRELOAD="true",
        )
        result = check_deploy(env)
        assert "System check identified no issues (0 silenced)." in result.stdout

    def test_check_deploy_is_clean_in_the_documented_production_environment(self):
        env = production_env(ALLOWED_HOSTS="interviews.example.com", SECURE_SSL_REDIRECT="false")
        result = check_deploy(env)
        assert "System check identified no issues" in result.stdout

    def test_only_switches_turned_off_on_purpose_are_silenced(self):
        values = settings_in_subprocess(production_env(), "SILENCED_SYSTEM_CHECKS")
        assert values["SILENCED_SYSTEM_CHECKS"] == ["security.W005", "security.W021"]
        values = settings_in_subprocess(
            production_env(SECURE_HSTS_INCLUDE_SUBDOMAINS="true", SECURE_SSL_REDIRECT="false"),
            "SILENCED_SYSTEM_CHECKS",
        )
        assert values["SILENCED_SYSTEM_CHECKS"] == ["security.W021", "security.W008"]

    def test_without_debug_every_https_protection_is_on_by_default(self):
        values = settings_in_subprocess(production_env(), "DEBUG", *HTTPS_SETTINGS)
        assert values == {
            "DEBUG": False,
            "SECURE_SSL_REDIRECT": True,
            "SESSION_COOKIE_SECURE": True,
            "CSRF_COOKIE_SECURE": True,
            "SECURE_HSTS_SECONDS": 31536000,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
            "SECURE_HSTS_PRELOAD": False,
            "SECURE_PROXY_SSL_HEADER": None,
        }

    def test_each_https_setting_comes_from_the_environment(self):
        env = production_env(
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
            SECURE_HSTS_PRELOAD="true",
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
            ALLOWED_HOSTS="a.example,b.example",
            CSRF_TRUSTED_ORIGINS="https://a.example",
        )
        values = settings_in_subprocess(
            env, *HTTPS_SETTINGS, "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"
        )
        assert values == {
            "SECURE_SSL_REDIRECT": False,
            "SESSION_COOKIE_SECURE": False,
            "CSRF_COOKIE_SECURE": False,
            "SECURE_HSTS_SECONDS": 3600,
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
            "SECURE_HSTS_PRELOAD": True,
            "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
            "ALLOWED_HOSTS": ["a.example", "b.example"],
            "CSRF_TRUSTED_ORIGINS": ["https://a.example"],
        }

    def test_debug_turns_the_https_protections_off_for_local_work(self):
        values = settings_in_subprocess(production_env(DEBUG="true"), *HTTPS_SETTINGS[:4])
        assert values == {
            "SECURE_SSL_REDIRECT": False,
            "SESSION_COOKIE_SECURE": False,
            "CSRF_COOKIE_SECURE": False,
            "SECURE_HSTS_SECONDS": 0,
        }


class TestHealth:
    def test_healthz_answers_without_touching_the_database(self, client):
        # No database fixture here: any query would fail the test.
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response["Cache-Control"] == "no-store"

    def test_readyz_checks_the_database_and_migrations(self, client, db):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}

    def test_no_migration_is_left_unapplied(self, db):
        assert health.unapplied_migrations() == []

    def test_readyz_is_503_while_migrations_are_pending(self, client, db, monkeypatch):
        monkeypatch.setattr(health, "_migrations_applied", False)
        monkeypatch.setattr(health, "unapplied_migrations", lambda: ["questions.0099_next"])
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["migrations"] == "pending"

    def test_readyz_is_503_when_the_database_is_unreachable(self, client, db):
        with mock.patch.object(connection, "cursor", side_effect=OperationalError("refused")):
            response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "unreachable"}
        assert "refused" not in response.content.decode()

    @pytest.mark.parametrize("path", ["/healthz", "/healthz/", "/readyz", "/readyz/"])
    def test_probes_by_ip_address_are_answered_despite_allowed_hosts(self, client, db, path):
        # Load balancers probe each server at its own address, not at the site's name.
        assert client.get("/", HTTP_HOST="10.1.2.3:8000").status_code == 400
        assert client.get(path, HTTP_HOST="10.1.2.3:8000").status_code == 200

    def test_probes_are_not_redirected_to_https(self, db, settings):
        settings.SECURE_SSL_REDIRECT = True
        assert Client().get("/healthz").status_code == 200

    def test_probes_need_no_sign_in(self, client, db, settings):
        settings.PUBLIC_BROWSING = False
        assert client.get("/").status_code == 302
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


class TestErrorPages:
    @pytest.mark.parametrize(
        "template,heading",
        [
            ("400.html", "That request could not be understood"),
            ("403.html", "You cannot open this page"),
            ("404.html", "We could not find that page"),
            ("500.html", "Something went wrong on our side"),
            ("503.html", "Interview Bank is briefly unavailable"),
        ],
    )
    def test_each_error_page_renders_in_the_site_style_without_a_request(self, template, heading):
        # Django renders 500 without a request context; 503 is rendered the same way.
        body = loader.get_template(template).render()
        assert heading in body
        assert 'class="site-header"' in body
        assert "questions/site.css" in body

    def test_the_favicon_browsers_ask_for_is_there_without_signing_in(self, client, db):
        response = client.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"] == "/static/questions/favicon.svg"

    def test_an_unknown_page_is_the_site_404(self, recruiter_client):
        response = recruiter_client.get("/no-such-page/")
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()

    def test_a_crash_is_the_site_500_without_a_stack_trace(self, recruiter, db):
        client = Client(raise_request_exception=False)
        client.force_login(recruiter)
        with mock.patch.object(Competency.objects, "annotate", side_effect=ValueError("boom")):
            response = client.get("/")
        assert response.status_code == 500
        body = response.content.decode()
        assert "Something went wrong on our side" in body
        assert "Traceback" not in body
        assert "boom" not in body


class TestDatabaseOutageInProcess:
    @pytest.mark.parametrize(
        "error",
        [
            OperationalError("server closed the connection unexpectedly"),
            InterfaceError("connection already closed"),
        ],
    )
    def test_a_page_whose_database_is_gone_is_the_site_503(self, recruiter_client, error):
        with mock.patch.object(Competency.objects, "annotate", side_effect=error):
            response = recruiter_client.get("/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        body = response.content.decode()
        assert "Interview Bank is briefly unavailable" in body
        assert "Traceback" not in body
        assert "closed" not in body

    def test_the_outage_is_logged_with_its_context(self, recruiter_client, caplog):
        error = OperationalError("server closed the connection unexpectedly")
        with (
            mock.patch.object(Competency.objects, "annotate", side_effect=error),
            caplog.at_level(logging.ERROR, logger="interviewbank.database"),
        ):
            recruiter_client.get("/")
        [record] = [r for r in caplog.records if r.name == "interviewbank.database"]
        assert (record.method, record.path) == ("GET", "/")
        assert record.exc_info[1] is error

    def test_an_outage_outside_a_view_is_still_a_503(self, rf: RequestFactory):
        try:
            raise InterfaceError("connection already closed")
        except InterfaceError:
            response = server_error(rf.get("/competencies/strategy/"))
        assert response.status_code == 503
        assert "briefly unavailable" in response.content.decode()

    def test_any_other_crash_outside_a_view_is_still_a_500(self, rf: RequestFactory):
        try:
            raise ValueError("boom")
        except ValueError:
            response = server_error(rf.get("/"))
        assert response.status_code == 500

    def test_the_api_gets_a_json_503(self, rf: RequestFactory):
        response = database_unavailable(rf.get("/api/v1/questions/"), OperationalError("x"))
        assert response.status_code == 503
        assert json.loads(response.content)["detail"].startswith("The service is briefly")


class TestRequestLog:
    def test_each_request_logs_method_path_status_duration_and_user(
        self, recruiter_client, recruiter, strategy, caplog
    ):
        with caplog.at_level(logging.INFO, logger="interviewbank.request"):
            recruiter_client.get("/competencies/strategy/?level=senior")
        [record] = [r for r in caplog.records if r.name == "interviewbank.request"]
        assert record.getMessage() == "GET /competencies/strategy/ 200"
        assert (record.method, record.path, record.status) == (
            "GET",
            "/competencies/strategy/",
            200,
        )
        assert record.user_id == recruiter.pk
        assert isinstance(record.duration_ms, float)
        assert record.duration_ms >= 0

    def test_anonymous_requests_log_no_user(self, client, db, caplog):
        with caplog.at_level(logging.INFO, logger="interviewbank.request"):
            client.get("/")
        [record] = [r for r in caplog.records if r.name == "interviewbank.request"]
        assert (record.status, record.user_id) == (302, None)

    def test_a_record_is_one_line_of_json(self, recruiter_client, caplog):
        with caplog.at_level(logging.INFO, logger="interviewbank.request"):
            recruiter_client.get("/")
        [record] = [r for r in caplog.records if r.name == "interviewbank.request"]
        line = JsonFormatter().format(record)
        assert "\n" not in line
        entry = json.loads(line)
        assert entry["level"] == "INFO"
        assert entry["logger"] == "interviewbank.request"
        assert {"time", "method", "path", "status", "duration_ms", "user_id"} <= entry.keys()

    def test_errors_carry_the_request_and_the_traceback(self, rf: RequestFactory):
        request = rf.post("/questions/x/?secret=1")
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.getLogger("django.request").makeRecord(
                "django.request",
                logging.ERROR,
                __file__,
                1,
                "Internal Server Error: %s",
                (request.path,),
                sys.exc_info(),
                extra={"status_code": 500, "request": request},
            )
        entry = json.loads(JsonFormatter().format(record))
        assert entry["message"] == "Internal Server Error: /questions/x/"
        assert (entry["method"], entry["path"], entry["status_code"]) == (
            "POST",
            "/questions/x/",
            500,
        )
        assert entry["user_id"] is None
        assert "ValueError: boom" in entry["exc_info"]
        assert "secret" not in json.dumps(entry)

    def test_the_log_goes_to_stderr_as_json(self):
        from django.conf import settings

        assert settings.LOGGING["handlers"]["console"]["class"] == "logging.StreamHandler"
        assert "stream" not in settings.LOGGING["handlers"]["console"]  # stderr by default
        assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"


# --- The app served the production way -------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TcpProxy:
    """A loopback TCP proxy to the database that can be cut and restored, like a network."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Refuse new connections and drop every open one."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not, and
            # the socket would go on accepting.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in [(client, upstream), (upstream, client)]:
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


def database_url(db: dict) -> str:
    """A DATABASE_URL for these connection settings (a Unix socket directory or host:port)."""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    if db["HOST"].startswith("/"):
        where = quote(db["HOST"], safe="")
    else:
        where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{quote(db['USER'], safe='')}{password}@{where}/{db['NAME']}"


# transaction=True: the test database must exist, but no test transaction may hold this
# process's connection while another process (or an outage) uses the database.
@pytest.mark.django_db(transaction=True)
def test_app_servers_started_together_take_turns_to_migrate(django_db_blocker):
    from questions.management.commands.migrate_locked import MIGRATION_LOCK_ID

    with django_db_blocker.unblock():
        db = dict(connection.settings_dict)
        holder = connections.create_connection("default")  # a second session: another server
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
        try:
            waiting = subprocess.Popen(
                [sys.executable, "manage.py", "migrate_locked", "--noinput"],
                cwd=ROOT,
                env=production_env(DATABASE_URL=database_url(db)),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            with pytest.raises(subprocess.TimeoutExpired):
                waiting.wait(timeout=3)  # blocked behind the other server's lock
        finally:
            with holder.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
            holder.close()
        output, _ = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, output
    assert "No migrations to apply." in output


class Outage:
    """Takes the served app's database away and brings it back."""

    database_url: str
    how: str

    def begin(self) -> None:
        raise NotImplementedError

    def end(self) -> None:
        raise NotImplementedError


class LocalServerOutage(Outage):
    """Stops and restarts the project's own PostgreSQL (the default `make test`)."""

    how = "the local PostgreSQL server stopped"

    def __init__(self, db: dict) -> None:
        self.database_url = database_url(db)

    def begin(self) -> None:
        from interviewbank import localdb

        connections.close_all()  # this process's own connection would die with the server
        localdb.stop()

    def end(self) -> None:
        from interviewbank import localdb

        localdb.start()
        connections.close_all()


class ProxyOutage(Outage):
    """Cuts a proxy between the app and a shared server, which must not be stopped."""

    how = "the network to the database cut"

    def __init__(self, db: dict) -> None:
        self.proxy = TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
        self.database_url = database_url({**db, "HOST": "127.0.0.1", "PORT": self.proxy.port})

    def begin(self) -> None:
        self.proxy.cut()

    def end(self) -> None:
        self.proxy.restore()


class ServedApp:
    """`make serve` running in a subprocess, and a way to ask it for pages."""

    def __init__(self, port: int, log_path: Path, outage: Outage) -> None:
        self.port = port
        self.log_path = log_path
        self.outage = outage

    def get(self, path: str, **headers: str) -> tuple[HTTPResponse, bytes]:
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def log_lines(self) -> list[dict]:
        lines = []
        for line in self.log_path.read_text().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[ServedApp]:
    with django_db_blocker.unblock():
        db = dict(connection.settings_dict)
    outage: Outage = ProxyOutage(db) if os.environ.get("DATABASE_URL") else LocalServerOutage(db)
    port = free_port()
    folder = tmp_path_factory.mktemp("served")
    log_path = folder / "stderr.log"
    env = production_env(
        DATABASE_URL=outage.database_url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        PUBLIC_BROWSING="true",
        STATIC_ROOT=str(folder / "static"),
        PORT=str(port),
        BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        DATABASE_CONNECT_TIMEOUT="3",
    )
    with open(log_path, "w") as stderr:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, so make and gunicorn stop together
        )
    app = ServedApp(port, log_path, outage)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log_path.read_text()
            try:
                if app.get("/healthz")[0].status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.3)
        yield app
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop make and the gunicorn it started (their own group), politely then firmly."""
    for sig, wait in [(signal.SIGTERM, 30), (signal.SIGKILL, 10)]:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.mark.django_db(transaction=True)
class TestServed:
    def test_it_serves_pages_and_answers_the_probes(self, served):
        assert served.get("/")[0].status == 200
        assert served.get("/healthz")[0].status == 200
        response, body = served.get("/readyz")
        assert response.status == 200
        assert json.loads(body)["migrations"] == "ok"

    def test_static_files_have_hashed_names_long_cache_headers_and_compression(self, served):
        _, page = served.get("/")
        match = re.search(rb'href="(/static/questions/site\.[0-9a-f]{12}\.css)"', page)
        assert match, page[:500]
        response, _ = served.get(match.group(1).decode(), **{"Accept-Encoding": "gzip"})
        assert response.status == 200
        cache = response.getheader("Cache-Control")
        assert "max-age=315360000" in cache
        assert "immutable" in cache
        assert response.getheader("Content-Encoding") == "gzip"

    def test_the_favicon_points_at_its_hashed_static_file(self, served):
        response, _ = served.get("/favicon.ico")
        location = response.getheader("Location")
        assert re.fullmatch(r"/static/questions/favicon\.[0-9a-f]{12}\.svg", location)
        response, _ = served.get(location)
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("image/svg+xml")

    def test_each_request_is_one_json_line_on_stderr(self, served):
        served.get("/competencies/anything/?q=private")
        time.sleep(0.2)
        lines = [e for e in served.log_lines() if e.get("logger") == "interviewbank.request"]
        entry = next(e for e in lines if e["path"] == "/competencies/anything/")
        assert (entry["method"], entry["status"], entry["user_id"]) == ("GET", 404, None)
        assert entry["duration_ms"] >= 0

    def test_when_the_database_goes_away_pages_are_503_and_come_back_by_themselves(self, served):
        assert served.get("/")[0].status == 200  # the worker now holds a live connection
        served.outage.begin()
        try:
            response, body = served.get("/")
            assert response.status == 503, (served.outage.how, body[:300])
            assert b"Interview Bank is briefly unavailable" in body
            assert b"Traceback" not in body
            assert response.getheader("Retry-After") == "30"
            response, body = served.get("/readyz")
            assert response.status == 503
            assert json.loads(body)["database"] == "unreachable"
            assert served.get("/healthz")[0].status == 200
        finally:
            served.outage.end()
        response, body = served.get("/")
        assert response.status == 200, body[:300]
        assert served.get("/readyz")[0].status == 200
        time.sleep(0.2)
        logged = served.log_lines()
        assert any(e.get("logger") == "interviewbank.database" and "exc_info" in e for e in logged)
        assert any(
            e.get("logger") == "interviewbank.request" and e["path"] == "/" and e["status"] == 503
            for e in logged
        )


@pytest.mark.parametrize("target", ["run", "test", "serve", "lint", "backup", "bench"])
def test_the_make_targets_are_well_formed(target):
    """`make -n` reads the Makefile and prints what a target would run, running nothing."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target, "PORT=8123"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    if target == "run":
        assert "runserver 127.0.0.1:8123" in result.stdout
