"""The live page is rendered once per event: between two events readers get the same page
from the cache for one small query, and any change readers can see shows on the next load."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liveblog.domain.posts import delete_post, record_edit, set_pinned
from liveblog.domain.sessions import update_header
from liveblog.resilient_cache import ResilientCache
from tests.helpers.servers import free_port

pytestmark = pytest.mark.django_db


def load(client, session) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_second_reader_between_two_posts_costs_one_query(client, session, make_post):
    make_post(session, title="Le départ est donné")
    first, first_queries = load(client, session)
    again, queries = load(client, session)
    assert again == first
    assert queries == 1 < first_queries


def test_a_post_published_after_the_page_was_kept_shows_on_the_next_load(
    client, session, make_post
):
    make_post(session, title="Le départ est donné")
    load(client, session)
    make_post(session, title="Premier ravitaillement", minutes=20)
    html, _queries = load(client, session)
    assert "Premier ravitaillement" in html
    assert f'data-seq="{session.last_seq}"' in html


def test_an_edit_a_pin_and_a_deletion_show_on_the_next_load(client, session, make_post, editor):
    post = make_post(session, title="Le peloton passe le pont")
    load(client, session)

    post.title = "Le peloton passe le pont de pierre"
    post.save()
    record_edit(post=post, by=editor)
    assert "pont de pierre" in load(client, session)[0]

    set_pinned(post=post, pinned=True, by=editor)
    assert 'id="pinned"' in load(client, session)[0]

    delete_post(post=post, by=editor)
    assert "pont de pierre" not in load(client, session)[0]


def test_a_new_headline_shows_on_the_next_load(client, session, editor):
    load(client, session)
    update_header(session=session, by=editor, headline="Victoire au sprint sur le quai")
    assert "Victoire au sprint sur le quai" in load(client, session)[0]


def test_older_pages_are_kept_apart_from_the_latest(client, session, make_post, settings):
    settings.LIVEBLOG_PAGE_SIZE = 2
    for minute in range(5):
        make_post(session, title=f"Kilomètre {minute}", minutes=minute)
    latest, _queries = load(client, session)
    older = client.get(session.get_absolute_url() + "?before=1-1")
    assert older.status_code == 200
    assert older.content.decode() != latest
    assert "Kilomètre 4" in latest


def test_a_malformed_older_link_is_still_refused(client, session):
    assert client.get(session.get_absolute_url() + "?before=hier").status_code == 400


def test_an_unreachable_shared_cache_is_a_miss_and_nothing_is_kept_in_one_process(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    cache = ResilientCache("a page of the test")
    cache.set("page", "<html>", 60)
    assert cache.get("page", "miss") == "miss"
    assert cache.add("page", "<html>", 60) is False
    assert "served without it" in caplog.text
    # Each server process would answer its own way: the shared cache is the only one.
    with pytest.raises(TypeError):
        ResilientCache("failed logins", fallback=True)
