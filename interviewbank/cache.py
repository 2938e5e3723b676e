"""Django's Redis cache, made to fail soft: Redis being unreachable is a cache miss.

Everything the app keeps in the cache can be rebuilt from PostgreSQL (cached pieces of pages,
search results) or may start afresh (API throttle counts), so an outage of Redis slows
pages down but never turns them into error pages. After a failure the process leaves Redis
alone for RETRY_AFTER_SECONDS, so a Redis that does not answer costs one time-out now and
then rather than one per cache call. Failures are logged as warnings, at most once a minute
per process.
"""

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger("interviewbank.cache")
WARN_EVERY_SECONDS = 60
RETRY_AFTER_SECONDS = 5


def _fail_soft(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Answer with `fallback(*args)` instead of raising when Redis cannot be reached."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def wrapper(self: "FailSoftRedisCacheClient", *args: Any) -> Any:
            if time.monotonic() < self.down_until:
                return fallback(*args)
            try:
                return method(self, *args)
            except RedisError as error:
                self.failed(error)
                return fallback(*args)

        return wrapper

    return decorate


class FailSoftRedisCacheClient(RedisCacheClient):
    """The client Django's RedisCache uses, answering misses and no-ops while Redis is down."""

    down_until = 0.0
    _last_warning = float("-inf")

    def failed(self, error: RedisError) -> None:
        """Leave Redis alone for a while, and say so in the log now and then."""
        now = time.monotonic()
        self.down_until = now + RETRY_AFTER_SECONDS
        if now - FailSoftRedisCacheClient._last_warning >= WARN_EVERY_SECONDS:
            FailSoftRedisCacheClient._last_warning = now
            logger.warning("Cache unavailable, carrying on without it: %s", error)

    get = _fail_soft(lambda key, default: default)(RedisCacheClient.get)
    get_many = _fail_soft(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _fail_soft(lambda key: False)(RedisCacheClient.has_key)
    add = _fail_soft(lambda key, value, timeout: False)(RedisCacheClient.add)
    set = _fail_soft(lambda key, value, timeout: None)(RedisCacheClient.set)
    set_many = _fail_soft(lambda data, timeout: [])(RedisCacheClient.set_many)
    touch = _fail_soft(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _fail_soft(lambda key: False)(RedisCacheClient.delete)
    delete_many = _fail_soft(lambda keys: None)(RedisCacheClient.delete_many)


class FailSoftRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache` with a client that fails soft."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
