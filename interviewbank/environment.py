"""Reading settings from the environment: yes/no flags, lists, numbers and database URLs."""

import os

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no variable: 1, true, yes and on (any case) mean yes."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Read a comma-separated variable into a list, ignoring blanks."""
    value = os.environ.get(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a whole number, or the default when the variable is unset or blank."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def database_options() -> dict:
    """psycopg options for every database alias.

    Prepared statements: a query run a few times on a connection is kept prepared there, so
    PostgreSQL stops parsing and planning it again. What every page runs (the session, the
    signed-in person with their permissions, the bank version) costs a third as much that
    way. Queries that depend on their values' plans or on planner settings ask for a fresh
    plan each time (see questions/search/vocabulary.py). A connection pooler in transaction
    mode must support them (PgBouncer 1.21+ with `max_prepared_statements`), or set
    DATABASE_PREPARED_STATEMENTS=false.
    """
    options = {"connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 5)}
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # Only queries whose parameters the server binds can be prepared; psycopg's own
        # threshold, so one-off queries are not.
        options.update(server_side_binding=True, prepare_threshold=5)
    return options


def database(url: str) -> dict:
    """One database alias: the URL's server and options, persistent health-checked
    connections, and the options every alias shares."""
    settings = dj_database_url.parse(
        url, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), **database_options()}
    return settings
