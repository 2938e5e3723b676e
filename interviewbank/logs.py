"""Log records as JSON lines, the format log collectors read without a custom parser.

Needs no Django settings: gunicorn's master process uses this formatter too, before
Django is set up.
"""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

# A share link opens its kit to whoever has it, so logs keep the fact of a visit, not the key.
_SHARE_TOKEN = re.compile(r"(/kits/shared/)[^/\s\"'?]+")
SHARE_TOKEN_MASK = r"\1[token]"

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, then the record's extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key == "request":
                # Django's own loggers attach the request: keep what identifies it, not
                # the object (whose repr could carry headers or form data).
                entry.update(_describe_request(value))
            else:
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        line = json.dumps(entry, default=str, ensure_ascii=False)
        return _SHARE_TOKEN.sub(SHARE_TOKEN_MASK, line)


def _describe_request(request: Any) -> dict[str, Any]:
    """Method, path and user id of a Django request, without touching the database."""
    described: dict[str, Any] = {}
    for key, attribute in [("method", "method"), ("path", "path")]:
        value = getattr(request, attribute, None)
        if value is not None:
            described[key] = value
    described["user_id"] = loaded_user_id(request)
    return described


def loaded_user_id(request: Any) -> int | None:
    """The signed-in user's id if this request already looked the user up, else None.

    Never triggers the lookup itself: it would cost a query on every request, and fail
    while the database is away.
    """
    from django.utils.functional import empty

    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", user)  # request.user is a lazy object
    if wrapped is None or wrapped is empty:
        return None
    if not getattr(wrapped, "is_authenticated", False):
        return None
    return getattr(wrapped, "pk", None)
