"""The desk's tests: a live the journalist is assigned to, and her logged-in client."""

import pytest


@pytest.fixture
def assigned(session, journalist):
    session.journalists.add(journalist)
    return session


@pytest.fixture
def jclient(client, journalist):
    client.force_login(journalist)
    return client
