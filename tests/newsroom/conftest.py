"""The newsroom around the desk: audience counts, desk notes. Counts start from nothing."""

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from liveblog.delivery import audience_count


@pytest.fixture(autouse=True)
def no_counts_from_other_tests():
    counts = audience_count.board()
    counts.clear()
    yield
    counts.clear()


@pytest.fixture(autouse=True)
async def close_database_connections():
    yield
    # Consumers reach the database from the executor's thread; PostgreSQL keeps
    # that connection open and would block dropping the test database. Only closed: a
    # test without the database (the two servers' test) may not touch a connection an
    # earlier test left there, as `database_sync_to_async` would to check it first.
    await sync_to_async(connections.close_all)()
