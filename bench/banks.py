"""The benchmark banks: a database of their own per size, on DATABASE_URL's server or the
project's own, generated once per generator version and reused while it is unchanged."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench import serving

ROOT = Path(__file__).resolve().parent.parent
# Files whose change means the banks must be generated again.
GENERATOR_FILES = [
    "questions/benchmarks/copying.py",
    "questions/benchmarks/fill.py",
    "questions/benchmarks/wording.py",
    "fixtures/questions.json",
    "fixtures/competencies.json",
]


class Server:
    """The PostgreSQL server the benchmark databases live on: DATABASE_URL's, or the
    project's own (kept running while this object is open)."""

    def __enter__(self) -> Server:
        self.base = os.environ.get("DATABASE_URL")
        return self

    def __exit__(self, *exc) -> None:
        pass

    def database(self, name: str) -> str:
        """A URL for database `name` on this server, created if missing."""
        if not self.base:
            sys.path.insert(0, str(ROOT))
            from interviewbank import localdb

            # This process registers with the local server, which stays up until it exits.
            return localdb.database_url(name)
        parts = urlsplit(self.base)
        if parts.path.lstrip("/") == name:
            sys.exit(f"DATABASE_URL already names {name}; point it at your usual database.")
        url = urlunsplit(parts._replace(path=f"/{name}"))
        with psycopg.connect(self.base, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return url


def prepare(url: str, env: dict[str, str], questions: int) -> dict:
    """Migrate; fill unless the database already holds this bank. Returns what was done."""
    serving.manage(env, "migrate", "--noinput", "--verbosity", "0")
    wanted = f"interviewbank bench: {questions} questions, generator {_generator_version()}"
    with psycopg.connect(url, autocommit=True) as conn:
        note = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        ).fetchone()[0]
    if note == wanted:
        print("Reusing the bank already generated.", flush=True)
        return {"reused": True, "seconds": 0.0}
    started = time.monotonic()
    serving.manage(env, "bench_data", "--questions", str(questions))
    seconds = time.monotonic() - started
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(urlsplit(url).path[1:]), sql.Literal(wanted)
            )
        )
    return {"reused": False, "seconds": round(seconds, 1)}


def _generator_version() -> str:
    digest = hashlib.sha256()
    for name in GENERATOR_FILES:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]
