"""The machine's services that some tests need, and whether they answer.

A test that needs one carries a marker (`needs_postgres`, `needs_redis`,
`needs_redis_program`); tests/conftest.py skips it, with the reason below, when the
service does not answer, and fails it instead under LIVEBLOG_REQUIRE_SERVICES=1 (CI).
"""

import functools
import os
import shutil
import socket

import pytest

POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = ("127.0.0.1", 6379)
REQUIRE = "LIVEBLOG_REQUIRE_SERVICES"


@functools.cache
def postgres_missing() -> str:
    """Why PostgreSQL cannot be used, or "" when it answers."""
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=5) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0]
        return f"PostgreSQL does not answer at {POSTGRES} ({first_line})"
    return ""


@functools.cache
def redis_missing() -> str:
    """Why the Redis server cannot be used, or "" when it answers PING."""
    host, port = REDIS
    try:
        with socket.create_connection(REDIS, timeout=5) as connection:
            connection.sendall(b"PING\r\n")
            answer = connection.recv(64)
    except OSError as error:
        return f"Redis does not answer at {host}:{port} ({error})"
    if not answer.startswith(b"+PONG"):
        return f"Redis at {host}:{port} answered {answer!r} to PING"
    return ""


@functools.cache
def redis_program_missing() -> str:
    """Why a test cannot start a Redis of its own, or "" when it can."""
    if shutil.which("redis-server") is None:
        return "the redis-server program is not on PATH (the test starts and stops its own Redis)"
    return ""


MARKERS = {
    "needs_postgres": postgres_missing,
    "needs_redis": redis_missing,
    "needs_redis_program": redis_program_missing,
}


def missing_service(reason: str):
    """For a test that finds out late that its service is absent: skipped on a developer's
    machine, failed in CI (LIVEBLOG_REQUIRE_SERVICES=1), like the marked tests."""
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason}; {REQUIRE}=1 allows no skip", pytrace=False)
    pytest.skip(reason)
