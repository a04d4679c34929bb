"""Faults on the busiest night: the database refusing writes when a journalist publishes,
a server process killed under its readers, Redis stopped and started while posts go out.

Redis stopped and started with readers in this process: tests/test_delivery_outage.py
(nothing lost, in order, once, and the desk told delivery is delayed). Here the same
with real server processes.
"""

import contextlib
import html
import sqlite3

import psycopg
import pytest
from django.db import connection

from liveblog.models import Draft, Post
from tests.test_desk import composer_data, paragraph

UNAVAILABLE = "La base de données de la rédaction ne répond pas : rien n'a été enregistré."


@contextlib.contextmanager
def writes_refused():
    """Another connection holds the database's write lock; ours gives up after half a second.

    That is how a database that stops taking writes looks to the app: SQLite "database
    is locked", PostgreSQL a lock timeout. Both are bounded, and both are real."""
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    connection.close()
    if connection.vendor == "sqlite":
        options["timeout"] = 0.5
        holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        options["options"] = "-c lock_timeout=500"
        params = connection.get_connection_params()
        holder = psycopg.connect(**{k: v for k, v in params.items() if k != "options"})
        # Readers may still read (the desk renders); nobody may write a post.
        holder.execute("LOCK TABLE liveblog_post IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()
        connection.close()
        options.clear()
        options.update(saved)


@pytest.mark.django_db(transaction=True)
def test_journalist_publishing_while_the_database_refuses_writes_keeps_the_post_and_draft(
    client, session, journalist
):
    session.journalists.add(journalist)
    client.force_login(journalist)
    typed = composer_data(
        paragraph("Amina Diallo franchit la ligne en 2 h 21 min 08 s."),
        title="Arrivée de la tête de course",
    )
    client.post(f"/editor/{session.slug}/autosave/", typed)
    assert Draft.objects.filter(user=journalist).exists()

    with writes_refused():
        refused = client.post(f"/editor/{session.slug}/posts/new/", typed)
        page = html.unescape(refused.content.decode())
        assert refused.status_code == 503
        assert UNAVAILABLE in page
        assert "Arrivée de la tête de course" in page, "the title as typed"
        assert "Amina Diallo franchit la ligne en 2 h 21 min 08 s." in page, "the text as typed"

        htmx = client.post(f"/editor/{session.slug}/posts/new/", typed, HTTP_HX_REQUEST="true")
        assert htmx.status_code == 503, "the desk's htmx config swaps this answer in"
        assert UNAVAILABLE in html.unescape(htmx.content.decode())

    assert not Post.objects.exists(), "nothing half-published"
    assert Draft.objects.filter(user=journalist).exists(), "the autosaved draft is still there"
    published = client.post(f"/editor/{session.slug}/posts/new/", typed)
    assert published.status_code == 302
    assert Post.objects.published().get().title == "Arrivée de la tête de course"
