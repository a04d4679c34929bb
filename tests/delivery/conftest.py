"""Delivery tests reach the database from the consumers' executor threads."""

import pytest
from channels.db import database_sync_to_async
from django.db import connections

db = database_sync_to_async


@pytest.fixture(autouse=True)
async def close_database_connections():
    yield
    # Consumers reach the database from the executor's thread; PostgreSQL keeps
    # that connection open (CONN_MAX_AGE) and would block dropping the test database.
    await db(connections.close_all)()
