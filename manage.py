#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def load_local_environment() -> None:
    """Read the checkout's `.env` (written by `make run`) for variables not already set.

    It holds local development settings (DEBUG=true and a generated SECRET_KEY), so every
    `manage.py` command typed beside `make run` works with nothing exported. Only manage.py
    reads it: the test suite and gunicorn take their settings from the environment alone,
    and `make serve` sets DJANGO_ENV_FILE to nothing so production ignores it too.
    """
    from dotenv import load_dotenv

    env_file = os.environ.get("DJANGO_ENV_FILE", str(Path(__file__).resolve().parent / ".env"))
    if env_file:
        load_dotenv(env_file, override=False)


def main() -> None:
    load_local_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewbank.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
