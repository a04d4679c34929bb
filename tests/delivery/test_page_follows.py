"""What the live page gives live.js: its position, the button's words, the sort keys."""

import re

import pytest

from liveblog.models import Event

pytestmark = pytest.mark.django_db


def test_live_page_carries_its_position_and_the_live_script(client, session, make_post):
    make_post(session)
    html = client.get(session.get_absolute_url()).content.decode()
    assert f'data-seq="{session.last_seq}"' in html
    assert '<script type="module" src="/static/liveblog/live.js"></script>' in html
    assert re.search(r'<p class="visually-hidden" id="live-announcer" aria-live="polite"', html)


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("fr", "1 nouvelle publication", "2 nouvelles publications"),
        ("en", "1 new post", "2 new posts"),
    ],
)
def test_new_posts_button_is_worded_in_the_live_language(client, make_session, language, one, many):
    session = make_session(language=language)
    html = client.get(session.get_absolute_url()).content.decode()
    button = re.search(r'<button type="button" class="new-posts"[^>]*>', html)[0]
    assert " hidden " in button, "nothing waits behind the button yet"
    assert f'data-one="{one}"' in button
    assert f'data-many="{many}"' in button


def test_posts_on_the_page_sort_like_the_posts_that_arrive_live(client, session, make_post):
    early = make_post(session, title="Départ", minutes=0)
    late = make_post(session, title="Arrivée", minutes=130)
    html = client.get(session.get_absolute_url()).content.decode()
    for post in (early, late):
        sort = Event.objects.get(post=post, kind="post.published").data["sort"]
        assert f'id="post-{post.pk}" data-sort="{sort}"' in html
    assert html.index(f'id="post-{late.pk}"') < html.index(f'id="post-{early.pk}"')


def test_pinned_section_is_in_the_page_even_when_empty_so_a_pin_can_arrive_live(
    client, session, make_post
):
    make_post(session)
    html = client.get(session.get_absolute_url()).content.decode()
    assert re.search(r'<section class="pinned" id="pinned" [^>]*hidden>', html)
