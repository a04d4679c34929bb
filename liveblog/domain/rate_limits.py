"""Counting what anonymous readers send, in the shared cache, per time window.

Fails open: if the cache is down a reader is let through (the database and the person
deciding still stand between them and the page); refusing every reader because Redis
blinked would be worse than a few extra questions or votes.
"""

import logging

from django.core.cache import cache

log = logging.getLogger(__name__)


def within_limit(key: str, *, limit: int, seconds: int) -> bool:
    """Counts one more under `key`; False once more than `limit` were counted in the window."""
    name = f"rate:{key}"
    try:
        if cache.add(name, 1, seconds):
            return True
        return cache.incr(name) <= limit
    except ValueError:
        # The key expired between add and incr: this is the first of a new window.
        return True
    except Exception:  # any cache failure: fail open, and say so in the log
        log.warning("rate limit %s not checked: the cache is not answering", key, exc_info=True)
        return True
