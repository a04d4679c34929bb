"""Older pages: their `?before=` links work for any time a post can show, and only the
positions the app links to are kept in the page cache."""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liveblog.domain.posts import delete_post
from liveblog.live.page_cache import page_key, page_variant
from liveblog.live.positions import before_token
from liveblog.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1968, 5, 13, 7, 45, 30, 250_000, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
        datetime(5139, 1, 1, 6, 30, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_the_older_posts_link_works_for_a_post_shown_before_1970_or_after_5138(
    client, session, make_post, settings, moment
):
    settings.LIVEBLOG_PAGE_SIZE = 1
    newest = make_post(session, title="Le plus récent")
    oldest = make_post(session, title="Le plus ancien")
    newest.published_at = moment
    newest.save()
    oldest.published_at = moment.replace(year=moment.year - 1)
    oldest.save()

    first = client.get(session.get_absolute_url())
    assert first.context["older"] == before_token(newest)
    older = client.get(session.get_absolute_url(), {"before": first.context["older"]})

    assert older.status_code == 200
    assert [post.title for post in older.context["posts"]] == ["Le plus ancien"]
    api = client.get(f"/api/lives/{session.slug}/posts/", {"limit": 1}).json()
    assert client.get(api["next"]).status_code == 200


def kept(session, before: str) -> bool:
    session.refresh_from_db()
    key = page_key(
        session.pk, session.created_at, session.last_seq, page_variant({"before": before})
    )
    return cache.get(key) is not None


def test_only_the_positions_the_app_links_to_are_kept_in_the_page_cache(
    client, session, make_post, settings
):
    settings.LIVEBLOG_PAGE_SIZE = 1
    for minute in range(3):
        make_post(session, title=f"Point {minute}", minutes=minute)
    linked = client.get(session.get_absolute_url()).context["older"]
    assert kept(session, "")

    made_up = [f"{1_761_028_200_000_007 + n}-{n + 1}" for n in range(20)]
    for token in made_up:
        assert client.get(session.get_absolute_url(), {"before": token}).status_code == 200
    assert not any(kept(session, token) for token in made_up), "served, not kept"

    client.get(session.get_absolute_url(), {"before": linked})
    with CaptureQueriesContext(connection) as queries:
        client.get(session.get_absolute_url(), {"before": linked})
    assert kept(session, linked)
    assert len(queries) == 2, "the position and the check that the app links to it"


def test_a_position_of_a_deleted_post_is_not_kept(client, session, make_post):
    post = make_post(session, title="Retiré")
    token = before_token(post)
    delete_post(post=post, by=post.author)
    client.get(session.get_absolute_url(), {"before": token})
    assert not kept(session, token)
    assert not Post.objects.published().exists()
