"""Configuration: the database in use and settings read from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_the_database_is_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert cursor.fetchone()[0].startswith("PostgreSQL")


def test_without_database_url_the_project_runs_its_own_server():
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is set: the suite uses that server")
    assert settings.DATABASES["default"]["HOST"].startswith("/")  # a Unix socket
    assert settings.DATABASES["default"]["NAME"] in {"interviewbank", "test_interviewbank"}


def test_with_database_url_that_server_is_used():
    if not os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is not set")
    import dj_database_url

    expected = dj_database_url.parse(os.environ["DATABASE_URL"])
    assert settings.DATABASES["default"]["HOST"] == expected["HOST"]


def test_database_connections_are_persistent_and_health_checked():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def _settings_in_subprocess(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('ok')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "interviewbank.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_secret_key_without_debug_stops_start_up():
    result = _settings_in_subprocess({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "value,expected", [("true", True), ("1", True), ("Yes", True), ("false", False), ("", False)]
)
def test_env_bool_reads_common_spellings(monkeypatch, value, expected):
    from interviewbank.environment import env_bool

    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG") is expected


def test_env_list_splits_on_commas(monkeypatch):
    from interviewbank.environment import env_list

    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS") == ["a.example", "b.example"]
