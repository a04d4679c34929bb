"""The shared cache (Redis when REDIS_URL is set) as the pages and the login use it: an
unreachable cache is a miss, never an error page.

Redis down must only delay live delivery. Every call here that fails counts as a miss,
is logged once per outage, and for `RETRY_AFTER` seconds the shared cache is not asked
again, so a dead Redis does not cost each request a failed connection. Nothing is kept in
the process instead: server processes would each answer their own way (failed logins are
counted in the database, by django-axes).
"""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0


class ResilientCache:
    """`get`, `set`, `add`, `incr`, `delete` on the default cache, each answering like a
    miss when it fails."""

    # Every instance, so that tests can start each case with no outage remembered.
    instances: list["ResilientCache"] = []

    def __init__(self, name: str):
        ResilientCache.instances.append(self)
        self.name = name
        self._down_until = 0.0

    def _call(self, method: str, *args, miss=None):
        if time.monotonic() >= self._down_until:
            try:
                answer = getattr(caches["default"], method)(*args)
            except ValueError:
                raise  # an answer, not an outage: `incr` of a key that is not there
            except Exception as error:
                if not self._down_until:
                    log.warning(
                        "shared cache unreachable (%s): %s served without it", error, self.name
                    )
                self._down_until = time.monotonic() + RETRY_AFTER
            else:
                if self._down_until:
                    log.info("shared cache reachable again: %s uses it", self.name)
                    self._down_until = 0.0
                return answer
        return miss

    def get(self, key: str, default=None):
        return self._call("get", key, default, miss=default)

    def set(self, key: str, value, timeout: float) -> None:
        self._call("set", key, value, timeout)

    def add(self, key: str, value, timeout: float) -> bool:
        return self._call("add", key, value, timeout, miss=False)

    def incr(self, key: str) -> int | None:
        return self._call("incr", key)

    def delete(self, key: str) -> None:
        self._call("delete", key)

    def forget_outage(self) -> None:
        self._down_until = 0.0


class PooledRedisCache(RedisCache):
    """Django's Redis cache with one connection pool per process and server. Django makes a
    cache object per request context (`caches` is context-local) and each made its own pool:
    under ASGI every request that touched the cache opened a new Redis connection (connect
    and handshake: 11% of a trivial request's CPU samples on one uvicorn process)."""

    _pools: dict[tuple, dict] = {}

    @cached_property
    def _cache(self):
        client = super()._cache
        shared = (tuple(self._servers), repr(sorted(self._options.items())))
        client._pools = PooledRedisCache._pools.setdefault(shared, {})
        return client
